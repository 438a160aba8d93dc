"""Gold questions: loading and validating the JSONL files in eval/gold/ (format in eval/README.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

#: Question types, as in eval/gold/README.md.
TYPES = ("fact", "finding", "compare", "multi", "numeric", "unanswerable", "false_premise", "followup")

GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_GOLD = GOLD_DIR / "seeds.jsonl"

_REQUIRED = ("id", "type", "question")
_KNOWN = {"id", "type", "question", "history", "quotes", "keys", "notes", "docs", "answer"}


class GoldError(ValueError):
    """A gold file cannot be used; the message names the file, the line and the field."""


@dataclass(frozen=True)
class Quote:
    doc: str  # path relative to the corpus folder, as ingestion names documents
    text: str


@dataclass(frozen=True)
class GoldQuestion:
    """One gold question. ``quotes`` is the verbatim evidence; ``docs`` names source documents
    for questions scored by document rather than by quote (the generated ILACS set)."""

    id: str
    type: str
    question: str
    history: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    keys: tuple[str, ...] = ()
    notes: str = ""
    docs: tuple[str, ...] = ()
    answer: str = ""  # the expected answer in words (optional; shown in the report)
    source: str = ""  # the gold file it came from

    @property
    def sources(self) -> tuple[str, ...]:
        """Every document this question's evidence comes from: quote documents, then ``docs``."""
        return tuple(dict.fromkeys([q.doc for q in self.quotes] + list(self.docs)))

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    def to_json(self) -> dict:
        return {"id": self.id, "type": self.type, "question": self.question, "history": list(self.history),
                "quotes": [{"doc": q.doc, "text": q.text} for q in self.quotes], "keys": list(self.keys),
                "docs": list(self.docs), "answer": self.answer, "notes": self.notes, "source": self.source}


def parse_question(obj: object, where: str) -> GoldQuestion:
    """Validate one decoded JSON line; ``where`` ("file:line") prefixes every error message.

    Raises:
        GoldError: a field is missing, has the wrong type, or names an unknown question type.
    """
    if not isinstance(obj, dict):
        raise GoldError(f"{where}: expected a JSON object")
    for name in _REQUIRED:
        if not isinstance(obj.get(name), str) or not obj[name].strip():
            raise GoldError(f"{where}: field {name!r} must be a non-empty string")
    unknown = set(obj) - _KNOWN
    if unknown:
        raise GoldError(f"{where}: unknown field(s) {sorted(unknown)}; known: {sorted(_KNOWN)}")
    if obj["type"] not in TYPES:
        raise GoldError(f"{where}: field 'type' is {obj['type']!r}; expected one of {', '.join(TYPES)}")
    history = _strings(obj.get("history", []), "history", where)
    keys = _strings(obj.get("keys", []), "keys", where)
    docs = _strings(obj.get("docs", []), "docs", where)
    quotes_raw = obj.get("quotes", [])
    if not isinstance(quotes_raw, list):
        raise GoldError(f"{where}: field 'quotes' must be a list of {{doc, text}} objects")
    quotes = []
    for i, q in enumerate(quotes_raw):
        if not (isinstance(q, dict) and isinstance(q.get("doc"), str) and isinstance(q.get("text"), str)
                and q["doc"].strip() and q["text"].strip()):
            raise GoldError(f"{where}: quotes[{i}] must be an object with non-empty 'doc' and 'text' strings")
        quotes.append(Quote(q["doc"], q["text"]))
    if obj["type"] != "unanswerable" and not quotes and not docs:
        raise GoldError(f"{where}: a {obj['type']} question needs 'quotes' or 'docs' to score retrieval")
    for name in ("notes", "answer"):
        if not isinstance(obj.get(name, ""), str):
            raise GoldError(f"{where}: field {name!r} must be a string")
    return GoldQuestion(id=obj["id"], type=obj["type"], question=obj["question"], history=history,
                        quotes=tuple(quotes), keys=keys, notes=obj.get("notes", ""), docs=docs,
                        answer=obj.get("answer", ""), source=where.rsplit(":", 1)[0])


def _strings(value: object, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GoldError(f"{where}: field {name!r} must be a list of non-empty strings")
    return tuple(value)


def load_gold(paths: Iterable[Path | str]) -> list[GoldQuestion]:
    """Every question of the given JSONL files, in file order.

    Raises:
        GoldError: a file is missing, a line is not JSON or fails validation, or an id repeats.
    """
    out: list[GoldQuestion] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise GoldError(f"gold file {path} does not exist")
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path.name}:{lineno}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    raise GoldError(f"{where}: not valid JSON ({err.msg})") from None
                q = parse_question(obj, where)
                if q.id in seen:
                    raise GoldError(f"{where}: id {q.id!r} already used at {seen[q.id]}")
                seen[q.id] = where
                out.append(q)
    return out


@dataclass
class Selection:
    """Which questions a run asks, and why the others are left out."""

    run: list[GoldQuestion] = field(default_factory=list)
    stale: list[tuple[GoldQuestion, str]] = field(default_factory=list)  # (question, reason)
    skipped: list[GoldQuestion] = field(default_factory=list)  # not touched, under --changed-only

"""The value types that cross stages: document metadata, chunks, passages, citations, answers."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

#: Document kinds, as stored in ``DocumentMeta.doc_type`` and used by filters.
DOC_TYPES = (
    "focused visit letter",
    "monitoring visit letter",
    "ILACS inspection report",
    "SIF inspection report",
    "joint targeted area inspection",
    "self-evaluation",
    "news article",
    "other",
)

#: Judgement areas, as keys of ``DocumentMeta.grades``.
GRADE_AREAS = ("overall_effectiveness", "impact_of_leaders", "help_and_protection", "in_care", "care_leavers")


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about one ingested document; extracted from its text, not its file name."""

    doc: str  # path relative to the corpus, with forward slashes
    hash: str  # sha256 of the file's bytes
    title: str = ""
    doc_type: str = "other"
    authority: str | None = None
    authorities: tuple[str, ...] = ()
    date: str | None = None  # ISO date of the letter or publication
    visit_start: str | None = None
    visit_end: str | None = None
    inspectors: tuple[str, ...] = ()  # lead first
    grades: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["authorities"] = list(self.authorities)
        d["inspectors"] = list(self.inspectors)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DocumentMeta":
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        known["authorities"] = tuple(known.get("authorities") or ())
        known["inspectors"] = tuple(known.get("inspectors") or ())
        known["grades"] = dict(known.get("grades") or {})
        return cls(**known)

    @property
    def year(self) -> int | None:
        when = self.date or self.visit_start
        return int(when[:4]) if when else None


@dataclass(frozen=True)
class Chunk:
    """A span [start, end) of a document's cleaned text, with the section it sits in."""

    id: str
    doc: str
    hash: str
    ordinal: int
    text: str
    start: int
    end: int
    section: str = ""
    page: int | None = None

    def search_text(self, meta: "DocumentMeta | None" = None) -> str:
        """What retrieval sees: a header naming the document (title, kind, authority, date) and
        the section, then the passage text. The header lets "the 2022 focused visit" or "Barnet"
        match passages whose own sentences never say so; it is never shown as passage text."""
        head = []
        if meta is not None:
            head.append(meta.title)
            when = _month_year(meta.visit_start or meta.date)
            head.append(", ".join(x for x in (meta.doc_type if meta.doc_type != "other" else "",
                                                meta.authority or "", when) if x))
        head.append(self.section)
        head = [h for h in head if h]
        return "\n".join(head + [self.text])


def _month_year(iso: str | None) -> str:
    if not iso:
        return ""
    months = ("January February March April May June July August September October November December").split()
    return f"{months[int(iso[5:7]) - 1]} {iso[:4]}"


@dataclass
class Passage:
    """A retrieved chunk with its document's metadata and a score (higher is better)."""

    chunk_id: str
    doc: str
    text: str
    start: int
    end: int
    section: str
    page: int | None
    score: float
    meta: DocumentMeta

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "title": self.meta.title,
            "doc_type": self.meta.doc_type,
            "authority": self.meta.authority,
            "date": self.meta.date,
            "section": self.section,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(float(self.score), 4),
        }


@dataclass
class Citation:
    """Passage ``n`` of an answer's source list."""

    n: int
    passage: Passage
    verified: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, **self.passage.to_json(), "verified": self.verified}


@dataclass
class Sentence:
    """One sentence of an answer with the citation numbers it carries."""

    text: str
    cites: tuple[int, ...]
    verified: bool = True


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    related: list[Passage] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "related": [p.to_json() for p in self.related],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)

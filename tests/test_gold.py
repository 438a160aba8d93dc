"""Sanity checks for the hand-checked gold sets (eval/gold/seeds.jsonl, dev.jsonl, heldout.jsonl).

Plain pytest, standard library only. Every quote must be verbatim evidence from
the corpus (after collapsing whitespace and removing the markdown "**"
markers), must stay inside one paragraph or one bullet, and every key must be
extractable from the quotes of its question.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "corpus"
GOLD = ROOT / "eval" / "gold"
SEEDS = GOLD / "seeds.jsonl"
#: Every hand-checked gold file: the development seeds, the further development questions and the
#: held-out questions (see eval/gold/README.md). The generated ILACS set is checked elsewhere.
GOLD_FILES = [SEEDS, GOLD / "dev.jsonl", GOLD / "heldout.jsonl"]

FIELDS = {"id", "type", "question", "history", "quotes", "keys", "notes"}
TYPES = {
    "fact",
    "finding",
    "compare",
    "multi",
    "numeric",
    "unanswerable",
    "false_premise",
    "followup",
}
MIN_QUESTIONS = 60
MIN_PER_TYPE = 5
MIN_QUOTE_WORDS, MAX_QUOTE_WORDS = 6, 40
MAX_KEYS = 3


def normalise(text: str) -> str:
    """Delete "**" and collapse every run of whitespace to one space."""
    return " ".join(text.replace("**", "").split())


def blocks(raw: str) -> list[str]:
    """Paragraphs (split on blank lines), further split into single bullets."""
    raw = raw.replace("**", "")
    out = []
    for para in re.split(r"\n[ \t\xa0]*\n", raw):
        for block in re.split(r"\n(?=[ \t\xa0]*[-•*][ \t])", para):
            block = normalise(block)
            if block:
                out.append(block)
    return out


def _load_rows(path: Path = SEEDS):
    rows = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                rows.append((lineno, line))
    return rows


ROWS = [(path.name, lineno, line) for path in GOLD_FILES for lineno, line in _load_rows(path)]
DOCS = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS_DIR.glob("*.txt"))}
NORM_DOCS = {name: normalise(text) for name, text in DOCS.items()}
DOC_BLOCKS = {name: blocks(text) for name, text in DOCS.items()}


def _parse(line):
    return json.loads(line)


ITEMS = [_parse(line) for name, _, line in ROWS if name == SEEDS.name]
ALL_ITEMS = {path.name: [_parse(line) for name, _, line in ROWS if name == path.name] for path in GOLD_FILES}


def test_corpus_present():
    assert len(DOCS) == 5, sorted(DOCS)


def test_enough_questions():
    assert len(ITEMS) >= MIN_QUESTIONS


@pytest.mark.parametrize("name", [path.name for path in GOLD_FILES])
def test_every_type_present(name):
    counts = Counter(item.get("type") for item in ALL_ITEMS[name])
    for t in TYPES:
        assert counts[t] >= MIN_PER_TYPE, f"{name}: type {t!r} has only {counts[t]} questions"


def test_ids_unique_across_every_gold_file():
    counts = Counter(item.get("id") for items in ALL_ITEMS.values() for item in items)
    dupes = [i for i, n in counts.items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


@pytest.mark.parametrize("name,lineno,line", ROWS, ids=[f"{name}:{n}" for name, n, _ in ROWS])
def test_line(name, lineno, line):
    item = json.loads(line)
    assert isinstance(item, dict)
    assert set(item) == FIELDS, f"fields {sorted(item)}"

    assert isinstance(item["id"], str) and item["id"].strip()
    qid = item["id"]
    assert item["type"] in TYPES, f"{qid}: bad type {item['type']!r}"
    assert isinstance(item["question"], str) and item["question"].strip(), qid
    assert isinstance(item["notes"], str) and item["notes"].strip(), qid

    history = item["history"]
    assert isinstance(history, list), qid
    assert all(isinstance(h, str) and h.strip() for h in history), qid
    if item["type"] == "followup":
        assert history, f"{qid}: followup needs earlier questions in history"
    else:
        assert history == [], f"{qid}: only followup questions have history"

    quotes = item["quotes"]
    keys = item["keys"]
    assert isinstance(quotes, list), qid
    assert isinstance(keys, list), qid
    assert all(isinstance(k, str) and k.strip() for k in keys), qid

    if item["type"] == "unanswerable":
        assert quotes == [], f"{qid}: unanswerable must have no quotes"
        assert keys == [], f"{qid}: unanswerable must have no keys"
        return

    assert quotes, f"{qid}: needs at least one quote"
    assert 1 <= len(keys) <= MAX_KEYS, f"{qid}: needs 1-{MAX_KEYS} keys"
    if item["type"] in {"compare", "multi"}:
        assert len(quotes) >= 2, f"{qid}: {item['type']} needs two or more quotes"

    for quote in quotes:
        assert isinstance(quote, dict) and set(quote) == {"doc", "text"}, qid
        doc, text = quote["doc"], quote["text"]
        assert isinstance(doc, str) and isinstance(text, str), qid
        assert doc in DOCS, f"{qid}: unknown doc {doc!r}"
        assert text == normalise(text), f"{qid}: quote not whitespace-normalised: {text!r}"
        n_words = len(text.split())
        assert MIN_QUOTE_WORDS <= n_words <= MAX_QUOTE_WORDS, (
            f"{qid}: quote has {n_words} words: {text!r}"
        )
        assert text in NORM_DOCS[doc], f"{qid}: quote not verbatim in {doc}: {text!r}"
        assert any(text in block for block in DOC_BLOCKS[doc]), (
            f"{qid}: quote spans more than one paragraph/bullet in {doc}: {text!r}"
        )

    quote_texts = [quote["text"].lower() for quote in quotes]
    for key in keys:
        assert any(key.lower() in t for t in quote_texts), (
            f"{qid}: key {key!r} not found in any of its quotes"
        )

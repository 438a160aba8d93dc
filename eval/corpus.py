"""Corpus awareness: stale gold questions, what changed since the last eval, and self-retrieval checks.

What the last eval saw is kept in ``<index>/eval-state.json``: for each set of gold files, the
document hashes of the index when that evaluation last passed its gate. Ingestion is not asked
to record anything; the document store's hashes are compared with that file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

from eval.dataset import GoldQuestion, Selection
from eval.metrics import normalise

STATE_FILE = "eval-state.json"


def stale_reason(q: GoldQuestion, texts: dict[str, str]) -> str | None:
    """Why a question no longer fits the corpus, or None if it does.

    ``texts`` maps each indexed document to its normalised (eval.metrics.normalise) cleaned text.
    A question is stale when a source document is no longer indexed or a quote is no longer in
    its document.
    """
    for doc in q.sources:
        if doc not in texts:
            return f"{doc} is not in the index"
    for quote in q.quotes:
        if normalise(quote.text) not in texts[quote.doc]:
            return f"quote no longer in {quote.doc}: {quote.text[:80]!r}"
    return None


def changed_docs(before: dict[str, str] | None, now: dict[str, str]) -> set[str]:
    """Documents added, changed or removed between two doc→hash maps (every document if ``before`` is None)."""
    if before is None:
        return set(now)
    return {d for d in set(before) | set(now) if before.get(d) != now.get(d)}


def select(questions: Sequence[GoldQuestion], texts: dict[str, str], touched: set[str] | None) -> Selection:
    """Split questions into those to run, the stale, and (when ``touched`` is given) the untouched.

    Under ``--changed-only`` (``touched`` not None) a question runs when one of its sources was
    touched; a question without sources (unanswerable) runs whenever anything was touched, since a
    new document may now answer it.
    """
    out = Selection()
    for q in questions:
        reason = stale_reason(q, texts)
        if reason:
            out.stale.append((q, reason))
        elif touched is not None and not (set(q.sources) & touched if q.sources else touched):
            out.skipped.append(q)
        else:
            out.run.append(q)
    return out


def state_key(gold_paths: Iterable[Path]) -> str:
    return "+".join(sorted(Path(p).name for p in gold_paths))


def load_state(index_dir: Path, key: str) -> dict[str, str] | None:
    """The document hashes saved by the last passing eval of these gold files on this index, or None."""
    path = Path(index_dir) / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = data.get(key) if isinstance(data, dict) else None
    return dict(entry["hashes"]) if isinstance(entry, dict) and isinstance(entry.get("hashes"), dict) else None


def save_state(index_dir: Path, key: str, hashes: dict[str, str], when: str) -> None:
    path = Path(index_dir) / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data = data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        data = {}
    data[key] = {"hashes": hashes, "saved": when}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


# -- self-retrieval -------------------------------------------------------------------------------
def self_queries(title: str, sections: Sequence[str], text: str, n_headings: int = 2,
                 n_sentences: int = 3) -> list[tuple[str, str]]:
    """Queries built from a document's own words: (kind, query) pairs.

    Headings: the first ``n_headings`` distinct section headings, each prefixed by the document's
    title (a bare heading such as "What needs to improve?" is shared by every report). Sentences:
    ``n_sentences`` sentences of 12–40 words taken at evenly spaced points of the text.
    """
    out: list[tuple[str, str]] = []
    heads = [s for s in dict.fromkeys(s.strip() for s in sections) if s and s != title]
    for h in heads[:n_headings]:
        out.append(("heading", f"{title} {h}".strip()))
    sentences = [s for s in _sentences(text) if 12 <= len(s.split()) <= 40]
    if sentences:
        step = max(1, len(sentences) // (n_sentences + 1))
        for i in range(1, n_sentences + 1):
            if i * step < len(sentences):
                out.append(("sentence", sentences[i * step]))
    return out


def _sentences(text: str) -> list[str]:
    from index.text import sentence_spans

    # Bullet marks and numbered-paragraph prefixes are layout, not words a person would search for.
    return [re.sub(r"^(?:[-•◼▪*]|\d{1,3}\.)\s+", "", " ".join(text[a:b].split())) for a, b in sentence_spans(text)
            if not re.search(r"https?://|www\.|©", text[a:b])]


def self_retrieval(doc: str, queries: Sequence[tuple[str, str]],
                   retrieve: Callable[[str], list[str]]) -> dict:
    """Ask each query; the document passes when at least half of its queries retrieve it (in the top k).

    ``retrieve(query)`` returns the documents of the retrieved passages, best first.
    """
    results = []
    for kind, query in queries:
        try:
            docs = retrieve(query)
        except Exception as err:  # a query that crashes retrieval did not retrieve the document
            docs = [f"error: {err.__class__.__name__}: {err}"]
        rank = docs.index(doc) + 1 if doc in docs else None
        results.append({"kind": kind, "query": query, "rank": rank, "top": docs[:3]})
    found = sum(r["rank"] is not None for r in results)
    return {"doc": doc, "passed": bool(results) and found * 2 >= len(results), "found": found,
            "queries": results}

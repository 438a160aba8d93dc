"""Conversation logic for the chat tab: filters from the form, turns, citations, example questions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator, Sequence

from index.types import Answer, DocumentMeta, Passage

ANY = "Any"


class FilterError(ValueError):
    """A filter field has a value that cannot be used; the message names the field."""


def _date(value: str | None, field: str, end: bool) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-12-31" if end else f"{value}-01-01"
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise FilterError(f"{field}: {value!r} is not a date; use YYYY-MM-DD or a year such as 2018") from None


def make_filters(authority: str | None, doc_type: str | None, since: str | None, until: str | None) -> dict:
    """The filters dict Assistant.ask takes, from the form's values ("Any" and blanks mean no filter).

    Raises:
        FilterError: a date is malformed, or "from" is after "until".
    """
    f = {
        "authority": None if not authority or authority == ANY else authority,
        "doc_type": None if not doc_type or doc_type == ANY else doc_type,
        "since": _date(since, "From date", end=False),
        "until": _date(until, "Until date", end=True),
    }
    if f["since"] and f["until"] and f["since"] > f["until"]:
        raise FilterError(f"From date {f['since']} is after Until date {f['until']}")
    return f


def history_of(turns: Sequence[dict]) -> list[str]:
    """The earlier questions of the conversation, oldest first (what Assistant.ask takes as history)."""
    return [t["question"] for t in turns]


def run_turn(assistant, question: str, filters: dict, turns: Sequence[dict]) -> Iterator[str | dict]:
    """Ask ``question`` in the context of ``turns``: yields text chunks (LLM mode), then the new turn dict."""
    history = history_of(turns)
    final: Answer | None = None
    for item in assistant.stream(question, filters=filters, history=history):
        if isinstance(item, Answer):
            final = item
        else:
            yield item
    if final is None:  # a stream that ended without its Answer: ask plainly rather than lose the question
        final = assistant.ask(question, filters=filters, history=history)
    yield {"question": question, "filters": dict(filters), "answer": final}


def resolve(turns: Sequence[dict], key: str) -> Passage | None:
    """The passage a clicked marker refers to: key 'turn:c:n' (citation n) or 'turn:r:i' (related passage i)."""
    m = re.fullmatch(r"(\d+):([cr]):(\d+)", key or "")
    if not m:
        return None
    turn, kind, n = int(m.group(1)), m.group(2), int(m.group(3))
    if turn >= len(turns):
        return None
    answer: Answer = turns[turn]["answer"]
    if kind == "c":
        return next((c.passage for c in answer.citations if c.n == n), None)
    return answer.related[n] if n < len(answer.related) else None


def quotes_for(turns: Sequence[dict], key: str) -> list[str]:
    """The sentences of the answer that cite the passage a 'turn:c:n' key points at."""
    m = re.fullmatch(r"(\d+):c:(\d+)", key or "")
    if not m or int(m.group(1)) >= len(turns):
        return []
    n = int(m.group(2))
    return [s.text for s in turns[int(m.group(1))]["answer"].sentences if n in s.cites]


def example_questions(documents: Sequence[tuple[DocumentMeta, int]], areas: dict[str, list[str]] | None = None,
                      home: str | None = None, limit: int = 6, topics: dict[str, str] | None = None,
                      recurrences: Sequence[tuple[str, str, str, str]] = ()) -> list[str]:
    """Questions a new user could ask, made from the documents being served.

    Args:
        documents: (metadata, chunks) of every document; titles, kinds, dates and authorities come from here.
        areas: doc -> practice areas its headings name (a self-evaluation's "Early Help").
        home: the home authority, whose documents come first.
        topics: doc -> the theme of its first improvement point ("permanence").
        recurrences: (authority, theme, first year, later year) of recurring findings.
    """
    metas = sorted((m for m, _ in documents), key=lambda m: (m.authority != home, -(m.year or 0), m.doc))
    letters = [m for m in metas if m.doc_type.endswith(("letter", "report", "inspection"))]
    about, people, own, change, news = [], [], [], [], []
    for m in letters:
        visit = f"{m.year} {m.doc_type.replace(' letter', '')}" if m.year else m.doc_type
        where = f" to {m.authority}" if m.authority else ""
        topic = (topics or {}).get(m.doc)
        if topic:
            about.append(f"What did the {visit}{where} say about {topic}?")
        else:
            about.append(f"What needs to improve according to the {visit}{where}?")
        if m.inspectors:
            people.append(f"Who were the inspectors on the {visit}{where}?")
    for m in metas:
        if m.doc_type == "self-evaluation":
            for area in (areas or {}).get(m.doc, [])[:3]:
                own.append(f"What does the {m.authority} self-evaluation say needs to improve in {area.lower()}?")
        if m.doc_type == "news article" and m.title:
            news.append(f"What did the news article “{m.title}” report?")
    for authority, theme, first, later in recurrences:
        change.append(f"How has {theme} changed in {authority} between {first} and {later}?")
    # Take one of each kind in turn, so the first few cover different documents and kinds of question.
    pools = [about, own, change, people, news]
    out: list[str] = []
    while any(pools) and len(out) < limit:
        for pool in pools:
            if pool and len(out) < limit:
                q = pool.pop(0)
                if q not in out:
                    out.append(q)
    return out


def _month_year(iso: str | None) -> str:
    if not iso:
        return ""
    d = dt.date.fromisoformat(iso[:10])
    return f"{d.strftime('%B')} {d.year}"

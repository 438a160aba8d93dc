"""HTML for the conversation, the source panel and the findings views.

Every piece of document or user text goes through ``esc`` (html.escape), and nothing is rendered
as Markdown, so a document containing ``<script>`` or ``[text](http://…)`` shows those characters
and nothing runs or links. The only markup is the fixed tags written here; the only interactive
elements are buttons carrying a ``data-cite`` key that the page's click handler sends to Python.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Sequence

from index.types import Answer, Passage

CONTEXT_CHARS = 1200
_MARKER = re.compile(r"\[(\d+)\]")


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def human_date(iso: str | None) -> str:
    """'2022-06-10' → '10 June 2022' (empty for none, the input unchanged if it is not a date)."""
    if not iso:
        return ""
    try:
        d = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


def source_label(p: Passage) -> str:
    m = p.meta
    parts = [m.title or p.doc, m.doc_type, m.authority or "", human_date(m.date)]
    return " · ".join(x for x in parts if x)


def filters_text(filters: dict | None) -> str:
    """A one-line description of the filters, e.g. 'Barnet · focused visit letter · from 2018-01-01'."""
    f = {k: v for k, v in (filters or {}).items() if v}
    if not f:
        return "no filters: all documents"
    parts = []
    for key in ("authority", "authorities", "doc_type", "doc_types"):
        value = f.get(key)
        if value:
            parts.append(", ".join(value) if isinstance(value, (list, tuple)) else str(value))
    if f.get("since"):
        parts.append(f"from {f['since']}")
    if f.get("until"):
        parts.append(f"until {f['until']}")
    return " · ".join(parts) or "no filters: all documents"


def _cite_button(turn: int, n: int) -> str:
    return (f'<button type="button" class="iqa-cite" data-cite="{turn}:c:{n}" '
            f'title="Show source {n}" aria-label="Show source {n}">[{n}]</button>')


def _with_markers(text: str, turn: int, known: set[int]) -> str:
    """Escape ``text`` and turn its [n] markers for known citations into buttons."""
    return _MARKER.sub(lambda m: _cite_button(turn, int(m.group(1))) if int(m.group(1)) in known else m.group(0),
                       esc(text))


def answer_html(answer: Answer, turn: int) -> str:
    """One answer: its sentences with clickable markers, unverified ones marked, then its sources."""
    if answer.abstained:
        return abstention_html(answer, turn)
    known = {c.n for c in answer.citations}
    listed = "\n" in answer.text
    parts = []
    sentences = answer.sentences or []
    if sentences:
        for s in sentences:
            body = _with_markers(s.text, turn, known)
            if not s.verified:
                body = (f'<span class="iqa-unverified" title="This sentence could not be matched to the passage it '
                        f'cites: check the source before relying on it.">⚠ Unverified: {body}</span>')
            parts.append(f"<li>{body}</li>" if listed else body)
        body = f'<ul class="iqa-list">{"".join(parts)}</ul>' if listed else f"<p>{' '.join(parts)}</p>"
    else:
        lines = [ln for ln in answer.text.splitlines() if ln.strip()]
        body = "".join(f"<p>{_with_markers(ln, turn, known)}</p>" for ln in lines)
    sources = "".join(
        f'<li><button type="button" class="iqa-cite" data-cite="{turn}:c:{c.n}">[{c.n}]</button> '
        f'{esc(source_label(c.passage))}{_where(c.passage)}'
        f'{"" if c.verified else " <span class=iqa-flag>(not verified)</span>"}</li>'
        for c in answer.citations)
    return (f'<div class="iqa-answer">{body}</div>'
            f'<div class="iqa-sources"><span class="iqa-label">Sources</span><ol>{sources}</ol></div>')


def abstention_html(answer: Answer, turn: int) -> str:
    related = "".join(
        f'<li><button type="button" class="iqa-rel" data-cite="{turn}:r:{i}">Open</button> '
        f'{esc(source_label(p))}{_where(p)}<div class="iqa-snippet">{esc(_snippet(p.text))}</div></li>'
        for i, p in enumerate(answer.related))
    rel = (f'<div class="iqa-related"><span class="iqa-label">Related passages — these do not answer the '
           f'question; they are the closest the documents come</span><ul>{related}</ul></div>') if related else ""
    return (f'<div class="iqa-abstain" role="status"><strong>Not in the documents.</strong> '
            f'{esc(answer.text)}</div>{rel}')


def _where(p: Passage) -> str:
    bits = []
    if p.section:
        bits.append(f"section “{esc(p.section)}”")
    if p.page:
        bits.append(f"page {esc(p.page)}")
    return f' <span class="iqa-where">({", ".join(bits)})</span>' if bits else ""


def _snippet(text: str, words: int = 40) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def conversation_html(turns: Sequence[dict], pending: tuple[str, str] | None = None) -> str:
    """The whole conversation; ``pending`` is (question, text so far) while an answer streams."""
    if not turns and pending is None:
        return ('<div class="iqa-empty">Ask a question about the inspection documents. Every answer cites the '
                'passages it comes from: click a number such as [1] to read the passage in its document.</div>')
    out = []
    for i, t in enumerate(turns):
        out.append(f'<div class="iqa-turn" data-turn="{i}"><div class="iqa-q"><span class="iqa-label">Question</span>'
                   f'{esc(t["question"])}<div class="iqa-filters">Filters: {esc(filters_text(t.get("filters")))}'
                   f'</div></div>{answer_html(t["answer"], i)}</div>')
    if pending is not None:
        question, partial = pending
        out.append(f'<div class="iqa-turn iqa-pending"><div class="iqa-q"><span class="iqa-label">Question</span>'
                   f'{esc(question)}</div><div class="iqa-answer"><p>{esc(partial) or "Searching the documents…"}'
                   f'</p></div></div>')
    return "".join(out)


def quote_spans(text: str, quotes: Sequence[str]) -> list[tuple[int, int]]:
    """Where each quoted sentence (an answer's words, markers and label stripped) occurs in ``text``."""
    spans = []
    for quote in quotes:
        quote = _MARKER.sub("", quote).strip()
        for candidate in (quote, quote.split(": ", 1)[-1]):  # compare answers prefix a "document, date: " label
            words = candidate.rstrip(".").split()
            if len(words) < 3:
                continue
            m = re.search(r"\s+".join(re.escape(w) for w in words), text)
            if m:
                spans.append(m.span())
                break
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _marked(text: str, quotes: Sequence[str]) -> str:
    """``text`` escaped, with the quoted sentences in <strong>."""
    out, at = [], 0
    for a, b in quote_spans(text, quotes):
        out.append(esc(text[at:a]) + '<strong class="iqa-quote">' + esc(text[a:b]) + "</strong>")
        at = b
    return "".join(out) + esc(text[at:])


def source_html(passage: Passage | None, doc_text: str | None, heading: str = "Source",
                quotes: Sequence[str] = ()) -> str:
    """The source panel: metadata, then the passage highlighted inside its surrounding text.

    ``quotes`` are the answer's sentences citing this passage; they are shown in bold inside it.
    """
    if passage is None:
        return ('<div class="iqa-source-empty">Click a citation number such as [1] in an answer, or a row of the '
                'findings table, to read the passage in its document.</div>')
    m = passage.meta
    rows = [("Title", m.title or passage.doc), ("Document type", m.doc_type), ("Authority", m.authority or "—"),
            ("Date", human_date(m.date) or "—"), ("Section", passage.section or "—"),
            ("Page", passage.page if passage.page else "—"), ("File", passage.doc)]
    meta = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    if doc_text and 0 <= passage.start < passage.end <= len(doc_text):
        a = max(0, passage.start - CONTEXT_CHARS)
        b = min(len(doc_text), passage.end + CONTEXT_CHARS)
        body = (("… " if a else "") + esc(doc_text[a:passage.start]) + '<mark class="iqa-hit">'
                + _marked(doc_text[passage.start:passage.end], quotes) + "</mark>" + esc(doc_text[passage.end:b])
                + (" …" if b < len(doc_text) else ""))
    else:
        body = f'<mark class="iqa-hit">{_marked(passage.text, quotes)}</mark>'
    sample = '<span class="iqa-hit-sample">Highlighted</span>'
    legend = (f'<div class="iqa-legend">{sample}: the cited passage. <strong class="iqa-quote-sample">Bold</strong>: '
              'the sentences the answer quotes from it.</div>' if quotes
              else f'<div class="iqa-legend">{sample}: the passage.</div>')
    return (f'<div class="iqa-source"><div class="iqa-label">{esc(heading)}</div><table class="iqa-meta">{meta}'
            f'</table>{legend}<div class="iqa-context" tabindex="0">{body}</div></div>')


def header_html(n_docs: int) -> str:
    """The page heading, with the number of documents answers come from."""
    return (f'<div class="iqa-header"><h1>Inspection documents assistant</h1><p>Answers come only from the '
            f'{n_docs} documents in this library. Every sentence cites the passage it comes from, and nothing you '
            f'type leaves this computer.</p></div>')


def status_html(filters: dict | None, error: str | None = None) -> str:
    """The line under the filters: what the next question searches, or what is wrong with a filter."""
    if error:
        return f'<div class="iqa-warn" role="alert">{esc(error)}</div>'
    return f'<div class="iqa-status">Searching: {esc(filters_text(filters))}</div>'


def upload_html(report) -> str:
    """What an upload did: files added, already present, and each failure with its error."""
    parts = []
    if report.added:
        parts.append(f'<div class="iqa-ok">Added to the library: {esc(", ".join(report.added))}. '
                     f'You can now ask about {"it" if len(report.added) == 1 else "them"}.</div>')
    if report.unchanged:
        parts.append(f'<div class="iqa-status">Already in the library: {esc(", ".join(report.unchanged))}'
                     f'</div>')
    for f in report.failed:
        parts.append(f'<div class="iqa-warn" role="alert">Not added: {esc(f["file"])} — '
                     f'{esc(f["error"].rstrip("."))}. Nothing else was changed.</div>')
    return "".join(parts) or '<div class="iqa-status">Nothing to add.</div>'

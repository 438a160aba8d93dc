"""The findings explorer: improvement points and key findings of every document, themed.

Findings are read from each document's cleaned text (the text passage offsets refer to), by the
headings inspection letters and self-evaluations use: "What needs to improve…", "Areas for
improvement", "Areas requiring improvement" and "Priorities…" give improvement points (one per
bullet or paragraph); "Headline findings", "Main findings", "Findings…", "Overview", "Key messages"
and "Strengths…" give key findings (one per sentence).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

from index.text import sentence_spans
from index.types import DocumentMeta

IMPROVE = "improvement point"
FINDING = "key finding"

_IMPROVE_HEAD = re.compile(r"what needs to improve|areas? (?:for|requiring) (?:improvement|development)|"
                           r"recommendations?\b|priorities for", re.I)
_FINDING_HEAD = re.compile(r"^(?:headline findings|main findings|key findings|findings\b|overview$|"
                           r"key messages|(?:practice\s*[–-]\s*)?strengths|good performance)", re.I)
_END = re.compile(r"^(?:yours sincerely|ofsted will take|i am copying|copy to)", re.I)
_BOILERPLATE = re.compile(r"^(?:the data shows us|one borough|barking|introductions|appendix|\d|"
                         r"(?:january|february|march|april|may|june|july|august|september|october|november|"
                         r"december)\b)", re.I)
_BULLET = re.compile(r"^\s*(?:[-•◼▪*]|\uf0b7|\d+[.)])\s+")
_MARKUP = re.compile(r"[#*_`]+")
_MIN_WORDS = 6


@dataclass(frozen=True)
class Finding:
    """One improvement point or key finding, with where it sits in its document."""

    doc: str
    title: str
    authority: str
    date: str
    doc_type: str
    kind: str  # IMPROVE or FINDING
    heading: str  # the heading it sits under, e.g. "Main findings" or "Early Help — Areas for Improvement"
    text: str
    start: int  # offsets into the document's cleaned text
    end: int
    theme: str = ""
    score: float = 0.0

    @property
    def year(self) -> str:
        return (self.date or "")[:4]

    @property
    def council_view(self) -> bool:
        """True for the council's own account (a self-evaluation), False for the inspectors'."""
        return self.doc_type == "self-evaluation"


def _heading(line: str) -> str | None:
    """The text of ``line`` if it looks like a heading (short, unpunctuated, not a bullet), else None."""
    raw = line.strip()
    if not raw or _BULLET.match(raw) or len(raw) > 90:
        return None
    text = _MARKUP.sub("", raw).strip()
    if text.endswith(":") and len(text.split()) > 5:
        return None  # a lead-in to a list ("The forward programme includes the following:")
    text = text.rstrip(":").strip()
    if not text or text[0].islower() or text[-1] in ".,;" or len(text.split()) > 12:
        return None
    return text


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of blank-line separated blocks, each further split so that every bullet is its own block."""
    spans = []
    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        a = m.start()
        for line in re.finditer(r"[^\n]+", m.group()):
            if _BULLET.match(line.group()) and line.start() > 0:
                spans.append((a, m.start() + line.start()))
                a = m.start() + line.start()
        spans.append((a, m.end()))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def extract(text: str, meta: DocumentMeta) -> list[Finding]:
    """The improvement points and key findings of one document (without themes)."""
    out: list[Finding] = []
    kind: str | None = None
    area = ""  # the last heading that is not itself a findings heading (e.g. "Early Help")
    heading = ""
    previous: Finding | None = None
    for a, b in _blocks(text):
        block = text[a:b]
        first = block.strip().splitlines()[0]
        head = _heading(first) if "\n" not in block.strip() else None
        if head is not None:
            if _END.match(head):
                kind = None
            elif _IMPROVE_HEAD.search(head):
                kind, heading = IMPROVE, head
            elif _FINDING_HEAD.search(head):
                kind, heading = FINDING, head
            elif "(cont" in head.lower():
                pass  # "Early Help (cont.)": the section goes on
            elif not _BOILERPLATE.match(head):
                kind, area = None, head
            else:
                kind = None
            previous = None
            continue
        if _END.match(block.strip()):
            kind = None
            continue
        if kind is None:
            continue
        lead = len(block) - len(block.lstrip())
        body_start = a + lead
        bullet = _BULLET.match(text[body_start:b])
        if bullet:
            body_start += bullet.end()
        if previous is not None and not bullet and text[body_start:body_start + 1].islower():
            # A paragraph broken by a page end: the lower-case block continues the last finding.
            previous = _extend(out, previous, text, b)
            continue
        label = heading if not area or meta.doc_type != "self-evaluation" else f"{area} — {heading}"
        spans = [(body_start, b)] if kind == IMPROVE else sentence_spans(text, body_start, b)
        for s, e in spans:
            piece = " ".join(text[s:e].split())
            if piece.endswith(":") or len(piece.split()) < (3 if kind == IMPROVE else _MIN_WORDS):
                continue
            previous = Finding(meta.doc, meta.title, meta.authority or "", meta.date or "", meta.doc_type, kind,
                               label, piece, s, e)
            out.append(previous)
    return out


def _extend(out: list[Finding], previous: Finding, text: str, end: int) -> Finding:
    from dataclasses import replace

    longer = replace(previous, end=end, text=" ".join(text[previous.start:end].split()))
    out[out.index(previous)] = longer
    return longer


def extract_all(documents: Iterable[tuple[DocumentMeta, str]], classifier=None) -> list[Finding]:
    """Findings of every document, themed by ``classifier`` (an app.themes.ThemeClassifier) when given."""
    from dataclasses import replace

    found = [f for meta, text in documents if text for f in extract(text, meta)]
    if classifier is not None and found:
        themed = classifier.assign([f.text for f in found])
        found = [replace(f, theme=t, score=round(s, 3)) for f, (t, s) in zip(found, themed)]
    return found


@dataclass(frozen=True)
class Recurrence:
    """A theme raised in an improvement point of one visit and raised again in a later one."""

    authority: str
    theme: str
    first: Finding
    again: Finding


def recurring(findings: Sequence[Finding]) -> list[Recurrence]:
    """Themes an inspection letter's improvement points raise again after an earlier letter about the same authority.

    Only the inspectors' improvement points count (not self-evaluations, not key findings); each
    pair is the earliest and the latest point on the theme from different years.
    """
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.kind == IMPROVE and not f.council_view and f.doc_type != "news article" and f.authority and f.date:
            by_key.setdefault((f.authority, f.theme), []).append(f)
    out = []
    for (authority, theme), items in sorted(by_key.items()):
        items.sort(key=lambda f: (f.date, f.start))
        if items[0].year != items[-1].year:
            out.append(Recurrence(authority, theme, items[0], items[-1]))
    return out


def council_vs_inspectors(findings: Sequence[Finding], theme: str, authority: str | None = None
                          ) -> tuple[list[Finding], list[Finding]]:
    """For one theme: what the self-evaluations say, and what the inspection letters found."""
    chosen = [f for f in findings if f.theme == theme and (not authority or f.authority == authority)
              and f.doc_type != "news article"]
    council = [f for f in chosen if f.council_view]
    # Without an authority, compare each council only with the letters about itself.
    councils = {f.authority for f in council}
    inspectors = [f for f in chosen if not f.council_view and (authority or f.authority in councils)]
    key = lambda f: (f.kind != IMPROVE, f.date, f.start)  # noqa: E731 - improvement points first
    return sorted(council, key=key), sorted(inspectors, key=key)


def select(findings: Sequence[Finding], theme: str | None = None, authority: str | None = None,
           year: str | None = None, kind: str | None = None) -> list[Finding]:
    """The findings matching every filter given (None or "" means any)."""
    return [f for f in findings if (not theme or f.theme == theme) and (not authority or f.authority == authority)
            and (not year or f.year == str(year)) and (not kind or f.kind == kind)]


COLUMNS = ("authority", "date", "doc_type", "kind", "theme", "finding", "heading", "title", "doc", "start", "end")


def rows(findings: Sequence[Finding]) -> list[list]:
    """Table rows in COLUMNS order."""
    return [[f.authority, f.date, f.doc_type, f.kind, f.theme, f.text, f.heading, f.title, f.doc, f.start, f.end]
            for f in findings]


def to_csv(findings: Sequence[Finding]) -> str:
    """The findings as CSV text with a header row; cells that a spreadsheet would run as formulas are quoted."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows(findings):
        writer.writerow([_safe_cell(c) for c in row])
    return buf.getvalue()


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to Excel; a leading apostrophe keeps it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def as_dict(f: Finding) -> dict:
    return asdict(f)

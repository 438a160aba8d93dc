"""Structure-aware chunking: headings bound chunks, lists stay whole when they fit, sentences are never cut.

A chunk is a span [start, end) of the cleaned text, so its text is always ``clean.text[start:end]``
and can be shown in its context. Headings are not part of a chunk's text: they become its
``section``, which retrieval sees through ``Chunk.search_text``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from index.text import count_tokens, sentence_spans
from index.types import Chunk
from ingest.clean import CleanDocument

_BULLET = re.compile(r"^\s*(?:[-•◼▪]\s|\d{1,3}\.\s)")
# A markdown heading ("## Findings", "### **Overview**"), whatever the cleaner left of its marks.
_MD_HEADING = re.compile(r"^#{1,6}\s+\S")
_NOT_HEADING = re.compile(
    r"^(?:yours\s+(?:sincerely|faithfully)|dear\s|kind regards|page \d+|\d{1,2}\s+\w+\s+\d{4}$"
    r"|(?:inspection dates?|lead (?:social care )?inspector|(?:team )?inspectors?)\s*:)", re.I)
# A judgement table (ILACS reports): every line "<area>: <grade>". It is a section of its own.
_GRADE_LINE = re.compile(r"^.{3,160}?:?\s+(?:outstanding|good|requires improvement(?: to be good)?|inadequate"
                         r"|adequate)\s*$", re.I)


@dataclass
class _Block:
    start: int
    end: int
    kind: str  # heading, para, list, table
    tokens: int


def chunk_document(doc: str, content_hash: str, clean: CleanDocument, max_tokens: int = 200,
                   overlap: int = 0) -> list[Chunk]:
    """Split a cleaned document into chunks of at most ``max_tokens`` tokens (cl100k_base).

    Args:
        doc: the document's name relative to the corpus.
        content_hash: the document's content hash; it is part of every chunk id.
        clean: the cleaned document.
        max_tokens: the budget per chunk; a single sentence longer than that is kept whole.
        overlap: sentences repeated from the end of the previous chunk of the same section.
    """
    text = clean.text
    spans: list[tuple[int, int, str]] = []  # start, end, section
    for section, blocks in _sections(text, _blocks(text)):
        spans.extend((a, b, section) for a, b in _pack(text, blocks, max_tokens, overlap))
    spans = _absorb_fragments(text, spans, max_tokens)
    prefix = hashlib.sha1(doc.encode()).hexdigest()[:10]
    return [
        Chunk(id=f"{prefix}-{content_hash[:12]}-{i:04d}", doc=doc, hash=content_hash, ordinal=i,
              text=text[a:b], start=a, end=b, section=section, page=clean.page_at(a))
        for i, (a, b, section) in enumerate(spans)
    ]


MIN_TOKENS = 30


def _absorb_fragments(text: str, spans: list[tuple[int, int, str]], budget: int) -> list[tuple[int, int, str]]:
    """Join a fragment too small to stand alone (a letter's date line, a lone caption) to the
    chunk after it, headings between included, when the two fit the budget: a passage that is
    only "3 April 2018" would otherwise outrank real evidence for every question about dates."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(spans):
        a, b, section = spans[i]
        if i + 1 < len(spans) and count_tokens(text[a:b]) < MIN_TOKENS:
            na, nb, nsection = spans[i + 1]
            if count_tokens(text[a:nb]) <= budget:
                spans[i + 1] = (a, nb, nsection)
                i += 1
                continue
        out.append((a, b, section))
        i += 1
    return out


def _blocks(text: str) -> list[_Block]:
    """Paragraphs, headings and lists (consecutive bullet lines) with their offsets."""
    blocks: list[_Block] = []
    for m in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text):
        a, b = m.start(), m.end()
        while b > a and text[b - 1].isspace():
            b -= 1
        body = text[a:b]
        if _BULLET.match(body) and not re.match(r"^\s*\d{1,3}\.\s", body):
            kind = "list"
        elif body.count("\n") >= 1 and all(_GRADE_LINE.match(line.strip()) for line in body.split("\n")):
            kind = "table"
        elif _is_heading(body):
            kind = "heading"
        else:
            kind = "para"
        blocks.append(_Block(a, b, kind, count_tokens(body)))
    return blocks


def _is_heading(body: str) -> bool:
    if "\n" in body or len(body) > 100 or _NOT_HEADING.match(body):
        return False
    if _MD_HEADING.match(body):
        return True
    words = body.split()
    if not words or len(words) > 12 or body.rstrip()[-1] in ".,;:\"”'’)":
        return False
    # A line of figures ("Increasing number … LAC up to 443 at end of September") is data, not a title.
    if len(words) > 6 and sum(any(ch.isdigit() for ch in w) for w in words) >= 1:
        return False
    first = body.lstrip()[0]
    return first.isupper() or first.isdigit() and not re.match(r"^\d+([.,]\d+)?%?$", body)


def _sections(text: str, blocks: list[_Block]):
    """Group blocks under their headings; yields (section title, content blocks).

    A heading directly followed by another heading is a parent ("Early Help" then "The data shows
    us"); the section title joins parent and child. "(cont.)" continuations keep their parent.
    """
    parent, child = "", ""
    current: list[_Block] = []
    for i, block in enumerate(blocks):
        if block.kind == "table":
            if current:
                yield _title(parent, child), current
                current = []
            yield "Judgements", [block]
            continue
        if block.kind != "heading":
            current.append(block)
            continue
        if current:
            yield _title(parent, child), current
            current = []
        title = re.sub(r"^#{1,6}\s+|\*\*|__", "", text[block.start:block.end]).strip()
        title = re.sub(r"\s*\((?:cont\.?|continued)\)\s*$", "", title, flags=re.I)
        followed_by_heading = i + 1 < len(blocks) and blocks[i + 1].kind == "heading"
        if followed_by_heading:
            parent, child = title, ""
        else:
            child = title
    if current:
        yield _title(parent, child), current


def _title(parent: str, child: str) -> str:
    return " — ".join(t for t in (parent, child) if t)


def _pack(text: str, blocks: list[_Block], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy packing of whole blocks; oversize paragraphs and lists split at items, then sentences.

    A chunk's tokens are counted on its own text (separators included), so no chunk is over
    ``budget`` unless it is a single sentence that is.
    """
    units: list[tuple[int, int, int, bool]] = []  # start, end, tokens, lead-in (ends with ":")
    for block in blocks:
        body = text[block.start:block.end]
        if block.tokens <= budget:
            units.append((block.start, block.end, block.tokens, body.endswith(":")))
            continue
        for a, b in _items(text, block) if block.kind == "list" else [(block.start, block.end)]:
            n = count_tokens(text[a:b]) if block.kind == "list" else block.tokens
            if n <= budget:
                units.append((a, b, n, False))
            else:
                units.extend((x, y, count_tokens(text[x:y]), False) for x, y in sentence_spans(text, a, b))
    chunks: list[tuple[int, int]] = []
    cur: list[tuple[int, int, int, bool]] = []
    used = 0
    for unit in units:
        total = _fits(text, cur, used, unit, budget) if cur else unit[2]
        if total is None:
            # A lead-in line ("...the following areas:") moves on with the list it introduces.
            keep = []
            if len(cur) > 1 and cur[-1][3] and _fits(text, cur[-1:], cur[-1][2], unit, budget) is not None:
                keep = [cur.pop()]
            chunks.append((cur[0][0], cur[-1][1]))
            cur = _overlap(cur, overlap) + keep
            total = unit[2]
            while cur:
                fitted = _fits(text, cur, _span_tokens(text, cur), unit, budget)
                if fitted is not None:
                    total = fitted
                    break
                cur.pop(0)
        cur.append(unit)
        used = total
    if cur:
        chunks.append((cur[0][0], cur[-1][1]))
    return chunks


def _fits(text: str, cur: list, used: int, unit: tuple, budget: int) -> int | None:
    """Tokens of ``cur`` extended by ``unit`` when that is within ``budget``, else None."""
    estimate = used + count_tokens(text[cur[-1][1]:unit[0]]) + unit[2]
    if estimate > budget:
        return None
    if estimate > budget - 8:  # near the limit, count the joined text itself
        exact = count_tokens(text[cur[0][0]:unit[1]])
        return exact if exact <= budget else None
    return estimate


def _span_tokens(text: str, units: list) -> int:
    return count_tokens(text[units[0][0]:units[-1][1]]) if units else 0


def _overlap(units: list[tuple[int, int, int, bool]], n: int) -> list[tuple[int, int, int, bool]]:
    return units[-n:] if n > 0 and len(units) > n else []


def _items(text: str, block: _Block) -> list[tuple[int, int]]:
    """The item spans of a list block (an item may wrap onto following lines)."""
    starts = [block.start + m.start() for m in re.finditer(r"(?m)^\s*(?:[-•◼▪]\s|\d{1,3}\.\s)", text[block.start:block.end])]
    starts = starts or [block.start]
    ends = starts[1:] + [block.end]
    out = []
    for a, b in zip(starts, ends):
        while b > a and text[b - 1].isspace():
            b -= 1
        out.append((a, b))
    return out

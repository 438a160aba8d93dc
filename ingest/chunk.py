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
_NOT_HEADING = re.compile(
    r"^(?:yours\s+(?:sincerely|faithfully)|dear\s|kind regards|page \d+|\d{1,2}\s+\w+\s+\d{4}$)", re.I)


@dataclass
class _Block:
    start: int
    end: int
    kind: str  # heading, para, list
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
    prefix = hashlib.sha1(doc.encode()).hexdigest()[:10]
    return [
        Chunk(id=f"{prefix}-{content_hash[:12]}-{i:04d}", doc=doc, hash=content_hash, ordinal=i,
              text=text[a:b], start=a, end=b, section=section, page=clean.page_at(a))
        for i, (a, b, section) in enumerate(spans)
    ]


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
        elif _is_heading(body):
            kind = "heading"
        else:
            kind = "para"
        blocks.append(_Block(a, b, kind, count_tokens(body)))
    return blocks


def _is_heading(body: str) -> bool:
    if "\n" in body or len(body) > 100 or _NOT_HEADING.match(body):
        return False
    words = body.split()
    if not words or len(words) > 14 or body.rstrip()[-1] in ".,;:\"”'’)":
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
        if block.kind != "heading":
            current.append(block)
            continue
        if current:
            yield _title(parent, child), current
            current = []
        title = re.sub(r"\s*\((?:cont\.?|continued)\)\s*$", "", text[block.start:block.end].strip(), flags=re.I)
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
    """Greedy packing of whole blocks; oversize paragraphs and lists split at sentences or items."""
    units: list[tuple[int, int, int, bool]] = []  # start, end, tokens, glue-to-next
    for block in blocks:
        body = text[block.start:block.end]
        if block.tokens <= budget:
            # A lead-in line ending in ":" belongs with the list that follows it.
            units.append((block.start, block.end, block.tokens, body.rstrip().endswith(":")))
        elif block.kind == "list":
            units.extend((a, b, count_tokens(text[a:b]), False) for a, b in _items(text, block))
        else:
            units.extend((a, b, count_tokens(text[a:b]), False) for a, b in sentence_spans(text, block.start, block.end))
    chunks: list[tuple[int, int]] = []
    cur: list[tuple[int, int, int, bool]] = []
    used = 0
    for unit in units:
        glued = bool(cur) and cur[-1][3]
        if cur and used + unit[2] > budget and not (glued and used + unit[2] <= budget * 1.5):
            chunks.append((cur[0][0], cur[-1][1]))
            cur = _overlap(cur, overlap)
            used = sum(u[2] for u in cur)
        cur.append(unit)
        used += unit[2]
    if cur:
        chunks.append((cur[0][0], cur[-1][1]))
    return chunks


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

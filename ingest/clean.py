"""Cleaning: raw pages become the document's canonical text, the text every offset refers to.

The output has one shape, which the chunker splits on: paragraphs separated by exactly one blank
line; each heading a paragraph of its own; bullet items as lines starting "- " (one list is a run
of such lines); numbered paragraphs keep their "12. " prefix; table rows one per line, as
"Area: Grade". Quotes and dashes are kept as typed, so quoted evidence still matches verbatim.

Two front ends turn pages into blocks (paragraphs, lists, tables; ``ingest.blocks``): PDF pages
are reflowed from their wrapped lines once running headers, footnotes, the contents page and
Ofsted's back-page imprint are taken out (``ingest.pdf_blocks``, ``ingest.pdf_lines``,
``ingest.pdf_tables``); text formats (txt, md, html, docx) lose their markdown debris
(``ingest.text_blocks``). Every document then gets the same tidying, here: letterhead and address
block, slide furniture, paragraphs split by a page break, duplicated captions, news-site
subscription blocks.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.blocks import _DIGITS, _NUMBERED, _PAGE_NUMBER, _Block, _drop, _ends_sentence, _join, _starts_lower
from ingest.load import RawDocument
from ingest.pdf_blocks import _pdf_blocks
from ingest.text_blocks import _text_blocks


@dataclass(frozen=True)
class CleanDocument:
    """Canonical text: paragraphs separated by a blank line; ``page_starts[i]`` is where page i+1 begins."""

    text: str
    page_starts: list[int] = field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page the character at ``offset`` is on, or None for unpaged formats."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


def clean(raw: RawDocument) -> CleanDocument:
    """Turn a loaded document into its canonical text.

    Args:
        raw: pages as read by ``ingest.load.load``. A PDF page may hold empty lines where the
            layout leaves space between paragraphs (load marks them); without them the
            paragraphs are found from line lengths and punctuation alone.

    Returns:
        The text and, for PDFs, where each page's text begins; a page whose text was all
        removed (a blank page, the back-page imprint) begins where the next page's text begins.
    """
    if raw.paged:
        blocks = _pdf_blocks(raw.pages)
    else:
        blocks = _text_blocks("\n\n".join(raw.pages))
    for step in (_drop_letterhead, _drop_stray_marks, _drop_furniture, _rejoin_page_splits,
                 _merge_runs, _drop_repeats, _drop_subscription_tail, _join_byline):
        blocks = step(blocks)
    return _assemble(blocks, len(raw.pages) if raw.paged else 0)


# --------------------------------------------------------------------------- output


def _assemble(blocks: list[_Block], n_pages: int) -> CleanDocument:
    parts: list[str] = []
    starts: dict[int, int] = {}
    offset = 0
    for block in blocks:
        lines = block.rendered()
        line_offsets = [0]
        for line in lines[:-1]:
            line_offsets.append(line_offsets[-1] + len(line) + 1)
        prefix = 2 if block.kind == "list" else 0
        for page, index, char in block.marks:
            starts.setdefault(page, offset + line_offsets[index] + prefix + char)
        text = "\n".join(lines)
        parts.append(text)
        offset += len(text) + 2
    text = "\n\n".join(parts)
    page_starts = [len(text)] * n_pages
    following = len(text)
    for page in range(n_pages, 0, -1):  # an emptied page starts where the next one does
        following = min(starts.get(page, following), following)
        page_starts[page - 1] = following
    return CleanDocument(text=text, page_starts=page_starts)


# --------------------------------------------------------------------------- tidying (all formats)

_DEAR = re.compile(r"^Dear\s+\S.{0,80}$")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_LINE = re.compile(rf"^(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+\d{{4}}"
                        rf"|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}})$", re.I)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+"
#: A news byline: the author's name on one line and the date on the next.
_BYLINE_NAME = re.compile(r"^(?:By\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,3}$")
# Lines of a letterhead or an address: Ofsted's addresses, a postcode at the end, "T 0300 ...",
# "E: someone@...", "W www...".
_LETTERHEAD = re.compile(
    r"ofsted\.gov\.uk|gov\.uk/ofsted|^Piccadilly Gate$|^Store St(?:reet)?$|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$"
    r"|^(?:T|Tel|Telephone|Textphone|Minicom|Fax|F|Direct line)\b\.?:?\s*[\d+(]"
    r"|^(?:E|Email|E-mail|W|Web|Website)\b\.?:?\s*\S+[@.]\S+")
_STRAY_MARK = re.compile(
    r"^(?:pre-?publication(?: version)?|draft|official(?:\s*[-–]\s*sensitive)?|confidential|"
    r"not for publication|page \d+(?: of \d+)?|\d{1,3}\.?|end of (?:document|report))$", re.I)
_SUBSCRIPTION = re.compile(
    r"\b(?:subscribe|subscription|subscriber|membership|member benefits|sign up|log ?in|register now|"
    r"free trial|per (?:month|year|annum)|a month|/ ?(?:month|year)|digital (?:issues?|editions?|access)|"
    r"print (?:issues?|editions?)|unlimited access|supplements|newsletter|archive of)\b|[£$€]\s?\d", re.I)


def _join_byline(blocks: list[_Block]) -> list[_Block]:
    """A byline near the top ("Joe Lepper" then "Tuesday, April 3, 2018") stays together as one
    paragraph, so who wrote a piece and when reads as one line rather than two headings."""
    for i in range(min(len(blocks), 8) - 1):
        name, date = blocks[i], blocks[i + 1]
        if (name.kind == date.kind == "para" and len(name.lines) == len(date.lines) == 1
                and _BYLINE_NAME.match(name.lines[0])
                and _DATE_LINE.match(re.sub(rf"^{_WEEKDAY}", "", date.lines[0], flags=re.I))):
            name.lines.append(date.lines[0])
            name.marks += [(page, 1, char) for page, _, char in date.marks]
            blocks.pop(i + 1)
            break
    return blocks


def _text_of(block: _Block) -> str:
    return "\n".join(block.lines)


def _drop_letterhead(blocks: list[_Block]) -> list[_Block]:
    """A letter keeps its date line; the letterhead, address block and "Dear ..." go."""
    top = blocks[:20]
    dear = next((i for i, b in enumerate(top) if b.kind == "para" and _DEAR.match(b.lines[0])), None)
    if dear is not None and all(len(_text_of(b)) < 150 for b in top[:dear]):
        dates = [i for i in range(dear) if _DATE_LINE.match(_text_of(blocks[i]))]
        between = [line for b in blocks[dates[0] + 1:dear] for line in b.lines] if dates else []
        keep = _addressee(between)
        for i in range(dear, -1, -1):
            if i not in dates[:1]:
                _drop(blocks, i)
        if keep:
            blocks.insert(1, _Block("para", keep))
        return blocks
    for i in range(min(12, len(blocks)) - 1, -1, -1):
        lines = blocks[i].lines
        if blocks[i].kind == "para" and all(len(line) < 80 and _LETTERHEAD.search(line) for line in lines):
            _drop(blocks, i)
    return blocks


_ORGANISATION = re.compile(r"\b(?:Borough|Council|County|City|Authority|Trust|Department|Children's Services)\b")


def _addressee(lines: list[str]) -> list[str]:
    """Who a letter is addressed to — name, role, organisation — without the postal lines.

    Staff ask "who was the letter sent to?", so the addressee stays in the text; the street,
    town and postcode are letterhead furniture and go.
    """
    if len(lines) < 2 or not re.match(r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Cllr)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}$",
                                       lines[0].strip()):
        return []
    for i, line in enumerate(lines[:4]):
        if _ORGANISATION.search(line) and not re.search(r"\d", line):
            return lines[: i + 1]
    return []


def _drop_stray_marks(blocks: list[_Block]) -> list[_Block]:
    """Marks such as a last "Pre-publication" line or a lone page number at either end."""
    while blocks and blocks[-1].kind == "para" and _STRAY_MARK.match(blocks[-1].lines[0]):
        _drop(blocks, len(blocks) - 1)
    while blocks and blocks[0].kind == "para" and _STRAY_MARK.match(blocks[0].lines[0]):
        _drop(blocks, 0)
    return blocks


def _drop_furniture(blocks: list[_Block]) -> list[_Block]:
    """Remove slide furniture and running headers: short paragraphs repeated 3+ times that are
    page numbers, carry a changing number, start in lower case (a slogan), or sit next to other
    repeated paragraphs (a logo beside a slogan). Repeated section titles stay: they are structure.
    """
    def key(block: _Block) -> str | None:
        text = _text_of(block)
        if block.kind not in ("para", "head") or len(text) > 100 or _NUMBERED.match(text):
            return None
        return _DIGITS.sub("#", " ".join(text.lower().split()))

    keys = [key(b) for b in blocks]
    counts = Counter(k for k in keys if k)
    repeated = {k for k, n in counts.items() if n >= 3}
    numbers: dict[str, set[tuple[str, ...]]] = {}  # the numbers each repeated paragraph carries
    sample: dict[str, str] = {}
    for b, k in zip(blocks, keys):
        if k in repeated:
            numbers.setdefault(k, set()).add(tuple(_DIGITS.findall(_text_of(b))))
            sample.setdefault(k, _text_of(b))
    furniture = {k for k in repeated if _PAGE_NUMBER.match(k.replace("#", "1")) or len(numbers[k]) > 1
                 or not any(ch.isalpha() for ch in k) or _starts_lower(sample[k])}
    for k in repeated - furniture:
        if _ends_sentence(k):  # furniture is a name, a title or a slogan, not a sentence
            continue
        places = [i for i, other in enumerate(keys) if other == k]
        beside = sum(1 for i in places if (i > 0 and keys[i - 1] in repeated - {k})
                     or (i + 1 < len(keys) and keys[i + 1] in repeated - {k}))
        if beside * 2 >= len(places):
            furniture.add(k)
    for i in range(len(blocks) - 1, -1, -1):
        if keys[i] in furniture:
            _drop(blocks, i)
    return blocks


def _rejoin_page_splits(blocks: list[_Block]) -> list[_Block]:
    """A paragraph (or bullet) that stops without terminal punctuation, followed by a paragraph
    starting in lower case, was split by a page break: join them with one space."""
    i = 0
    while i + 1 < len(blocks):
        first, second = blocks[i], blocks[i + 1]
        if first.kind in ("para", "list") and second.kind == "para" and len(second.lines) == 1 \
                and not _ends_sentence(first.lines[-1]) and _starts_lower(second.lines[0]):
            _join(first, second)
            blocks.pop(i + 1)
        else:
            i += 1
    return blocks


def _merge_runs(blocks: list[_Block]) -> list[_Block]:
    """Adjacent lists (a list broken by a page or a slide) become one list; so do table rows."""
    i = 0
    while i + 1 < len(blocks):
        first, second = blocks[i], blocks[i + 1]
        if first.kind == second.kind and first.kind in ("list", "table"):
            shift = len(first.lines)
            first.lines += second.lines
            first.marks += [(page, line + shift, char) for page, line, char in second.marks]
            blocks.pop(i + 1)
        else:
            i += 1
    return blocks


def _drop_repeats(blocks: list[_Block]) -> list[_Block]:
    """A paragraph (or list item) that repeats the one just before it is printed once."""
    for i in range(len(blocks) - 1, 0, -1):
        if blocks[i].kind == blocks[i - 1].kind and _text_of(blocks[i]) == _text_of(blocks[i - 1]):
            _drop(blocks, i)
    for block in blocks:
        if block.kind == "list":
            new_index, dropped, kept = [], set(), []
            for k, item in enumerate(block.lines):
                if kept and item == kept[-1]:
                    dropped.add(k)
                else:
                    kept.append(item)
                new_index.append(len(kept) - 1)
            block.marks = [(page, new_index[line], 0 if line in dropped else char)
                           for page, line, char in block.marks]
            block.lines = kept
    return blocks


def _drop_subscription_tail(blocks: list[_Block]) -> list[_Block]:
    """Remove a news site's subscription or membership offer from the end of an article.

    The tail is the run of short blocks at the end that are offers ("Subscribe", "From £15 /
    month", "... membership") or look like their furniture (a short title, a list of perks);
    it is cut whole, and only when it holds an offer.
    """
    def offer(block: _Block) -> bool:
        text = _text_of(block)
        return len(text) < 120 and bool(_SUBSCRIPTION.search(text))

    def furniture(block: _Block) -> bool:
        if block.kind == "list":
            return all(len(item) < 60 for item in block.lines)
        return len(_text_of(block)) < 50 and not _ends_sentence(_text_of(block))

    start = len(blocks)
    while start > 0 and (offer(blocks[start - 1]) or furniture(blocks[start - 1])):
        start -= 1
    if start > 0 and any(offer(block) for block in blocks[start:]):
        for i in range(len(blocks) - 1, start - 1, -1):
            _drop(blocks, i)
    return blocks

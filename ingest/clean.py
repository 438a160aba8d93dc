"""Cleaning: raw pages become the document's canonical text, the text every offset refers to.

The output has one shape, which the chunker splits on: paragraphs separated by exactly one blank
line; each heading a paragraph of its own; bullet items as lines starting "- " (one list is a run
of such lines); numbered paragraphs keep their "12. " prefix; table rows one per line, as
"Area: Grade". Quotes and dashes are kept as typed, so quoted evidence still matches verbatim.

Two front ends turn pages into blocks (paragraphs, lists, tables): PDF pages are reflowed from
their wrapped lines once running headers, footnotes, the contents page and Ofsted's back-page
imprint are taken out; text formats (txt, md, html, docx) lose their markdown debris. Every
document then gets the same tidying: letterhead and address block, slide furniture, paragraphs
split by a page break, duplicated captions, news-site subscription blocks.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.load import RawDocument


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
                 _merge_runs, _drop_repeats, _drop_subscription_tail):
        blocks = step(blocks)
    return _assemble(blocks, len(raw.pages) if raw.paged else 0)


# --------------------------------------------------------------------------- blocks and output


@dataclass
class _Block:
    """One paragraph ("para", "head"), list ("list": lines are items) or table ("table": rows)."""

    kind: str
    lines: list[str]
    #: (page, line index, character offset in that line) where a page's text begins.
    marks: list[tuple[int, int, int]] = field(default_factory=list)

    def rendered(self) -> list[str]:
        return [f"- {item}" for item in self.lines] if self.kind == "list" else self.lines


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


def _drop(blocks: list[_Block], index: int) -> None:
    """Remove a block; the page starts it carried move to the start of the next block."""
    gone = blocks.pop(index)
    if gone.marks and index < len(blocks):
        blocks[index].marks[:0] = [(page, 0, 0) for page, _, _ in gone.marks]


def _join(first: _Block, second: _Block) -> None:
    """Append ``second`` (a one-line paragraph) to the last line of ``first``, after a space."""
    last = len(first.lines) - 1
    shift = len(first.lines[last]) + 1
    first.lines[last] += " " + second.lines[0]
    first.marks += [(page, last, shift + char) for page, _, char in second.marks]


# --------------------------------------------------------------------------- characters

_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff" + "".join(
    chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127])
_CHAR_MAP = {c: " " for c in _ODD_SPACES} | {c: "" for c in _INVISIBLE} | {
    "\u2010": "-", "\u2011": "-", "\ufffe": "-"}
# One regex pass rather than str.translate: the characters are rare and translate looks up every one.
_ODD_CHAR = re.compile("[" + re.escape("".join(_CHAR_MAP)) + "]")
# Bullet glyphs at a line start: Symbol/Wingdings private-use glyphs from Word, and the shapes
# and rules Ofsted templates use. Anything else in the private-use area is an icon: removed.
_BULLET_START = re.compile(
    r"^[ \t]*(?:[\ue000-\uf8ff\u0336]|[◼◾■□▪▫●•◦○➢►▸‣⁃∙─―−](?=[ \t]|$))[ \t]*", re.M)
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_SPACE_RUNS = re.compile(r"  +")


def _normalize(text: str) -> list[str]:
    """Lines of text with odd spaces, invisible characters and icons gone; bullets become "• "."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _BULLET_START.sub("• ", _ODD_CHAR.sub(lambda m: _CHAR_MAP[m.group()], text))
    text = _SPACE_RUNS.sub(" ", _PRIVATE_USE.sub("", text))
    return [line.strip() if line.strip() != "•" else "" for line in text.split("\n")]  # a bullet, no item


_TERMINAL = ".!?:;…"
_CLOSERS = "\"'’”)]*_"


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _TERMINAL


def _starts_lower(line: str) -> bool:
    return line[:1].islower()


# --------------------------------------------------------------------------- text formats

_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?$")
_MD_BULLET = re.compile(r"^(?:[-*+]|•)\s+")
_MD_RULE = re.compile(r"^([-*_=])(?:\s*\1){2,}$")
_MD_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_MD_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_MAILTO = re.compile(r"\bmailto:", re.I)
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)((?:(?!\n\s*\n).)+?)(?<=\S)\1", re.S)
_MD_EMPHASIS = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![\w*])")
_MD_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)")
_MD_LEFTOVER = re.compile(r"\*\*+|(?<!\w)__+(?!\w)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+\S")
_CONNECTOR_END = re.compile(r"(?:[&,/+–-]|\b(?:and|or|of|the|to|for|in|with))$", re.I)


def _strip_markdown(text: str) -> str:
    text = _MD_IMAGE_OR_LINK.sub(r"\1", text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    text = _MAILTO.sub("", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EMPHASIS.sub(r"\1", text)
    text = _MD_UNDERSCORE.sub(r"\1", text)
    text = _MD_LEFTOVER.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


def _text_blocks(text: str) -> list[_Block]:
    """Blocks of a text document: blank lines separate paragraphs, as in markdown."""
    lines = _normalize(text)
    # Markdown bullets become "• " before emphasis is read, so "* item" is never taken for "*x*".
    lines = ["• " + _MD_BULLET.sub("", line) if _MD_BULLET.match(line) else line for line in lines]
    lines = [line.removeprefix("> ").removeprefix(">") for line in lines]
    lines = [_SPACE_RUNS.sub(" ", line).strip() for line in _strip_markdown("\n".join(lines)).split("\n")]
    blocks: list[_Block] = []
    paragraph: list[str] = []
    for line in lines + [""]:
        if line and not _MD_RULE.match(line) and not _MD_TABLE_SEPARATOR.match(line):
            if not paragraph or line != paragraph[-1]:  # a caption printed twice
                paragraph.append(line)
        elif paragraph:
            blocks += _paragraph_blocks(paragraph)
            paragraph = []
    return blocks


def _paragraph_blocks(lines: list[str]) -> list[_Block]:
    """One markdown paragraph: prose lines are joined, short lines (an address) kept apart."""
    prose = len(lines) > 1 and max(len(line) for line in lines[:-1]) >= 60
    out: list[_Block] = []
    for line in lines:
        heading = _MD_HEADING.match(line)
        previous = out[-1] if out else None
        if heading:
            out.append(_Block("head", [heading.group(1)]))
        elif line.startswith("• "):
            item = line[2:].strip()
            if item:
                if previous and previous.kind == "list":
                    previous.lines.append(item)
                else:
                    out.append(_Block("list", [item]))
        elif " | " in line or line.startswith("|"):
            row = " | ".join(cell.strip() for cell in line.strip("|").split("|"))
            if previous and previous.kind == "table":
                previous.lines.append(row)
            else:
                out.append(_Block("table", [row]))
        elif previous and previous.kind in ("para", "list") and not _NUMBERED.match(line) and (
                prose or _starts_lower(line) or _CONNECTOR_END.search(previous.lines[-1])):
            previous.lines[-1] += " " + line
        else:
            out.append(_Block("para", [line]))
    return out


# --------------------------------------------------------------------------- PDF pages

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+(?:of|/)\s+\d{1,4})?$", re.I)
_DIGITS = re.compile(r"\d+")
_IMPRINT = re.compile(
    r"^(?:Any complaints about the inspection|The Office for Standards in Education|If you would like a "
    r"copy of this document|You may (?:re)?use this information|You may copy all or parts of this)")
_CONTENTS_ENTRY = re.compile(r"\S\s+\d{1,3}$")
_FOOTNOTE_START = re.compile(r"^(\d{1,2})(?:\s+(\S.*))?$")
_GRADES = {"outstanding", "good", "adequate", "inadequate", "requires improvement",
           "requires improvement to be good", "not applicable"}
_ROW_END = re.compile(  # "Overall effectiveness Good": a label, then the grade at the line end
    r"^(.*?\S)\s+((?:[Oo]utstanding|[Gg]ood|[Aa]dequate|[Ii]nadequate|[Rr]equires [Ii]mprovement(?: to be good)?))$")
_GRADE_TAILS = {"improvement", "improvement to be good", "to be good", "be good"}
_GRADE_ENDINGS = ("Outstanding", "Good", "Adequate", "Inadequate", "mprovement", "to be good")
_TABLE_HEAD = re.compile(r"^(?:key\s+)?judgements?\s+(?:judgements?\s+)?grades?$", re.I)
_NUMBERED_ROW = re.compile(r"^\d(?:\.\d)?\.?\s")
_DASH_BULLET = re.compile(r"^[-–]\s+")
#: Front-page facts that metadata extraction reads line by line: each starts a paragraph.
_FACT_LINE = re.compile(r"^(?:Inspection dates?|Dates? of (?:inspection|visit)|Lead inspector|Reporting inspector|"
                        r"Team inspectors?|Report published|Publication date|Published|Age group)\b[^:]{0,12}:", re.I)
_PDF_NUMBERED = re.compile(r"^(\d{1,3})\.\s+\S")
_HYPHENATED = re.compile(r"([A-Za-z]+)-$")


@dataclass
class _Line:
    kind: str  # "text", "gap" (space in the layout), "row" (table row), "note" (footnote), "void"
    text: str
    page: int

    def void(self) -> None:
        """Take the line out; unlike a gap it says nothing about the layout."""
        self.kind, self.text = "void", ""


def _pdf_blocks(pages: list[str]) -> list[_Block]:
    notes: list[list[str]] = []
    page_lines: list[list[_Line]] = []
    for number, page in enumerate(pages, start=1):
        raw = page.replace("\ufffe", "-\n").replace("\r\n", "\n").split("\n")
        raw, page_notes = _split_footnotes(raw)
        lines = [_Line("text" if line else "gap", line, number) for line in _normalize("\n".join(raw))]
        page_notes = [" ".join(_normalize(note)).strip() for note in page_notes]
        _strip_note_markers(lines, page_notes)
        notes.append(page_notes)
        page_lines.append(lines)
    _strip_running_lines(page_lines)
    _strip_contents(page_lines)
    _strip_imprint(page_lines)
    stream: list[_Line] = []
    for number, lines in enumerate(page_lines, start=1):
        stream += _table_rows([line for line in lines if line.kind != "void"])
        stream += [_Line("note", note, number) for note in notes[number - 1] if note]
    return _Reflow(stream, pages).blocks


def _split_footnotes(raw: list[str]) -> tuple[list[str], list[str]]:
    """Body lines and footnotes ("N text", N cited in the body), found below the footnote rule
    (PDFium gives it as a line holding only a space) or, lacking one, below a layout gap."""
    for i, line in enumerate(raw):
        rule = line != "" and not line.strip()
        if not (rule or (line == "" and 0 < i < len(raw) - 1 and _FOOTNOTE_START.match(raw[i + 1].strip()))):
            continue
        below = [x.strip() for x in raw[i + 1:] if x.strip()]
        start = _FOOTNOTE_START.match(below[0]) if below else None
        if start and (rule or start.group(2)) and _cited(raw[:i], start.group(1)):
            notes: list[str] = []
            for text in below:
                start = _FOOTNOTE_START.match(text)
                if start and (not notes or int(start.group(1)) > int(notes[-1].split(" ", 1)[0])):
                    notes.append(f"{start.group(1)} {start.group(2) or ''}".rstrip())
                elif notes:
                    notes[-1] += ("" if notes[-1].endswith("-") else " ") + text
            return raw[:i], notes
    return raw, []


def _cited(body: list[str], number: str) -> bool:
    """Whether the body carries footnote marker ``number``."""
    marker = _marker([number])
    return any(line.strip() == number or marker.search(line.strip()) for line in body)


def _marker(numbers: list[str]) -> re.Pattern:
    """Footnote markers as PDFium leaves them: stuck to the word or punctuation before ("board1",
    "area.2", "school[1]"), or starting a line that carries on a sentence ("3 all of whom")."""
    either = "|".join(numbers)
    return re.compile(rf"(?:(?<=[A-Za-z)%\]?!’”'\"])|(?<=[A-Za-z)%][.,:;]))\[?(?:{either})\]?(?=[\s.,;:)]|$)"
                      rf"|^(?:{either}) (?=[a-z])")


def _strip_note_markers(lines: list[_Line], notes: list[str]) -> None:
    """Take footnote numbers out of the body (stuck to words, or a line of their own) and off the notes."""
    numbers = [note.split(" ", 1)[0] for note in notes]
    notes[:] = [note.split(" ", 1)[1] if " " in note else "" for note in notes]
    if not numbers:
        return
    marker = _marker(numbers)
    for line in lines:
        if line.text in numbers:
            line.void()
        elif line.kind == "text":
            line.text = marker.sub("", line.text)


def _strip_running_lines(pages: list[list[_Line]]) -> None:
    """Remove page numbers, and lines at the top or bottom of most pages (digits aside)."""
    def zones(lines: list[_Line]) -> list[_Line]:
        texts = [line for line in lines if line.kind == "text"]
        return texts[:3] + texts[3:][-3:]

    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_DIGITS.sub("#", line.text.lower()) for line in zones(lines)})
    frequent = {key for key, n in counts.items() if n >= max(3, 0.4 * len(pages))}
    for lines in pages:
        texts = [line for line in lines if line.kind == "text"]
        edge = texts[:2] + texts[2:][-2:]
        for line in zones(lines):
            if _DIGITS.sub("#", line.text.lower()) in frequent or (
                    any(line is e for e in edge) and _PAGE_NUMBER.match(line.text)):
                line.void()


def _strip_contents(pages: list[list[_Line]]) -> None:
    """Remove a table of contents: "Contents" then lines ending in page numbers."""
    for lines in pages[:6]:
        texts = [line for line in lines if line.kind == "text"]
        heads = [i for i, line in enumerate(texts[:4]) if line.text.lower() in ("contents", "table of contents")]
        if heads:
            entries = texts[heads[0] + 1:]
            numbered = [i for i, line in enumerate(entries) if _CONTENTS_ENTRY.search(line.text)]
            if numbered and len(numbered) >= 0.5 * len(entries[: numbered[-1] + 1]):
                for line in texts[heads[0]: heads[0] + 2 + numbered[-1]]:
                    line.void()


def _strip_imprint(pages: list[list[_Line]]) -> None:
    """Remove Ofsted's back-page imprint (complaints, licence, address, copyright), the same in
    every report; some files hold two reports, so it is looked for on every page."""
    for lines in pages:
        texts = [line for line in lines if line.kind == "text"]
        end = next((i for i, line in enumerate(texts) if "Crown copyright" in line.text), None)
        start = next((i for i, line in enumerate(texts[:end]) if _IMPRINT.match(line.text)), None)
        if end is not None and start is not None:
            for line in texts[start:end + 1]:
                line.void()


def _table_rows(lines: list[_Line]) -> list[_Line]:
    """Judgement tables become one "Area: Grade" row each; other lines pass through."""
    texts = [line for line in lines if line.kind == "text"]
    for line, below in zip(texts, texts[1:]):  # "Requires" / "improvement" split over two lines
        if below.text.lower() in _GRADE_TAILS and line.kind == "text" and \
                f"{line.text} {below.text}".lower().endswith(("requires improvement", "to be good")):
            line.text = f"{line.text} {below.text}"
            below.void()
    texts = [line for line in texts if line.kind == "text"]
    # Only lines near a grade can be part of a judgement row; checking that first keeps this cheap.
    near = [line.text.lower() in _GRADES or line.text.endswith(_GRADE_ENDINGS) for line in texts]
    i = 0
    while i < len(texts):
        head = _TABLE_HEAD.match(texts[i].text)
        if not head and not any(near[i:i + 4]):
            i += 1
            continue
        start = i + 1 if head else i
        row = _table_row(texts, start)
        if row and (head or _starts_table(texts, i, row)):
            if head:
                texts[i].void()
            while row:
                label, grade, end = row
                joiner = " " if re.search(r"\b(?:is|are|be)$", label) else ": "
                texts[start].kind, texts[start].text = "row", f"{label}{joiner}{grade}"
                for line in texts[start + 1:end]:
                    line.void()
                start = end
                row = _table_row(texts, start)
            i = start
        else:
            i += 1
    return [line for line in lines if line.kind != "void"]


def _table_row(texts: list[_Line], i: int) -> tuple[str, str, int] | None:
    """(label, grade, index after the row) when a table row starts at ``texts[i]``."""
    label: list[str] = []
    for j in range(i, min(i + 4, len(texts))):
        text = texts[j].text
        if texts[j].kind != "text":
            return None
        if text.lower() in _GRADES:
            return (" ".join(label), text, j + 1) if label else None
        if label and not _starts_lower(text):  # a label wraps onto lines starting in lower case
            return None
        end = _ROW_END.match(text)
        if end and (end.group(2)[0].isupper() or _NUMBERED_ROW.match(label[0] if label else text)):
            # "Overall effectiveness Good"; a lower-case grade only in a numbered judgement list
            return " ".join(label + [end.group(1)]), end.group(2), j + 1
        if _ends_sentence(text) or text.startswith("• ") or len(text) > 90:
            return None
        label.append(text)
    return None


def _starts_table(texts: list[_Line], i: int, row: tuple[str, str, int]) -> bool:
    """Without a "Judgement Grade" header, a row counts when it is clearly one: the grade on a
    line of its own, a short numbered judgement ("2.1 Adoption performance Good"), or two rows
    running."""
    label, grade, end = row
    if _starts_lower(texts[i].text):
        return False
    if texts[end - 1].text == grade or (_NUMBERED_ROW.match(label) and len(label) < 65):
        return True
    return _table_row(texts, end) is not None


class _Reflow:
    """Joins a PDF's wrapped lines into blocks.

    A new block starts at an empty line (space in the layout, marked by load), a bullet, a
    numbered paragraph or a table row. Without layout marks, a line that ends a sentence and
    leaves room for the next word on it ends a paragraph, and a short line without terminal
    punctuation (a heading, a label) stands alone. A line starting in lower case always
    continues the one before, across page breaks too.
    """

    def __init__(self, stream: list[_Line], pages: list[str]):
        self.blocks: list[_Block] = []
        self.block: _Block | None = None
        self.notes: list[str] = []
        self.lowered: str | None = None
        self.pages = pages
        self.width = _widths(stream, len(pages))
        self.laid_out = {line.page for i, line in enumerate(stream[1:-1], 1) if line.kind == "gap"
                         and stream[i - 1].page == line.page == stream[i + 1].page
                         and stream[i - 1].kind == stream[i + 1].kind == "text"}
        self.last_number = 0
        self.marked: set[int] = set()  # pages whose first text has been placed
        previous: _Line | None = None
        gap = False
        for line in stream:
            if line.kind == "gap":
                gap = gap or (previous is not None and previous.page == line.page)
                continue
            if line.kind == "note":
                self.notes.append(line.text)
                continue
            if previous is not None and previous.page != line.page:
                gap = False
            self.add(line, previous if previous is not None and previous.kind == "text" else None, gap)
            previous, gap = line, False
        self.close()

    def add(self, line: _Line, previous: _Line | None, gap: bool) -> None:
        text, block = line.text, self.block
        after = previous.text if previous else ""
        if line.kind == "row":
            if not block or block.kind != "table":
                self.start("table")
            return self.append(text, line.page, new_line=True)
        bullet = text.startswith("• ") or (_DASH_BULLET.match(text) and (
            (block and block.kind == "list") or _ends_sentence(after)))
        if bullet:
            item = _DASH_BULLET.sub("", text.removeprefix("• ")).strip()
            if not item:
                return None
            if not block or block.kind != "list":
                self.start("list")
            return self.append(item, line.page, new_line=True)
        numbered = _PDF_NUMBERED.match(text)
        if numbered and (int(numbered.group(1)) in (1, self.last_number + 1) or gap or not previous
                         or _ends_sentence(after)):
            self.last_number = int(numbered.group(1))
            self.start("para")
            return self.append(text, line.page, new_line=True)
        if block and block.kind != "table" and previous and not _FACT_LINE.match(text) \
                and self.continues(previous, line, gap):
            return self.append(text, line.page, new_line=False)
        short = len(text) < 0.8 * self.width[line.page] and not _ends_sentence(text)
        self.start("head" if short else "para")
        return self.append(text, line.page, new_line=True)

    def continues(self, previous: _Line, line: _Line, gap: bool) -> bool:
        """Whether ``line`` carries on the paragraph that ``previous`` is the last line of."""
        before, text = previous.text, line.text
        if _starts_lower(text) or text[:1] in ",.;:)]" or _hyphenated(before):
            return True
        if gap:
            return False
        if before.endswith(","):  # a sentence never ends on a comma
            return True
        width = self.width[previous.page]
        room = len(before) + 1 + len(text.split(" ", 1)[0]) < 0.88 * width
        if previous.page != line.page:  # the layout says nothing across a page break
            heading = len(text) < 0.8 * self.width[line.page] and not _ends_sentence(text)
            if not _ends_sentence(before):  # a sentence runs on, unless two labels meet
                return not (heading and len(before) + 1 + len(text.split(" ", 1)[0]) < 0.8 * width)
            return not (room or heading)
        if not _ends_sentence(before):
            return not len(before) + 1 + len(text.split(" ", 1)[0]) < 0.8 * width
        return previous.page in self.laid_out or not room

    def start(self, kind: str) -> None:
        self.close()
        self.block = _Block(kind, [])

    def append(self, text: str, page: int, new_line: bool) -> None:
        block = self.block
        assert block is not None
        if new_line or not block.lines:
            block.lines.append(text)
            offset = 0
        else:
            last = block.lines[-1]
            hyphen = _hyphenated(last)
            if hyphen and text[:1].isalpha():
                # A line-end hyphen is dropped only when the joined word occurs elsewhere in the
                # document: "recog-nised" was hyphenated by the layout, "long-term" by the writer.
                joined = (hyphen.group(1) + text.split(" ", 1)[0]).lower().rstrip(".,;:)’”'\"")
                keep = not (_starts_lower(text) and self.occurs(joined))
                last = last if keep else last[:-1]
                separator = ""
            elif last.endswith("-") and last[-2:-1].isdigit():
                separator = ""  # "16-" + "17 year olds"
            else:
                separator = " "
            offset = len(last) + len(separator)
            block.lines[-1] = last + separator + text
        if page not in self.marked:
            self.marked.add(page)
            block.marks.append((page, len(block.lines) - 1, offset))

    def close(self) -> None:
        if self.block and self.block.lines:
            self.blocks.append(self.block)
        self.block = None
        self.blocks += [_Block("para", [note]) for note in self.notes]
        self.notes = []

    def occurs(self, word: str) -> bool:
        """Whether ``word`` occurs as a whole word anywhere in the document's raw text."""
        if self.lowered is None:
            self.lowered = "\n".join(self.pages).lower()
        # A plain substring test first: it is fast and usually decides.
        return word in self.lowered and bool(re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", self.lowered))


def _hyphenated(line: str) -> re.Match | None:
    """The word before a line-end hyphen ("recog-"), looking only at the end of a long line."""
    return _HYPHENATED.search(line[-40:]) if line.endswith("-") else None


def _widths(stream: list[_Line], n_pages: int) -> dict[int, int]:
    """Each page's full line length in characters: the 90th percentile of its line lengths, but
    never much under the document's (a page of headings and table rows has no full lines)."""
    by_page: dict[int, list[int]] = {}
    for line in stream:
        if line.kind == "text" and len(line.text) >= 15:
            by_page.setdefault(line.page, []).append(len(line.text))

    def percentile(lengths: list[int]) -> int:
        lengths = sorted(lengths)
        return lengths[int(0.9 * (len(lengths) - 1))]

    everything = [n for lengths in by_page.values() for n in lengths]
    default = max(percentile(everything), 60) if everything else 80  # a short test page has no full lines
    return {page: max(percentile(by_page[page]), int(0.9 * default)) if len(by_page.get(page, [])) >= 8
            else default for page in range(1, n_pages + 1)}


# --------------------------------------------------------------------------- tidying (all formats)

_DEAR = re.compile(r"^Dear\s+\S.{0,80}$")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_LINE = re.compile(rf"^(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+\d{{4}}"
                        rf"|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}})$", re.I)
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

"""PDF pages become blocks: lines are cleaned up (``ingest.pdf_lines``), judgement tables turned
into rows (``ingest.pdf_tables``), then wrapped lines are reflowed into paragraphs, lists and
tables, with line-end hyphens dropped where the layout put them."""

from __future__ import annotations

import re

from ingest.blocks import _Block, _ends_sentence, _normalize, _starts_lower
from ingest.pdf_lines import (_Line, _split_footnotes, _strip_contents, _strip_imprint, _strip_note_markers,
                              _strip_running_lines)
from ingest.pdf_tables import _table_rows

_DASH_BULLET = re.compile(r"^[-–]\s+")
#: Front-page facts that metadata extraction reads line by line: each starts a paragraph.
_FACT_LINE = re.compile(r"^(?:Inspection dates?|Dates? of (?:inspection|visit)|Lead inspector|Reporting inspector|"
                        r"Team inspectors?|Report published|Publication date|Published|Age group)\b[^:]{0,12}:", re.I)
_PDF_NUMBERED = re.compile(r"^(\d{1,3})\.\s+\S")
_HYPHENATED = re.compile(r"([A-Za-z]+)-$")


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

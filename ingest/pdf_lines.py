"""A PDF's lines, page by page, and what is taken out of them before reflow: footnotes (kept
aside, markers removed from the body), running headers and footers, page numbers, the contents
page and Ofsted's back-page imprint."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.blocks import _DIGITS, _PAGE_NUMBER

_IMPRINT = re.compile(
    r"^(?:Any complaints about the inspection|The Office for Standards in Education|If you would like a "
    r"copy of this document|You may (?:re)?use this information|You may copy all or parts of this)")
_CONTENTS_ENTRY = re.compile(r"\S\s+\d{1,3}$")
_FOOTNOTE_START = re.compile(r"^(\d{1,2})(?:\s+(\S.*))?$")


@dataclass
class _Line:
    kind: str  # "text", "gap" (space in the layout), "row" (table row), "note" (footnote), "void"
    text: str
    page: int

    def void(self) -> None:
        """Take the line out; unlike a gap it says nothing about the layout."""
        self.kind, self.text = "void", ""


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


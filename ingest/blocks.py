"""The block model every cleaning step works on, and the character tidying both front ends share.

A document becomes a list of blocks (paragraphs, headings, lists, tables) on its way to canonical
text; ``ingest.text_blocks`` and ``ingest.pdf_blocks`` build them, ``ingest.clean`` tidies and
assembles them. The names here are private to those modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class _Block:
    """One paragraph ("para", "head"), list ("list": lines are items) or table ("table": rows)."""

    kind: str
    lines: list[str]
    #: (page, line index, character offset in that line) where a page's text begins.
    marks: list[tuple[int, int, int]] = field(default_factory=list)

    def rendered(self) -> list[str]:
        return [f"- {item}" for item in self.lines] if self.kind == "list" else self.lines


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


# --------------------------------------------------------------------------- line patterns shared by several steps

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+(?:of|/)\s+\d{1,4})?$", re.I)
_DIGITS = re.compile(r"\d+")
_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+\S")

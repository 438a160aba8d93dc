"""Text formats (txt, md, html, docx) become blocks: blank lines separate paragraphs, as in
markdown, and markdown debris (emphasis, links, rules, escapes, entities) is removed."""

from __future__ import annotations

import html
import re

from ingest.blocks import _NUMBERED, _SPACE_RUNS, _Block, _normalize, _starts_lower

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

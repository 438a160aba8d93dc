"""Judgement tables in PDFs: a label and its grade, wrapped over several lines, become one
"Area: Grade" row."""

from __future__ import annotations

import re

from ingest.blocks import _ends_sentence, _starts_lower
from ingest.pdf_lines import _Line

_GRADES = {"outstanding", "good", "adequate", "inadequate", "requires improvement",
           "requires improvement to be good", "not applicable"}
_ROW_END = re.compile(  # "Overall effectiveness Good": a label, then the grade at the line end
    r"^(.*?\S)\s+((?:[Oo]utstanding|[Gg]ood|[Aa]dequate|[Ii]nadequate|[Rr]equires [Ii]mprovement(?: to be good)?))$")
_GRADE_TAILS = {"improvement", "improvement to be good", "to be good", "be good"}
_GRADE_ENDINGS = ("Outstanding", "Good", "Adequate", "Inadequate", "mprovement", "to be good")
_TABLE_HEAD = re.compile(r"^(?:key\s+)?judgements?\s+(?:judgements?\s+)?grades?$", re.I)
_NUMBERED_ROW = re.compile(r"^\d(?:\.\d)?\.?\s")


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

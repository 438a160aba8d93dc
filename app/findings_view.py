"""HTML and table rows for the findings explorer (all text escaped; see app.render)."""

from __future__ import annotations

from typing import Sequence

from app.findings import IMPROVE, Finding, Recurrence
from app.render import esc, human_date

TABLE_HEADERS = ["Authority", "Date", "Document type", "Kind", "Theme", "Finding", "Passage"]


def table_rows(findings: Sequence[Finding]) -> list[list[str]]:
    """Rows for the findings table; the last column says where the passage is (click the row to open it)."""
    return [[f.authority, f.date, f.doc_type, f.kind, f.theme, f.text, f"Open ▸ {f.heading}"] for f in findings]


def _open(key: int, f: Finding) -> str:
    return (f'<button type="button" class="iqa-rel" data-cite="f:{key}" title="Open the passage in its document">'
            f'Open passage</button> <span class="iqa-where">{esc(f.doc_type)}, {esc(human_date(f.date))}'
            f' — {esc(f.heading)}</span>')


def recurring_html(recurrences: Sequence[Recurrence], index: dict[int, int]) -> str:
    """Recurring themes, each with the earlier and the later improvement point; ``index`` maps id(finding) → key."""
    if not recurrences:
        return ('<div class="iqa-empty">No theme is raised again in a later inspection letter about the same '
                'authority (for the filters chosen).</div>')
    items = []
    for r in recurrences:
        items.append(
            f'<div class="iqa-recur"><div class="iqa-recur-head"><span class="iqa-badge">Recurring</span> '
            f'<strong>{esc(r.theme)}</strong> — {esc(r.authority)}: raised in {esc(r.first.year)} and again in '
            f'{esc(r.again.year)}</div><div class="iqa-pair">'
            f'<div><div class="iqa-label">{esc(r.first.year)}</div><blockquote>{esc(r.first.text)}</blockquote>'
            f'{_open(index[id(r.first)], r.first)}</div>'
            f'<div><div class="iqa-label">{esc(r.again.year)}</div><blockquote>{esc(r.again.text)}</blockquote>'
            f'{_open(index[id(r.again)], r.again)}</div></div></div>')
    return "".join(items)


def comparison_html(theme: str | None, council: Sequence[Finding], inspectors: Sequence[Finding],
                    index: dict[int, int]) -> str:
    """The council's own view (self-evaluations) beside the inspectors' findings for one theme."""
    if not theme:
        return ('<div class="iqa-empty">Choose a theme above to compare the council’s own view with the '
                'inspectors’.</div>')

    def column(items: Sequence[Finding], empty: str) -> str:
        if not items:
            return f'<div class="iqa-empty">{esc(empty)}</div>'
        return "".join(
            f'<div class="iqa-cmp-item"><span class="iqa-kind {"iqa-kind-improve" if f.kind == IMPROVE else ""}">'
            f'{esc(f.kind)}</span> {esc(f.text)}<div>{_open(index[id(f)], f)}</div></div>' for f in items)

    return (f'<div class="iqa-cmp"><div><h4>The council’s own view (self-evaluation)</h4>'
            f'{column(council, "The self-evaluations say nothing on this theme.")}</div>'
            f'<div><h4>What the inspectors found (letters and reports)</h4>'
            f'{column(inspectors, "The inspection letters say nothing on this theme.")}</div></div>')

"""Exports: the evidence pack (a conversation with every cited passage) as Markdown or DOCX, findings as CSV."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Sequence

from app.render import filters_text, human_date
from index.types import Answer, Passage

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as written: no links, emphasis, headings or HTML from the documents."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def _source(p: Passage) -> str:
    m = p.meta
    bits = [m.title or p.doc, m.doc_type, m.authority or "", human_date(m.date)]
    if p.section:
        bits.append(f"section “{p.section}”")
    if p.page:
        bits.append(f"page {p.page}")
    bits.append(f"file {p.doc}, characters {p.start}–{p.end}")
    return " · ".join(b for b in bits if b)


def evidence_markdown(turns: Sequence[dict], title: str = "Evidence pack", now: dt.datetime | None = None) -> str:
    """The conversation as Markdown: each question, its answer, and every cited passage quoted with its source."""
    now = now or dt.datetime.now()
    out = [f"# {md_escape(title)}", "", f"Prepared {now:%d %B %Y %H:%M} from the inspection documents. "
           "Every statement below is quoted from, or cites, the passage shown under it.", ""]
    for i, t in enumerate(turns, 1):
        a: Answer = t["answer"]
        filters = md_escape(filters_text(t.get("filters")))
        out += [f"## {i}. {md_escape(t['question'])}", "", f"*Filters: {filters}*", ""]
        if a.abstained:
            out += ["**Not in the documents.** " + md_escape(a.text), ""]
            if a.related:
                out += ["Related passages (not an answer):", ""]
                for p in a.related:
                    out += [f"- {md_escape(_source(p))}"]
                out.append("")
            continue
        for s in (a.sentences or []):
            flag = " **(unverified)**" if not s.verified else ""
            out.append(f"- {md_escape(s.text)}{flag}")
        if not a.sentences:
            out.append(md_escape(a.text))
        out += ["", "**Sources**", ""]
        for c in a.citations:
            out += [f"[{c.n}] {md_escape(_source(c.passage))}" + ("" if c.verified else " (not verified)"), ""]
            out += ["> " + md_escape(line) if line.strip() else ">" for line in c.passage.text.splitlines()]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def evidence_docx(turns: Sequence[dict], path: Path, title: str = "Evidence pack", now: dt.datetime | None = None
                  ) -> Path:
    """Write the evidence pack as a Word document at ``path`` and return the path."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    now = now or dt.datetime.now()
    doc = Document()
    doc.add_heading(title, level=0)
    doc.add_paragraph(f"Prepared {now:%d %B %Y %H:%M} from the inspection documents. Every statement below is "
                      "quoted from, or cites, the passage shown under it.")
    for i, t in enumerate(turns, 1):
        a: Answer = t["answer"]
        doc.add_heading(f"{i}. {t['question']}", level=1)
        note = doc.add_paragraph(f"Filters: {filters_text(t.get('filters'))}")
        note.runs[0].italic = True
        if a.abstained:
            p = doc.add_paragraph()
            p.add_run("Not in the documents. ").bold = True
            p.add_run(a.text)
            for r in a.related:
                doc.add_paragraph(f"Related (not an answer): {_source(r)}", style="List Bullet")
            continue
        for s in (a.sentences or []):
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(s.text)
            if not s.verified:
                flag = p.add_run(" (unverified)")
                flag.bold = True
                flag.font.color.rgb = RGBColor(0xA0, 0x40, 0x00)
        if not a.sentences:
            doc.add_paragraph(a.text)
        doc.add_heading("Sources", level=2)
        for c in a.citations:
            head = doc.add_paragraph()
            head.add_run(f"[{c.n}] ").bold = True
            head.add_run(_source(c.passage) + ("" if c.verified else " (not verified)"))
            quote = doc.add_paragraph(" ".join(c.passage.text.split()), style="Intense Quote")
            for run in quote.runs:
                run.font.size = Pt(10)
    path = Path(path)
    doc.save(str(path))
    return path

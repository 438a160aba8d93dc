"""Generate eval/gold/ilacs.jsonl from ../shared/ilacs/inspections.csv: questions on each report's lead
inspector, inspection dates and judgements, phrased several ways.

    python -m eval.generate_ilacs [--ilacs DIR] [--out FILE] [--phrasings N] [--no-verify]

Each question names its source document (``docs``: the PDF's path relative to the reports folder,
as ingestion names it when the corpus is that folder), the expected answer and its key strings.
It has no quotes: it is scored by whether the source document is retrieved and whether the answer
holds the keys. With verification on (the default) each key must occur in the PDF's text
(whitespace-normalised, case-insensitive), so a rare parser error in the CSV does not become a
wrong gold answer; questions that fail are left out and counted. Rerunning gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Callable, Iterator

DEFAULT_ILACS = Path(__file__).resolve().parents[2] / "shared" / "ilacs"
DEFAULT_OUT = Path(__file__).resolve().parent / "gold" / "ilacs.jsonl"

GRADES = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement",
          "inadequate": "Inadequate"}
AREAS = {
    "impact_of_leaders_grade": "the impact of leaders on social work practice",
    "help_and_protection_grade": "the experiences and progress of children who need help and protection",
    "in_care_grade": "the experiences and progress of children in care",
    "care_leavers_grade": "the experiences and progress of care leavers",
}
_SMALL = {"and", "of", "upon", "on", "with", "the", "in"}

LEAD = (
    "Who was the lead inspector for {la}'s children's services inspection in {when}?",
    "Which HMI led the {when} Ofsted inspection of {la} children's services?",
    "Name the lead inspector of the {la} ILACS inspection carried out in {when}.",
)
DATES = (
    "When did the inspection of {la} children's services published in {pub} take place?",
    "What were the inspection dates of the {la} children's services report published in {pub}?",
    "On which dates were inspectors on site for {la}'s inspection that was published in {pub}?",
)
OVERALL = (
    "What overall effectiveness grade did {la} children's services get in the {when} inspection?",
    "How was {la} judged overall when Ofsted inspected its children's services in {when}?",
    "What was the overall judgement for {la} at the {when} ILACS inspection?",
)
AREA = (
    "What grade was {area} given at {la}'s {when} inspection?",
    "How did Ofsted judge {area} in {la} in {when}?",
)


def authority_name(raw: str) -> str:
    """'north northamptonshire' -> 'North Northamptonshire'; small words stay lower case."""
    words = raw.replace("&", "and").split()
    out = [w if (i and w in _SMALL) else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
           for i, w in enumerate(words)]
    return " ".join(out)


def doc_path(row: dict[str, str]) -> str:
    """The PDF's path relative to the reports folder (spaces in the CSV are underscores on disk)."""
    return f"{row['urn']}_{row['local_authority'].replace(' ', '_')}/{row['pdf_filename'].replace(' ', '_')}"


def _date(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def long_date(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def month(d: dt.date) -> str:
    return f"{d.strftime('%B')} {d.year}"


def _pick(templates: tuple[str, ...], seed: str, n: int) -> list[str]:
    """``n`` templates starting at a position fixed by ``seed``, so phrasings rotate across reports."""
    start = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(templates)
    return [templates[(start + i) % len(templates)] for i in range(min(n, len(templates)))]


def questions_for(row: dict[str, str], phrasings: int = 2) -> Iterator[dict]:
    """The gold questions one CSV row gives (none for a row without an inspector, dates or grades)."""
    la, doc = authority_name(row["local_authority"]), doc_path(row)
    start, end, pub = (_date(row["inspection_start_date"]), _date(row["inspection_end_date"]),
                       _date(row["publication_date"]))
    when = month(start) if start else None
    base = f"ilacs-{row['urn']}-{pub.isoformat() if pub else row['pdf_filename'][-15:-4]}"

    def item(kind: str, i: int, question: str, keys: list[str], answer: str, note: str) -> dict:
        return {"id": f"{base}-{kind}-{i}", "type": "fact", "question": question, "history": [], "quotes": [],
                "keys": keys, "docs": [doc], "answer": answer, "notes": f"inspections.csv: {note}"}

    name = row["inspector_name"].strip()
    if name and when:
        for i, t in enumerate(_pick(LEAD, base + "lead", phrasings), 1):
            yield item("lead", i, t.format(la=la, when=when), [name], name, f"inspector_name {name!r}")
    if start and end and pub:
        answer = f"{long_date(start)} to {long_date(end)}"
        for i, t in enumerate(_pick(DATES, base + "dates", phrasings), 1):
            yield item("dates", i, t.format(la=la, pub=month(pub)), [long_date(end)], answer,
                       f"inspection_start_date {row['inspection_start_date']}, end {row['inspection_end_date']}")
    grade = GRADES.get(row["overall_effectiveness_grade"].strip())
    if grade and when:
        for i, t in enumerate(_pick(OVERALL, base + "overall", phrasings), 1):
            yield item("overall", i, t.format(la=la, when=when), [grade], grade,
                       f"overall_effectiveness_grade {row['overall_effectiveness_grade']!r}")
    areas = [(col, GRADES[row[col].strip()]) for col in AREAS if row.get(col, "").strip() in GRADES]
    if areas and when:
        col, g = areas[int(hashlib.sha256(base.encode()).hexdigest(), 16) % len(areas)]
        t = _pick(AREA, base + col, 1)[0]
        yield item(col.removesuffix("_grade").replace("_", "-"), 1, t.format(area=AREAS[col], la=la, when=when),
                   [g], g, f"{col} {row[col]!r}")


def read_rows(ilacs: Path) -> list[dict[str, str]]:
    with (ilacs / "inspections.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def pdf_text(path: Path) -> str:
    """The PDF's text, whitespace-normalised and case-folded (pypdfium2, imported here only)."""
    import pypdfium2 as pdfium

    from eval.metrics import normalise

    pdf = pdfium.PdfDocument(str(path))
    try:
        return normalise(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    finally:
        pdf.close()


def generate(ilacs: Path, phrasings: int = 2, text_of: Callable[[Path], str] | None = pdf_text) -> tuple[list[dict], dict]:
    """All questions from ``ilacs``/inspections.csv, and counts of what was left out and why.

    ``text_of`` reads a PDF's normalised text for verification; None skips verification.
    """
    from eval.metrics import normalise

    out, stats = [], {"rows": 0, "missing_pdf": 0, "unverified": 0, "questions": 0}
    reports = ilacs / "reports"
    for row in read_rows(ilacs):
        stats["rows"] += 1
        path = reports / doc_path(row)
        if not path.is_file():
            stats["missing_pdf"] += 1
            continue
        items = list(questions_for(row, phrasings))
        if items and text_of is not None:
            text = text_of(path)
            kept = [q for q in items if all(normalise(k) in text for k in q["keys"])]
            stats["unverified"] += len(items) - len(kept)
            items = kept
        out.extend(items)
    stats["questions"] = len(out)
    return out, stats


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.generate_ilacs", description=__doc__.split("\n\n")[0])
    p.add_argument("--ilacs", type=Path, default=DEFAULT_ILACS, help="folder with inspections.csv and reports/")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output JSONL (default eval/gold/ilacs.jsonl)")
    p.add_argument("--phrasings", type=int, default=2, help="phrasings per fact (default 2)")
    p.add_argument("--no-verify", action="store_true", help="do not check keys against the PDFs' text")
    args = p.parse_args(argv)
    if not (args.ilacs / "inspections.csv").is_file():
        print(f"generate_ilacs: {args.ilacs}/inspections.csv not found (set --ilacs)", file=sys.stderr)
        return 2
    items, stats = generate(args.ilacs, args.phrasings, None if args.no_verify else pdf_text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for q in items:
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(f"{stats['questions']} questions from {stats['rows']} rows -> {args.out} "
          f"({stats['missing_pdf']} rows without a PDF, {stats['unverified']} questions left out: key not in the PDF)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Metadata extraction measured on the shared ILACS reports against the scraper's inspections.csv.

    python bench/metadata.py [--ilacs DIR]

Every PDF goes through ingest.load.load and ingest.clean.clean, as in ingestion, then through
ingest.metadata.extract_metadata. Four fields are scored: authority, lead inspector, inspection
start date and overall effectiveness grade. A CSV cell that is empty, "data_unreadable",
"not_reported_post_reform" or "inspection_pre_dates_judgement" states nothing, so that report is
left out of that field's denominator. Where the CSV disagrees with the report's own text we list
the row as a CSV error (reviewed by hand: see CSV_ERRORS) and score it against the text instead.
The other judgement areas and the end date are checked the same way and printed on one line; the
time is CPU time of extract_metadata alone, so other work on the machine does not count.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/ingest.py would hide the ingest package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (ROOT, ROOT / "bench")]

from ingest.clean import clean  # noqa: E402
from ingest.load import LoadError, load  # noqa: E402
from ingest.metadata import extract_metadata  # noqa: E402

NO_EXPECTATION = {"", "data_unreadable", "not_reported_post_reform", "inspection_pre_dates_judgement"}
FIELDS = ("authority", "lead inspector", "inspection start", "overall effectiveness")
# Also checked and printed, not part of the four headline scores.
EXTRA = ("inspection end", "impact of leaders", "help and protection", "in care", "care leavers")

# Rows whose CSV value the report's text contradicts: (urn folder, file name, field) -> what the
# text says and where. Each was checked by reading the PDF's text; the bench re-checks the quote.
CSV_ERRORS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("80536_oxfordshire", "children's_services_inspection_-_22_may_2018.pdf", "in care"):
        ("good", "The experiences and progress of children in care and care leavers Good"),
    ("80542_rochdale", "children's_services_inspection_-_12_march_2018.pdf", "in care"):
        ("good", "The experiences and progress of children in care and care leavers Good"),
    ("80560_st_helens", "children's_services_inspection_-_04_september_2023.pdf", "help and protection"):
        ("requires improvement", "children who need help and protection Requires improvement to be good"),
    ("80560_st_helens", "children's_services_inspection_-_04_september_2023.pdf", "in care"):
        ("good", "The experiences and progress of children in care Good"),
    ("80560_st_helens", "children's_services_inspection_-_04_september_2023.pdf", "care leavers"):
        ("outstanding", "The experiences and progress of care leavers Outstanding"),
    # The inspection had two parts; the scraper kept the end of the first.
    ("80460_derbyshire", "children's_services_inspection_-_19_september_2019.pdf", "inspection end"):
        ("2019-08-08", "8 July 2019 to 12 July 2019 and 7 August 2019 to 8 August 2019"),
}


def file_key(name: str) -> str:
    """A pdf_filename cell and the file's name as the same key (the files have '_' for ' ')."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower().replace("_", " ").removesuffix(".pdf")).strip()


def authority_key(name: str | None) -> str:
    """Authority names compared loosely: case, '&', punctuation, 'city of', 'county', 'council'."""
    words = re.sub(r"[^a-z]+", " ", (name or "").lower().replace("&", " and ")).split()
    text = " ".join(words)
    for title in ("london borough of", "royal borough of", "city of", "corporation", "county",
                  "council", "metropolitan borough", "borough"):
        text = re.sub(rf"\b{title}\b", " ", text)
    return " ".join(text.split())


def person_key(name: str | None) -> str:
    """Names compared without accents, case, spaces or hyphens ('Jenny -ellen' = 'Jenny-Ellen')."""
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def plain(text: str) -> str:
    """Text reduced to lower-case words, so a quote still matches whatever clean() does to a table row."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def iso_from_csv(cell: str) -> str:
    d, m, y = cell.split("/")
    return f"{y}-{m}-{d}"


def expected(row: dict[str, str]) -> dict[str, str | None]:
    def cell(name: str) -> str | None:
        value = row[name].strip()
        return None if value in NO_EXPECTATION else value

    start, end = cell("inspection_start_date"), cell("inspection_end_date")
    return {"authority": cell("local_authority"), "lead inspector": cell("inspector_name"),
            "inspection start": iso_from_csv(start) if start else None,
            "overall effectiveness": cell("overall_effectiveness_grade"),
            "inspection end": iso_from_csv(end) if end else None,
            **{area: cell(f"{area.replace(' ', '_')}_grade") for area in EXTRA[1:]}}


def got(meta) -> dict[str, str | None]:
    return {"authority": meta.authority, "lead inspector": meta.inspectors[0] if meta.inspectors else None,
            "inspection start": meta.visit_start,
            "overall effectiveness": meta.grades.get("overall_effectiveness"),
            "inspection end": meta.visit_end,
            **{area: meta.grades.get(area.replace(" ", "_")) for area in EXTRA[1:]}}


def same(field: str, want: str, have: str | None) -> bool:
    if field == "authority":
        return authority_key(want) == authority_key(have)
    if field == "lead inspector":
        return person_key(want) == person_key(have)
    return want == have


def read_csv(ilacs: Path) -> dict[tuple[str, str], dict[str, str]]:
    """inspections.csv rows keyed by (urn, file key); the urn is the report folder's prefix."""
    with open(ilacs / "inspections.csv", newline="", encoding="utf-8") as f:
        return {(row["urn"], file_key(row["pdf_filename"])): row for row in csv.DictReader(f)}


def row_for(rows: dict[tuple[str, str], dict[str, str]], pdf: Path) -> dict[str, str] | None:
    return rows.get((pdf.parent.name.split("_")[0], file_key(pdf.name)))


class Score:
    """Hits and totals per field, with the misses and the CSV cells the report's text overrules."""

    def __init__(self) -> None:
        self.hits = {f: 0 for f in FIELDS + EXTRA}
        self.totals = {f: 0 for f in FIELDS + EXTRA}
        self.silent = {f: 0 for f in FIELDS}  # the CSV states nothing; how often the text told us
        self.found = {f: 0 for f in FIELDS}
        self.misses: list[str] = []
        self.csv_errors: list[str] = []

    def add(self, pdf: Path, row: dict[str, str], meta, text: str) -> None:
        rel = f"{pdf.parent.name}/{pdf.name}"
        want, have = expected(row), got(meta)
        flat = plain(text)
        for field in FIELDS + EXTRA:
            if want[field] is None:
                if field in self.silent:
                    self.silent[field] += 1
                    self.found[field] += have[field] is not None
                continue
            self.totals[field] += 1
            error = CSV_ERRORS.get((pdf.parent.name, pdf.name, field))
            if error and plain(error[1]) in flat:
                self.csv_errors.append(f"{rel}: {field}: CSV says {want[field]!r}; the report says "
                                       f"{error[0]!r} (\"{error[1]}\")")
                want[field] = error[0]
            if same(field, want[field], have[field]):
                self.hits[field] += 1
            else:
                self.misses.append(f"{rel}: {field}: expected {want[field]!r}, got {have[field]!r}")

    def percent(self, field: str) -> float:
        return 100 * self.hits[field] / self.totals[field] if self.totals[field] else 100.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ilacs", type=Path, default=ROOT.parent / "shared" / "ilacs",
                        help="folder holding inspections.csv and reports/ (default: ../shared/ilacs)")
    args = parser.parse_args(argv)
    rows = read_csv(args.ilacs)
    score, unmatched, failed, times, kinds = Score(), [], [], [], {}
    pdfs = sorted((args.ilacs / "reports").glob("*/*.pdf"))
    for pdf in pdfs:
        row = row_for(rows, pdf)
        if row is None:
            unmatched.append(f"{pdf.parent.name}/{pdf.name}")
            continue
        try:
            text = clean(load(pdf)).text
        except LoadError as err:
            failed.append(f"{pdf.parent.name}/{pdf.name}: {err}")
            continue
        except Exception as err:  # a bug in clean() is reported by file, and the rest still measured
            failed.append(f"{pdf.parent.name}/{pdf.name}: {type(err).__name__}: {err}")
            continue
        # CPU time, not wall time: other work on a shared machine would otherwise be counted.
        t0 = time.process_time()
        meta = extract_metadata(text, doc=f"{pdf.parent.name}/{pdf.name}", hash="")
        times.append(time.process_time() - t0)
        kinds[meta.doc_type] = kinds.get(meta.doc_type, 0) + 1
        score.add(pdf, row, meta, text)

    print(f"ILACS metadata bench: {len(pdfs)} PDFs under {args.ilacs}, {len(rows)} CSV rows")
    for field in FIELDS:
        print(f"  {field:<22} {score.percent(field):6.1f} %  ({score.hits[field]}/{score.totals[field]})")
    if times:
        print(f"  mean extraction time   {1000 * sum(times) / len(times):.2f} ms CPU "
              f"(max {1000 * max(times):.2f} ms) over {len(times)} documents")
    print("also checked: " + ", ".join(f"{field} {score.percent(field):.1f} % ({score.hits[field]}/"
                                       f"{score.totals[field]})" for field in EXTRA))
    print("where the CSV is silent, found in the text: " + ", ".join(
        f"{field} {score.found[field]}/{score.silent[field]}" for field in FIELDS))
    print("document types: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    print("(a CSV cell that is empty, data_unreadable, not_reported_post_reform or "
          "inspection_pre_dates_judgement is no expectation: that report is left out of that field)")
    for title, items in (("Misses", score.misses),
                         ("CSV cells judged data errors (scored against the report's text)", score.csv_errors),
                         ("PDFs that could not be loaded", failed), ("PDFs with no CSV row", unmatched)):
        print(f"\n{title}: {len(items)}")
        for item in items:
            print(f"  {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Metadata extraction measured on the shared ILACS reports against the scraper's inspections.csv.

    python bench/metadata.py [--ilacs DIR]

Every PDF goes through ingest.load.load and ingest.clean.clean, as in ingestion, then through
ingest.metadata.extract_metadata. Four fields are scored: authority, lead inspector, inspection
start date and overall effectiveness grade. A CSV cell that is empty, "data_unreadable",
"not_reported_post_reform" or "inspection_pre_dates_judgement" states nothing, so that report is
left out of that field's denominator. Where the CSV disagrees with the report's own text we list
the row as a CSV error (reviewed by hand: see CSV_ERRORS) and score it against the text instead.
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.clean import clean  # noqa: E402
from ingest.load import LoadError, load  # noqa: E402
from ingest.metadata import extract_metadata  # noqa: E402

NO_EXPECTATION = {"", "data_unreadable", "not_reported_post_reform", "inspection_pre_dates_judgement"}
FIELDS = ("authority", "lead inspector", "inspection start", "overall effectiveness")

# Rows whose CSV value the report's text contradicts: (urn folder, file name, field) -> what the
# text says and where. Each was checked by reading the PDF's text; the bench re-checks the quote.
CSV_ERRORS: dict[tuple[str, str, str], tuple[str, str]] = {}


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


def iso_from_csv(cell: str) -> str:
    d, m, y = cell.split("/")
    return f"{y}-{m}-{d}"


def expected(row: dict[str, str]) -> dict[str, str | None]:
    def cell(name: str) -> str | None:
        value = row[name].strip()
        return None if value in NO_EXPECTATION else value

    start = cell("inspection_start_date")
    return {"authority": cell("local_authority"), "lead inspector": cell("inspector_name"),
            "inspection start": iso_from_csv(start) if start else None,
            "overall effectiveness": cell("overall_effectiveness_grade")}


def got(meta) -> dict[str, str | None]:
    return {"authority": meta.authority, "lead inspector": meta.inspectors[0] if meta.inspectors else None,
            "inspection start": meta.visit_start,
            "overall effectiveness": meta.grades.get("overall_effectiveness")}


def same(field: str, want: str, have: str | None) -> bool:
    if field == "authority":
        return authority_key(want) == authority_key(have)
    if field == "lead inspector":
        return person_key(want) == person_key(have)
    return want == have


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ilacs", type=Path, default=ROOT.parent / "shared" / "ilacs",
                        help="folder holding inspections.csv and reports/ (default: ../shared/ilacs)")
    args = parser.parse_args(argv)
    rows = {}
    with open(args.ilacs / "inspections.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[(row["urn"], file_key(row["pdf_filename"]))] = row

    hits = {f: 0 for f in FIELDS}
    totals = {f: 0 for f in FIELDS}
    misses: list[str] = []
    csv_errors: list[str] = []
    unmatched: list[str] = []
    times: list[float] = []
    kinds: dict[str, int] = {}
    pdfs = sorted((args.ilacs / "reports").glob("*/*.pdf"))
    for path in pdfs:
        rel = f"{path.parent.name}/{path.name}"
        row = rows.get((path.parent.name.split("_")[0], file_key(path.name)))
        if row is None:
            unmatched.append(rel)
            continue
        try:
            text = clean(load(path)).text
        except LoadError as err:
            misses.append(f"{rel}: cannot load ({err})")
            continue
        t0 = time.perf_counter()
        meta = extract_metadata(text, doc=rel, hash="")
        times.append(time.perf_counter() - t0)
        kinds[meta.doc_type] = kinds.get(meta.doc_type, 0) + 1
        want, have = expected(row), got(meta)
        for field in FIELDS:
            if want[field] is None:
                continue
            totals[field] += 1
            error = CSV_ERRORS.get((path.parent.name, path.name, field))
            if error and error[1] in " ".join(text.split()):
                csv_errors.append(f"{rel}: {field}: CSV says {want[field]!r}, the report says {error[0]!r}"
                                  f" (\"{error[1]}\")")
                want[field] = error[0]
            if same(field, want[field], have[field]):
                hits[field] += 1
            else:
                misses.append(f"{rel}: {field}: expected {want[field]!r}, got {have[field]!r}")

    print(f"ILACS metadata bench: {len(pdfs)} PDFs under {args.ilacs}, {len(rows)} CSV rows")
    for field in FIELDS:
        pct = 100 * hits[field] / totals[field] if totals[field] else 0.0
        print(f"  {field:<22} {pct:6.1f} %  ({hits[field]}/{totals[field]})")
    if times:
        print(f"  mean extraction time   {1000 * sum(times) / len(times):.2f} ms "
              f"(max {1000 * max(times):.2f} ms) over {len(times)} documents")
    print("  document types: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print("(rows with an empty, data_unreadable, not_reported_post_reform or "
          "inspection_pre_dates_judgement cell are left out of that field)")
    for title, items in (("Misses", misses), ("CSV rows judged data errors (scored against the report text)",
                                               csv_errors), ("PDFs with no CSV row", unmatched)):
        print(f"\n{title}: {len(items)}")
        for item in items:
            print(f"  {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

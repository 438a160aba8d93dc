"""Metadata extraction: exact values for the corpus, the hard cases, and a sample of real ILACS reports."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from index.types import DOC_TYPES, GRADE_AREAS
from ingest.clean import clean
from ingest.load import load
from ingest.metadata import canonical_authority, extract_metadata

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ILACS = Path(__file__).resolve().parents[2] / "shared" / "ilacs"


def corpus_meta(name: str):
    """Metadata of a corpus file, read through load and clean exactly as ingestion reads it."""
    return extract_metadata(clean(load(CORPUS / name)).text, doc=name, hash="h")


def meta(text: str):
    return extract_metadata(text, doc="x.txt", hash="h")


EXPECTED = {
    "000_039fb7067930de26.txt": dict(
        title="Focused visit to Barking and Dagenham children's services", doc_type="focused visit letter",
        authority="Barking and Dagenham", authorities=["Barking and Dagenham"], date="2018-04-03",
        visit_start="2018-03-07", visit_end="2018-03-08",
        # Sean Tarpey is the visit's quality assurance manager: an inspector who signs the findings off.
        inspectors=["Louise Warren", "John Roughton", "Sean Tarpey"], grades={}),
    "001_bdc30201c12516e5.txt": dict(
        title="OFSTED Self Evaluation 2022 Children's Care and Support (Barking and Dagenham)",
        doc_type="self-evaluation", authority="Barking and Dagenham", authorities=["Barking and Dagenham"],
        date="2022-12-01",  # the deck says "December 2022": the first of the month
        visit_start=None, visit_end=None, inspectors=[], grades={}),
    "002_47f1ec21ac151896.txt": dict(
        title="Focused visit to Barking and Dagenham children's services", doc_type="focused visit letter",
        authority="Barking and Dagenham", authorities=["Barking and Dagenham"], date="2022-06-10",
        visit_start="2022-05-04", visit_end="2022-05-05",
        # Nhlanganiso Nyathi "observed the visit": no part in its findings, so not one of its inspectors.
        inspectors=["Brenda McLaughlin", "Tracey Ledder"], grades={}),
    "003_0bad2f0060d92019.txt": dict(
        title="Monitoring visit to Barnet children's services", doc_type="monitoring visit letter",
        authority="Barnet", authorities=["Barnet"], date="2018-12-20", visit_start="2018-11-27",
        visit_end="2018-11-28", inspectors=["Louise Warren", "Andrew Waugh"], grades={}),
    "004_4b26a682698e6517.txt": dict(
        title="Ofsted praises multi-agency child protection work at two councils", doc_type="news article",
        # Two councils: the subject is the one named most (then the first named); both are listed.
        authority="Barking and Dagenham", authorities=["Barking and Dagenham", "Waltham Forest"],
        date="2018-04-03", visit_start=None, visit_end=None, inspectors=[], grades={}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_metadata_is_exact(name):
    assert corpus_meta(name).to_dict() == {"doc": name, "hash": "h", **EXPECTED[name]}


def test_extraction_is_cheap():
    texts = [clean(load(CORPUS / name)).text for name in sorted(EXPECTED)]
    start = time.process_time()
    for _ in range(20):
        for text in texts:
            meta(text)
    assert (time.process_time() - start) / (20 * len(texts)) < 0.005


@pytest.mark.parametrize("text, start, end", [
    ("Inspection dates: 11 to 15 September 2023 Lead inspector: Anna Gravelle", "2023-09-11", "2023-09-15"),
    ("Inspection dates: 28 February to 11 March 2022", "2022-02-28", "2022-03-11"),
    ("Inspection date: 2 June 2014 – 25 June 2014\nReport published: 8 August 2014",
     "2014-06-02", "2014-06-25"),
    ("Inspection dates: 17 March\nto 21 March 2025\nLead inspector", "2025-03-17", "2025-03-21"),
    ("Inspection dates: 9–24 November 2017", "2017-11-09", "2017-11-24"),
    ("Inspection date: 14 January 2014- 5 February 2014", "2014-01-14", "2014-02-05"),
    ("Inspection date: 1/06/2015 – 25/06/2015", "2015-06-01", "2015-06-25"),
    ("Inspection dates: 30 December to 3 January 2020", "2019-12-30", "2020-01-03"),
    ("Inspection dates: 23 April 2018 to 04 May 2018", "2018-04-23", "2018-05-04"),
    ("Inspection dates: 8 July 2019 to 12 July 2019 and 7 August 2019 to\n8 August 2019",
     "2019-07-08", "2019-08-08"),
    ("Inspection dates: 11 to 15 September 2023 2\nWhat needs to improve", "2023-09-11", "2023-09-15"),
    ("This letter summarises the findings of a focused visit to Barking and Dagenham children's services "
     "on 7 and 8 March 2018. The inspectors were Louise Warren, HMI.", "2018-03-07", "2018-03-08"),
    ("This letter summarises the findings of the monitoring visit to Barnet local authority children's "
     "services on 27 and 28 November 2018. The visit was the fifth since July 2017.",
     "2018-11-27", "2018-11-28"),
])
def test_visit_date_ranges(text, start, end):
    got = meta(text)
    assert (got.visit_start, got.visit_end) == (start, end)


ILACS_2023 = """Inspection of Barnsley local authority
children’s services
Inspection dates: 11 to 15 September 2023
Lead inspector: Anna Gravelle, His Majesty’s Inspector
Judgement Grade
The impact of leaders on social work
practice with children and families
Good
The experiences and progress of
children who need help and protection
Requires improvement to be good
The experiences and progress of
children in care
Outstanding
The experiences and progress of care
leavers
Inadequate
Overall effectiveness Good
Following the last inspection in 2018, a focused visit of the Future Directions service in 2023 found
that some practice had weakened; their self-evaluation is accurate.
"""
ILACS_2018 = """1
Bolton
Inspection of children’s social care services
Inspection dates: 23 April 2018 to 04 May 2018
Lead inspector: John Roughton
Her Majesty’s Inspector
Judgement Grade
The impact of leaders on social work practice with children
and families Good
The experiences and progress of children who need help and
protection Requires improvement to
be good
The experiences and progress of children in care and care
leavers Good
Overall effectiveness Good
"""
ILACS_ROWS = """Inspection of Bolton local authority children's services

Inspection dates: 23 April to 4 May 2018

Lead inspector: John Roughton, Her Majesty's Inspector

The impact of leaders on social work practice with children and families: Good
The experiences and progress of children who need help and protection: Requires improvement to be good
The experiences and progress of children in care and care leavers: Good
Overall effectiveness: Good
"""
GRADES_2023 = {"overall_effectiveness": "good", "impact_of_leaders": "good",
               "help_and_protection": "requires improvement", "in_care": "outstanding",
               "care_leavers": "inadequate"}
# Before 2023 "children in care and care leavers" was one judgement, the in-care one.
GRADES_2018 = {"overall_effectiveness": "good", "impact_of_leaders": "good",
               "help_and_protection": "requires improvement", "in_care": "good"}


@pytest.mark.parametrize("text, grades", [
    (ILACS_2023, GRADES_2023), (ILACS_2018, GRADES_2018), (ILACS_ROWS, GRADES_2018),
    (" ".join(ILACS_2023.split()), GRADES_2023),  # every line joined
])
def test_ilacs_judgement_tables(text, grades):
    got = meta(text)
    assert got.doc_type == "ILACS inspection report"
    assert got.grades == grades
    assert list(got.grades) == [area for area in GRADE_AREAS if area in grades]


def test_ilacs_report_is_not_taken_for_what_it_mentions():
    got = meta(ILACS_2023)
    assert (got.doc_type, got.authority) == ("ILACS inspection report", "Barnsley")
    assert got.inspectors == ("Anna Gravelle",)
    assert got.title == "Inspection of Barnsley local authority children's services"
    assert got.date is None  # an ILACS report does not print its publication date


def test_post_reform_report_has_no_overall_grade():
    text = ILACS_2023.replace("Overall effectiveness Good", "").replace("social work\npractice", "practice")
    assert "overall_effectiveness" not in meta(text).grades
    assert meta(text).grades["impact_of_leaders"] == "good"


SIF_2014 = """1
Metropolitan Borough of Barnsley
Council
Inspection of services for children in need of help and
protection, children looked after and care leavers
and
Review of the effectiveness of the local safeguarding children
board1
Inspection date: 2 June 2014 – 25 June 2014
Report published: 8 August 2014
The overall judgement is requires improvement
1. Children who need help and protection
Requires
improvement
2. Children looked after and achieving permanence
Requires
improvement
2.1 Adoption performance
Good
2.2 Experiences and progress of care leavers Good
3. Leadership, management and governance
Inadequate
The effectiveness of the Local Safeguarding Children Board (LSCB) is good
"""


def test_sif_judgement_table_maps_onto_todays_areas():
    got = meta(SIF_2014)
    assert (got.doc_type, got.authority, got.date) == ("SIF inspection report", "Barnsley", "2014-08-08")
    assert (got.visit_start, got.visit_end) == ("2014-06-02", "2014-06-25")
    assert got.grades == {"overall_effectiveness": "requires improvement", "impact_of_leaders": "inadequate",
                          "help_and_protection": "requires improvement", "in_care": "requires improvement",
                          "care_leavers": "good"}


@pytest.mark.parametrize("verdict, grade", [
    ("Children’s services in Norfolk requires improvement to be good", "requires improvement"),
    ("Children's services in the Royal Borough of Kensington and\nChelsea are outstanding", "outstanding"),
    ("The overall judgement is that children’s services are inadequate", "inadequate"),
])
def test_sif_overall_verdicts(verdict, grade):
    text = f"Norfolk Council\nRe-inspection of services for children in need of help and protection\n{verdict}"
    assert meta(text).grades == {"overall_effectiveness": grade}


def test_sif_team_keeps_inspectors_and_drops_shadows_and_analysts():
    team = ("The inspection team\nLead inspector: Ian Young HMI\nDeputy lead inspectors: Emmy Tomsett HMI, "
            "Helen Cawston Senior HMI\nTeam inspectors: Fiona Millins HMI, Dr \nKenneth Jones HMI, Ralph \n"
            "Trevelyan-Butler, Dick O’Brien and Fiona Parker Associate Inspector.\nShadow inspector: Lolly "
            "Rascagneres HMI\nSenior data analyst: Hywel Benbow\nQuality assurance manager: Paul Armitage HMI "
            "Deputy Director Social Care\nInspection\n\n51\n")
    assert meta(SIF_2014 + team).inspectors == (
        "Ian Young", "Emmy Tomsett", "Helen Cawston", "Fiona Millins", "Kenneth Jones",
        "Ralph Trevelyan-Butler", "Dick O'Brien", "Fiona Parker", "Paul Armitage")


@pytest.mark.parametrize("apostrophe", ["’", "'"])
@pytest.mark.parametrize("majesty", ["His", "Her"])
def test_apostrophes_and_majesty(apostrophe, majesty):
    text = (f"Inspection of the London Borough of Barking and Dagenham local authority children{apostrophe}s "
            f"services\nInspection dates: 4 to 8 March 2024\nLead inspectors: Rebecca Quested, {majesty} "
            f"Majesty{apostrophe}s Inspector, and Matthew Reed, \n{majesty} Majesty{apostrophe}s Inspector\n"
            "Judgement Grade\nOverall effectiveness Outstanding\n")
    got = meta(text)
    assert (got.doc_type, got.authority) == ("ILACS inspection report", "Barking and Dagenham")
    assert got.inspectors == ("Rebecca Quested", "Matthew Reed")
    assert got.grades == {"overall_effectiveness": "outstanding"}


def test_letter_team_in_prose():
    text = ("10 June 2022\n\nDear Ms Allegretti\n\nFocused visit to the London Borough of Barking and Dagenham "
            "children’s services\n\nThis letter summarises the findings of the focused visit to Barking and "
            "Dagenham children’s services on 4 and 5 May 2022. His Majesty’s Inspectors for this visit "
            "were Tracey Ledder, team inspector, Brenda McLaughlin, lead inspector, and Nhlanganiso "
            "Nyathi, who observed the visit.\n\nYours sincerely\n\nBrenda McLaughlin\nHis Majesty’s Inspector\n")
    got = meta(text)
    assert (got.doc_type, got.date, got.visit_start) == ("focused visit letter", "2022-06-10", "2022-05-04")
    assert got.inspectors == ("Brenda McLaughlin", "Tracey Ledder")


@pytest.mark.parametrize("written, canonical", [
    ("London Borough of Barking and Dagenham", "Barking and Dagenham"),
    ("Barking &\nDagenham", "Barking and Dagenham"),
    ("Royal Borough of Kensington and \nChelsea", "Kensington and Chelsea"),
    ("City of York Council", "York"), ("Bristol City Council", "Bristol"),
    ("Kingston Upon Hull City Council", "Kingston upon Hull"),
    ("Inspection of Hull local", "Kingston upon Hull"),
    ("Royal Borough of Kingston upon Thames", "Kingston upon Thames"),
    ("St. Helens Metropolitan Borough Council", "St Helens"), ("Telford & Wrekin", "Telford and Wrekin"),
    ("North Northamptonshire Council", "North Northamptonshire"),
    ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
    ("Inspection of City of London local authority", "City of London"),
    ("Isle of Wight Council", "Isle of Wight"),
    ("Durham County Council", "Durham"), ("Newcastle-under-Lyme", None), ("Greater Manchester Police", None),
])
def test_authority_names_are_canonical(written, canonical):
    assert canonical_authority(written) == canonical


def test_ofsted_address_and_boilerplate_name_no_authority():
    text = SIF_2014 + "\nPiccadilly Gate\nStore St\nManchester\nM1 2WD\nwith Greater Manchester Police\n"
    assert meta(text).authorities == ("Barnsley",)


def test_unknown_text_is_other():
    got = meta("Minutes of the corporate parenting board\n\nPresent: the chair.")
    assert got.doc_type == "other" and got.doc_type in DOC_TYPES
    assert (got.authority, got.date, got.inspectors, got.grades) == (None, None, (), {})


def _bench():
    """bench/metadata.py, whose scoring this test shares so both measure the same thing."""
    spec = importlib.util.spec_from_file_location("metadata_bench", ROOT / "bench" / "metadata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ilacs_sample_matches_the_csv():
    if not (ILACS / "inspections.csv").is_file():
        pytest.skip(f"needs the ILACS archive at {ILACS} (absent here)")
    bench = _bench()
    rows = bench.read_csv(ILACS)
    pdfs = sorted((ILACS / "reports").glob("*/*.pdf"))
    score = bench.Score()
    for pdf in pdfs[:: max(1, len(pdfs) // 30)][:30]:  # every eighth report: all eras, many authorities
        row = bench.row_for(rows, pdf)
        assert row is not None, f"no CSV row for {pdf.name}"
        text = clean(load(pdf)).text
        score.add(pdf, row, extract_metadata(text, doc=pdf.name, hash=""), text)
    for field in bench.FIELDS:
        assert score.totals[field] >= 10, field
        assert score.percent(field) >= 95, (field, score.misses)

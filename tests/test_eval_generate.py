"""The ILACS gold generator: its questions against inspections.csv (skipped where ../shared/ilacs is absent)."""

import json
from collections import defaultdict

import pytest

from eval import generate_ilacs as gen
from eval.dataset import GOLD_DIR, load_gold

ROW = {"urn": "2532283", "local_authority": "north northamptonshire", "pdf_filename":
       "children's services inspection - 09 may 2025.pdf", "publication_date": "09/05/25",
       "inspector_name": "Sarah Canto", "inspection_start_date": "17/03/2025", "inspection_end_date": "21/03/2025",
       "overall_effectiveness_grade": "requires improvement", "impact_of_leaders_grade": "data_unreadable",
       "help_and_protection_grade": "good", "in_care_grade": "", "care_leavers_grade": "inspection_pre_dates_judgement"}


def test_one_row_gives_lead_dates_and_grade_questions_phrased_differently():
    qs = list(gen.questions_for(ROW, phrasings=2))
    kinds = defaultdict(list)
    for q in qs:
        kinds[q["id"].split("-2025-05-09-")[1].rsplit("-", 1)[0]].append(q)
    assert set(kinds) == {"lead", "dates", "overall", "help-and-protection"}
    assert len({q["question"] for q in kinds["lead"]}) == 2
    assert all(q["keys"] == ["Sarah Canto"] and "March 2025" in q["question"] for q in kinds["lead"])
    assert kinds["dates"][0]["keys"] == ["21 March 2025"] and kinds["dates"][0]["answer"] == "17 March 2025 to 21 March 2025"
    assert kinds["overall"][0]["keys"] == ["Requires improvement"]
    assert kinds["help-and-protection"][0]["keys"] == ["Good"]
    for q in qs:
        assert q["docs"] == ["2532283_north_northamptonshire/children's_services_inspection_-_09_may_2025.pdf"]
        assert q["quotes"] == [] and q["type"] == "fact" and "North Northamptonshire" in q["question"]
    assert list(gen.questions_for(ROW, phrasings=2)) == qs  # deterministic


def test_rows_without_data_give_nothing():
    empty = {**ROW, "inspector_name": "", "inspection_start_date": "", "inspection_end_date": "",
             "overall_effectiveness_grade": "", "help_and_protection_grade": ""}
    assert list(gen.questions_for(empty)) == []


def test_authority_names():
    assert gen.authority_name("brighton and hove") == "Brighton and Hove"
    assert gen.authority_name("stoke-on-trent") == "Stoke-On-Trent"
    assert gen.authority_name("telford & wrekin") == "Telford and Wrekin"


def _csv_values(rows):
    by_doc = {}
    for row in rows:
        by_doc[gen.doc_path(row)] = row
    return by_doc


def test_generated_questions_match_inspections_csv(ilacs):
    rows = gen.read_rows(ilacs)
    items, stats = gen.generate(ilacs, phrasings=2, text_of=None)
    assert stats["missing_pdf"] == 0 and stats["questions"] == len(items) > 0
    by_doc = _csv_values(rows)
    for q in items:
        doc = q["docs"][0]
        assert (ilacs / "reports" / doc).is_file(), doc
        row = by_doc[doc]
        kind = q["id"].rsplit("-", 2)[-2]
        if kind == "lead":
            assert q["keys"] == [row["inspector_name"].strip()]
        elif kind == "dates":
            end = gen._date(row["inspection_end_date"])
            assert q["keys"] == [gen.long_date(end)]
        elif kind == "overall":
            assert q["keys"] == [gen.GRADES[row["overall_effectiveness_grade"]]]
    with_inspector = [r for r in rows if r["inspector_name"].strip() and r["inspection_start_date"].strip()]
    leads = {q["docs"][0] for q in items if "-lead-" in q["id"]}
    assert leads == {gen.doc_path(r) for r in with_inspector}


def test_committed_ilacs_gold_agrees_with_the_csv(ilacs):
    path = GOLD_DIR / "ilacs.jsonl"
    if not path.exists():
        pytest.skip("eval/gold/ilacs.jsonl not generated")
    committed = load_gold([path])
    fresh = {q["id"]: q for q in gen.generate(ilacs, phrasings=2, text_of=None)[0]}
    for q in committed:
        assert q.id in fresh, f"{q.id} is not generated from inspections.csv any more: rerun the generator"
        assert list(q.keys) == fresh[q.id]["keys"] and q.question == fresh[q.id]["question"]
    # Verification only removes questions (keys missing from the PDF's text), never adds any.
    assert len(committed) <= len(fresh)


def test_generator_writes_jsonl(tmp_path, ilacs):
    out = tmp_path / "ilacs.jsonl"
    assert gen.main(["--ilacs", str(ilacs), "--out", str(out), "--no-verify", "--phrasings", "1"]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and all(set(q) >= {"id", "type", "question", "keys", "docs", "answer"} for q in lines)
    assert load_gold([out])

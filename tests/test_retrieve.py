"""Retrieval over the real seed corpus with the real model and a real Chroma index: filters hold for
both the dense and the keyword leg, passages are real spans of their documents, the context fits its
budget, and the development gold set keeps a retrieval and abstention floor.

The index is built once per session (``seeded_index``); tests/test_cli_ask.py reuses it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, HashEmbedder
from index.query import Filters
from index.settings import Settings
from index.text import count_tokens

pytestmark = pytest.mark.slow

GOLD = ROOT / "eval" / "gold" / "seeds.jsonl"
HIT_AT_5_FLOOR = 0.95
KEY_FLOOR = 0.70  # a floor the current answerer meets (0.772); eval/ owns the real gate

_BUILT: dict[str, Settings] = {}


@pytest.fixture(scope="session")
def seeded_index(tmp_path_factory, embedder) -> Settings:
    """Settings for a copy of corpus/ ingested with the real model into a temporary index (built once,
    even when another test module imports this fixture)."""
    if "settings" not in _BUILT:
        from ingest.pipeline import Ingestor

        root = tmp_path_factory.mktemp("seeded")
        shutil.copytree(CORPUS, root / "corpus")
        settings = Settings.from_env(environ={}, corpus=root / "corpus", index=root / "index")
        summary = Ingestor(settings, embedder=embedder).run()
        assert not summary.failed and summary.documents == 5, summary.to_json()
        _BUILT["settings"] = settings
    return _BUILT["settings"]


@pytest.fixture(scope="session")
def assistant(seeded_index, embedder):
    from index.assistant import Assistant

    return Assistant(seeded_index, embedder=embedder).warm()


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def gold_retrievals(assistant, gold):
    """(gold row, passages) for every gold question, retrieved as `inspection-qa retrieve` would."""
    return [(row, assistant.retrieve(row["question"], history=row["history"]).passages) for row in gold]


@pytest.fixture(scope="session")
def gold_answers(assistant, gold):
    return [(row, assistant.ask(row["question"], history=row["history"])) for row in gold]


def norm(text: str) -> str:
    """Text as the gold set compares it: markdown ** dropped, white space collapsed, case folded."""
    return " ".join(text.replace("**", "").split()).casefold()


# -- filters ------------------------------------------------------------------------------------

QUESTIONS = [
    "What did inspectors say about management oversight?",
    "How timely are early help assessments?",
    "Who led the visit?",
]
FILTERS = [
    ({"authority": "Barnet"}, lambda m: m.authority == "Barnet"),
    ({"authority": "barking & dagenham"}, lambda m: m.authority == "Barking and Dagenham"),
    ({"doc_type": "self-evaluation"}, lambda m: m.doc_type == "self-evaluation"),
    ({"since": "2022-01-01"}, lambda m: (m.date or "") >= "2022-01-01"),
    ({"until": "2018-12-31"}, lambda m: m.date is not None and m.date <= "2018-12-31"),
    ({"since": "2018-04-03", "until": "2018-04-03"}, lambda m: m.date == "2018-04-03"),
]


@pytest.mark.parametrize("given, wanted", FILTERS, ids=[json.dumps(f) for f, _ in FILTERS])
def test_filters_restrict_dense_keyword_and_final_results(assistant, given, wanted):
    retriever = assistant.retriever
    metas = retriever.metas
    assert any(wanted(m) for m in metas.values()), "the filter should match some seed document"
    for question in QUESTIONS:
        result = retriever.search(question, Filters.of(given))
        assert result.passages, f"{question!r} with {given}: nothing retrieved"
        outside = [p.doc for p in result.passages if not wanted(p.meta)]
        assert not outside, f"{question!r} with {given}: passages from {outside}"
        for leg, ranked in (("dense", result.dense), ("keyword", result.keyword)):
            chunks = assistant.docstore.chunks_by_id([cid for cid, _ in ranked])
            stray = {c.doc for c in chunks.values() if not wanted(metas[c.doc])}
            assert not stray, f"{leg} results for {question!r} with {given} include {stray}"


@pytest.fixture(scope="module")
def with_undated(tmp_path_factory):
    """A small index (fake embedder) holding Barnet's dated letter and an undated team note."""
    from index.retrieve import Retriever
    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("undated")
    (root / "corpus").mkdir()
    shutil.copy(CORPUS / "003_0bad2f0060d92019.txt", root / "corpus")
    (root / "corpus" / "team_notes.txt").write_text(
        "Team notes on management oversight\n\nManagers review management oversight of casework every week. "
        "Management oversight of children's plans is recorded on every file.\n", encoding="utf-8")
    settings = Settings.from_env(environ={}, corpus=root / "corpus", index=root / "index")
    fake = HashEmbedder()
    assert not Ingestor(settings, embedder=fake).run().failed
    return Retriever(settings, embedder=fake)


def test_an_undated_document_is_outside_a_since_range(with_undated):
    assert with_undated.metas["team_notes.txt"].date is None
    result = with_undated.search("management oversight", Filters(since="2018-01-01"))
    assert result.passages and all(p.doc != "team_notes.txt" for p in result.passages)


def test_an_undated_document_is_outside_an_until_range(with_undated):
    result = with_undated.search("management oversight", Filters(until="2019-12-31"))
    assert result.passages and all(p.doc != "team_notes.txt" for p in result.passages)


# -- the passages themselves --------------------------------------------------------------------

@pytest.mark.parametrize("question", QUESTIONS + ["What needs to improve in the MASH?",
                                                  "How many children are looked after?"])
def test_passages_are_ranked_by_score(assistant, question):
    scores = [p.score for p in assistant.retriever.search(question).passages]
    assert scores and scores == sorted(scores, reverse=True), scores


def test_every_passage_is_its_documents_text_at_its_offsets(assistant, gold_retrievals):
    wrong = [(row["id"], p.doc, p.start, p.end) for row, passages in gold_retrievals for p in passages
             if assistant.document_text(p.doc)[p.start:p.end] != p.text]
    assert not wrong, f"passage text differs from document text[start:end]: {wrong}"


def test_no_passage_text_is_returned_twice(gold_retrievals):
    repeated = []
    for row, passages in gold_retrievals:
        texts = [" ".join(p.text.split()).casefold() for p in passages]
        if len(set(texts)) != len(texts):
            repeated.append(row["id"])
    assert not repeated, f"duplicate passages for {repeated}"


def test_no_two_passages_overlap(gold_retrievals):
    overlaps = []
    for row, passages in gold_retrievals:
        for i, a in enumerate(passages):
            for b in passages[i + 1:]:
                if a.doc == b.doc and a.start < b.end and b.start < a.end:
                    overlaps.append(f"{row['id']}: {a.doc} [{a.start},{a.end}) and [{b.start},{b.end})")
    assert not overlaps, "overlapping passages should have been merged:\n" + "\n".join(overlaps)


def test_the_context_stays_within_the_token_budget(seeded_index, gold_retrievals):
    over = {row["id"]: n for row, passages in gold_retrievals
            if (n := sum(count_tokens(p.text) for p in passages)) > seeded_index.context_tokens}
    assert not over, f"context over {seeded_index.context_tokens} tokens: {over}"


def test_a_smaller_budget_and_k_are_respected(assistant):
    for question in QUESTIONS:
        passages = assistant.retriever.search(question, k=3, budget=500).passages
        assert 1 <= len(passages) <= 3
        assert sum(count_tokens(p.text) for p in passages) <= 500


def test_never_more_than_k_passages(seeded_index, gold_retrievals):
    over = {row["id"]: len(passages) for row, passages in gold_retrievals if len(passages) > seeded_index.k}
    assert not over, f"more than k={seeded_index.k} passages: {over}"


# -- the gold set -------------------------------------------------------------------------------

def test_gold_passage_in_the_top_5(gold_retrievals):
    """hit@5: a gold quote lies inside one of the first five passages retrieved from its document."""
    found, misses = 0, []
    answerable = [(row, passages) for row, passages in gold_retrievals if row["quotes"]]
    for row, passages in answerable:
        top = passages[:5]
        if any(q["doc"] == p.doc and norm(q["text"]) in norm(p.text) for q in row["quotes"] for p in top):
            found += 1
        else:
            misses.append(f"{row['id']}: {row['question']!r} got {[(p.doc[:3], p.start) for p in top]}")
    rate = found / len(answerable)
    print(f"hit@5 = {rate:.3f} ({found}/{len(answerable)})")
    assert rate >= HIT_AT_5_FLOOR, f"hit@5 {rate:.3f} < {HIT_AT_5_FLOOR}; misses:\n" + "\n".join(misses)


def test_every_unanswerable_gold_question_abstains(gold_answers):
    from index.answer import ABSTAIN

    answered = [f"{row['id']}: {row['question']!r} -> {result.text[:160]!r}"
                for row, result in gold_answers if row["type"] == "unanswerable"
                and not (result.abstained and result.text == ABSTAIN and not result.citations)]
    assert not answered, "should have abstained:\n" + "\n".join(answered)


def test_an_inspector_named_on_no_visit_puts_no_other_visit_in_question(assistant):
    # "What did Brenda McLaughlin say…?" is not a claim that she was on the 2018 or Barnet visits.
    result = assistant.ask("What did Brenda McLaughlin say about life-story work?")
    assert "life-story work" in result.text, result.text
    assert not any("Louise Warren" in c.passage.text for c in result.citations), result.text


@pytest.mark.parametrize("question, name", [
    ("What is the name of the regional adoption agency we work with to recruit adopters?", None),
    ("Which council or organisation was Barnet's improvement partner at the time of the November 2018 visit?", None),
    ("Who was Barnet's improvement partner that helped them after going inadequate?", None),
    ("What's the name of the EH resource bank we developed alongside the essentials training?", "TREE"),
])
def test_a_question_for_a_name_is_answered_only_by_a_sentence_giving_one(assistant, question, name):
    from index.answer import ABSTAIN

    result = assistant.ask(question)
    if name is None:
        assert result.abstained and result.text == ABSTAIN, result.text
    else:
        assert name in result.text, result.text


def test_answers_hold_their_gold_keys_above_the_floor(gold_answers):
    answerable = [(row, result) for row, result in gold_answers if row["type"] != "unanswerable"]
    missing = [f"{row['id']}: lacks {[k for k in row['keys'] if k.casefold() not in result.text.casefold()]}"
               for row, result in answerable if not all(k.casefold() in result.text.casefold() for k in row["keys"])]
    share = 1 - len(missing) / len(answerable)
    print(f"answers with all their keys: {share:.3f} ({len(answerable) - len(missing)}/{len(answerable)})")
    assert share >= KEY_FLOOR, f"only {share:.3f} of answers hold all their keys:\n" + "\n".join(missing)


# -- conversations ------------------------------------------------------------------------------

LED_2018 = "Who led the 2018 focused visit to Barking and Dagenham?"


def test_she_is_the_inspector_the_previous_answer_named_and_else_leaves_out_that_authority(assistant):
    query, hints = assistant._understand("Did she inspect anywhere else that year?", [LED_2018])
    assert hints.people == ("Louise Warren",) and hints.years == (2018,)
    assert hints.elsewhere == ("Barking and Dagenham",) and not hints.authorities
    result = assistant.ask("Did she inspect anywhere else that year?", history=[LED_2018])
    assert not result.abstained and "Barnet" in result.text and "27 and 28 November 2018" in result.text
    assert {c.passage.meta.authority for c in result.citations} == {"Barnet"}


def test_anywhere_else_abstains_when_the_inspector_was_on_no_other_visit(assistant):
    result = assistant.ask("Did he inspect anywhere else?", history=["Who led the 2022 focused visit?"])
    assert result.abstained, result.text



def test_exact_search_of_a_small_filtered_set_agrees_with_chromas_filtered_search(assistant):
    from index.retrieve import _where

    retriever = assistant.retriever
    retriever.refresh()
    vector = assistant.embedder.embed_query("management oversight of contacts in the MASH")
    doc = "000_039fb7067930de26.txt"
    exact = retriever._exact(vector, retriever._doc_chunks[doc])
    chroma = retriever.vectors.query(vector, 40, _where(Filters(docs=(doc,))))
    assert [i for i, _ in exact] == [i for i, _ in chroma]
    assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(exact, chroma))


def test_a_focused_search_prefers_the_passage_with_one_sentence_on_the_whole_subject(assistant):
    """Every chunk of the 2018 letter scored alike: the one whose single sentence holds "management
    oversight … in the MASH" comes first, before chunks that name only some of the words."""
    from index.query import Hints

    retriever = assistant.retriever
    retriever.refresh()
    ids = retriever._doc_chunks["000_039fb7067930de26.txt"]
    scores = dict(retriever._focus([(cid, 1.0) for cid in ids], "management oversight in the MASH", Hints()))
    chunks = assistant.docstore.chunks_by_id(ids)
    together = next(cid for cid in ids if "Management oversight and supervision of case work in the MASH"
                    in chunks[cid].text)
    assert scores[together] == max(scores.values()) > 1.0
    # A chunk that names the MASH but not its management oversight gains less.
    partly = [cid for cid in ids if "mash" in chunks[cid].text.lower() and "oversight" not in chunks[cid].text.lower()]
    assert partly and all(1.0 < scores[cid] < scores[together] for cid in partly)


@pytest.mark.parametrize("question, wanted", [
    ("How did management oversight in the MASH compare between our 2018 visit and Barnet's November 2018 visit?",
     ["clear and embedded", "strong and consistent"]),
    ("How did attendance at strategy meetings compare between us (March 2018) and Barnet (November 2018)?",
     ["almost all cases", "nearly all well attended"]),
])
def test_a_comparisons_context_holds_each_sides_sentence_on_the_subject(assistant, question, wanted):
    passages = assistant.retrieve(question).passages
    for phrase in wanted:
        assert any(phrase in norm(p.text) for p in passages), (phrase, [p.text[:80] for p in passages])


@pytest.mark.parametrize("question", ["What did Ofsted make of our MASH in 2018?",
                                      "How did Ofsted's view of our MASH in 2018 compare with Barnet's?"])
def test_a_question_for_a_verdict_reaches_the_letters_overview(assistant, question):
    """Every chunk of the 2018 letter speaks of the MASH; the overview's "works effectively to
    safeguard children" is the verdict asked for."""
    passages = assistant.retrieve(question).passages
    assert any("works effectively to safeguard children" in norm(p.text) for p in passages), \
        [p.text[:80] for p in passages]


def test_a_question_spelling_out_an_abbreviation_finds_the_passage_that_only_abbreviates_it(assistant):
    """The 2022 letter's "This delay is insufficiently escalated by IROs" never spells them out."""
    passages = assistant.retrieve("What did the 2022 letter say about the independent reviewing officers?").passages
    assert any("insufficiently escalated by iros" in norm(p.text) for p in passages), [p.text[:80] for p in passages]


def test_an_inspector_put_on_another_visit_is_corrected_even_when_the_subject_is_elsewhere(assistant):
    """The sentence naming Barnet's inspectors shares no words with strategy meetings; it is fetched
    because the question puts an inspector of another visit on Barnet's."""
    result = assistant.ask("Brenda McLaughlin led the Barnet monitoring visit - what did she find about strategy "
                           "meetings?")
    assert "Louise Warren" in result.text and "Andrew Waugh" in result.text, result.text
    assert "nearly all well attended" in result.text
    # When the premise is right, nothing is fetched.
    from index.retrieve import Retrieval

    question = "What did Louise Warren find about strategy meetings at Barnet?"
    _, hints = assistant._understand(question, [])
    none = Retrieval([])
    assert hints.people == ("Louise Warren",)
    assert assistant._with_visit_facts(none, question, hints, Filters(), None) is none


def test_a_judgement_stated_of_us_is_corrected_with_the_one_recorded_whatever_its_year(assistant):
    """"Since we were judged inadequate in July 2017…": Barnet was; the news piece records ours as
    requires improvement in 2014, and is fetched though no passage on monitoring visits holds it."""
    result = assistant.ask("Since we were judged inadequate in July 2017, how many monitoring visits have we had?")
    assert "requires improvement" in result.text and "Barnet" in result.text, result.text
    # An audit's grade is no judgement of the authority: "No audits graded as inadequate" is not fetched.
    from index.premise import recorded_grade

    assert not recorded_grade("No audits graded as inadequate (a roughly 50/50 split between Requires Improvement "
                              "and Good) – much improved.")


@pytest.mark.parametrize("question, history, wanted", [
    ("When did it take place?", ["Who led the Barnet monitoring visit?"], "27 and 28 November 2018"),
    ("What does our self-evaluation say about them?", ["What did the 2022 visit say about care leavers?"],
     "move on accommodation"),
    # A slip ("assesments") is read as the documents' word, and open assessments are ongoing.
    ("And how many assesments were still open then?",
     ["What was the average caseload in Assessment and Intervention in September, per the self-eval?"], "619"),
    # The Barnet letter's opening names its inspectors, and shares no word with the question.
    ("and who did the Barnet one later that year?", ["Who were the inspectors on our 2018 MASH focused visit?"],
     "Andrew Waugh"),
    # "Front door" says which of our visits; Barnet's opening need not say it too.
    ("and barnet?", ["who did our 2018 front door visit"], "Andrew Waugh"),
    # What the lead inspector said is what her letter said, not who inspected.
    ("And what did she say about life-story work?",
     ["Who was the lead inspector when Ofsted came about permanence in 2022?"], "life-story work"),
    # "Dates" ask when the visit was, as "when" does.
    ("what about 2022", ["dates of our 2018 focused visit?"], "4 and 5 May 2022"),
    ("I sit on the scrutiny committee and would like to know exactly when the inspectors came in for the 2018 visit "
     "to our children's services.",
     [], "7 and 8 March 2018"),
    # A question with no subject of its own ("what trend…") is about the earlier one's, however it
    # starts: "trend" alone is no subject.
    ("And what trend did the 2022 letter note?", ["What proportion of our care leavers are in education, employment or "
                                                 "training per the self-evaluation?"], "rising"),
    # The earlier subject weighs no more than the follow-up's own: university, not care leavers' EET.
    ("And uni - how many went this year compared with last?",
     ["How many of our care leavers are in education, employment or training?"], "8 students"),
    # "What was it down to…" asks the earlier question again: a figure, later.
    ("So what was it down to by the December self-evaluation?",
     ["How many children were on child protection plans at the May 2022 visit?"], "390"),
])
def test_a_follow_up_asks_its_own_question_about_the_earlier_subject(assistant, question, history, wanted):
    result = assistant.ask(question, history=history)
    assert wanted in result.text, result.text
    if "self-evaluation" in question:
        assert {c.passage.meta.doc_type for c in result.citations} == {"self-evaluation"}


def test_a_question_asking_two_things_is_answered_part_by_part(assistant):
    result = assistant.ask("Who was the June 2022 letter addressed to, and who led that visit?")
    assert not result.abstained
    assert "Elaine Allegretti" in result.text and "Brenda McLaughlin" in result.text
    assert all(re.search(r"\[\d+\]$", line.strip()) for line in result.text.splitlines() if line.strip())
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    passages = assistant.retrieve("Who was the June 2022 letter addressed to, and who led that visit?").passages
    assert any("Elaine Allegretti" in p.text for p in passages) and any("Brenda McLaughlin" in p.text for p in passages)


@pytest.mark.parametrize("question, wanted, unwanted", [
    # The address block is a passage of its own, sharing no word with the question.
    ("Who was the 2022 letter on permanence sent to?", "Elaine Allegretti", None),
    ("The addressee of the June 2022 letter, name and job title please", "Elaine Allegretti", None),
    # 2018 has two letters; the one on the March visit went to Barking and Dagenham.
    ("The March 2018 letter: which officer was it addressed to?", "Anne Bristow", "Chris Munday"),
])
def test_whom_a_letter_went_to_is_found_from_its_address_block(assistant, question, wanted, unwanted):
    assert any(wanted in p.text for p in assistant.retrieve(question).passages)
    result = assistant.ask(question)
    assert wanted in result.text, result.text
    assert unwanted is None or unwanted not in result.text


def test_what_a_visit_looked_at_gives_way_to_what_it_found(assistant):
    """"Areas covered by the visit" names the MASH and every other subject of a question on what
    Barnet's visit found, and says nothing of what was found."""
    found = assistant.retrieve("What did Ofsted say about Barnet's MASH in 2018?").passages
    assert found and found[0].section != "Areas covered by the visit"
    assert not any(p.section == "Areas covered by the visit" for p in found[:3])
    # What it looked at, and who was on it, its remit and opening still answer.
    scope = assistant.retrieve("Which areas did Barnet's November 2018 monitoring visit cover?").passages
    assert any(p.section == "Areas covered by the visit" for p in scope[:2])
    observer = assistant.retrieve("was there an observer on the 2022 focused visit? name?").passages
    assert any("Nhlanganiso Nyathi" in p.text for p in observer)


def test_a_comparison_side_known_only_from_the_news_is_searched_in_the_news(assistant):
    """Waltham Forest's focused visit has no letter here; the news piece on it is that side's evidence."""
    passages = assistant.retrieve("us vs waltham forest - 2018 FV concerns").passages
    assert any(p.meta.doc_type == "news article" and "Waltham Forest" in p.text for p in passages)


def test_a_slides_own_heading_for_what_to_improve_counts_as_its_section(assistant):
    """"QA Areas for Improvement / Priorities for 2022" heads part of a slide, inside its passage."""
    passages = assistant.retrieve("What are the QA areas for improvement in our 2022 self-evaluation?").passages
    assert "Ensure QA activity is impactful" in passages[0].text


def test_either_of_them_is_the_people_the_earlier_answer_named(assistant):
    result = assistant.ask("Did one of them also visit Barnet that same year?",
                           history=["Which inspectors came on the 2018 focused visit?"])
    assert "Louise Warren" in result.text and "Andrew Waugh" in result.text, result.text


def test_a_visit_dated_by_month_and_two_digit_year_is_that_visit(assistant):
    result = assistant.ask("barnet nov 18 visit - which number monitoring visit was it?")
    assert "fifth monitoring visit" in result.text, result.text


def test_a_comparison_that_also_asks_for_a_figure_is_answered_as_both(assistant):
    """The council's word on oversight since the 2022 visit is one part; how many young people are
    in residential placements is another, whose figure the comparison's sides would not hold."""
    question = ("Inspectors criticised our residential placements in 2022. What does the SEF say about oversight of "
                "residential placements since then, and how many young people are in residential placements now?")
    result = assistant.ask(question)
    assert "Residential oversight meeting" in result.text and "47 young people" in result.text, result.text
    assert result.text.count("47 young people") == 1, "a sentence answering both parts is shown once"
    # A second part with no subject of its own ("…where had we got to by the December SEF?") is a
    # comparison's other side, not a question of its own.
    assert assistant._parts("What did Ofsted say about CP numbers in the May 2022 letter, and where had we got to "
                            "by the time of the December SEF?", []) == []


@pytest.mark.parametrize("question, wanted", [
    # A visit given the wrong year or council: the letter of the visit meant is fetched, opening and
    # all, though no document is of that year or council.
    ("What did Ofsted's 2021 focused visit on permanence find about children in residential homes?",
     "4 and 5 May 2022"),
    ("What did the November 2018 monitoring visit to Barking and Dagenham conclude about our MASH?",
     "monitoring visit to Barnet"),
    # A month and a year of which there was no visit: the one visit of that month is meant.
    ("When Ofsted came for our front door visit in March 2019, what did they find about referrals?",
     "7 and 8 March 2018"),
])
def test_a_visit_given_the_wrong_year_or_council_is_answered_from_the_visit_it_was(assistant, question, wanted):
    result = assistant.ask(question)
    assert wanted in result.text, result.text


@pytest.mark.parametrize("question, wanted", [
    # Someone who came without inspecting "observed" the visit, in whatever words the question puts it.
    ("My supervisor said there was someone on the 2022 visit who was just watching and not inspecting - who was that?",
     "Nhlanganiso Nyathi"),
    ("Besides the two inspectors, was anyone else present on the May 2022 visit in a non-inspecting capacity?",
     "Nhlanganiso Nyathi"),
    # Who quality-assured a visit, as staff put it.
    ("Was there somebody checking the quality of the inspectors' work on our 2018 visit?", "Sean Tarpey"),
    # "Which two inspectors…", "which Ofsted inspectors…" ask for the inspectors; what the answer is
    # for ("press release draft:") is no subject, and no news piece.
    ("Writing up my reflective log on the front door: which two inspectors came out to look at our MASH in March 2018?",
     "Louise Warren"),
    ("press release draft: which ofsted inspectors came in for the march 2018 front door visit?", "Louise Warren"),
    # "A journalist is asking…" asks for no byline; "which agencies are part of" for a list.
    ("A journalist is asking which agencies are part of our safeguarding hub - what did the news coverage list?",
     "substance misuse services"),
    ("According to the CYPN piece, which agencies and services are represented in the B&D MASH?",
     "substance misuse services"),
    # A date before the visit the question names: not that visit's own.
    ("Before the 2018 visit to the front door, when had Ofsted last done a proper inspection of us?", "May 2014"),
    ("When the 2018 front-door letter refers back to Ofsted's previous inspection of B&D, what month and year does "
     "it give?", "May 2014"),
    ("Before their November 2018 monitoring visit, when had inspectors last looked at Barnet's MASH?", "February 2018"),
])
def test_who_and_when_questions_put_in_staff_words(assistant, question, wanted):
    result = assistant.ask(question)
    assert wanted in result.text, result.text


def test_what_each_of_two_named_visits_looked_at_is_each_letters_remit(assistant):
    result = assistant.ask("what was each of our two ofsted focused visits actually looking at - 2018 vs 2022?")
    assert "multi-agency safeguarding hub" in result.text and "early permanence" in result.text, result.text
    assert "News article" not in result.text, "the question names the focused visits' letters"


def test_the_inspectors_of_a_visit_no_letter_records_are_not_another_councils(assistant):
    # Waltham Forest's visit is known only from the news piece, which does not name its inspectors.
    result = assistant.ask("Which inspectors carried out the Waltham Forest focused visit that the CYPN piece reports "
                           "alongside B&D?")
    assert result.abstained, result.text


@pytest.mark.parametrize("question, wanted", [
    # A finding goes on with what it leads to: "This has a detrimental effect… a delay in the delivery of services".
    ("What was Ofsted's criticism in 2018 about the referrals we get from partner agencies?",
     "delay in the delivery of services"),
    # What held improvement back is what "affects the timeliness and scale of improvement", not the list
    # of what must improve.
    ("What did the 2022 inspectors say was holding back the speed and reach of improvement at LBBD?",
     "Lack of leadership capacity"),
])
def test_what_a_finding_leads_to_and_what_holds_improvement_back(assistant, question, wanted):
    result = assistant.ask(question)
    assert wanted in result.text, result.text


def test_a_sentence_answering_two_parts_is_shown_and_cited_once(assistant):
    # A return home interview is a "chat" after children "come back after going missing"; both parts
    # of the question are answered by one sentence, which two overlapping passages may hold.
    result = assistant.ask("When children come back after going missing, how many are offered a chat about it, "
                           "and how many take it up?")
    assert "69%" in result.text and "88%" in result.text, result.text
    assert result.text.count("69%") == 1, result.text
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", result.text)}
    assert cited == {c.n for c in result.citations}, (result.text, [c.n for c in result.citations])


def test_a_statement_before_a_question_on_somewhere_else_is_its_earlier_turn(assistant):
    result = assistant.ask("Louise Warren looked at our MASH in March 2018. Did she inspect anywhere else, and when?")
    assert "27 and 28 November 2018" in result.text and "7 and 8 March 2018" not in result.text, result.text
    assert result.question.startswith("Louise Warren looked at our MASH")


def test_two_facts_asked_of_each_visit_are_both_answered(assistant):
    result = assistant.ask("Give me the dates and the lead inspector for each of our two focused visits.")
    for wanted in ("7 and 8 March 2018", "4 and 5 May 2022", "Brenda McLaughlin"):
        assert wanted in result.text, result.text


def test_the_same_point_asked_of_another_letter_is_the_earlier_question(assistant):
    result = assistant.ask("And what did the Barnet letter say on the same point?",
                           history=["What did the 2018 B&D front-door letter find about attendance at strategy discussions?"])
    assert "nearly all well attended" in result.text, result.text


@pytest.mark.parametrize("question,wanted", [
    # "SE" is staff shorthand for the self-evaluation.
    ("LAC numbers - what's the SE figure at end of Sept?", "443"),
    # An acronym no document uses in the scene the question sets is not its subject.
    ("We're seeing more kids coming into care via PPOs. What % of children entering care came in on police protection "
     "per the self-eval?", "24%"),
])
def test_shorthand_and_the_scene_set_do_not_silence_an_answer(assistant, question, wanted):
    result = assistant.ask(question)
    assert not result.abstained and wanted in result.text, result.text


def test_an_unknown_name_in_the_question_itself_still_abstains(assistant):
    assert assistant.ask("Our team works with the MASH. What did Ofsted find at Redbridge's front door visit?").abstained


def test_the_scene_a_question_sets_is_not_what_an_answer_must_hold(assistant):
    result = assistant.ask("My adviser's notes just say the last focused visit was 'sometime in 2022'. That won't wash "
                           "at scrutiny. Which days were the inspectors actually on site?")
    assert "4 and 5 May 2022" in result.text, result.text
    assert result.question.startswith("My adviser's notes")


@pytest.mark.parametrize("question,wanted", [
    ("The May 22 visit flagged little ones stuck in resi homes for ages - how young were we talking and what had gone "
     "wrong?", "eight years old"),
    ("What were the inspectors' big worries about young kids living in children's homes in 2022?", "drifted for several years"),
    ("LADO query - what did the 2018 focused visit say about designated officer arrangements across the partnership?",
     "local mosque"),
])
def test_a_finding_keeps_the_instances_that_follow_it(assistant, question, wanted):
    result = assistant.ask(question)
    assert wanted in result.text, result.text


def test_judged_in_a_question_finds_judged_in_a_letter(assistant):
    result = assistant.ask("When was Barnet judged inadequate?")
    assert "July 2017" in result.text, result.text


def test_a_grade_at_a_later_inspection_than_the_documents_abstains(assistant):
    assert assistant.ask("What was Barnet judged at its re-inspection after the monitoring visits?").abstained


def test_whether_inspectors_were_happy_asks_for_their_verdict(assistant):
    result = assistant.ask("When Ofsted looked at our MASH in 2018, were they happy with it or not?")
    assert not result.abstained and "MASH" in result.text, result.text
    assert {c.passage.doc for c in result.citations} <= {"000_039fb7067930de26.txt", "004_4b26a682698e6517.txt"}


def test_a_role_no_document_names_is_not_answered_by_the_inspectors(assistant):
    assert assistant.ask("Who is the designated nurse for looked after children in Barking and Dagenham? Need to cc "
                         "them on an IHA escalation.").abstained
    # The role the documents do name still answers.
    assert "Sean Tarpey" in assistant.ask("Who was the QA manager on our 2018 visit?").text


def test_re_for_regarding_is_no_subject_word(assistant):
    result = assistant.ask("Re Barnet's Nov 2018 monitoring visit - when had Ofsted last been in to look at their MASH "
                           "before that?")
    assert "February 2018" in result.text, result.text

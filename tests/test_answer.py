"""The extractive answerer on hand-built passages: every sentence is cited and can be checked word for
word against its passage; it abstains when the evidence is missing; the JSON has the documented shape.

Most cases run twice: with conftest's HashEmbedder (a deterministic fake derived from the text) and
with the real packaged model, so they hold for the thresholds the product actually uses.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import HashEmbedder
from index.answer import ABSTAIN, answer, combine
from index.query import QueryAnalyzer
from index.text import sentence_spans
from index.types import Answer, DocumentMeta, Passage

HOME = "Barking and Dagenham"

VISIT_2018 = DocumentMeta(
    doc="visit-2018.txt", hash="a", title="Focused visit to Barking and Dagenham children's services",
    doc_type="focused visit letter", authority=HOME, authorities=(HOME,), date="2018-04-03",
    visit_start="2018-03-07", visit_end="2018-03-08", inspectors=("Louise Warren", "John Roughton"))
VISIT_2022 = DocumentMeta(
    doc="visit-2022.txt", hash="b", title="Focused visit to Barking and Dagenham children's services",
    doc_type="focused visit letter", authority=HOME, authorities=(HOME,), date="2022-06-10",
    visit_start="2022-05-04", visit_end="2022-05-05", inspectors=("Brenda McLaughlin", "Tracey Ledder"))
BARNET = DocumentMeta(
    doc="barnet-2018.txt", hash="c", title="Monitoring visit to Barnet children's services",
    doc_type="monitoring visit letter", authority="Barnet", authorities=("Barnet",), date="2018-12-20",
    visit_start="2018-11-27", visit_end="2018-11-28", inspectors=("Andrew Waugh",))
SELF_EVALUATION = DocumentMeta(
    doc="self-evaluation.txt", hash="d", title="Self Evaluation 2022", doc_type="self-evaluation",
    authority=HOME, authorities=(HOME,), date="2022-12-01")
METAS = [VISIT_2018, VISIT_2022, BARNET, SELF_EVALUATION]


def passage(meta: DocumentMeta, text: str, score: float = 1.0, start: int = 0, section: str = "Main findings"):
    return Passage(chunk_id=f"{meta.doc}:{start}", doc=meta.doc, text=text, start=start, end=start + len(text),
                   section=section, page=None, score=score, meta=meta)


MASH_2018 = passage(VISIT_2018, (
    "Management oversight of contacts in the multi-agency safeguarding hub (MASH) is not consistently robust. "
    "Thresholds are applied appropriately in the MASH and decisions are timely.\n\n"
    "Social workers in the MASH use chronologies well to understand risk."), score=2.0)
PERMANENCE_2022 = passage(VISIT_2022, (
    "Management oversight of permanence planning is now strong and regular. Leaders have invested in the "
    "family support service, and managers review children's plans every month."), score=1.6, start=4000)
BARNET_CASELOADS = passage(BARNET, (
    "Social workers in Barnet know their children well and morale has improved since the last visit. "
    "Management oversight of contacts in the MASH is weak, and decisions about thresholds are not recorded."),
    score=1.2, start=2000)
IMPROVE_2018 = passage(VISIT_2018, (
    "What needs to improve in this area of social care practice:\n\n"
    "- The quality of management oversight of contacts in the MASH.\n"
    "- The recording of decisions about thresholds for early help.\n"
    "- The timeliness of strategy discussions for children at risk of harm"),
    score=1.4, start=6000, section="What needs to improve in this area of social care practice")
FOSTERING_ALLOWANCES = "How much do we pay foster carers in weekly allowances?"


@pytest.fixture(params=["fake", "real"])
def any_embedder(request):
    """The deterministic fake, then the real packaged model (conftest's session-scoped `embedder`)."""
    return HashEmbedder() if request.param == "fake" else request.getfixturevalue("embedder")


@pytest.fixture(scope="module")
def analyzer() -> QueryAnalyzer:
    return QueryAnalyzer(METAS, home_authority=HOME)


def ask(question: str, passages: list[Passage], embedder, analyzer: QueryAnalyzer) -> Answer:
    """What the assistant does after retrieval: analyse the question, then answer from the passages."""
    return answer(question, analyzer.analyze(question), passages, embedder=embedder, people=analyzer.known_people)


# -- checking an answer the way a reader would ----------------------------------------------------

_MARK = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")


def _norm(text: str) -> str:
    return " ".join(text.split())


def claims(text: str) -> list[tuple[str, list[int]]]:
    """(sentence, citation numbers) for each cited sentence of an answer, line by line; fails when a
    line has text after its last citation mark (a sentence nobody can check)."""
    out: list[tuple[str, list[int]]] = []
    for line in text.splitlines():
        line = re.sub(r"^\s*[-•*]\s+", "", line).strip()
        pos = 0
        for m in _MARK.finditer(line):
            sentence = line[pos:m.start()].strip()
            numbers = [int(n) for n in m.group(1).split(",")]
            if sentence:
                out.append((sentence, numbers))
            elif out:  # "… [1] [2]": both marks belong to the sentence before
                out[-1][1].extend(numbers)
            pos = m.end()
        assert not line[pos:].strip(), f"text without a citation: {line[pos:]!r}\nin answer:\n{text}"
    return out


def quoted_part(sentence: str, passage_text: str) -> str | None:
    """The part of an answer sentence found word for word in the passage: the whole sentence, or what
    follows a source label ("Focused visit letter, …, 3 April 2018: …"), allowing an added full stop."""
    source = _norm(passage_text)
    candidates = [_norm(sentence)]
    if ": " in sentence:
        candidates.append(_norm(sentence.split(": ", 1)[1]))
    for c in candidates:
        for form in (c, c[:-1] if c.endswith(".") else c):
            if form and form in source:
                return form
    return None


def assert_grounded(result: Answer) -> list[tuple[str, list[int], str]]:
    """A non-abstaining answer whose every sentence ends with [n], every [n] is a citation, and every
    cited sentence is one sentence of the cited passage. Returns (sentence, numbers, quoted part)."""
    assert not result.abstained and result.text != ABSTAIN, result.text
    by_number = {c.n: c for c in result.citations}
    found = claims(result.text)
    assert found, f"no cited sentence in:\n{result.text}"
    out = []
    for sentence, numbers in found:
        unknown = [n for n in numbers if n not in by_number]
        assert not unknown, f"[{unknown}] cites nothing in {sorted(by_number)}: {sentence!r}"
        quoted = [quoted_part(sentence, by_number[n].passage.text) for n in numbers]
        assert any(quoted), f"{sentence!r} is not in its cited passage(s) {numbers}"
        part = next(q for q in quoted if q)
        assert len(sentence_spans(part)) == 1, f"several sentences share one citation: {sentence!r}"
        out.append((sentence, numbers, part))
    cited = {n for _, numbers, _ in out for n in numbers}
    assert cited == set(by_number), f"citations {sorted(set(by_number) - cited)} are never cited in the text"
    cited_ids = {c.passage.chunk_id for c in result.citations}
    assert not cited_ids & {p.chunk_id for p in result.related}, "a passage is both cited and related"
    return out


# -- grounded answers ---------------------------------------------------------------------------

ALL = [MASH_2018, PERMANENCE_2022, BARNET_CASELOADS, IMPROVE_2018]


@pytest.mark.parametrize("question", [
    "What did inspectors say about management oversight in our MASH in 2018?",
    "What needs to improve in our MASH according to the 2018 visit?",
    "How has management oversight changed between 2018 and 2022?",
    "How does Barnet's MASH compare with ours?",
])
def test_every_sentence_is_cited_and_found_in_its_passage(question, any_embedder, analyzer):
    assert_grounded(ask(question, ALL, any_embedder, analyzer))


def test_a_fact_is_answered_from_the_passage_that_holds_it(any_embedder, analyzer):
    result = ask("Were thresholds in our MASH applied properly in 2018?", ALL, any_embedder, analyzer)
    grounded = assert_grounded(result)
    assert any("Thresholds are applied appropriately" in s for s, _, _ in grounded), result.text
    assert result.citations[0].passage.doc == VISIT_2018.doc


def test_a_list_question_gets_the_listed_points_as_bullets(analyzer):
    result = ask("What needs to improve in our MASH according to the 2018 visit?", [IMPROVE_2018, PERMANENCE_2022],
                 HashEmbedder(), analyzer)
    assert_grounded(result)
    lines = [line for line in result.text.splitlines() if line.strip()]
    assert len(lines) >= 2 and all(line.lstrip().startswith("-") for line in lines), result.text
    assert "timeliness of strategy discussions" in result.text.lower()


def test_every_line_of_a_multi_document_answer_names_its_source(any_embedder, analyzer):
    result = ask("How has management oversight changed between 2018 and 2022?", ALL, any_embedder, analyzer)
    grounded = assert_grounded(result)
    by_number = {c.n: c.passage.meta for c in result.citations}
    assert len({m.doc for m in by_number.values()}) >= 2, f"expected both visits cited:\n{result.text}"
    for sentence, numbers, part in grounded:
        label = _norm(sentence)[: len(_norm(sentence)) - len(part)].lower()
        source = by_number[numbers[0]]
        assert source.date[:4] in label, f"no date for {source.doc} in {sentence!r}"
        assert (source.doc_type.lower() in label or source.authority.lower() in label), \
            f"no kind or authority for {source.doc} in {sentence!r}"


def test_a_misattributed_finding_is_answered_with_its_true_source(analyzer):
    result = ask("Why did inspectors find Barking and Dagenham's management oversight of the MASH weak in 2018?",
                 [PERMANENCE_2022, BARNET_CASELOADS], HashEmbedder(), analyzer)
    assert_grounded(result)
    assert {c.passage.doc for c in result.citations} == {BARNET.doc}
    assert "Barnet" in result.text, "the reader must see the finding is Barnet's"


# -- abstaining ---------------------------------------------------------------------------------

def assert_abstains(result: Answer, passages: list[Passage]) -> None:
    assert result.abstained and result.text == ABSTAIN, result.text
    assert result.citations == []
    related = {p.chunk_id for p in result.related}
    assert related and related <= {p.chunk_id for p in passages}, "the closest passages come back as related"


def test_abstains_when_the_passages_are_about_something_else(any_embedder, analyzer):
    passages = [MASH_2018, PERMANENCE_2022]
    assert_abstains(ask(FOSTERING_ALLOWANCES, passages, any_embedder, analyzer), passages)


def test_abstains_with_no_passages(analyzer):
    result = ask("Who led the 2022 focused visit?", [], HashEmbedder(), analyzer)
    assert result.abstained and result.text == ABSTAIN and not result.citations


LEAD_WITHOUT_NAME = passage(BARNET, (
    "The lead inspector for the monitoring visit to Barnet was an experienced inspector from the London region. "
    "The lead inspector met senior leaders and social workers during the visit."))
LEAD_WITH_NAME = passage(BARNET, (
    "The lead inspector for the monitoring visit to Barnet was Andrew Waugh, HMI. "
    "The lead inspector met senior leaders and social workers during the visit."))
WHO = "Who was the lead inspector for the Barnet monitoring visit?"


def test_a_who_question_abstains_when_the_evidence_names_nobody(any_embedder, analyzer):
    assert_abstains(ask(WHO, [LEAD_WITHOUT_NAME], any_embedder, analyzer), [LEAD_WITHOUT_NAME])


def test_a_who_question_is_answered_when_the_evidence_names_someone(any_embedder, analyzer):
    result = ask(WHO, [LEAD_WITH_NAME], any_embedder, analyzer)
    assert_grounded(result)
    assert "Andrew Waugh" in result.text


PLANS_WITHOUT_FIGURE = passage(SELF_EVALUATION, (
    "The number of children on child protection plans has fallen over the last year. "
    "Child protection plans are reviewed on time and children are seen regularly."))
PLANS_WITH_FIGURE = passage(SELF_EVALUATION, (
    "There were 443 children on child protection plans at the end of September. "
    "Child protection plans are reviewed on time and children are seen regularly."))
HOW_MANY = "How many children are on child protection plans?"


def test_a_how_many_question_abstains_without_a_figure(any_embedder, analyzer):
    assert_abstains(ask(HOW_MANY, [PLANS_WITHOUT_FIGURE], any_embedder, analyzer), [PLANS_WITHOUT_FIGURE])


def test_a_how_many_question_is_answered_with_the_figure(any_embedder, analyzer):
    result = ask(HOW_MANY, [PLANS_WITH_FIGURE], any_embedder, analyzer)
    assert_grounded(result)
    assert "443" in result.text


EARLY_HELP_COUNT = passage(SELF_EVALUATION, (
    "333 families (729 children) open to targeted early help at the end of September 2022/23. "
    "We have completed a higher number of Early Help assessments."), score=2.0)
LAC_COUNT = passage(SELF_EVALUATION, (
    "Increasing number and rate per 10,000 LAC up to 443 at end of September. "
    "Increasing proportion of LAC on ICO."), score=1.5, start=3000, section="Children in Care and Care Leavers")


@pytest.mark.parametrize("question", [
    "How many children were in the council's care at the end of September 2022?",
    "How many children were looked after at the end of September?",
    "How many children in care did we have at the end of September?",
])
def test_children_in_care_are_counted_by_the_lac_figure(question, any_embedder, analyzer):
    # "In care" and "looked after" are LAC: the answer is their count, before the families open to
    # early help at the same date.
    result = ask(question, [EARLY_HELP_COUNT, LAC_COUNT], any_embedder, analyzer)
    assert_grounded(result)
    assert result.sentences[0].text.startswith("Increasing number and rate per 10,000 LAC up to 443")


# -- what a question asks for -------------------------------------------------------------------

LETTER_2022_OPENING = passage(VISIT_2022, (
    "10 June 2022\n\nElaine Allegretti\nDirector of People and Resilience\nThe London Borough of Barking and Dagenham\n\n"
    "Dear Ms Allegretti\n\nFocused visit to the London Borough of Barking and Dagenham children's services\n\n"
    "This letter summarises the findings of the focused visit to Barking and Dagenham children's services on "
    "4 and 5 May 2022. Her Majesty's Inspectors for this visit were Brenda McLaughlin, lead inspector, and "
    "Tracey Ledder, team inspector.\n\nInspectors considered the local authority's arrangements for planning "
    "and achieving permanence, with a particular focus on early permanence."), section="")


@pytest.mark.parametrize("question", ["Who was the June 2022 Ofsted letter addressed to?",
                                      "Who did Ofsted send the 2022 focused visit letter to?"])
def test_an_addressee_question_gets_the_officer_not_the_inspectors(question, any_embedder, analyzer):
    result = ask(question, [LETTER_2022_OPENING, PERMANENCE_2022], any_embedder, analyzer)
    assert_grounded(result)
    assert "Elaine Allegretti" in result.text and "Brenda McLaughlin" not in result.text


BARNET_ADDRESS = passage(BARNET, "20 December 2018\n\nChris Munday\nStrategic Director for Children and Young People\n"
                                  "London Borough of Barnet", start=0, section="")
BARNET_COPY = passage(BARNET, "Yours sincerely\n\nAndrew Waugh\nHer Majesty's Inspector\n\n"
                              "I am copying this letter to the Department for Education.", start=9000, section="")


@pytest.mark.parametrize("question, wanted, unwanted", [
    ("Who was the Barnet letter addressed to?", "Chris Munday", "Department for Education"),
    ("Who else was the Barnet letter copied to?", "Department for Education", "Chris Munday"),
])
def test_whom_a_letter_is_addressed_to_is_not_whom_it_is_copied_to(question, wanted, unwanted, any_embedder,
                                                                  analyzer):
    # The copy line comes first in the passages, and both name a recipient.
    result = ask(question, [BARNET_COPY, BARNET_ADDRESS], any_embedder, analyzer)
    assert_grounded(result)
    assert wanted in result.text and unwanted not in result.text, result.text


CARE_SLIDE = passage(SELF_EVALUATION, "The majority of care leavers (68%) are in education, employment, and training "
                                      "(EET). In 2021/22, 89% of children in care had an up-to-date PEP compared to 86% "
                                      "in 2020/21. This year 8 students progressed to University.",
                     section="Children in Care and Care Leavers", start=4000)


def test_a_figure_is_not_answered_by_one_that_counts_something_else(any_embedder, analyzer):
    # The sentence that holds the year holds "care", a word of every slide, and counts PEPs, not care
    # leavers in EET; the one beside it is this year's figure.
    weights = {"care": 0.3, "pep": 3.0, "eet": 3.0, "leaver": 2.0, "rate": 1.5, "child": 0.3, "date": 1.5,
               "share": 1.5, "lac": 2.0}

    def idf(term):
        return weights.get(term, 1.5)

    def ask_with_idf(question):
        return answer(question, analyzer.analyze(question), [CARE_SLIDE], embedder=any_embedder, idf=idf)

    assert_abstains(ask_with_idf("What was our care leaver EET rate in 2021/22?"), [CARE_SLIDE])
    result = ask_with_idf("What share of children in care had an up-to-date PEP in 2021/22?")
    assert "89%" in result.text, result.text


def test_what_a_visit_looked_at_is_its_stated_remit(any_embedder, analyzer):
    result = ask("What area of practice was the May 2022 focused visit looking at?",
                 [LETTER_2022_OPENING, PERMANENCE_2022], any_embedder, analyzer)
    assert_grounded(result)
    assert "planning and achieving permanence" in result.text


def test_a_named_kind_of_document_excludes_sentences_from_other_kinds(any_embedder, analyzer):
    own_view = passage(SELF_EVALUATION, "Management oversight of permanence planning in 2022 is inconsistent "
                                        "and needs to drive case direction.", score=3.0, start=100)
    result = ask("What did the 2022 focused visit say about management oversight of permanence planning?",
                 [own_view, PERMANENCE_2022], any_embedder, analyzer)
    assert_grounded(result)
    assert {c.passage.doc for c in result.citations} == {VISIT_2022.doc}


def test_an_inspector_put_on_the_wrong_visit_is_corrected_with_the_real_inspectors(any_embedder, analyzer):
    names = passage(VISIT_2018, "This letter summarises the findings of a focused visit on 7 and 8 March 2018. "
                                "The inspectors were Louise Warren, HMI, and John Roughton, HMI.", start=10)
    result = ask("Why did Brenda McLaughlin's 2018 visit criticise our MASH?", [names, MASH_2018], any_embedder,
                 analyzer)
    assert_grounded(result)
    assert not result.abstained and "Louise Warren" in result.text


SWINDON = DocumentMeta(
    doc="swindon.pdf", hash="e", title="Inspection of Swindon local authority children's services",
    doc_type="ILACS inspection report", authority="Swindon", authorities=("Swindon",), date="2019-08-20",
    visit_start="2019-07-01", visit_end="2019-07-12", inspectors=("Emmy Tomsett",))
JUDGEMENTS = passage(SWINDON, (
    "Inspection dates: 1 July 2019 to 12 July 2019\n\nLead inspector: Emmy Tomsett\n\nHer Majesty's Inspector\n\n"
    "The impact of leaders on social work practice with children and families: Good\n"
    "The experiences and progress of children who need help and protection: Good\n"
    "The experiences and progress of children in care and care leavers: Requires improvement to be good\n"
    "Overall effectiveness: Good"), section="Judgements")


@pytest.mark.parametrize("question, wanted", [
    ("Who was the lead inspector for Swindon's children's services inspection in July 2019?", "Emmy Tomsett"),
    ("How was Swindon judged overall when Ofsted inspected its children's services in July 2019?",
     "Overall effectiveness: Good"),
    ("How did Ofsted judge the experiences and progress of children in care in Swindon in July 2019?",
     "Requires improvement to be good"),
])
def test_a_judgement_table_answers_row_by_row(question, wanted, any_embedder, analyzer_with_swindon):
    result = ask(question, [JUDGEMENTS], any_embedder, analyzer_with_swindon)
    assert_grounded(result)
    assert wanted in result.sentences[0].text, "the row asked about comes first"
    assert len(result.sentences) <= 2, "a row or two answers; the rest of the table is not the answer"


@pytest.fixture
def analyzer_with_swindon():
    return QueryAnalyzer(METAS + [SWINDON], HOME)


EHA = passage(SELF_EVALUATION, (
    "Timeliness needs improving across the service and Team Managers are now expecting a first draft of the EHA "
    "after 15 days. Early Help Assessment timeliness, although improving to nearly 70% year to date, is below "
    "target."), section="Early Help — Areas requiring improvement")


def test_a_rate_question_is_answered_with_a_percentage_not_any_figure(any_embedder, analyzer):
    result = ask("What's our EHA timeliness running at?", [EHA], any_embedder, analyzer)
    assert_grounded(result)
    assert "nearly 70%" in result.sentences[0].text


IMPROVE_2022 = passage(VISIT_2022, (
    "What needs to improve in this area of social care practice:\n\n"
    "- Timely and effective parallel and contingency planning for children living in children's homes.\n"
    "- The quality and availability of life-story work for all children.\n"
    "- Additional management capacity at a senior operational level."),
    score=1.0, start=9000, section="What needs to improve in this area of social care practice")
OWN_IMPROVEMENTS = passage(SELF_EVALUATION, (
    "- Improve quality of plans made at strategy meetings.\n- Improve Initial health assessment timeliness."),
    score=2.0, start=500, section="MASH and Assessment — Practice – Areas for improvement")


def test_what_a_named_visit_said_must_improve_is_its_list_even_without_shared_words(any_embedder, analyzer):
    result = ask("What six things did the 2022 focused visit say we must improve?", [OWN_IMPROVEMENTS, IMPROVE_2022],
                 any_embedder, analyzer)
    assert_grounded(result)
    for item in ("parallel and contingency planning", "life-story work", "senior operational level"):
        assert item in result.text
    assert {c.passage.doc for c in result.citations} == {VISIT_2022.doc}


def test_the_answers_to_a_questions_parts_are_combined_with_their_citations_renumbered(analyzer):
    first = ask("Who led the 2022 visit?", [LETTER_2022_OPENING], HashEmbedder(), analyzer)
    second = ask("What did the 2022 visit find about management oversight of permanence?",
                 [PERMANENCE_2022, LETTER_2022_OPENING], HashEmbedder(), analyzer)
    assert not first.abstained and not second.abstained
    unanswered = Answer(question="…", text=ABSTAIN, abstained=True, related=[MASH_2018])
    both = combine("Who led it, and what did it find?", [first, unanswered, second, first])
    assert_grounded(both)
    assert "Brenda McLaughlin" in both.text and "Management oversight of permanence" in both.text
    assert [c.n for c in both.citations] == list(range(1, len(both.citations) + 1))
    assert len({(c.passage.doc, c.passage.start) for c in both.citations}) == len(both.citations)
    assert both.text.count("Brenda McLaughlin") == 1, "a sentence answering two parts is shown once"
    assert combine("…", [unanswered]).abstained


CP_FIGURES = passage(SELF_EVALUATION, (
    "Around 8 out of 10 children at ICPC result in a CP plan. Very few children (6%) have a ceased CP plan lasting "
    "more than 2 years. The number of CP children decreased by 53 from 455 to 402 between August and September "
    "this year (now 390)."), section="Children in Need and Child Protection — The data shows us")
LAC_FIGURE = passage(SELF_EVALUATION, "Increasing number and rate per 10,000 LAC up to 443 at end of September.",
                     start=3000, section="Children in Care and Care Leavers — The data shows us")


def test_a_figure_given_to_the_wrong_thing_is_answered_with_what_it_counts_and_the_count_meant(any_embedder, analyzer):
    result = ask("The self-evaluation says we have 443 children on CP plans - why is that rising?",
                 [CP_FIGURES, LAC_FIGURE], any_embedder, analyzer)
    assert_grounded(result)
    assert "LAC up to 443" in result.text and "now 390" in result.text


def test_how_many_wants_a_count_not_a_share(any_embedder, analyzer):
    result = ask("How many children are on CP plans?", [CP_FIGURES], any_embedder, analyzer)
    assert_grounded(result)
    assert "now 390" in result.sentences[0].text


NEWS = DocumentMeta(
    doc="news.txt", hash="f", title="MASH arrangements praised", doc_type="news article", authority=HOME,
    authorities=(HOME, "Waltham Forest"), date="2018-04-03")
NEWS_MASH = passage(NEWS, (
    "Waltham Forest's Mash was found to offer timely responses to referrals and has more partners. "
    "Meanwhile, Barking and Dagenham's Mash was found to benefit from a stable workforce and timely "
    "information sharing between partners."))


def test_a_sentence_about_another_authority_does_not_answer_for_ours(any_embedder):
    analyzer = QueryAnalyzer(METAS + [NEWS], HOME)
    result = ask("What was our MASH found to offer in 2018?", [NEWS_MASH], any_embedder, analyzer)
    assert_grounded(result)
    assert "stable workforce" in result.text and "Waltham Forest's Mash" not in result.text


TWO_VISITS = passage(NEWS, (
    "The Mash work of two London boroughs has been praised by inspectors. Waltham Forest's Mash was found to "
    "offer timely responses to referrals. Despite the praise for each Mash, inspectors were concerned about "
    "recording. Meanwhile, Barking and Dagenham's Mash was found to benefit from a stable workforce."))


def test_a_piece_on_both_compared_authorities_speaks_for_each_only_where_it_names_it(any_embedder):
    analyzer = QueryAnalyzer(METAS + [NEWS], HOME)
    result = ask("Our MASH vs Waltham Forest's in 2018 - what was each one praised for?", [TWO_VISITS],
                 any_embedder, analyzer)
    assert_grounded(result)
    assert "timely responses to referrals" in result.text and "stable workforce" in result.text, result.text
    assert "two London boroughs" not in result.text


HUBS = passage(BARNET, (
    "Early help services were re-configured in October 2018 to co-locate and base staff in a new hub system. "
    "Staff reported that this is a positive development."), start=5000)


def test_the_documents_words_for_the_questions_words_count(any_embedder, analyzer):
    result = ask("When did Barnet reorganise its early help into hubs?", [HUBS], any_embedder, analyzer)
    assert_grounded(result)
    assert "October 2018" in result.text


TRIAGE = passage(VISIT_2018, (
    "Children and families are appropriately referred to early help services. Inspectors observed in a small "
    "number of cases that there was delay for some children being considered at the daily triage meeting. "
    "Some of the delays are a consequence of the police not sending lower level risk notifications through the "
    "MASH."), start=7000, section="Findings")


def test_a_why_question_gets_the_finding_with_the_sentence_giving_its_cause(any_embedder, analyzer):
    result = ask("Why were some children waiting for early help support in 2018?", [TRIAGE], any_embedder, analyzer)
    assert_grounded(result)
    assert "daily triage meeting" in result.text and "lower level risk notifications" in result.text


BARNET_JUDGEMENT = passage(BARNET, (
    "This letter summarises the findings of the monitoring visit to Barnet local authority children's services "
    "on 27 and 28 November 2018. The visit was the fifth monitoring visit since the local authority was judged "
    "inadequate in July 2017."), start=100, section="Monitoring visit of Barnet local authority children's services")


def test_a_claim_from_another_authority_is_shown_by_the_sentence_that_states_it(any_embedder, analyzer):
    result = ask("Since we were judged inadequate in July 2017, how many monitoring visits have we had?",
                 [BARNET_JUDGEMENT, PERMANENCE_2022], any_embedder, analyzer)
    assert_grounded(result)
    line = next(line for line in result.text.splitlines() if "judged inadequate in July 2017" in line)
    assert line.startswith("- Monitoring visit letter, Barnet"), result.text


def test_how_many_visits_is_answered_by_the_visits_ordinal(any_embedder, analyzer):
    result = ask("How many monitoring visits has Barnet had?", [BARNET_JUDGEMENT], any_embedder, analyzer)
    assert_grounded(result)
    assert "fifth monitoring visit" in result.text and "27 and 28 November" not in result.text, result.text


def test_the_sentence_with_the_questions_rarest_subject_word_is_weighed_among_many_on_common_words(any_embedder,
                                                                                                analyzer):
    common = " ".join(f"Looked after children in care group {i} are visited every {i + 2} weeks ({80 + i % 9}%)."
                      for i in range(24))
    passages = [passage(SELF_EVALUATION, common, start=0),
                passage(SELF_EVALUATION, "47 young people (11%) are in residential placements at September.",
                        score=0.6, start=5000)]
    question = "What percentage of our looked after children are in residential care?"
    result = answer(question, analyzer.analyze(question), passages, embedder=any_embedder,
                    idf=lambda term: 3.0 if term == "residential" else 0.5, people=analyzer.known_people)
    assert_grounded(result)
    assert "residential placements" in result.text, result.text


EARLY_HELP = passage(VISIT_2018, (
    "The recent changes to early help services demonstrate promise and improvement. However, these changes are "
    "still too recent to be able to fully evaluate impact and outcomes. Thresholds to step up to early help are "
    "appropriate."), start=8000, section="Findings")


def test_a_finding_keeps_the_qualification_that_follows_it(any_embedder, analyzer):
    result = ask("What did inspectors make of our early help changes in 2018?", [EARLY_HELP], any_embedder, analyzer)
    found = [part for _, _, part in assert_grounded(result)]
    promise = next(i for i, part in enumerate(found) if "demonstrate promise" in part)
    assert "too recent to be able to fully evaluate" in found[promise + 1]


HOMES = passage(VISIT_2022, (
    "Some young children live in residential children's homes for long periods of time. Permanence planning and "
    "practice for these children are weak and management oversight is ineffective. Staff morale is high."),
    start=300, section="Headline findings")


def test_a_finding_keeps_the_sentence_that_goes_on_about_its_children(any_embedder, analyzer):
    result = ask("What did the 2022 visit say about young children living in children's homes?", [HOMES],
                 any_embedder, analyzer)
    assert_grounded(result)
    assert "long periods of time" in result.text and "management oversight is ineffective" in result.text


CONTINUED = passage(SELF_EVALUATION, (
    "Care leavers have timely access to their move on accommodation due to a strong partnership with Housing.\n\n"
    "Children in Care and Care Leavers (cont.)\n\n"
    "Care leavers are supported to prevent evictions."), start=900, section="Children in Care and Care Leavers")


def test_a_continued_heading_inside_a_passage_is_not_an_answer(any_embedder, analyzer):
    result = ask("What housing help do our care leavers get?", [CONTINUED], any_embedder, analyzer)
    assert_grounded(result)
    assert "move on accommodation" in result.text and "(cont.)" not in result.text


# -- JSON ---------------------------------------------------------------------------------------

PASSAGE_KEYS = {"doc", "title", "doc_type", "authority", "date", "section", "page", "start", "end", "text", "score"}


def assert_ask_json(obj: dict) -> None:
    """The `ask --json` object exactly as issue 3 documents it."""
    assert set(obj) == {"question", "answer", "abstained", "citations", "related", "timings_ms"}
    assert isinstance(obj["question"], str) and isinstance(obj["answer"], str)
    assert isinstance(obj["abstained"], bool)
    for c in obj["citations"]:
        assert set(c) == PASSAGE_KEYS | {"n", "verified"}, sorted(c)
        assert isinstance(c["n"], int) and isinstance(c["verified"], bool)
    for p in obj["related"]:
        assert set(p) == PASSAGE_KEYS, sorted(p)
    for p in obj["citations"] + obj["related"]:
        assert isinstance(p["start"], int) and isinstance(p["end"], int) and p["start"] <= p["end"]
        assert isinstance(p["score"], (int, float)) and isinstance(p["text"], str)
        assert p["page"] is None or isinstance(p["page"], int)
    assert isinstance(obj["timings_ms"], dict)
    assert all(isinstance(v, (int, float)) for v in obj["timings_ms"].values())


def test_to_json_has_exactly_the_documented_keys(analyzer):
    result = ask("What did inspectors say about management oversight in our MASH in 2018?", ALL, HashEmbedder(),
                 analyzer)
    result.timings_ms = {"retrieve": 1.25, "answer": 2.5, "total": 3.75}
    obj = json.loads(json.dumps(result.to_json()))
    assert_ask_json(obj)
    assert obj["citations"] and obj["related"]
    assert "total" in obj["timings_ms"]
    assert [c["n"] for c in obj["citations"]] == list(range(1, len(obj["citations"]) + 1))
    first = obj["citations"][0]
    cited = next(c.passage for c in result.citations if c.n == first["n"])
    assert (first["doc"], first["start"], first["end"], first["text"]) == (cited.doc, cited.start, cited.end,
                                                                          cited.text)


def test_to_json_of_an_abstention_has_the_same_keys(analyzer):
    result = ask(FOSTERING_ALLOWANCES, [MASH_2018], HashEmbedder(), analyzer)
    result.timings_ms = {"total": 1.0}
    obj = json.loads(result.dumps())
    assert_ask_json(obj)
    assert obj["abstained"] is True and obj["citations"] == [] and len(obj["related"]) == 1


# -- what generalises: composing, attributing, abstaining on names, checking premises -------------

def ask_known(question: str, passages: list[Passage], embedder, analyzer: QueryAnalyzer) -> Answer:
    """``ask`` with the index's vocabulary: every word of the passages is a word the documents use."""
    from index.text import terms

    vocabulary = {t for p in passages for t in terms(f"{p.meta.title} {p.section} {p.text}")}
    return answer(question, analyzer.analyze(question), passages, embedder=embedder, people=analyzer.known_people,
                  known=vocabulary.__contains__)


STRATEGY_2018 = passage(VISIT_2018, (
    "- Strategy discussions are timely and almost all cases considered by inspectors were well attended.\n"
    "- Decisions to accommodate children are appropriate and timely.\n"
    "- Where decisions are made to carry out section 47 enquiries, children and families are visited quickly."),
    section="Findings", start=8000)
REMIT_2018 = passage(VISIT_2018, (
    "Inspectors considered strategy discussions, section 47 enquiries and the quality of assessments for "
    "children in need."), score=1.8, start=500, section="Focused visit")


def test_a_question_on_two_subjects_gets_a_sentence_for_each(any_embedder, analyzer):
    result = ask("What did the 2018 visit say about strategy discussions and S47s?", [STRATEGY_2018],
                 any_embedder, analyzer)
    assert_grounded(result)
    assert "well attended" in result.text and "visited quickly" in result.text


def test_what_a_visit_set_out_to_look_at_is_not_what_it_found(any_embedder, analyzer):
    result = ask("What did the 2018 visit find about strategy discussions and section 47 enquiries?",
                 [REMIT_2018, STRATEGY_2018], any_embedder, analyzer)
    assert_grounded(result)
    assert result.sentences[0].text.startswith("Strategy discussions are timely"), result.text


def test_a_long_question_in_staff_words_is_answered_from_the_sentence_on_its_subject(any_embedder, analyzer):
    consent = passage(VISIT_2018, "When consent is gained in the MASH, it is not always clearly recorded in case records.",
                      start=9000)
    question = ("Quick one for the briefing pack: I vaguely remember the 2018 inspectors saying something about how "
                "consent gets written down in the MASH - what was it?")
    result = ask_known(question, [consent, PERMANENCE_2022], any_embedder, analyzer)
    assert_grounded(result)
    assert "not always clearly recorded" in result.text


def test_a_name_no_document_uses_is_a_subject_nothing_answers(any_embedder, analyzer):
    passages = [MASH_2018, PERMANENCE_2022]
    assert_abstains(ask_known("What did Ofsted find in Redbridge's MASH?", passages, any_embedder, analyzer), passages)
    assert_abstains(ask_known("What did Ofsted say about children at risk of FGM in the MASH?", passages,
                              any_embedder, analyzer), passages)
    assert not ask_known("What did Ofsted find in our MASH in 2018?", passages, any_embedder, analyzer).abstained
    # An acronym the question spells out itself is no stranger, nor is a sector acronym the
    # thesaurus knows: "the PPU" of "the police public protection unit", a school's DSL.
    from index.sentences import spelled_out_acronyms

    assert spelled_out_acronyms("I'm in the police public protection unit; who spoke to the PPU?") == ["PPU"]
    assert spelled_out_acronyms("plans for families with no recourse to public funds (NRPF)") == ["NRPF"]
    assert spelled_out_acronyms("What did Ofsted say about FGM in the MASH?") == []
    team = passage(VISIT_2018, "Inspectors considered the local authority's arrangements at the 'front door'. "
                   "The inspectors were Louise Warren, HMI, and John Roughton, HMI.", start=0,
                   section="Focused visit to London Borough of Barking and Dagenham children's services")
    result = ask_known("I'm in the police public protection unit and two HMIs spoke to the PPU during the front "
                       "door visit in March 2018. Can you remind me of their names?", [team, MASH_2018],
                       any_embedder, analyzer)
    assert "Louise Warren" in result.text


def test_a_target_is_a_figure_stated_as_a_target(any_embedder, analyzer):
    below = passage(SELF_EVALUATION, "Early Help Assessment timeliness, although improving to nearly 70% year to date, "
                    "performance is below target.", section="Early Help — Areas requiring improvement")
    stated = passage(SELF_EVALUATION, "Almost all care leavers (92%) are in suitable accommodation and our performance "
                     "is above target of 90%.", start=3000, section="Children in Care and Care Leavers")
    assert_abstains(ask("What actually is the target percentage for EHA timeliness?", [below], any_embedder, analyzer),
                    [below])
    result = ask("What is the target percentage for care leavers in suitable accommodation?", [stated, below],
                 any_embedder, analyzer)
    assert_grounded(result)
    assert "target of 90%" in result.text


NEWS = DocumentMeta(doc="news.txt", hash="e", title="Ofsted praises work at two councils", doc_type="news article",
                    authority=HOME, authorities=(HOME, "Waltham Forest"), date="2018-04-03")
NEWS_PIECE = passage(NEWS, (
    "Waltham Forest's Mash was found to offer timely responses to referrals.\n\n"
    "However, despite the praise, inspectors said they are concerned that changes to how cases are recorded "
    "electronically have led to inaccuracies.\n\n"
    "Meanwhile, Barking and Dagenham's Mash was found to benefit from a stable workforce.\n\n"
    "Inspectors also raised concerns that referrals from partners are not always clear about risks."))


def test_a_piece_on_two_councils_speaks_for_the_one_it_last_named(any_embedder):
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    result = ask("What were the inspectors' concerns about Waltham Forest versus us?", [NEWS_PIECE], any_embedder,
                 analyzer)
    assert_grounded(result)
    lines = result.text.splitlines()
    assert any("inaccuracies" in line for line in lines) and any("not always clear" in line for line in lines)
    # The paragraph after the one naming Waltham Forest is Waltham Forest's, and is told first.
    assert result.text.index("inaccuracies") < result.text.index("not always clear")


def test_a_piece_on_two_councils_labels_each_sentence_with_the_council_it_speaks_of(any_embedder):
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    result = ask("What were the inspectors' concerns about Waltham Forest versus us?", [NEWS_PIECE], any_embedder,
                 analyzer)
    line = next(line for line in result.text.splitlines() if "inaccuracies" in line)
    assert line.startswith("- News article on Waltham Forest, 3 April 2018:")
    line = next(line for line in result.text.splitlines() if "not always clear" in line)
    assert line.startswith("- News article on Barking and Dagenham, 3 April 2018:")


def test_a_criticism_is_found_where_inspectors_put_it_as_a_concern(any_embedder):
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    result = ask("What criticisms did the news piece pick out for Waltham Forest?", [NEWS_PIECE], any_embedder,
                 analyzer)
    assert_grounded(result)
    assert "inaccuracies" in result.text


def test_a_restructure_is_found_where_the_letter_puts_it_as_changes(any_embedder, analyzer):
    findings = passage(VISIT_2018, (
        "- The MASH has been reconfigured and works effectively to safeguard children. Children and families are "
        "appropriately referred to early help services.\n"
        "- The recent changes to early help services demonstrate promise and improvement. However, these changes "
        "are still too recent to be able to fully evaluate impact and outcomes."), section="Findings")
    result = ask("Had the 2018 visit anything to say on the early help restructure?", [findings], any_embedder,
                 analyzer)
    assert_grounded(result)
    assert result.text.startswith("The recent changes to early help") and "too recent" in result.text, result.text


ALSO_PIECE = passage(NEWS, (
    "Waltham Forest's Mash was found to offer timely responses to referrals.\n\n"
    "Meanwhile, Barking and Dagenham's Mash was found to benefit from a stable workforce.\n\n"
    "Areas of improvement at Barking and Dagenham include ensuring management oversight of case work is more "
    "consistent. Inspectors also raised concerns that referrals from partners are not always clear about risks."))


def test_a_sentence_that_adds_to_the_one_before_it_brings_that_one(any_embedder):
    # "Inspectors also raised concerns…" answers "concerns"; what it adds to is the other concern.
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    result = ask("What concerns did the news piece report about us?", [ALSO_PIECE], any_embedder, analyzer)
    assert_grounded(result)
    assert "not always clear" in result.text and "management oversight of case work" in result.text
    assert result.text.index("management oversight") < result.text.index("not always clear")


def test_a_visit_dated_otherwise_than_its_letter_gets_the_letters_dates(any_embedder, analyzer):
    result = ask("When Ofsted came in June 2022, what did they say about management oversight of permanence?",
                 [PERMANENCE_2022, LETTER_2022_OPENING], any_embedder, analyzer)
    assert_grounded(result)
    assert "4 and 5 May 2022" in result.text and "Management oversight of permanence" in result.text


def test_a_look_dated_otherwise_than_its_visit_gets_the_list_to_improve_with_the_visits_dates(any_embedder, analyzer):
    opening = passage(VISIT_2018, "This letter summarises the findings of a focused visit to Barking and Dagenham "
                      "children's services on 7 and 8 March 2018. Inspectors considered the local authority's "
                      "arrangements at the 'front door' for children who need help and protection.", start=0,
                      section="Focused visit")
    result = ask("What were the main things Ofsted wanted improving after their May 2018 look at our front door?",
                 [IMPROVE_2018, opening], any_embedder, analyzer)
    assert_grounded(result)
    assert "7 and 8 March 2018" in result.text and "strategy discussions" in result.text, result.text


def test_a_visit_numbered_otherwise_gets_the_sentence_saying_which_it_was(any_embedder, analyzer):
    opening = passage(BARNET, "The visit was the fifth monitoring visit since the local authority was judged "
                      "inadequate in July 2017.", start=100)
    result = ask("What did Barnet's fourth monitoring visit in November 2018 find about management oversight?",
                 [BARNET_CASELOADS, opening], any_embedder, analyzer)
    assert_grounded(result)
    assert "fifth monitoring visit" in result.text
    # Numbered and dated otherwise, it is another visit: nothing here says what that one found.
    result = ask("Who led Barnet's second monitoring visit in February 2018?", [BARNET_CASELOADS, opening],
                 any_embedder, analyzer)
    assert "fifth monitoring visit" not in result.text


def test_a_letter_said_to_go_to_someone_else_gets_its_real_recipient(any_embedder, analyzer):
    result = ask("Why was the June 2022 letter addressed to Anne Bristow?", [LETTER_2022_OPENING, PERMANENCE_2022],
                 any_embedder, analyzer)
    assert_grounded(result)
    assert "Elaine Allegretti" in result.text


def test_a_stated_figure_of_something_else_gets_the_count_of_its_size(any_embedder, analyzer):
    result = ask("Is it right that we had 443 children on CP plans?", [CP_FIGURES, LAC_FIGURE], any_embedder, analyzer)
    assert_grounded(result)
    assert "443" in result.text and "402" in result.text


BYLINE_PIECE = passage(NEWS, (
    "Ofsted praises work at two councils\n\nJoe Lepper, Tuesday, April 3, 2018\n\n"
    "Waltham Forest's Mash was found to offer timely responses to referrals."), section="")


def test_who_wrote_a_piece_is_its_byline_though_the_question_describes_the_piece_in_other_words(any_embedder):
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    result = ask("Who wrote the CYP Now piece covering us and Waltham Forest?", [BYLINE_PIECE], any_embedder,
                 analyzer)
    assert_grounded(result)
    assert "Joe Lepper" in result.text, result.text


TEAM_AND_AUDITS = passage(VISIT_2018, (
    "The inspectors were Louise Warren, HMI, and John Roughton, HMI. The quality assurance manager was Sean "
    "Tarpey, SHMI.\n\nHowever, some local authority thematic audits are not comprehensive enough."),
    section="Findings")


def test_the_line_naming_the_inspection_team_answers_who_not_what_was_found(any_embedder, analyzer):
    found = ask("What did Ofsted make of our quality assurance and audits in 2018?", [TEAM_AND_AUDITS], any_embedder,
                analyzer)
    assert_grounded(found)
    assert "thematic audits" in found.text and "Sean Tarpey" not in found.text, found.text
    who = ask("Who was the quality assurance manager on the 2018 visit?", [TEAM_AND_AUDITS], any_embedder, analyzer)
    assert "Sean Tarpey" in who.text, who.text


REMIT_2018 = passage(VISIT_2018, (
    "Inspectors considered the local authority's arrangements at the 'front door' for children who need help "
    "and protection. The inspectors were Louise Warren, HMI, and John Roughton, HMI."), start=100,
    section="Focused visit to Barking and Dagenham")


def test_what_a_visit_described_by_its_remit_said_must_improve_is_its_list(any_embedder, analyzer):
    question = "What did Ofsted say we needed to improve after the 2018 front door visit?"
    assert analyzer.analyze(question).years == (2018,)  # "after" the visit is what it said, not since
    result = ask(question, [REMIT_2018, IMPROVE_2018], any_embedder, analyzer)
    assert_grounded(result)
    assert "strategy discussions" in result.text and "thresholds for early help" in result.text, result.text


EH_IMPROVE = passage(SELF_EVALUATION, (
    "- Consistent quality across each locality and timeliness of EHA.\n"
    "- QA process aligned and achievable development of consistent high quality practice."),
    section="Early Help — Practice – Areas for Improvement", score=1.5)
QA_LISTS = passage(SELF_EVALUATION, (
    "Learning >>> Practice\n\n- Undertake thematic reviews and dip samples\n- Cross section of service areas and "
    "themed audits\n\nQA Areas for Improvement / Priorities for 2022\n\n- Ensure QA activity is impactful and leads "
    "to improving the quality of practice.\n- Compliance of at least 95% (currently 75%)"),
    section="How we know it: Quality Assurance", score=1.2, start=3000)


def test_what_needs_to_improve_is_the_list_under_a_heading_naming_the_subject_inside_a_passage(any_embedder):
    analyzer = QueryAnalyzer(METAS, HOME)
    result = ask("QA priorities in the 2022 SEF?", [EH_IMPROVE, QA_LISTS], any_embedder, analyzer)
    assert_grounded(result)
    assert "impactful" in result.text and "95%" in result.text, result.text
    # Only that list: neither the passage's other list nor the early help one.
    assert "thematic reviews" not in result.text and "locality" not in result.text, result.text


FRONT_DOOR_REMIT = passage(VISIT_2018, (
    "This letter summarises the findings of a focused visit on 7 and 8 March 2018. Inspectors considered the local "
    "authority's arrangements at the 'front door' for children who need help and protection. Specifically, they "
    "considered contacts, referrals and decision-making within the MASH. Inspectors found strong leadership. "
    "They also looked at local authority performance management and quality assurance information."),
    section="Focused visit to Barking and Dagenham")


def test_what_a_visit_looked_at_is_every_sentence_stating_its_remit_in_order(any_embedder, analyzer):
    result = ask("What area of practice did the 2018 focused visit look at?", [FRONT_DOOR_REMIT], any_embedder,
                 analyzer)
    assert_grounded(result)
    text = result.text
    assert "'front door'" in text and "performance management" in text and "strong leadership" not in text, text
    assert text.index("front door") < text.index("Specifically") < text.index("performance management")


BARNET_OPENING = passage(BARNET, (
    "This letter summarises the findings of the monitoring visit to Barnet local authority children's services on "
    "27 and 28 November 2018. The visit was the fifth monitoring visit since the local authority was judged "
    "inadequate in July 2017. The inspectors were Andrew Waugh, HMI.\n\nImprovements in the MASH have been "
    "sustained since inspectors last visited in February 2018, during the second monitoring visit."),
    section="Monitoring visit of Barnet local authority children's services")


@pytest.mark.parametrize("question", ["Who led Barnet's second monitoring visit in February 2018?",
                                      "When did Barnet have its third monitoring visit?"])
def test_a_visit_numbered_and_dated_otherwise_than_the_letter_is_another_visit(question, any_embedder, analyzer):
    # The letter mentions its second visit; it is not that visit's letter, and names nobody for it.
    assert_abstains(ask(question, [BARNET_OPENING], any_embedder, analyzer), [BARNET_OPENING])


def test_the_letter_a_question_dates_but_misnumbers_answers_with_its_own_number(any_embedder, analyzer):
    result = ask("Who led Barnet's fourth monitoring visit in November 2018?", [BARNET_OPENING], any_embedder,
                 analyzer)
    assert_grounded(result)
    assert "fifth monitoring visit" in result.text and "Andrew Waugh" in result.text, result.text


def test_a_sector_phrase_is_answered_only_by_a_passage_that_holds_it(any_embedder, analyzer):
    """"Young carers" look after someone at home; a passage on young people and their foster carers
    shares both words and says nothing of them."""
    foster = passage(VISIT_2022, (
        "Bespoke in-house therapists support young people and their foster carers, and this is improving "
        "placement stability."), section="Main findings")
    question = "Any findings on how we support young carers?"
    assert ask(question, [foster], any_embedder, analyzer).abstained
    carers = passage(VISIT_2022, "Young carers are identified early and supported well by the early help service.",
                     start=900, section="Main findings")
    found = ask(question, [carers, foster], any_embedder, analyzer)
    assert not found.abstained and "Young carers are identified early" in found.text, found.text


@pytest.mark.parametrize("question, phrase", [
    ("How many of our children in care have an EHCP?", "ehcp"),
    ("How many children in the borough are electively home educated?", "electively home educated"),
    ("What are the CAMHS waiting times?", "waiting times"),
    ("How big is the children's social care overspend?", "overspend"),
])
def test_a_plan_or_figure_of_its_own_is_a_sector_phrase(question, phrase):
    from index.vocabulary import unspoken_phrases

    held = ["Almost all children in care have a permanence plan recorded.",
            "Children and families waiting for early help receive it within ten days.",
            "Spending on placements has been reviewed."]
    assert unspoken_phrases(question, held) == [phrase]
    assert unspoken_phrases(question, held + [f"A passage on {phrase}."]) == []


# -- whose words a news piece quotes ------------------------------------------------------------

PRESS = DocumentMeta(doc="press.txt", hash="p", title="Ofsted praises multi-agency work", doc_type="news article",
                     authority=HOME, authorities=(HOME,), date="2018-04-03")
PRESS_TEXT = (
    "\"Partners are well engaged, which ensures timely information sharing at the front door,\" states Ofsted's "
    "letter to Barking and Dagenham.\n\n"
    "A spokesman for Barking and Dagenham Council said: \"We have worked hard to improve our front door and are "
    "pleased to see this recognised.\n\n"
    "\"Working together these teams try to ensure there is no wrong front door for residents.\"")


def test_other_voices_are_the_paragraphs_quoting_someone_else():
    from index.sentences import other_voices

    spans = [PRESS_TEXT[a:b] for a, b in other_voices(PRESS_TEXT)]
    assert [s[:20] for s in spans] == ["A spokesman for Bark", "\"Working together th"]


def test_what_ofsted_said_is_not_what_the_council_told_the_press(any_embedder, analyzer):
    # The passage starts at the spokesman's second paragraph: whose words they are is in the one before.
    tail = PRESS_TEXT.index("\"Working together")
    press = passage(PRESS, PRESS_TEXT[tail:], start=tail, score=2.0)
    letter = passage(VISIT_2018, "Partners are well engaged at the front door and thresholds are applied consistently.",
                     start=500)
    whole = {PRESS.doc: PRESS_TEXT}.get

    def ask_with_text(question):
        return answer(question, analyzer.analyze(question), [press, letter], embedder=any_embedder,
                      people=analyzer.known_people, text_of=whole)

    result = ask_with_text("What did Ofsted say about our front door in 2018?")
    assert_grounded(result)
    assert "wrong front door" not in result.text and "thresholds are applied" in result.text, result.text
    said = ask_with_text("What did the council's spokesman tell the press about the front door?")
    assert "wrong front door" in said.text, said.text


def test_a_follow_up_on_a_new_subject_asks_for_its_figure_whatever_kind(any_embedder, analyzer):
    # "How many" was the earlier question's; the new subject's figure is a percentage.
    slide = passage(SELF_EVALUATION, "Number of children on CIN plans is 613 at end of September. CIN visits within "
                                     "timescale are at 78%, up from 70% last year.", section="Children in Need")
    earlier, question = "How many children are on CIN plans?", "and CIN visits within timescale?"
    query, hints = analyzer.with_history(question, [earlier])
    result = answer(question, hints, [slide], embedder=any_embedder, query=query, people=analyzer.known_people)
    assert "78%" in result.text, result.text


def test_a_count_stated_of_the_wrong_subject_is_corrected_with_the_subjects_count(any_embedder, analyzer):
    # 443 is the children in care; the count on CP plans is in another sentence, which cannot hold 443.
    slide = passage(SELF_EVALUATION, "Increasing number and rate per 10,000 LAC up to 443 at end of September. The "
                                     "number of CP children decreased by 53 from 455 to 402 between August and "
                                     "September this year (now 390).", section="Children in Care")
    question = "Is it true that we had 443 children on CP plans at the end of September 2022?"
    idf = {"443": 3.0, "cp": 2.0, "plan": 1.0, "end": 0.5, "child": 0.3}.get
    result = answer(question, analyzer.analyze(question), [slide], embedder=any_embedder, idf=idf)
    assert_grounded(result)
    assert "402" in result.text, result.text


def test_a_comparison_of_a_years_letter_with_the_self_evaluation_draws_on_both(any_embedder, analyzer):
    # No document is both 2018's and the self-evaluation: each sentence fits one side.
    letter = passage(VISIT_2018, "When consent is gained in the MASH, it is not always clearly recorded in case records.",
                     start=900)
    own = passage(SELF_EVALUATION, "Referrers now consistently address consent in the MARF, making clear who has "
                                   "consented and when.", start=300)
    result = ask("consent in the MASH - what did Ofsted say in 2018 vs what we say now in the self evaluation?",
                 [letter, own], any_embedder, analyzer)
    assert_grounded(result)
    assert "not always clearly recorded" in result.text and "consistently address consent" in result.text, result.text


def test_what_an_inspection_found_is_not_answered_by_a_later_letter_that_mentions_it(any_embedder, analyzer):
    question = "What were the main failings inspectors found at Barnet's July 2017 inspection?"
    assert_abstains(ask(question, [BARNET_OPENING], any_embedder, analyzer), [BARNET_OPENING])
    # The letter of the year asked about answers.
    later = "What did inspectors find about the MASH at Barnet's November 2018 visit?"
    assert "Improvements in the MASH" in ask(later, [BARNET_OPENING], any_embedder, analyzer).text


def test_the_words_of_what_a_visit_looked_at_say_which_visit(any_embedder, analyzer):
    # "…consent at the front door" of the 2018 front door visit asks about consent: the front door
    # is what that visit looked at, and the sentence on consent need not repeat it.
    remit = passage(VISIT_2018, "Inspectors considered the local authority's arrangements at the 'front door', "
                    "including the multi-agency safeguarding hub.", start=0, section="Areas covered by the visit")
    consent = passage(VISIT_2018, "When consent is gained in the MASH, it is not always clearly recorded in case "
                      "records. Consent is not always being routinely gained by referrers.", start=5000)
    barnet = passage(BARNET, "Social work practice at the front door has further consolidated and improved since "
                     "the previous visit.", start=100, score=1.5)
    result = ask_known("What did the 2018 inspectors find about consent at the front door?", [barnet, consent, remit],
                       any_embedder, analyzer)
    assert_grounded(result)
    assert "not always clearly recorded" in result.text


WRONG_YEAR = [passage(VISIT_2022, "This letter summarises the findings of the focused visit to Barking and Dagenham "
                      "children's services on 4 and 5 May 2022.", start=0, section="Focused visit"),
              passage(VISIT_2022, "Some young children live in residential children's homes for long periods of "
                      "time. Permanence planning for these children is weak.", start=4000)]
WRONG_COUNCIL = [passage(BARNET, "This letter summarises the findings of the monitoring visit to Barnet local "
                         "authority children's services on 27 and 28 November 2018.", start=0, section="Monitoring visit"),
                 passage(BARNET, "Inspectors found strong practice in the MASH. Thresholds in the MASH are "
                         "consistently applied.", start=3000)]


@pytest.mark.parametrize("question, passages, wanted", [
    # "Ofsted's 2021 focused visit on permanence" was the focused visit of 4 and 5 May 2022; "the
    # November 2018 monitoring visit to Barking and Dagenham" was Barnet's. Said with the letter's
    # own sentence on which visit it was, then what it found.
    ("What did Ofsted's 2021 focused visit on permanence find about children in residential homes?",
     WRONG_YEAR[::-1], ("4 and 5 May 2022", "residential children's homes")),
    ("What did the November 2018 monitoring visit to Barking and Dagenham conclude about our MASH?",
     WRONG_COUNCIL[::-1], ("Barnet", "strong practice in the MASH")),
])
def test_a_visit_given_the_wrong_year_or_council_is_the_visit_it_was(question, passages, wanted):
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    result = ask_known(question, passages, None, analyzer)
    assert_grounded(result)
    assert all(w in result.text for w in wanted), result.text


def test_a_visit_of_a_council_with_no_letter_here_is_not_another_councils():
    # Waltham Forest has no letter here: its March 2018 visit is not Barking and Dagenham's.
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    team = passage(VISIT_2018, "This letter summarises the findings of the focused visit on 7 and 8 March 2018. "
                   "The inspectors were Louise Warren, HMI, and John Roughton, HMI.", start=0)
    passages = [team, NEWS_PIECE]
    assert_abstains(ask_known("Who were the HMIs who did Waltham Forest's focused visit in March 2018?", passages,
                              None, analyzer), passages)


def test_a_letter_said_to_have_gone_to_someone_else_names_its_addressee(any_embedder, analyzer):
    bristow = passage(VISIT_2018, "Mrs Anne Bristow Deputy Chief Executive London Borough of Barking and Dagenham",
                      start=0, section="Focused visit")
    allegretti = passage(VISIT_2022, "Elaine Allegretti Director of People and Resilience The London Borough of "
                         "Barking and Dagenham", start=0, section="Focused visit")
    result = ask_known("The March 2018 letter went to Elaine Allegretti, right? What was her role back then?",
                       [allegretti, bristow], any_embedder, analyzer)
    assert_grounded(result)
    assert "Anne Bristow" in result.text


def test_how_many_is_answered_by_a_share_when_nothing_counts_it(any_embedder, analyzer):
    rhi = passage(SELF_EVALUATION, "Improved performance on RHIs – 69% of children were offered a return home "
                  "interview (of which 88% were accepted).", start=7000, section="Missing children")
    leavers = passage(SELF_EVALUATION, "The majority of care leavers (68%) are in education, employment, and training.",
                      start=9000, section="Children in Care and Care Leavers")
    idf = lambda t: {"staying": 5.0, "put": 4.0, "rhi": 5.0}.get(t, 1.0)  # noqa: E731
    result = answer("RHI figures - how many children were offered one?", analyzer.analyze("RHI figures"), [rhi, leavers],
                    embedder=any_embedder, idf=idf, people=analyzer.known_people)
    assert_grounded(result)
    assert "69%" in result.text
    # A share of something else counts nothing the question asks about.
    question = "Staying put - how many care leavers have we got in it?"
    result = answer(question, analyzer.analyze(question), [leavers, rhi], embedder=any_embedder, idf=idf,
                    people=analyzer.known_people)
    assert_abstains(result, [leavers, rhi])


def test_which_mosque_or_council_is_answered_by_a_sentence_naming_one(any_embedder, analyzer):
    from index.sentences import named_kind

    assert "mosque" in named_kind("Which mosque was it that Ofsted praised?")
    assert "council" in named_kind("Which borough was it?") and named_kind("What is the name of the agency?") == set()
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    mosque = passage(VISIT_2018, "Strong practice was seen in promoting wider safeguarding understanding within a "
                     "local mosque to improve safer care for children.", start=2000)
    visits = passage(NEWS, "Separate focused visits by Ofsted to Waltham Forest and Barking and Dagenham councils were "
                     "made last month to assess how well their multi-agency safeguarding hubs (Mash) are performing.",
                     start=0, section="News")
    passages = [mosque, visits]
    # The documents praise work with "a local mosque" and name none; a sentence naming two councils
    # names no mosque.
    assert_abstains(ask_known("Which mosque was it that Ofsted praised the safeguarding work with in 2018?", passages,
                              any_embedder, analyzer), passages)
    # "The article covered…" is how the question is put: which other borough it covered is named.
    result = ask_known("The news article covered us and one other borough's MASH visit. Which one?", passages,
                       any_embedder, analyzer)
    assert_grounded(result)
    assert "Waltham Forest" in result.text


def test_a_finding_of_the_council_a_news_piece_last_named_is_not_ours(any_embedder):
    # "Why were we criticised for inaccurate electronic records?": the piece says so of Waltham Forest,
    # in a sentence that names no council after a paragraph that does; the answer says whose it is.
    analyzer = QueryAnalyzer([*METAS, NEWS], home_authority=HOME)
    result = ask_known("Why was Barking and Dagenham criticised in 2018 for inaccurate electronic case records?",
                       [NEWS_PIECE], any_embedder, analyzer)
    assert_grounded(result)
    assert "News article on Waltham Forest" in result.text and "inaccuracies" in result.text

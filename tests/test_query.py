"""Query understanding without a model: what a staff question says about authority, period and kind,
how a follow-up borrows from the turn before it, and how filters and abbreviations behave."""

from __future__ import annotations

import pytest

from index.query import ABBREVIATIONS, Filters, QueryAnalyzer, expand
from index.types import DocumentMeta

HOME = "Barking and Dagenham"


def meta(doc: str, **kw) -> DocumentMeta:
    return DocumentMeta(doc=doc, hash=doc, **kw)


# The five seed documents as ingestion describes them (`inspection-qa docs`).
VISIT_2018 = meta("000.txt", doc_type="focused visit letter", authority=HOME, authorities=(HOME,),
                  date="2018-04-03", visit_start="2018-03-07", visit_end="2018-03-08",
                  inspectors=("Louise Warren", "John Roughton"))
SELF_EVALUATION = meta("001.txt", doc_type="self-evaluation", authority=HOME, authorities=(HOME,), date="2022-12-01")
VISIT_2022 = meta("002.txt", doc_type="focused visit letter", authority=HOME, authorities=(HOME,),
                  date="2022-06-10", visit_start="2022-05-04", visit_end="2022-05-05",
                  inspectors=("Brenda McLaughlin", "Tracey Ledder"))
BARNET = meta("003.txt", doc_type="monitoring visit letter", authority="Barnet", authorities=("Barnet",),
              date="2018-12-20", visit_start="2018-11-27", visit_end="2018-11-28",
              inspectors=("Louise Warren", "Andrew Waugh"))
NEWS = meta("004.txt", doc_type="news article", authority=HOME, authorities=(HOME, "Waltham Forest"), date="2018-04-03")
METAS = [VISIT_2018, SELF_EVALUATION, VISIT_2022, BARNET, NEWS]


@pytest.fixture
def analyzer() -> QueryAnalyzer:
    return QueryAnalyzer(METAS, home_authority=HOME)


# -- authorities --------------------------------------------------------------------------------

@pytest.mark.parametrize("question, authority", [
    ("What did Ofsted say about Barnet?", "Barnet"),
    ("what did ofsted say about barnet", "Barnet"),
    ("What did Barnet's monitoring visit find?", "Barnet"),
    ("What did Barnet’s monitoring visit find?", "Barnet"),
    ("How is BARKING AND DAGENHAM doing on permanence?", HOME),
    ("How is Barking & Dagenham doing on permanence?", HOME),
    ("What did Barking and Dagenham's focused visit say?", HOME),
    ("Was Waltham Forest praised too?", "Waltham Forest"),
])
def test_names_an_authority_however_it_is_written(analyzer, question, authority):
    assert authority in analyzer.analyze(question).authorities


def test_two_authorities_named_are_both_found(analyzer):
    hints = analyzer.analyze("Compare Barnet and Barking & Dagenham on management oversight")
    assert set(hints.authorities) == {"Barnet", HOME}


def test_no_authority_when_none_is_named(analyzer):
    assert analyzer.analyze("What did inspectors say about management oversight?").authorities == ()


@pytest.mark.parametrize("question", [
    "How are we doing on early help assessments?",
    "What did Ofsted say about our front door?",
    "When did Ofsted last visit us?",
])
def test_we_our_us_mean_the_home_authority(analyzer, question):
    hints = analyzer.analyze(question)
    assert hints.home and hints.authorities == (HOME,)


def test_the_home_authority_is_the_configured_one_not_a_fixed_name():
    hints = QueryAnalyzer(METAS, home_authority="Barnet").analyze("What did Ofsted say about our MASH?")
    assert hints.authorities == ("Barnet",)


@pytest.mark.parametrize("question", [
    "What did Barnet's monitoring visit find?",
    "Do users trust the MASH?",        # "us" inside a word
    "What does the focused visit say about thresholds?",
])
def test_no_home_authority_without_we_our_us(analyzer, question):
    hints = analyzer.analyze(question)
    assert not hints.home and HOME not in hints.authorities


# -- periods ------------------------------------------------------------------------------------

def test_finds_year_and_month(analyzer):
    hints = analyzer.analyze("What happened in the March 2018 visit?")
    assert hints.years == (2018,) and hints.months == (3,)


def test_finds_every_year_of_a_comparison(analyzer):
    assert set(analyzer.analyze("How did things change between 2018 and 2022?").years) == {2018, 2022}


def test_since_a_year_sets_it_against_the_latest_documents(analyzer):
    hints = analyzer.analyze("Has our early help assessment timeliness improved since the 2018 visit?")
    assert hints.years == (2018, 2022)
    assert analyzer.analyze("What has changed in Barnet since 2018?").years == (2018,)  # nothing of Barnet's is later
    # A claim that begins with "since" keeps its own year.
    assert analyzer.analyze("Since we were judged inadequate in July 2017, how many visits?").years == (2017,)


def test_lower_case_month_counts(analyzer):
    hints = analyzer.analyze("what did they find in may 2022")
    assert hints.years == (2022,) and 5 in hints.months


def test_may_as_a_verb_is_not_a_month(analyzer):
    assert analyzer.analyze("May I see what the 2022 letter said about permanence?").months == ()


def test_numbers_that_are_not_years_are_ignored(analyzer):
    assert analyzer.analyze("Why are 443 children on plans?").years == ()


# -- document kinds -----------------------------------------------------------------------------

@pytest.mark.parametrize("question, kind", [
    ("What did the monitoring visit find?", "monitoring visit letter"),
    ("What did Barnet's monitoring visits say about plans?", "monitoring visit letter"),
    ("What does our self-evaluation say about the virtual school?", "self-evaluation"),
    ("What does the self evaluation say about the virtual school?", "self-evaluation"),
    ("What does the news piece say?", "news article"),
    ("Which councils did the article mention?", "news article"),
    ("Who led the 2022 focused visit?", "focused visit letter"),
])
def test_finds_the_kind_of_document(analyzer, question, kind):
    assert kind in analyzer.analyze(question).doc_types


def test_a_kind_named_as_the_document_restricts_what_fits_but_a_visit_only_steers(analyzer):
    assert analyzer.analyze("What did the May 2022 focused visit find?").named_kinds == ("focused visit letter",)
    assert analyzer.analyze("What does our self-evaluation say?").named_kinds == ("self-evaluation",)
    assert "monitoring visit letter" in analyzer.analyze("What does Barnet's monitoring letter say?").named_kinds
    # What Ofsted said is in its letters and reports, and in the news, but never in the council's own view.
    ofsted = analyzer.analyze("What did Ofsted say about Waltham Forest?")
    assert "news article" in ofsted.named_kinds and "self-evaluation" not in ofsted.named_kinds
    # A visit is reported in the news too: a boost, not a restriction.
    visits = analyzer.analyze("What was each one praised for in the March 2018 visits?")
    assert visits.doc_types and not visits.named_kinds
    assert "focused visit letter" not in analyzer.analyze("Are visits to children purposeful?").doc_types
    # A visit named by what it looked at steers to the letters; a social worker's visit does not.
    assert "focused visit letter" in analyzer.analyze("Any criticism in the permanence visit?").doc_types
    assert "focused visit letter" in analyzer.analyze("What did our front door visit find?").named_kinds
    assert not analyzer.analyze("Are the home visits timely?").doc_types
    # What inspectors found in a visit is in its letter, never in the council's own view.
    found = analyzer.analyze("In the 2022 permanence visit, how many young children did inspectors find in homes?")
    assert "focused visit letter" in found.named_kinds and "self-evaluation" not in found.named_kinds
    # What we did since Ofsted said something is in our own documents too.
    since = analyzer.analyze("What have we put in place since Ofsted flagged young children in children's homes?")
    assert not since.named_kinds
    # Each visit named is a letter asked about, though only one is named by its kind.
    both = analyzer.analyze("Did the same inspector do our 2018 front door visit and Barnet's monitoring visit?")
    assert {"focused visit letter", "monitoring visit letter"} <= set(both.named_kinds)


def test_the_first_or_latest_of_several_documents_is_the_year_of_that_one(analyzer):
    from index.question import content_terms

    assert analyzer.analyze("When was the first of our two focused visits?").years == (2018,)
    assert analyzer.analyze("What did our most recent focused visit find?").years == (2022,)
    # One document of that kind: no year to choose.
    assert analyzer.analyze("What did Barnet's latest monitoring visit find?").years == ()
    _, carried = analyzer.with_history("and what area of practice did it look at?",
                                       ["When was the first of our two focused visits?"])
    assert carried.years == (2018,)
    assert "first" not in content_terms("what did it look at? first focused visits", carried)
    # "The last full inspection before the 2018 visit" is another document, and what is asked about.
    last = "When was our last full Ofsted inspection before the 2018 focused visit?"
    assert "last" in content_terms(last, analyzer.analyze(last))


def test_both_of_several_documents_are_each_of_their_years(analyzer):
    assert analyzer.analyze("Has the mood among our staff held up between the two Ofsted visits?").years == (2018, 2022)
    assert analyzer.analyze("Has morale held up across both our visits?").years == (2018, 2022)
    # One document of that kind: no years to set side by side.
    assert analyzer.analyze("What did both the monitoring visits find?").years == ()


def test_no_kind_when_none_is_named(analyzer):
    assert "news article" not in analyzer.analyze("How many children are in care?").doc_types


def test_an_inspector_named_in_the_question_is_found(analyzer):
    assert analyzer.analyze("What did Louise Warren find in Barnet?").people == ("Louise Warren",)


# -- follow-ups ---------------------------------------------------------------------------------

def test_and_in_another_year_keeps_the_topic_and_authority_and_replaces_the_year(analyzer):
    query, hints = analyzer.with_history(
        "And in 2022?", ["What did inspectors say about management oversight in Barking and Dagenham in 2018?"])
    assert "management oversight" in query
    assert hints.years == (2022,)
    assert hints.authorities == (HOME,)


def test_what_they_told_us_to_fix_is_asked_of_the_visit_the_earlier_question_named(analyzer):
    from index.question import question_kind

    query, hints = analyzer.with_history("ok so what did they tell us to fix?",
                                         ["What did the May 2022 Ofsted visit find on permanence for our children?"])
    assert "permanence" in query and hints.years == (2022,)
    # "us" is the authority the earlier question was already about: the visit's letter still speaks.
    assert hints.named_kinds == ("focused visit letter", "monitoring visit letter")
    assert question_kind(query, hints) == "list"


def test_what_about_another_authority_keeps_the_topic_and_replaces_the_authority(analyzer):
    query, hints = analyzer.with_history("What about Barnet?", ["How is our management oversight in the MASH?"])
    assert "management oversight" in query and "MASH" in query
    assert hints.authorities == ("Barnet",)


def test_what_about_another_authority_keeps_the_period(analyzer):
    _, hints = analyzer.with_history("What about Barnet?",
                                     ["What did the 2018 inspection say about our management oversight?"])
    assert hints.authorities == ("Barnet",) and hints.years == (2018,)


def test_a_follow_up_with_a_pronoun_keeps_the_previous_authority_and_year(analyzer):
    query, hints = analyzer.with_history("What did they say about step-down decisions?",
                                         ["What did Ofsted find about Barnet's MASH in 2018?"])
    assert hints.authorities == ("Barnet",) and hints.years == (2018,)
    assert "MASH" in query


def test_a_second_follow_up_still_knows_the_first_questions_authority(analyzer):
    history = ["What did Ofsted find about Barnet's MASH in November 2018?", "What about their children's plans?"]
    _, hints = analyzer.with_history("Did they say anything about step-down decisions?", history)
    assert hints.authorities == ("Barnet",)


def test_anywhere_else_drops_the_previous_authority_and_kind_and_keeps_the_period(analyzer):
    _, hints = analyzer.with_history("Did Louise Warren inspect anywhere else that year?",
                                     ["Who led the 2018 focused visit to Barking and Dagenham?"])
    assert hints.elsewhere == ("Barking and Dagenham",) and not hints.authorities
    assert hints.years == (2018,) and not hints.named_kinds


@pytest.mark.parametrize("question, previous, kind", [
    ("What does our self-evaluation say about them?", "What did the 2022 visit say about care leavers?",
     "self-evaluation"),
    ("What did Ofsted say about it in the 2022 visit?", "What does our self-evaluation say about the Virtual School?",
     "focused visit letter"),
])
def test_a_follow_up_naming_its_own_source_replaces_the_earlier_ones(analyzer, question, previous, kind):
    query, hints = analyzer.with_history(question, [previous])
    assert kind in hints.doc_types and (not hints.named_kinds or kind in hints.named_kinds), hints
    earlier = "visit" if kind == "self-evaluation" else "self-evaluation"
    assert earlier not in query.split("?")[0], query
    assert ("care leavers" if kind == "self-evaluation" else "Virtual School") in query


def test_a_new_full_question_ignores_the_history(analyzer):
    question = "What does the 2022 focused visit say about early permanence for babies in Barking and Dagenham?"
    query, hints = analyzer.with_history(question, ["What did Ofsted find about Barnet's MASH in 2018?"])
    assert query == question
    assert hints.authorities == (HOME,) and hints.years == (2022,)


def test_without_history_the_question_is_searched_as_asked(analyzer):
    query, hints = analyzer.with_history("And in 2022?", [])
    # (Nothing is carried; a year of the home authority's documents is the home authority's.)
    assert query == "And in 2022?" and hints.years == (2022,) and hints.authorities == (HOME,)
    query, hints = analyzer.with_history("And in 2022?", ["Who inspected Barnet's children's services?"])
    assert hints.authorities == ("Barnet",)


# -- filters ------------------------------------------------------------------------------------

def test_filters_from_a_dict_accept_one_value_or_many():
    one = Filters.of({"authority": "Barnet", "doc_type": "monitoring visit letter", "since": "2018-01-01"})
    assert one.authorities == ("Barnet",) and one.doc_types == ("monitoring visit letter",)
    assert one.since == "2018-01-01" and one.until is None
    many = Filters.of({"authorities": ["Barnet", HOME]})
    assert set(many.authorities) == {"Barnet", HOME}


@pytest.mark.parametrize("value", [None, {}, {"authority": None, "doc_type": None, "since": None, "until": None},
                                   {"authority": "", "since": ""}])
def test_empty_filters_restrict_nothing(value):
    filters = Filters.of(value)
    assert not filters
    assert all(filters.admits(m) for m in METAS)
    assert filters.admits(meta("undated.txt"))


def test_filters_pass_through_unchanged():
    filters = Filters(authorities=("Barnet",))
    assert Filters.of(filters) == filters


@pytest.mark.parametrize("name", ["Barnet", "barnet", "BARNET"])
def test_authority_filter_ignores_case(name):
    admitted = [m.doc for m in METAS if Filters.of({"authority": name}).admits(m)]
    assert admitted == [BARNET.doc]


@pytest.mark.parametrize("name", ["Barking & Dagenham", "barking and dagenham", "Barking and Dagenham"])
def test_authority_filter_treats_ampersand_as_and(name):
    admitted = {m.doc for m in METAS if Filters.of({"authority": name}).admits(m)}
    assert admitted == {VISIT_2018.doc, SELF_EVALUATION.doc, VISIT_2022.doc, NEWS.doc}


def test_authority_filter_means_the_document_is_about_it_not_that_it_mentions_it():
    # The news article mentions Waltham Forest but is filed under Barking and Dagenham.
    assert not any(Filters.of({"authority": "Waltham Forest"}).admits(m) for m in METAS)


def test_doc_type_filter():
    admitted = {m.doc for m in METAS if Filters.of({"doc_type": "focused visit letter"}).admits(m)}
    assert admitted == {VISIT_2018.doc, VISIT_2022.doc}


def test_date_range_includes_both_ends():
    letter = meta("x.txt", date="2022-06-10")
    assert Filters(since="2022-06-10").admits(letter)
    assert Filters(until="2022-06-10").admits(letter)
    assert Filters(since="2022-06-10", until="2022-06-10").admits(letter)
    assert not Filters(since="2022-06-11").admits(letter)
    assert not Filters(until="2022-06-09").admits(letter)


def test_since_a_date_keeps_only_later_documents():
    admitted = {m.doc for m in METAS if Filters.of({"since": "2022-01-01"}).admits(m)}
    assert admitted == {SELF_EVALUATION.doc, VISIT_2022.doc}


def test_a_document_without_a_date_is_outside_any_date_range():
    undated = meta("notes.txt")
    assert not Filters(since="2018-01-01").admits(undated)
    assert not Filters(until="2030-01-01").admits(undated)


def test_a_document_with_only_visit_dates_is_dated_by_its_visit():
    visit_only = meta("visit.txt", visit_start="2019-02-01")
    assert Filters(since="2019-01-01").admits(visit_only)
    assert not Filters(until="2018-12-31").admits(visit_only)


def test_filters_combine():
    filters = Filters.of({"authority": "barking & dagenham", "doc_type": "focused visit letter", "until": "2019-01-01"})
    assert [m.doc for m in METAS if filters.admits(m)] == [VISIT_2018.doc]


# -- abbreviations ------------------------------------------------------------------------------

def test_expand_adds_the_meaning_and_keeps_the_question():
    out = expand("How is the MASH doing?")
    assert out.startswith("How is the MASH doing?")
    assert "multi-agency safeguarding hub" in out


def test_expand_handles_several_abbreviations_once_each():
    out = expand("Are EDT and MASH and EDT referrals timely?")
    assert out.count("emergency duty team") == 1
    assert "multi-agency safeguarding hub" in out


def test_expand_reads_resi_in_any_case():
    assert "residential" in expand("how many in resi placements?")


def test_expand_reads_a_plural_abbreviation_as_the_abbreviation():
    assert "section 47" in expand("How do we handle S47s?")
    assert "child in need" in expand("How many CINs?")
    assert expand("This is fine") == "This is fine"


def test_abbreviate_finds_the_abbreviation_of_what_the_question_spells_out():
    from index.query import abbreviate

    assert abbreviate("What did they say about the independent reviewing officers?") == ["iro iros"]
    assert abbreviate("How is the multi agency safeguarding hub doing?") == ["mash"]
    # The longer expansion and the shorter one inside it are both the documents' words.
    assert abbreviate("How many child protection plans?") == ["cpp cpps", "cp"]
    # One-word expansions ("residential") and names ("Barking and Dagenham") are left alone.
    assert abbreviate("How many in residential care in Barking and Dagenham?") == []


@pytest.mark.parametrize("abbreviation", sorted(ABBREVIATIONS))
def test_every_known_abbreviation_expands_in_capitals(abbreviation):
    assert ABBREVIATIONS[abbreviation] in expand(f"What about {abbreviation.upper()}?")


@pytest.mark.parametrize("question", ["When did they send the letter?", "Is the plan up to date?",
                                      "What does the XYZ team do?"])
def test_expand_leaves_ordinary_words_and_unknown_terms_alone(question):
    assert expand(question) == question


# -- what a question asks for -------------------------------------------------------------------

@pytest.mark.parametrize("question, expected", [
    ("Who led the 2022 visit?", "inspector"),
    ("Who was the June 2022 Ofsted letter addressed to?", "addressee"),
    ("Who did Ofsted send the 2018 focused visit letter to?", "addressee"),
    ("What area of practice was the May 2022 focused visit looking at?", "scope"),
    ("Which areas did the 2022 focused visit look at?", "scope"),
    ("When did Barnet reorganise its early help into hubs?", "date"),
    ("Barnet's early help hubs - when did that happen?", "date"),
    # After what the answer is for, "when they looked at…" still says which visit.
    ("Out-of-hours question for the pack: what did Ofsted make of the handover when they looked in 2018?", None),
    ("For the pack - what did Ofsted make of the handover when they looked in 2018?", None),
    ("Briefly, what did Ofsted think when they visited in 2018 about how referrals were handled?", None),
    ("In 2022, when a child could not go home, how soon was a plan made?", None),
    ("What was the overall judgement for Ealing at the April 2024 ILACS inspection?", "grade"),
    ("What's our EHA timeliness running at?", "percent"),
    ("What is Waltham Forest's rate of children on child protection plans?", "percent"),
    ("What is Barnet's number of children in care?", "count"),
    ("What percentage of our care leavers are in EET?", "percent"),
    ("How many LAC do we have?", "count"),
    ("Looked-after headcount in the self-assessment?", "count"),
    # What follows the question says why it is asked ("how much of a track record…"), not what.
    ("When did we bring in the QA framework? Trying to work out how much of a track record it has.", "date"),
    ("How does the CP plan number Ofsted quoted in May 2022 compare with the figures in our self-evaluation?", "count"),
    ("How high has demand been in 2022?", "number"),
    ("Did Louise Warren inspect anywhere else that year?", "visit"),
    ("What did the 2022 visit say about young children living in children's homes?", None),
    ("The SEF says EHA timeliness is below target - what actually is the target percentage?", "percent"),
    ("The self-evaluation quotes a national adviser on our local offer - what's his name?", "person"),
    ("Which of our senior officers did the June 2022 focused visit letter go to?", "addressee"),
    ("The addressee of the 2018 letter, for the slide?", "addressee"),
    ("What's the avg caseload in A&I?", "number"),
    # A figure stated to be checked is the kind of answer: the documents' figure for it.
    ("Is it true that we had 390 children on CP plans in September?", "count"),
    ("Isn't it true that 80% of ICPCs led to a plan?", "percent"),
    # How many of a group may be a count or a share of it.
    ("Of the children coming into care, how many come in on police protection?", "number"),
    ("What percentage of our care leavers are in EET, and how many of them are at university?", "percent"),
    ("dates of the 2022 permanence focused visit?", "visit"),
    ("What were the actual dates Ofsted was in for the permanence visit?", "visit"),
    ("When did Barnet reorganise its early help?", "date"),
    ("What was Ofsted looking at on the March 2018 focused visit?", "scope"),
    ("which number monitoring visit was Barnet's Nov 2018 one?", "count"),
    ("What was Barnet judged at its re-inspection?", "grade"),
    ("Remind me what the focused visit in June 2022 looked at?", "scope"),
    ("Did Ofsted mention our work with mums who've had several children removed?", None),
    ("Who met the families who complained?", "person"),
    # A "when" clause after the question says which visit, not that a date is wanted.
    ("How did Ofsted think our safeguarding hub was doing when they came in 2018?", None),
    ("Who led it when they came in 2018?", "inspector"),
    ("and who did the Barnet one later that year?", "inspector"),
    # A time the question is asked of is not what it asks for.
    ("what did the inspectors say last year about us needing more carers?", None),
    ("What year was the Barnet visit?", "date"),
    ("Who did the letter go to?", "addressee"),
    ("What date was it when they came?", "date"),
    # What a question states before it asks is context; what it asks is in its question.
    ("Ofsted quoted a record number of children on CP plans when they visited in spring 2022. "
     "Have the council's own later figures shown that coming down?", None),
    ("The SEF says 443. When was that?", "date"),
    # A "who" after a noun, within a question another word asks, opens a relative clause.
    ("What support did the 2022 inspectors find for young people leaving care who are struggling to pay rent?", None),
    ("How did the letter describe the social workers who do assessments?", None),
    ("Do we know who led the visit?", "inspector"),
    ("what did they say and who led it", "inspector"),
    # So does a "when" after a noun or verb: it puts a condition.
    ("what does the self eval say about RHIs when kids go missing from care, practice wise", None),
    ("What happened when the hubs opened?", None),
    ("Did they say when the hubs opened?", "date"),
    ("Can you tell me when Ofsted visited Barnet?", "date"),
    # Who takes part in something is the agencies that do, not a named person.
    ("the news article - who sits in our mash", None),
    ("who is involved in strategy discussions?", None),
    ("who is in charge of children's services?", "person"),
    # Whether caseloads were manageable asks what staff said, not for a figure.
    ("did social workers in each borough say their caseloads were manageable?", None),
    ("What caseloads are social workers carrying in A&I?", "number"),
    ("Besides the two inspectors, was anyone else from Ofsted involved in checking the quality of the 2018 visit?",
     "inspector"),
    # A question for what something is called.
    ("What is the name of the regional adoption agency we work with?", "name"),
    ("Which regional adoption agency are we in?", "name"),
    # "When were the inspectors in…" asks the visit's dates; a "when" after an opening "and" that
    # asks something else is a clause of that question.
    ("When exactly were the inspectors in looking at how we plan permanent homes?", "visit"),
    ("And is there anything about initial health assessments when they first come into care?", None),
    ("Which regional adoption agency do we work with?", "name"),
    ("Who is the council partnering with on its child sexual abuse work?", "name"),
    ("Which council or organisation was Barnet's improvement partner?", "name"),
    ("What is the name of the lead inspector?", "inspector"),
    ("Who was Barnet's improvement partner that helped them after going inadequate?", "name"),
    # Whether the same inspectors came asks who each visit's inspectors were.
    ("same inspectors did our 2018 visit and the barnet monitoring visit?", "inspector"),
])
def test_the_type_of_answer_a_question_expects(question, expected):
    from index.question import expected_type

    assert expected_type(question) == expected


@pytest.mark.parametrize("text, expected, holds", [
    ("There are 420 children on child protection plans.", "count", True),
    ("These issues have been further exacerbated by the COVID-19 pandemic.", "count", False),
    ("The visit was the fifth monitoring visit since the local authority was judged inadequate.", "count", True),
    ("This letter summarises the findings of the monitoring visit to Barnet on 27 and 28 November 2018.", "count", False),
    ("The visit took place on 4 May 2022, when 390 children were on plans.", "count", True),
    ("Around 8 out of 10 children at ICPC result in a CP plan.", "count", False),
    ("Very few children (6%) have a ceased CP plan lasting more than 2 years.", "count", False),
    ("Early Help Assessment timeliness is nearly 70% year to date.", "percent", True),
    ("Team Managers expect a first draft of the EHA after 15 days.", "percent", False),
    ("Elaine Allegretti\nDirector of People and Resilience", "addressee", True),
    ("Her Majesty's Inspectors for this visit were Brenda McLaughlin, lead inspector.", "addressee", False),
    ("Overall effectiveness: Good", "grade", True),
    ("This letter summarises the findings of the monitoring visit to Barnet on 27 and 28 November 2018.", "visit", True),
    # A section of an Act, an age and a date written the American way are not counts.
    ("The quality of practice pertaining to strategy discussions, section 47 enquiries and assessments.", "count", False),
    ("Transition meetings for young people aged 17-plus ensure that support is available.", "count", False),
    ("Joint assessments for homeless 16/17 year olds are overseen by MHCLG.", "count", False),
    ("Joe Lepper Tuesday, April 3, 2018", "count", False),
    ("Joe Lepper Tuesday, April 3, 2018", "person", True),
    ("Joe Lepper Tuesday, April 3, 2018", "date", True),
    ("Very few children (6%) have a ceased CP plan lasting more than 2 years – 15 out of 233 children.", "percent", True),
])
def test_whether_a_sentence_holds_the_type_asked_for(text, expected, holds):
    from index.question import has_type

    assert has_type(" ".join(text.split()), expected) is holds


def test_words_that_only_ask_for_a_name_are_left_out_of_the_keyword_search():
    from index.question import keyword_query

    assert "led" not in keyword_query("Who led the 2022 visit?").split()
    assert "addressed" not in keyword_query("Who was the June 2022 letter addressed to?")
    # In any other question they are subject words.
    assert keyword_query("What has the MASH led to?") == "What has the MASH led to?"


def test_keyword_search_adds_the_documents_words_for_the_questions():
    from index.question import keyword_query
    from index.text import terms

    assert "mosqu" in terms(keyword_query("Did inspectors find good safeguarding work with faith groups?"))
    assert "delay" in keyword_query("Why were some children waiting for early help?")


@pytest.mark.parametrize("question, subject", [
    ("How did attendance at strategy meetings compare between us (March 2018) and Barnet (November 2018)?",
     "attendance strategy meetings"),
    ("How did management oversight in the MASH compare between our 2018 visit and Barnet's November 2018 visit?",
     "management oversight MASH"),
    ("Has the police protection picture changed between the 2018 visit and our 2022 self-assessment?",
     "police protection"),
])
def test_the_subject_of_a_comparison_is_its_words_without_the_sides(analyzer, question, subject):
    from index.question import subject_words

    assert subject_words(question, analyzer.analyze(question)) == subject


@pytest.mark.parametrize("question, kind", [
    ("What QA activity do we run specifically on the MASH?", "list"),
    ("What support do we offer care leavers with housing?", "list"),
    ("What needs to improve in our MASH?", "list"),
    ("What did the 2022 visit say about young children in children's homes?", "list"),
    # What inspectors asked a council to act on is its list of what needs to improve.
    ("Could you summarise the areas the 2018 inspectors asked us to act on and monitor?", "list"),
    ("What did the 2022 letter tell us to do?", "list"),
    ("Who led the 2022 visit?", "fact"),
    ("When did Barnet reorganise its early help?", "fact"),
    ("How did strategy meetings compare between us and Barnet?", "compare"),
    ("What did inspectors say about permanence in 2018 and 2022?", "compare"),
    ("Do we and Ofsted agree about permanence planning?", "compare"),
    ("Do we agree with the inspectors on early help timeliness?", "compare"),
    # Our figures are the self-evaluation's, set beside what inspectors said.
    ("What did Ofsted say about police protection in 2018, and what do our latest figures show?", "compare"),
    # Who was on both visits is asked of each.
    ("Did the same inspector do our 2018 front door visit and Barnet's monitoring visit that year? Who?", "compare"),
    # A stated claim with a date in it is not a comparison of years.
    ("The 2022 visit found our early help hubs were re-configured in October 2018 - why?", "fact"),
])
def test_how_an_answer_is_laid_out_follows_the_question(analyzer, question, kind):
    from index.question import question_kind

    assert question_kind(question, analyzer.analyze(question)) == kind


@pytest.mark.parametrize("term, words, matches", [
    ("month", "a monthly average of 534", True),
    ("monthly", "534 a month", True),
    ("referral", "534 referrals", True),
    ("month", "the months ahead", True),
    ("mont", "a monthly average", False),
    ("conference", "Over 40% of S47s progressed to ICPC", True),  # ICPC: initial child protection conference
    ("joblessness", "The level of unemployment is the highest in the country.", True),
    ("mood", "Morale within the workforce is good", True),
    ("protection", "children on CP plans", True),
    ("permanent", "planning for permanence", True),  # "finding kids permanent homes"
    ("assurance", "auditing of case work", True),  # quality assurance is done by audit
    ("ended", "a ceased CP plan", True),
    ("theme", "Practice week (Domestic Abuse Focus)", True),
    ("restructure", "the recent changes to early help services", True),  # a restructure is a change
    ("quality", "the use of qualitative information and auditing", True),
    ("discussions", "Strategy meetings are nearly all well attended", True),  # strategy discussions
    ("open", "Number of ongoing assessments is lower", True),  # a case still worked is open
])
def test_a_subject_word_matches_its_adverb_plural_and_abbreviations(term, words, matches):
    from index.vocabulary import term_match
    from index.text import terms

    assert term_match(terms(term)[0], set(terms(words))) is matches


@pytest.mark.parametrize("text, looked_after", [
    ("89% of children in care had an up-to-date PEP", True),
    ("Children entering care on police protection increasing", True),
    ("the number of looked after children", True),
    ("Children's social care is under pressure", False),
    ("Children in care proceedings wait too long", False),
    ("Care leavers in education, employment or training", False),
])
def test_children_in_care_hold_the_term_lac(text, looked_after):
    from index.text import terms
    from index.vocabulary import term_match, with_phrases

    assert term_match("lac", with_phrases(text, set(terms(text)))) is looked_after


@pytest.mark.parametrize("question, lac", [
    ("How many children were in the council's care?", True),
    ("How many looked after children do we have?", True),
    ("What about kids coming into care through police protection?", False),  # entering care: its own words
    ("What did Ofsted say about care leavers?", False),
])
def test_a_question_on_children_in_care_asks_about_lac(question, lac, analyzer):
    from index.question import content_terms

    assert ("lac" in content_terms(question, analyzer.analyze(question))) is lac


def test_section_47_is_a_name_not_a_figure(analyzer):
    from index.question import content_terms
    from index.text import terms

    question = "What proportion of section 47s go to conference?"
    assert content_terms(question, analyzer.analyze(question)) == terms("s47 conference")


def test_a_figure_the_question_states_is_not_its_answer():
    from index.question import new_value

    stated = {"68%"}
    assert not new_value("The majority of care leavers (68%) are in education, employment and training.", "percent", stated)
    assert new_value("Almost all care leavers (92%) are in suitable accommodation.", "percent", stated)
    assert new_value("Anything at all.", "percent", set())


@pytest.mark.parametrize("question, spelled", [
    ("I keep hearing A&I caseloads were high", "I keep hearing assessment and intervention caseloads were high"),
    ("dates of the 2022 permanence FV?", "dates of the 2022 permanence focused visit?"),
    ("barnet nov 2018 MV - which no.?", "barnet nov 2018 monitoring visit - which number?"),
    ("Was there anything they wanted us to keep an eye on?", "Was there anything they wanted us to monitor?"),
    ("Can you give me the exact wording so I can use it in the SEF?", "Can you give me the exact wording ?"),
    ("What did Ofsted say about the MASH for the director's briefing?", "What did Ofsted say about the MASH  ?"),
    ("For scrutiny committee: how did Ofsted rate our MASH?", "how did Ofsted rate our MASH?"),
    ("What did they say for children in care?", "What did they say for children in care?"),
    ("How many times had Ofsted been back to Barnet?", "How many times had Ofsted visited Barnet?"),
    ("When did Barnet get the failing rating?", "When did Barnet get judged inadequate?"),
    ("Does our SEF line up with what the inspectors said?", "Does our SEF compare with what the inspectors said?"),
    ("How were we checking our own work back in 2018?", "How were we quality assurance and auditing in 2018?"),
    ("What did Ofsted make of our MASH back in the 2018 visit?", "What did Ofsted make of our MASH in the 2018 visit?"),
    ("Is it right that we had 443 children on CP plans?", "is it true that we had 443 children on CP plans?"),
    ("Am I right in thinking the letter praised us?", "is it true that the letter praised us?"),
    # A month and two digits are a month and a year; a day and a month are not.
    ("barnet nov 18 visit - which number was it?", "barnet nov 2018 visit - which number was it?"),
    ("What did the Sept '22 SEF say?", "What did the Sept 2022 SEF say?"),
    ("What happened on 18 Nov 2018?", "What happened on 18 Nov 2018?"),
    ("Was it on nov 18th?", "Was it on nov 18th?"),
    ("Are we back in the black this year?", "Are we back in the black this year?"),
    ("Pull together what we know on police protection", "Pull together about police protection"),
    ("what did the 2018 letter say about how we handle S47s?", "what did the 2018 letter say about our S47s?"),
    ("How did Ofsted's view of our MASH compare?", "How did what Ofsted made of our MASH compare?"),
    ("Were children's views of their plans heard?", "Were children's views of their plans heard?"),
    # Who is asking says nothing of what is asked; the service they work in may.
    ("Journalist here - who was the QA manager on the 2018 visit?", "who was the QA manager on the 2018 visit?"),
    ("Hi, MASH team manager here: what did they find?", "what did they find?"),
    ("as a NQSW in the FSS team i'd like to know what Ofsted thought", "what Ofsted thought"),
    ("As a lay member, what is a MASH?", "what is a MASH?"),
    ("I'm in foster carer recruitment - do we need more carers?", "I'm in foster carer recruitment - do we need more carers?"),
    ("For my piece: what did Ofsted want improving?", "what did Ofsted want improving?"),
    ("I sit on the scrutiny committee and would like to know exactly when the inspectors came in.",
     "exactly when the inspectors came in."),
    ("I work in the MASH and I want to know how it did", "how it did"),
    ("how does the out-of-hours team hand over to the daytime service?",
     "how does the emergency duty team handover to the day service?"),
    ("did people in our MASH have too much on?", "did people in our MASH had workloads too high?"),
    ("Is the MASH here working well?", "Is the MASH here working well?"),
    ("Did they say what was being done about it?", "Did they say what action was taken about it?"),
    ("mgmt oversight at the front door - us vs Barnet?", "management oversight at the front door - us vs Barnet?"),
    # A role said as a sentence of its own; a statement after the question is context, a short
    # clarification is not.
    ("I'm a DSL. Did the 2018 inspectors say anything about referrals?", "Did the 2018 inspectors say anything about referrals?"),
    ("Which days were the inspectors in? The school got a call around then.", "Which days were the inspectors in?"),
    ("Who led it? The 2022 one.", "Who led it? The 2022 one."),
    ("What grade did we get in 2014? Nobody ever told us carers.", "What grade did we get in 2014?"),
    ("How many LAC at the last count?", "How many LAC latest?"),
    ("When kids come back after going missing, are they offered a chat?",
     "When kids return home after missing, are they offered a chat?"),
    ("Can care leavers stay on with their foster carers?", "Can care leavers staying put?"),
    ("Any hold-ups for families going to early help?", "Any delays for families going to early help?"),
    ("Did the new system hold up the work?", "Did the new system hold up the work?"),
    ("When were Ofsted in for the 2018 visit? A few of us from partner agencies were spoken to.",
     "When were Ofsted in for the 2018 visit?"),
    ("What is our virtual school called? need it spelled right for the piece", "What is our virtual school called?"),
    ("What did we say still needed sorting? Something about schools and GPs in the MASH.",
     "What did we say still needed sorting? Something about schools and GPs in the MASH."),
    ("Has consent recording changed since 2018? Compare their view with what we say in the SEF.",
     "Has consent recording changed since 2018? Compare their view with what we say in the SEF."),
    ("What was holding back improvement at LBBD?", "What was holding back improvement at Barking and Dagenham?"),
    ("What did they say? I mean the MASH in 2018 and after.", "What did they say? I mean the MASH in 2018 and after."),
])
def test_shorthand_and_idioms_are_spelled_out_and_what_an_answer_is_for_left_out(question, spelled):
    from index.query import spell_out

    assert spell_out(question) == spelled


@pytest.mark.parametrize("question, parts", [
    ("Who was the 2022 letter addressed to, and what was her job title?",
     ["Who was the 2022 letter addressed to", "what was her job title"]),
    ("Demand keeps coming up. What did Ofsted say about referrals, and what is our monthly average?",
     ["Demand keeps coming up. What did Ofsted say about referrals", "what is our monthly average"]),
    ("Did the inspectors mention our LADO? I vaguely remember a mosque being praised.",
     ["Did the inspectors mention our LADO. I vaguely remember a mosque being praised."]),
    ("When and how did they visit?", ["When and how did they visit"]),
    ("Who led the 2022 visit?", ["Who led the 2022 visit"]),
    # Two things asked of one subject, each its own type of answer, are two questions; two findings are one.
    ("Give me the dates and the lead inspector for each of our two focused visits.",
     ["Give me the dates for each of our two focused visits", "Give me the lead inspector for each of our two focused visits"]),
    ("What are the strengths and weaknesses of our MASH?", ["What are the strengths and weaknesses of our MASH"]),
])
def test_the_questions_a_question_asks(question, parts):
    from index.question import question_parts

    assert question_parts(question) == parts


@pytest.mark.parametrize("question, terms", [
    # How staff put a question is not what it asks about.
    ("Quick one: what did inspectors say about consent? It rings a bell.", ["consent"]),
    ("Councillor question: what did inspectors say about consent?", ["consent"]),
    ("Which partners sit in our MASH?", ["partner", "mash"]),  # "it sits alongside…" is not who is in it
    ("I'm drafting a press line: what did inspectors say about consent?", ["consent"]),
    ("Apart from Mr Munday, was the Barnet letter copied to anyone else?", ["copy"]),
    # (The role asked for, one who sat in, is read from the words themselves: see question.ROLES.)
    ("There was someone who wasn't inspecting, just sitting in - who was that?", []),
    ("Councillor wants to know if Ofsted blamed slow progress on leaders?", ["blam", "slow", "progress", "leader"]),
    ("press release draft: which ofsted inspectors came in for the front door visit?", ["front", "door"]),
    ("A journalist is asking which agencies are part of our MASH", ["agency", "mash"]),
    # What is "holding back" something names no subject.
    ("What did inspectors say was holding back the speed of improvement at Barking and Dagenham?",
     ["speed", "improvement"]),
    # A month that dates a document is no subject word; one that dates a figure is.
    ("What did the May 2022 focused visit find about consent?", ["consent"]),
    ("Where had CP numbers got to by Sept?", ["cp", "september"]),
    # Words for the news piece say which document, as "the letter" does.
    ("According to the press coverage, which partners are in our MASH?", ["partner", "mash"]),
    ("Our practice week in autumn 2022 - what was the theme?", ["practice", "week", "theme"]),
    ("How big is the targeted EH caseload?", ["target", "eh", "caseload"]),
    # Who a letter went to is asked for by role: the role is the expected answer, not a subject.
    ("Which of our senior officers did the June 2022 focused visit letter go to?", []),
    ("Who was the 2018 letter sent to? Name and job title, please.", []),
    # How a visit is put ("came on", "also", "later") is no subject.
    ("Which inspectors came on the 2018 focused visit?", []),
    ("Did Louise Warren also inspect Barnet later?", []),
])
def test_the_subject_words_of_a_question(analyzer, question, terms):
    from index.question import content_terms
    from index.text import stem

    assert content_terms(question, analyzer.analyze(question)) == [stem(t) for t in terms]


def test_names_and_acronyms_are_the_capitalised_words_after_a_sentence_starts():
    from index.question import proper_names

    assert proper_names("What did Ofsted say about children at risk of FGM? Remind me, Redbridge too.") == [
        "Ofsted", "FGM", "Redbridge"]


@pytest.mark.parametrize("question", [
    "Is it true our front door visit took place in April 2018?",
    "Can you confirm Anne Bristow was our Director of Children's Services?",
    "In the 2018 letter Ofsted praised our BRAG system for rating contacts.",
    "I remember the 2018 letter singling out our BRAG system.",
    "Tracey Ledder led our permanence visit, didn't she?",
    "Barnet got judged inadequate back in 2014, is that right?",
    "Our 2022 visit was led by Louise Warren, right?",
])
def test_a_question_that_asserts_something_has_a_premise(question):
    from index.question import has_premise

    assert has_premise(question)


def test_what_a_question_asks_has_no_premise():
    from index.question import has_premise

    assert not has_premise("What did Ofsted praise about our MASH in 2018?")


def test_each_year_of_a_council_against_inspectors_comparison_is_the_source_named_beside_it(analyzer):
    from index.query import INSPECTION_KINDS
    from index.question import compare_sides

    question = "What did Ofsted say on police protection in 2018 and what does our 2022 self-eval show?"
    sides = compare_sides(question, analyzer.analyze(question))
    assert [(s.years, s.named_kinds) for s in sides] == [((2018,), INSPECTION_KINDS), ((2022,), ("self-evaluation",))]
    # Two years with no sources named beside them are the same sources in each year.
    plain = "What did inspectors say about permanence in 2018 and 2022?"
    assert all(not s.named_kinds for s in compare_sides(plain, analyzer.analyze(plain)))


def test_them_points_back_however_long_the_question():
    from index.query import is_followup

    assert is_followup("what have we put in place for them since Ofsted flagged little ones stuck in children's homes")
    assert not is_followup("What have we put in place for young children living in residential children's homes "
                           "since the 2022 focused visit?")


def test_that_year_points_back_however_long_the_question():
    from index.query import is_followup

    assert is_followup("Did Louise Warren or John Roughton go on to inspect Barnet's children's services that same year?")
    assert not is_followup("Did Louise Warren or John Roughton go on to inspect Barnet's children's services in 2018?")


@pytest.mark.parametrize("question, respelled", [
    ("And how many assesments were still open then?", "And how many assessments were still open then?"),
    ("managment oversight at the front door", "management oversight at the front door"),
    # Words of ordinary English are no slips, though the documents use a word one letter away.
    ("How did we compare? I'd rather know the wording", "How did we compare? I'd rather know the wording"),
    # Nor are names and acronyms, nor words too short to tell a slip from another word.
    ("What did Ofsted find in Redbridge and Assesmentshire?", "What did Ofsted find in Redbridge and Assesmentshire?"),
    ("Did staff moan?", "Did staff moan?"),
    # A slip of a word that only frames the question is spelled right, though no document uses it.
    ("what was the 2022 focused visit actualy looking at", "what was the 2022 focused visit actually looking at"),
    ("what did they say specificaly about the MASH", "what did they say specifically about the MASH"),
    ("Could you summarise what they found?", "Could you summarise what they found?"),
])
def test_typing_slips_are_spelled_as_the_documents_spell_the_word(question, respelled):
    from index.question import frames_question
    from index.vocabulary import respelled as respell

    vocabulary = {"assessment", "management", "compar", "gather", "work", "mean", "redbridg", "open"}

    def nearest(term):
        from index.keyword import _one_slip

        return None if term in vocabulary else next((t for t in sorted(_one_slip(term)) if t in vocabulary), None)

    assert respell(question, nearest, frames_question) == respelled


def test_a_part_of_a_year_and_the_time_spent_date_a_visit_and_name_no_subject(analyzer):
    from index.question import content_terms

    late = "What were the exact dates Ofsted spent in Barnet for that late-2018 monitoring visit?"
    assert content_terms(late, analyzer.analyze(late)) == []
    # "Early help" is a subject, not a part of a year.
    help_ = "when did barnet restructure their early help"
    assert "early" in content_terms(help_, analyzer.analyze(help_))


def test_the_target_set_is_the_target(analyzer):
    from index.question import content_terms

    question = "And is that above or below the target the council has set?"
    assert content_terms(question, analyzer.analyze(question)) == ["target"]
    # A financial year is a period, as 2021/22 is; "children-in-need" is CIN.
    cin = "By how much has the number on a children-in-need plan come down since the close of last financial year?"
    assert content_terms(cin, analyzer.analyze(cin)) == ["cin", "plan"]
    # "At the end of 2018" dates the visit; "is that right?" asks for a claim to be checked.
    late = "When exactly did Ofsted go into Barnet for that monitoring visit at the end of 2018?"
    assert content_terms(late, analyzer.analyze(late)) == []
    claim = "Barnet got judged inadequate back in 2014, is that right?"
    assert "right" not in content_terms(claim, analyzer.analyze(claim))
    # Whether the mood "held up" asks how it moved: "mood" is what the letters call morale.
    mood = "Has the mood among our staff held up?"
    assert content_terms(mood, analyzer.analyze(mood)) == ["mood", "staff"]


@pytest.mark.parametrize("question, expected", [
    ("Which days were the inspectors in for the permanence visit in 2022?", "visit"),
    ("What did they say about days out?", None),
    # A relative "for whom" asks whether there is one, not who.
    ("Was there any cohort for whom Ofsted felt virtual school support fell short in 2022?", None),
    # "Which one?" after a statement asks for what the statement names.
    ("The article covered us and one other borough's MASH visit. Which one?", "name"),
    ("We had a visit in 2018. Which one?", None),
    # "What was our care leaver EET percentage…" asks for a percentage, wherever the word comes.
    ("What was our care leaver EET percentage in 2021/22, so I can compare it with this year's?", "percent"),
])
def test_what_a_question_asks_for_after_context(question, expected):
    from index.question import expected_type

    assert expected_type(question) == expected


@pytest.mark.parametrize("question, authorities", [
    # Staff asking about "the 2018 visit" mean their own, when their council had one then.
    ("In 2018, why did inspectors judge oversight to be less consistent in the assessment service?", (HOME,)),
    ("How did staff sentiment shift between the 2018 front-door visit and the 2022 permanence visit?", (HOME,)),
    # Not when only another council has a document of that time or kind, nor when the question is
    # about which council, or about more than one.
    ("What did the November 2018 monitoring visit find about the MASH?", ()),
    ("Which council was judged inadequate in July 2017?", ()),
    ("Which other council had a focused visit in 2018?", ()),
    ("Did both councils' 2018 visits find caseloads manageable?", ()),
    ("What did inspectors find about the MASH?", ()),
])
def test_a_visit_of_the_home_authoritys_time_is_the_home_authoritys(analyzer, question, authorities):
    assert analyzer.analyze(question).authorities == authorities


def test_how_a_document_keeps_putting_it_names_no_subject(analyzer):
    from index.question import content_terms

    question = "The 2018 letter keeps comparing things with 'the last inspection'. When was that?"
    assert content_terms(question, analyzer.analyze(question)) == ["last"]


def test_the_news_speaks_for_the_inspectors_on_a_year_none_of_their_letters_is_of(analyzer):
    # "Its last full Ofsted inspection in 2014" is known from the news piece alone.
    hints = analyzer.analyze("What grade did Barking and Dagenham get at its last full Ofsted inspection in 2014?")
    assert "news article" in hints.named_kinds
    hints = analyzer.analyze("What did Ofsted say about our MASH in 2018?")
    assert "news article" not in hints.named_kinds


def test_a_kpi_is_how_a_figure_is_put(analyzer):
    from index.question import content_terms

    question = "What is our long-term placement stability KPI?"
    assert "kpi" not in content_terms(question, analyzer.analyze(question))


def test_what_was_done_about_a_claim_names_no_subject_of_its_own(analyzer):
    from index.question import content_terms

    question = ("The 2018 Ofsted letter criticised us for managers not recording step-down decisions on the case "
                "file. How have we addressed that?")
    found = content_terms(question, analyzer.analyze(question))
    assert "address" not in found and {"step", "decision", "record"} <= set(found)


@pytest.mark.parametrize("word, stemmed", [
    # Not past tenses: "speed" is not "spe", nor "proceed" "proce".
    ("speed", "speed"), ("proceed", "proceed"), ("proceedings", "proceed"), ("embed", "embed"),
    # A consonant doubled before the ending is the word's own once.
    ("embedded", "embed"), ("referred", "refer"), ("planning", "plan"), ("running", "run"),
    ("added", "add"), ("filled", "fill"), ("passed", "pass"),
])
def test_the_stemmer_keeps_a_words_own_letters(word, stemmed):
    from index.text import stem

    assert stem(word) == stemmed


@pytest.mark.parametrize("words", [("improve", "improved", "improving", "improves"), ("grade", "graded", "grades"),
                                   ("judge", "judged"), ("home", "homes"), ("rated", "rating")])
def test_a_silent_e_does_not_keep_a_word_from_its_endings(words):
    from index.text import stem

    assert len({stem(w) for w in words}) == 1, [stem(w) for w in words]


def test_a_rate_is_not_a_rating():
    from index.text import stem

    assert stem("rate") == stem("rates") != stem("rated")


def test_the_pace_of_improvement_is_not_what_must_improve():
    from index.question import asks_to_improve

    assert not asks_to_improve("What was holding back the speed and reach of improvement?")
    assert asks_to_improve("What areas of improvement did the news piece list?")
    assert asks_to_improve("What improvements did Ofsted want?")


def test_a_figure_for_another_kind_of_plan_does_not_answer():
    from index.sentences import other_plan

    assert other_plan("How many children were on CP plans?", "613 children on CIN plans")
    assert not other_plan("How many children were on CP plans?", "420 children on CP plans")
    assert not other_plan("And on CP plans? What about CIN?", "613 children on CIN plans")


def test_on_the_same_point_is_no_question_of_its_own():
    from index.query import asks_its_own

    assert not asks_its_own("And what did the Barnet letter say on the same point?")
    assert asks_its_own("And what did the Barnet letter say about consent?")


@pytest.mark.parametrize("question", [
    "And what was it down to by our own self-evaluation at the end of the year?",
    "Where was it at in 2022?",
    "So what had the figure fallen to by September?",
    "and by the council's Dec 2022 self-eval, where had that got to?",
])
def test_the_same_figure_later_is_no_question_of_its_own(question):
    from index.query import asks_its_own

    assert not asks_its_own(question)


def test_a_question_with_no_subject_of_its_own_follows_the_earlier_one(analyzer):
    query, hints = analyzer.with_history("What trend did the 2022 inspectors note?",
                                         ["How many care leavers are in education, employment or training?"])
    assert "care leavers" in query and hints.carried
    # One with a subject of its own stands alone.
    query, hints = analyzer.with_history("What did the 2022 inspectors note about life story work?",
                                         ["How many care leavers are in education, employment or training?"])
    assert "care leavers" not in query and not hints.carried


@pytest.mark.parametrize("question", ["When Ofsted did the front door visit here in March 2018, what did they find?",
                                      "How many kids round here are on CP plans?",
                                      "What does the self-evaluation say about children here in the borough?"])
def test_here_is_the_home_authority(analyzer, question):
    hints = analyzer.analyze(question)
    assert hints.home and "Barking and Dagenham" in hints.authorities


def test_here_is_not_always_a_place(analyzer):
    assert not analyzer.analyze("Here is a question: what did Ofsted find in Barnet?").home


@pytest.mark.parametrize("question", ["What was it about?", "What was it for?", "What is it called?",
                                      "Give me the lead inspector for each of them."])
def test_what_it_was_about_is_a_question_of_its_own(question):
    from index.query import asks_its_own

    assert asks_its_own(question)


@pytest.mark.parametrize("question", ["What did inspectors find about thresholds?", "What did Ofsted say about neglect?"])
def test_a_question_with_one_subject_word_of_its_own_stands_alone(analyzer, question):
    # Asked after a question on young children in children's homes, "thresholds" is the new subject.
    query, hints = analyzer.with_history(
        question, ["What did the 2022 visit say about young children living in children's homes?"])
    assert query == question and not hints.carried and 2022 not in hints.years


def test_what_a_document_claims_has_no_subject_of_its_own(analyzer):
    query, hints = analyzer.with_history("What does our own self-evaluation claim?",
                                         ["Do the young people in care get any real say with senior people?"])
    assert "senior people" in query and hints.carried


def test_the_asked_part_leaves_out_the_scene():
    from index.question import asked_part

    assert asked_part("Our HV team works with mums. Did the 2022 visit mention the Pause work? Thanks.") == \
        "Did the 2022 visit mention the Pause work?"
    assert asked_part("List the 2022 recommendations.") == "List the 2022 recommendations."


@pytest.mark.parametrize("question", [
    "Early help got restructured both here and over in Barnet in 2018. Did Ofsted say it was too soon to judge it?",
    "Was management oversight better in Barnet or here in 2018?",
])
def test_here_beside_another_place_is_home(analyzer, question):
    hints = analyzer.analyze(question)
    assert hints.home and set(hints.authorities) == {"Barnet", HOME}


def test_here_alone_is_no_place():
    from index.query import _HOME

    assert not _HOME.search("Here is the question: what did Ofsted find about thresholds?")


def test_strats_are_strategy_discussions():
    from index.query import spell_out

    assert "strategy discussions" in spell_out("Strats - how did Ofsted rate attendance at ours?")


@pytest.mark.parametrize("written,plain", [
    ("the inspectors were in on the 27th and 28th of March 2018", "the inspectors were in on 27 and 28 March 2018"),
    ("March 27th and 28th, 2018", "27 and 28 March 2018"),
    ("the 4th of May 2022", "4 May 2022"),
    ("the 21st century", "the 21st century"),
])
def test_ordinal_days_are_written_as_the_letters_write_them(written, plain):
    from index.query import spell_out

    assert spell_out(written) == plain

"""Premises: the sentences that set straight what a question wrongly takes for granted — a finding
from another authority's letter, a visit's real dates, inspectors or number, who a letter went to,
what a stated figure counts.

Each check looks at one kind of claim the question makes and, when the documents say otherwise,
adds the sentence that says so; the answerer shows those sentences first, with their sources.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.compose import COMPARE_MIN
from index.query import Hints, _norm, document_years
from index.question import (DAY_DATE, NOT_FIGURE, OFFICER, ORDINAL_VISIT, ORDINALS, has_premise, has_type, question_dates,
                            question_numbers)
from index.sentences import Candidate, about_another
from index.text import sentence_spans
from index.types import Passage

_VISIT = re.compile(r"\b(?:visit|inspection)", re.I)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|march|mar|april|apr|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|" \
         r"nov(?:ember)?|dec(?:ember)?)"
_VISIT_MONTH = re.compile(rf"\b(?:visit\w*|inspect\w*|came|come|took place|happened|were in|was in|on site)\b[^.?;]{{0,30}}?"
                          rf"\b(?P<a>{_MONTH})\b|\b(?P<b>{_MONTH})\b(?:\s+(?:19|20)\d\d)?\s+(?:\w+\s+){{0,3}}?"
                          # "their May 2018 look at our front door", "the March check-up"
                          rf"(?:visit|inspection|look at|trip|check-?up)",
                          re.I)


#: Whom a letter went to: "addressed to", "sent to", "went to", "written to".
_SENT_TO = re.compile(r"\b(?:addressed|sent|written|wrote)\b|"
                      r"\b(?:went|gone|goes|delivered|issued)\b(?:\s+\w+){0,2}?\s+to\b", re.I)


def states_visit_fact(question: str, hints: Hints) -> bool:
    """Whether the question states who inspected a visit, when it took place, which visit it was, or
    whom its letter went to — claims a letter's opening confirms or corrects."""
    return bool(hints.people or _VISIT_MONTH.search(question) or question_dates(question)
                or ORDINAL_VISIT.search(question)
                or (_SENT_TO.search(question) and _NAME.search(question)))


def states_claim(question: str, hints: Hints) -> bool:
    """Whether the question asserts something that may need correcting."""
    return (has_premise(question) or states_visit_fact(question, hints)) and not hints.elsewhere


def corrections(question: str, hints: Hints, cands: list[Candidate], chosen: list[Candidate],
                passages: list[Passage]) -> list[Candidate]:
    """Sentences that set a question's premise straight, each at most once: the statement it
    misattributes (shown with its true source), the real dates, number, inspectors or recipient of
    the visit it names, the real figure."""
    docs = {passages[c.passage].doc for c in chosen if c.consistent} or {
        p.doc for p in passages if hints.fits(p.meta)}
    out: list[Candidate] = []
    checks = [_visit_claims, _inspectors, _people]
    if has_premise(question):  # what the question asserts a document said
        checks = [_misattributed, _grade, *checks, _figures]
    for check in checks:
        out.extend(c for c in check(question, hints, cands, passages, docs) if c not in out)
    return out


def _misattributed(question, hints, cands, passages, docs) -> list[Candidate]:
    """The sentence that states what the question asserts, when another document says it ("Ofsted
    told us our QA processes remain a strength" is said of Barnet); and beside it what the documents
    the question meant say on the same subject, however little."""
    def subject(c: Candidate) -> float:
        return c.lexical + c.section + c.dense

    elsewhere = [c for c in cands if c.supported and not c.consistent]
    claim = max(elsewhere, key=subject, default=None)
    if claim is None:
        return []
    # The claim is stated elsewhere when no sentence of the documents named says as much of it.
    ours = max((c.lexical + c.section for c in cands if c.consistent), default=0.0)
    if claim.lexical + claim.section < max(ours + CLAIM_MARGIN, COMPARE_MIN):
        return []
    # What they say is of the claim's kind: a judgement answers a judgement, a figure a figure.
    kind = next((t for t in ("grade", "percent", "count", "date") if has_type(claim.text, t)), None)
    own = max((c for c in cands if c.consistent and (c.lexical + c.section >= COMPARE_MIN or kind == "grade")
               and (not kind or has_type(c.text, kind))), key=subject, default=None)
    return [claim] + ([own] if own is not None else [])


#: A claim is another document's when its sentence there holds this much more of the question's
#: subject than any sentence of the documents the question names.
CLAIM_MARGIN = 0.25


def _grade(question, hints, cands, passages, docs) -> list[Candidate]:
    """"We were rated inadequate in 2014": the sentence giving the judgement the documents record
    for the authority the question names, when it is another."""
    if not states_grade(question):
        return []
    stated = {g.lower() for g in _GRADE_WORD.findall(question)}
    for c in sorted(cands, key=lambda c: -(c.lexical + c.section)):
        found = {g.lower() for g in _GRADE_WORD.findall(c.text)}
        if (c.consistent or of_authority(c.text, passages[c.passage].meta, hints)) \
                and found and not found & stated and has_type(c.text, "grade"):
            return [c]
    return []


_GRADE_WORD = re.compile(r"\b(?:outstanding|good|requires improvement|inadequate)\b", re.I)


def states_grade(question: str) -> bool:
    """Whether the question states a judgement ("since we were judged inadequate in July 2017")."""
    return bool(_GRADE_WORD.search(question)
                and re.search(r"\b(?:rated|judged|graded|judgement|rating|grade)\b", question, re.I))


def recorded_grade(text: str) -> bool:
    """Whether ``text`` states an inspection's judgement ("rated 'requires improvement' at the last
    full inspection"), not an audit's ("No audits graded as inadequate")."""
    return bool(_GRADE_WORD.search(text) and has_type(text, "grade")
                and re.search(r"\b(?:inspection|inspectorate|ofsted|overall effectiveness|judged)\b", text, re.I))


def anywhen(hints: Hints) -> Hints:
    """The authority ``hints`` name, in any year and any kind of document: a judgement stated of it
    ("judged inadequate in July 2017", "since the monitoring visits") gives its year and kind as
    part of the claim, and is confirmed or corrected by the judgement recorded anywhere."""
    return replace(hints, years=(), doc_types=(), named_kinds=())


def of_authority(text: str, meta, hints: Hints) -> bool:
    """Whether ``text`` (of ``meta``'s document) speaks of the authority ``hints`` name, whatever
    the year or kind of document."""
    wide = anywhen(hints)
    return wide.fits(meta, text) and not about_another(text, meta, wide)


def records_grade_of(text: str, meta, hints: Hints) -> bool:
    """Whether a sentence of ``text`` records an inspection's judgement of that authority."""
    return any(recorded_grade(text[a:b]) and of_authority(text[a:b], meta, hints) for a, b in sentence_spans(text))


def _visit_claims(question, hints, cands, passages, docs) -> list[Candidate]:
    """When the question says when a visit took place or which monitoring visit it was, and the
    visit it otherwise describes differs on one of those ("the focused visit in June 2022" was on 4
    and 5 May; "Barnet's fourth monitoring visit in November 2018" was its fifth), the sentence that
    says so. (A visit that differs on both was another visit: see another_visit.)"""
    found = _stated_visit(question)
    if not found:
        return []
    days, months, _ = found
    if hints.years and months and not any(hints.fits(p.meta) for p in passages if p.meta.visit_start):
        # "The front door visit here in March 2019": no visit is of that year. The one visit it
        # otherwise describes (ours, in March) is the one meant, and its real dates the answer.
        anyyear = replace(hints, years=())
        meant = list(dict.fromkeys(p.doc for p in passages if p.meta.visit_start and anyyear.fits(p.meta)
                                   and int(p.meta.visit_start[5:7]) in months))
        if len(meant) != 1:
            return []
        return [c for c in cands if passages[c.passage].doc == meant[0]
                and DAY_DATE.search(c.text) and _VISIT.search(c.text)][:1]
    fixes: list[list[Candidate]] = []
    for doc, (wrong_date, wrong_ordinal) in _visits_as_stated(found, hints, passages, docs).items():
        if not (wrong_date or wrong_ordinal):
            return []  # the visit the question describes is as it says
        mine = [c for c in cands if passages[c.passage].doc == doc]
        if wrong_date and not wrong_ordinal:
            fixes.append([c for c in mine if DAY_DATE.search(c.text) and _VISIT.search(c.text)][:1])
        elif wrong_ordinal and not wrong_date and (hints.years or found[1]):
            # "the fourth monitoring visit in November 2018": known by its date too
            fixes.append([c for c in mine if ORDINAL_VISIT.search(c.text)][:1])
    return next((f for f in fixes if f), [])


def another_visit(question: str, hints: Hints, passages: list[Passage]) -> bool:
    """Whether the question dates and numbers a visit otherwise than every letter here on a visit it
    could mean: "Barnet's second monitoring visit in February 2018" is not the fifth, in November;
    nor is "Barnet's third monitoring visit"."""
    found = _stated_visit(question)
    if found is None or not found[2]:
        return False
    # A visit the question numbers but does not date ("Barnet's third monitoring visit") is another
    # visit when no letter here is that one.
    dated = bool(found[0] or found[1] or hints.years)
    visits = _visits_as_stated(found, hints, passages, {p.doc for p in passages if hints.fits(p.meta)})
    return bool(visits) and all(wrong_ordinal and (wrong_date or not dated)
                                for wrong_date, wrong_ordinal in visits.values())


_FINDINGS_OF_INSPECTION = re.compile(r"\b(?:what|which)\b[^?]*\b(?:failings|find|found|findings|criticis\w+|concerns?|"
                                     r"say|said)\b[^?]*\b(?:that|the|this|its|their|our|[\w'’-]+['’]s)\s+"
                                     r"(?:[\w/-]+\s+){0,3}?(?:inspection|visit)\b", re.I)


def another_inspection(question: str, hints: Hints, passages: list[Passage]) -> bool:
    """Whether the question asks what an inspection of a year no document here is of found: "Why was
    Barnet judged inadequate in July 2017 - what were the main failings inspectors found at that
    inspection?" is answered by that inspection's report, not by a later letter that mentions it."""
    if not hints.years or not _FINDINGS_OF_INSPECTION.search(question):
        return False
    years = set(hints.years)
    return not any(years & document_years(p.meta) for p in passages if p.meta is not None)


def _stated_visit(question: str) -> tuple[list[str], set[int], set[str]] | None:
    """The day-dates, months and ordinals a question gives a visit; None when it gives none."""
    days = [d.lower() for d in question_dates(question)]
    # Only a month said of the visit counts ("the June 2022 visit", "came in June"), not any month
    # the question names ("judged inadequate in July 2017").
    months = {_MONTHS.index((m.group("a") or m.group("b")).lower()[:3]) + 1 for m in _VISIT_MONTH.finditer(question)}
    ordinals = {m.group(1).lower() for m in ORDINAL_VISIT.finditer(question)}
    return (days, months, ordinals) if days or months or ordinals else None


_OWN_ORDINAL = re.compile(rf"\b(?:the|this) (?:visit|inspection) (?:was|is) the ({ORDINALS})\b|"
                          rf"\bthis (?:was|is) the ({ORDINALS}) (?:\w+ )?(?:visit|inspection)\b", re.I)


def _visits_as_stated(found, hints: Hints, passages: list[Passage], docs: set[str]) -> dict[str, tuple[bool, bool]]:
    """For each visit letter among the passages that the question may mean: whether its date and
    its number differ from what the question says of them (False where the question says nothing)."""
    days, months, ordinals = found
    out = {}
    for p in passages:
        if not p.meta.visit_start or p.doc in out or not (p.doc in docs or hints.fits(p.meta)):
            continue
        text = " ".join(q.text for q in passages if q.doc == p.doc)
        lower = text.lower()
        # The letter's own number ("The visit was the fifth monitoring visit…"), not an earlier visit
        # it mentions ("…since inspectors last visited in February 2018, during the second").
        numbered = {(m.group(1) or m.group(2)).lower() for m in _OWN_ORDINAL.finditer(text)} or {
            m.group(1).lower() for m in ORDINAL_VISIT.finditer(text)}
        wrong_date = bool(days and not any(d in lower for d in days)) or bool(
            months and int(p.meta.visit_start[5:7]) not in months)
        out[p.doc] = (wrong_date, bool(ordinals and numbered and not numbered & ordinals))
    return out


def _inspectors(question, hints, cands, passages, docs) -> list[Candidate]:
    """The sentence naming a visit's inspectors, when the question puts someone else on it: the
    visit the question describes, whether or not the chosen sentences come from it."""
    if not hints.people:
        return []

    def named(c: Candidate) -> tuple[int, int]:
        inspectors = passages[c.passage].meta.inspectors
        return (sum(n in c.text for n in inspectors), bool(inspectors) and inspectors[0] in c.text)

    # "What did Brenda McLaughlin say about life-story work?" puts her on no visit but the one that
    # answers: only a visit the question pins down (by year, council, kind or month) may be another.
    pinned = hints.years or hints.authorities or hints.doc_types or hints.months
    visits = docs | {p.doc for p in passages if pinned and p.meta.inspectors and hints.fits(p.meta)}
    out = []
    for doc in sorted(visits):
        wrong = [c for c in cands if passages[c.passage].doc == doc and named(c)[0]
                 and not set(hints.people) & set(passages[c.passage].meta.inspectors)]
        if wrong:
            out.append(max(wrong, key=named))
    return out


def _people(question, hints, cands, passages, docs) -> list[Candidate]:
    """Someone the question names who is not an inspector ("Anne Bristow was our Director of
    Children's Services"): the line that names them with their role; and when the question says a
    letter went to them and it went to someone else, that letter's addressee."""
    names = [n for n in _full_names(question, passages) if n not in hints.people]
    out = []
    for name in names:
        holding = [c for c in cands if name in c.text]
        if holding:
            out.append(max(holding, key=lambda c: (bool(OFFICER.match(c.text)), c.score)))
        addressees = [c for c in cands if passages[c.passage].doc in docs and OFFICER.match(c.text)
                      and name not in c.text]
        if addressees and (_SENT_TO.search(question) or re.search(r"\bletter\b", question, re.I)):
            out.append(addressees[0])
    return out


def _full_names(question: str, passages: list[Passage]) -> list[str]:
    """People's names as the question writes them: two or three capitalised words in a row ("Anne
    Bristow"), not the name of an authority the documents know ("Waltham Forest")."""
    places = {a.lower() for p in passages for a in (p.meta.authority or "", *p.meta.authorities) if a}
    out = []
    for m in _NAME.finditer(question):
        name = m.group(0)
        if name.lower() not in places and not any(name.lower() in a or a in name.lower() for a in places):
            out.append(name)
    return out


_NAME = re.compile(r"(?<![\w'’])(?!(?:The|In|On|At|For|Why|When|What|Who|How|Did|Was|Is|Can|Could|Please|Since|Our|Ofsted|"
                   r"Her|His|Majesty|CYP|Now|Is|Remind|Confirm)\b)[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}\b")


def _figures(question, hints, cands, passages, docs) -> list[Candidate]:
    """A figure the question states: the sentence that holds it, and when that figure counts
    something else ("443" is children in care, not on CP plans), the count the question meant."""
    numbers = question_numbers(question)
    if not numbers:
        return []
    holder = next((c for c in cands if any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", c.text) for n in numbers)),
                  None)
    if holder is None:
        return []
    # Where the sentence holding the figure is on the question's subject, the figure is what the
    # question says it is: that sentence answers it, or nothing does.
    figure_share = sum(w for t, w in holder.holds.items() if t in numbers or t.rstrip("%") in numbers)
    if holder.lexical + holder.section - figure_share >= FIGURE_SUBJECT:
        return []
    counts = not any(n.endswith("%") for n in numbers)
    # The count the question meant, as the documents give it: the sentence on most of its subject
    # that holds a figure of the same kind. (The stated figure is itself one of the question's
    # subject words, and the meant sentence cannot hold it: the weaker bar of a comparison's
    # second side applies.)
    # Of those, one whose figure is of the stated one's size ("443" meant the 402 or 390 on plans,
    # not the 15 whose plans lasted two years) comes first.
    stated = [float(n.rstrip("%")) for n in numbers if float(n.rstrip("%")) > 0]

    def fit(c: Candidate) -> tuple[bool, float]:
        found = [float(f) for f in re.findall(r"\d+(?:\.\d+)?", NOT_FIGURE.sub(" ", c.text)) if float(f) > 0]
        near = any(max(f, n) / min(f, n) <= 2 for f in found for n in stated)
        return near, c.lexical  # the sentence's own words, not its slide's title

    meant = max((c for c in cands if c is not holder and c.consistent and c.lexical + c.section >= COMPARE_MIN
                 and has_type(c.text, "count" if counts else "percent")), key=fit, default=None)
    return [holder] + ([meant] if meant is not None else [])


#: A sentence holding the question's figure on this much of its other subject confirms the figure.
FIGURE_SUBJECT = 0.4


def visit_elsewhere(question: str, hints: Hints, cands: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """A visit the question names by its kind, year and authority that no letter here is, when one
    letter here is that visit but for its year or its authority: "Ofsted's 2021 focused visit on
    permanence" was on 4 and 5 May 2022; "the November 2018 monitoring visit to Barking and Dagenham"
    was Barnet's. The sentence saying which visit that letter is and when, then what it says on the
    question's subject.

    (Not for an authority with no letter here, whose visit the documents only report: "Waltham
    Forest's focused visit in March 2018" was not Barking and Dagenham's; nor when more than one
    letter could be the visit meant.)"""
    kinds = [k for k in hints.named_kinds if k.endswith("visit letter")]
    if not kinds or not _VISIT.search(question) or not (hints.years or hints.authorities):
        return []
    if any(p.meta.doc_type in kinds and hints.fits(p.meta) for p in passages):
        return []  # the visit is here as the question says
    found = _stated_visit(question)
    months = found[1] if found else set()
    letters = {p.doc for p in passages if p.meta.doc_type in kinds and misplaced(p.meta, hints, months)}
    # Of those, the one letter whose sentences carry the question's subject.
    on_subject = {passages[c.passage].doc for c in cands if passages[c.passage].doc in letters and c.supported
                  and c.typed and c.lexical + c.section >= VISIT_SUBJECT}
    if len(on_subject) != 1:
        return []
    doc = on_subject.pop()
    mine = [c for c in cands if passages[c.passage].doc == doc]
    which = [c for c in mine if DAY_DATE.search(c.text) and _VISIT.search(c.text)][:1]
    said = sorted((c for c in mine if c.supported and c.typed and c not in which), key=lambda c: -c.score)[:2]
    return which + said


def misplaced(meta, hints: Hints, months) -> bool:
    """Whether a visit letter is the visit the hints describe but for its year or its authority (not
    both), in the month given if any; never for an authority the documents only report on."""
    if not meta.visit_start or (months and int(meta.visit_start[5:7]) not in months):
        return False
    wrong_year = bool(hints.years) and not document_years(meta) & set(hints.years)
    wrong_authority = bool(hints.authorities) and _norm(meta.authority or "") not in {_norm(a) for a in hints.authorities}
    return not (wrong_year and wrong_authority) and not (wrong_authority and hints.reported)


#: A letter is the visit a question misdates or misplaces when its sentences hold this much of the
#: question's subject.
VISIT_SUBJECT = 0.4

"""The extractive answerer: sentences chosen from the retrieved passages, each ending in its citation.

Nothing is generated, so nothing can be invented: every sentence of an answer is a sentence of a
cited passage, prefixed at most by a short label saying which document it comes from. When the
best evidence is too weak, or lacks what the question asks for (a name, a date, a number), the
answerer abstains and offers the closest passages as related reading instead of citations.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.compose import (ALSO, ANAPHOR, INSTANCE, QUALIFIER, REASON, compare, covering, fact, listing, spoken_of,
                           with_following, with_preceding)
from index.premise import another_inspection, another_visit, corrections, states_claim, visit_elsewhere
from index.query import Hints, asks_its_own
from index.question import (FIGURES, ROLES, SCOPE, asked_part, asks_to_improve, compare_sides, content_terms, expected_type, has_premise,
                            question_kind, question_numbers, visit_owner)
from index.retrieve import REMIT_SECTION
from index.sentences import L_LOW, L_MIN, Candidate, candidates, fits, score, strangers
from index.text import terms
from index.vocabulary import term_match, unspoken_phrases, with_phrases
from index.types import Answer, Citation, Passage, Sentence

ABSTAIN = "I could not find this in the documents."
#: A question for what the inspectorate said or found, and one that asks for anyone else's word.
_INSPECTORATE_Q = re.compile(r"\b(?:ofsted|inspectors?|inspectorate|hmis?|inspection|(?:focused|monitoring) visit)\b", re.I)
_OTHER_VOICE_Q = re.compile(r"\b(?:spokes\w*|council (?:said|say|says)|press|news|article|piece|quoted?|response|"
                            r"respond\w*|reaction|(?:we|they|the council|leaders?) (?:said|say|told))\b", re.I)
#: An inspection after the documents' ("its re-inspection", "the next full inspection").
_LATER_INSPECTION = re.compile(r"\bre-?inspect\w*|\b(?:next|subsequent|upcoming|forthcoming) (?:full |standard |graded |ILACS )?"
                               r"inspection\b", re.I)
#: Roles a "who" question may name that no inspector holds: the sentence answering it names the role.
_ROLE_NOUN = re.compile(r"\b(?:nurses?|doctors?|paediatricians?|GPs?|designated officers?|directors?|managers?|heads?|chairs?|"
                        r"councillors?|commissioners?|mayors?|executives?|LADO|IRO|advis[eo]rs?|principals?|"
                        r"spokes(?:man|woman|person))\b", re.I)
#: At most this many sentences answer a question for findings that is not put as a list.
FINDING_MAX = 3
#: The least share of a figure question's subject its answer's own sentence holds. Of the figure
#: answers on the gold sets (eval/gold/), every right one with a subject held 0.31 of it or more.
OWN_MIN = 0.25


def answer(question: str, hints: Hints, passages: list[Passage], embedder=None, idf=None,
           query: str | None = None, people: frozenset[str] = frozenset(), known=None, text_of=None) -> Answer:
    """Compose a cited extractive answer to ``question`` from ``passages`` (best first).

    Args:
        question: the question as asked.
        hints: what the question (and the conversation) says of authority, period and kind.
        passages: the retrieved passages, best first.
        embedder: scores sentences by embedding similarity when given.
        idf: term -> inverse document frequency, to weigh the question's words.
        query: the question resolved against the conversation ("And in 2022?" → the full question).
        people: inspectors' names the index knows, to recognise "who" answers.
        known: term -> whether any indexed chunk holds it; a word the documents never use weighs
            less (see UNSEEN_WEIGHT).
        text_of: doc -> its whole text, to tell whose words a news passage quotes.
    """
    query = query or question
    if not passages:
        return Answer(question=question, text=ABSTAIN, abstained=True)
    if unspoken_phrases(question, (p.text for p in passages)):
        # "How do we support young carers?": a passage on young people and foster carers is not
        # about young carers; one about them would hold the phrase.
        return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
    kind = question_kind(query, hints)
    # A follow-up with a question of its own ("What are team managers doing about it?") asks for
    # what it asks; an elliptical one ("And in 2022?") for what the earlier question asked.
    own = query != question and asks_its_own(question)
    # "Did she inspect anywhere else?" states nothing to correct: it asks for other visits.
    premise = states_claim(question, hints)
    expect = expected_type(question if own else query)
    if expect in FIGURES and query != question and not own and content_terms(question, hints):
        # "And placement stability?" after "How many LAC did we have?" asks for its figure, which may
        # be a percentage: only the earlier question said "how many".
        expect = "number"
    if expect is None and hints.people and _YES_NO.match(question):
        # "Was Louise Warren on our 2018 visit too?": the sentence naming the visit's inspectors.
        expect = "inspector"
    cands = candidates(passages, text_of)
    if _INSPECTORATE_Q.search(query) and not _OTHER_VOICE_Q.search(query):
        # "How did Ofsted's view of our leadership change?": what the council's spokesman told the
        # press about its front door is not what Ofsted said, though the news piece quotes both.
        cands = [c for c in cands if not c.quoted]
    # A follow-up that names its own subject ("Did Louise Warren inspect anywhere else?") is scored on
    # its own words; one that points back ("What are managers doing about it?") on the whole topic.
    standalone = own and not re.search(r"\b(?:it|its|this|these|those|them|they|their)\b", question, re.I) \
        and bool(len(content_terms(question, hints)) > 1 or hints.people)
    # One that points back weighs its own words above those it carries ("…about it?").
    own_terms = frozenset(content_terms(question, hints)) if own and not standalone else None
    eligible, q_terms = _eligible(question if standalone else query, query, hints, cands, passages, expect, kind,
                                  embedder, idf, people, known, own_terms, premise)
    if expect == "count" and not eligible and not _VISITS_Q.search(query):
        # "How many were offered a return interview?" is answered by the share the documents give
        # ("69% of children were offered…") when no sentence counts them.
        # (A share of something else does not: "68% of care leavers are in EET" counts none in
        # staying put. The sentence holds the question's rarest subject word itself.)
        expect = "number"
        eligible, q_terms = _eligible(question if standalone else query, query, hints, cands, passages, expect, kind,
                                      embedder, idf, people, known, own_terms, premise)
        rarest = max(q_terms, key=idf, default=None) if idf and q_terms else None
        eligible = [c for c in eligible if rarest is None or term_match(rarest, with_phrases(c.text, set(terms(c.text))))]
    if known is not None and strangers(question, q_terms, known):
        # "What did Ofsted find at Redbridge's front door visit?", "…children at risk of FGM?": a
        # name or an acronym no document uses is what the question is about, and nothing here is.
        return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
    if kind == "compare":
        # "What did Ofsted say in 2018 vs what we say now in the self eval?": a sentence fits the
        # question when it fits one of its sides (the 2018 letter, the self-evaluation), though no
        # document fits both.
        sides = compare_sides(query, hints)
        for c in eligible:
            c.consistent = c.consistent or any(fits(c, passages[c.passage], side) for side in sides)
    consistent = [c for c in eligible if c.consistent]
    # With nothing from the documents the question names, a premise may have misattributed what
    # another document says ("Ofsted told us our QA processes remain a strength"): a sentence that
    # states the claim, on most of its subject, not one that touches it.
    # (Only a question that asserts something: "Who was the QA manager on the May 2022 visit?" is not
    # answered by the 2018 visit's.)
    asserts = has_premise(question)
    claims = [c for c in eligible if c.lexical + c.section >= L_MIN] if asserts and not consistent else eligible
    if expect is None and kind != "compare" and another_inspection(question, hints, passages):
        # What an inspection found is in its own report, and none of the passages is of its year.
        return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
    if _LATER_INSPECTION.search(question) and not any(_LATER_INSPECTION.search(p.text) for p in passages):
        # "What was Barnet judged at its re-inspection after the monitoring visits?": the judgement
        # the monitoring visits followed is not the one asked for, and no document is of a later one.
        return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
    if premise and another_visit(question, hints, passages):
        # "Barnet's second monitoring visit in February 2018" is neither the fifth nor in November:
        # a visit the documents do not hold.
        return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
    if not consistent and not (asserts and claims):
        # Nothing answers the question as asked; when it names an inspector who was not on the
        # visit it describes, the visit's real inspectors are still the answer it needs.
        fixes = corrections(question, hints, cands, [], passages) if premise else []
        # "What did Ofsted's 2021 focused visit on permanence find?": the visit of 4 and 5 May 2022.
        fixes = fixes or visit_elsewhere(question, hints, cands, passages)
        asked = asked_part(question)
        if not fixes and asked != question:
            # "My notes just say 'sometime in 2022'. That won't wash at scrutiny. Which days were the
            # inspectors on site?": the scene's words are not what is asked, and no sentence need
            # hold them; the question's own sentences are asked alone (the hints keep the year).
            result = answer(asked, hints, passages, embedder, idf, query if query != question else asked, people,
                            known, text_of)
            return replace(result, question=question)
        if not fixes:
            return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
        return _render(question, "fact", fixes, passages)
    if kind == "compare":
        chosen = compare(consistent or eligible, passages, compare_sides(query, hints), cands)
    elif kind == "list":
        # Once one sentence answers, the list may go on with sentences that touch the subject less.
        pool = [c for c in cands if c.typed and (c.consistent or not consistent)
                and (c.supported or c.lexical + c.section >= L_LOW)]
        chosen = listing(consistent or eligible, passages, query, pool, cands)
    elif expect is None:
        # A question for what the documents say that is not put as a list ("How did Ofsted describe
        # our MASH?", "Was there a concern about consent?") gets its best sentence and those that add
        # to it, as a short list would.
        pool = [c for c in cands if c.typed and (c.consistent or not consistent) and c.supported]
        best = (consistent or eligible)[0]
        chosen = covering(best, [c for c in pool if c is not best], FINDING_MAX)
        if re.match(r"\s*why\b", question, re.I):
            chosen = with_following(chosen, cands, REASON)
    elif expect == "scope":
        # What a visit looked at is every sentence of its letter that says so, in the letter's order
        # ("Inspectors considered… at the 'front door'…", "They also looked at…").
        best = (consistent or eligible)[0]
        doc = passages[best.passage].doc
        chosen = sorted((c for c in (consistent or eligible) if passages[c.passage].doc == doc and SCOPE.search(c.text)),
                        key=lambda c: (passages[c.passage].start, c.start))[:4] or [best]
    else:
        chosen = fact(consistent or eligible)
        if re.match(r"\s*why\b", question, re.I):
            chosen = with_following(chosen, cands, REASON)
    # "…demonstrate promise and improvement." is not what the letter said without "However, these
    # changes are still too recent to…": a sentence keeps the qualification that follows it.
    # So does one that goes on about "these children" the sentence introduced.
    chosen = with_following(with_following(chosen, cands, QUALIFIER), cands, ANAPHOR)
    if expect is None:
        # A finding keeps the instances that follow it ("…some as young as eight years old").
        chosen = with_following(chosen, cands, INSTANCE)
    if kind != "fact" or expect is None:
        # What "Inspectors also raised concerns…" adds to is part of the finding.
        chosen = with_preceding(chosen, cands, passages, ALSO)
    if premise:
        chosen = corrections(question, hints, cands, chosen, passages) + [c for c in chosen]
    chosen = list({(c.passage, c.start): c for c in chosen}.values())
    return _render(question, kind, chosen, passages)


def combine(question: str, answers: list[Answer]) -> Answer:
    """One answer from the answers to a question's parts ("Who was it addressed to, and what was her
    job title?"): the parts that were answered, in order, their citations numbered afresh. It
    abstains when no part was answered."""
    answered = [a for a in answers if not a.abstained]
    related = list({(p.doc, p.start): p for a in answers for p in a.related}.values())
    if not answered:
        return Answer(question=question, text=ABSTAIN, abstained=True, related=related)
    numbers: dict[tuple[str, int, int], int] = {}
    citations: list[Citation] = []
    sentences: list[Sentence] = []
    bodies: list[str] = []
    for a in answered:
        by_n = {c.n: c for c in a.citations}
        renumber: dict[int, int] = {}
        new: list[Sentence] = []
        for s in a.sentences:
            # A sentence that answers two parts is shown once, labelled with its source or not, and
            # whichever of two overlapping passages it was cited from.
            if any(_same(_unmarked(s.text), _unmarked(t.text)) for t in [*sentences, *new]):
                continue
            for n in s.cites:
                c = by_n.get(n)
                if c is None or n in renumber:
                    continue
                key = (c.passage.doc, c.passage.start, c.passage.end)
                if key not in numbers:
                    numbers[key] = len(numbers) + 1
                    citations.append(Citation(n=numbers[key], passage=c.passage, verified=c.verified))
                renumber[n] = numbers[key]
            marked = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]", s.text)
            new.append(Sentence(marked, tuple(renumber.get(n, n) for n in s.cites), s.verified))
        if not new:
            continue
        sentences.extend(new)
        bullet = "\n" in a.text or a.text.startswith("- ")
        bodies.append("\n".join(f"- {s.text}" for s in new) if bullet else " ".join(s.text for s in new))
    cited = {c.passage.doc + str(c.passage.start) for c in citations}
    lines = any("\n" in b or b.startswith("- ") for b in bodies)
    return Answer(question=question, text=("\n" if lines else " ").join(bodies),
                  abstained=False, citations=citations, sentences=sentences,
                  related=[p for p in related if p.doc + str(p.start) not in cited])


def _unmarked(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text).strip()


def _same(a: str, b: str) -> bool:
    """Whether two answer sentences are one sentence of the documents, with its source's label
    ("Self-evaluation, …: 47 young people…") or without."""
    return a == b or a.endswith(": " + b) or b.endswith(": " + a)


#: "How many visits / inspectors / times…": a count no share answers.
_VISITS_Q = re.compile(r"\b(?:visits?|inspections?|inspectors?|times)\b", re.I)
#: "Was Louise Warren on our 2018 visit too?", "So did she…": a question answered yes or no (not
#: "What did Brenda McLaughlin say…?", which a wh-word asks).
_YES_NO = re.compile(r"^\s*(?:(?!(?:what|how|why|which|who|whom|whose|when|where)\b)\w+[,\s]+){0,2}?"
                     r"(?:was|were|did|is|has|had)\b", re.I)


def _remit(hints: Hints, cands: list[Candidate], passages: list[Passage]) -> set[str]:
    """The terms of what the documents the question pins down say they looked at ("Inspectors
    considered the local authority's arrangements at the 'front door'…"), with the list of a section
    that is all remit ("Areas covered by the visit: … the effectiveness of the MASH…")."""
    return {t for c in cands if (SCOPE.search(c.text) or REMIT_SECTION.search(passages[c.passage].section))
            and hints.fits(passages[c.passage].meta) for t in terms(c.text)}


def _eligible(question: str, query: str, hints: Hints, cands: list[Candidate], passages: list[Passage],
              expect: str | None, kind: str, embedder, idf, people: frozenset[str], known,
              own_terms: frozenset[str] | None = None, premise: bool = False) -> tuple[list[Candidate], list[str]]:
    """Score ``cands`` for ``question`` (best first, in place) and return those that answer it,
    with the question's subject terms."""
    pinned = bool(hints.years or hints.authorities or hints.doc_types)
    # "What did the 2018 visit find about consent at the front door?": the front door is the visit's.
    remit = frozenset(_remit(hints, cands, passages)) if pinned and expect in (None, "date") and kind != "compare" else frozenset()
    q_terms = score(question, hints, cands, passages, embedder, idf, expect, people, known, own_terms, premise, remit)
    cands.sort(key=lambda c: -c.score)
    # A "who"/"when" question about a visit the metadata identifies has no subject words left: the
    # named document's sentence of the right type is the answer. So is its list of what needs to
    # improve, to "what did the 2022 visit say we must improve?", and its count of visits to "how
    # many monitoring visits has Barnet had?".
    asked = expect in ("person", "inspector", "addressee", "date", "scope", "visit", "name") or (kind == "list" and asks_to_improve(query)) \
        or (expect == "count" and bool(re.search(r"\b(?:visits?|inspections?)\b", query, re.I)))  # "how many visits…"
    # "What did Ofsted say we needed to improve after the 2018 front door visit?": words the pinned
    # document's own statement of what it looked at holds describe which visit, not the subject.
    located = bool(asked and pinned)
    if located and q_terms:
        remit = _remit(hints, cands, passages)
        located = all(term_match(t, remit) for t in q_terms)
    # Who inspected a visit, when it took place, whom its letter went to: facts of the document the
    # question pins down, which its other words describe ("the visit about finding kids permanent
    # homes") rather than repeat. The document's sentence of the right type answers, when its passage
    # holds any of those words or it names the role asked for ("the QA manager", "who wrote it"); it
    # must name that role whenever one is asked for.
    roles = [sentence for asked_for, sentence in ROLES if asked_for.search(question)]
    facts = expect in ("person", "inspector", "addressee", "visit") and pinned
    # The opening naming the inspectors seldom repeats what the visit looked at ("who did our 2018
    # front door visit" and then "and Barnet?"): the letter's other passages say it.
    # (Not for any other person: "the improvement partner Barnet is working with" is no inspector.)
    # "Which inspectors carried out the Waltham Forest visit the piece reports alongside B&D?": that
    # authority's visit, not either one's.
    owner = visit_owner(question, hints.authorities) if facts and kind != "compare" and len(hints.authorities) > 1 else None
    described = {p.doc for p in passages if expect in ("inspector", "visit")
                 and any(term_match(t, set(terms(p.text))) for t in q_terms)}
    eligible = [c for c in cands if c.typed and all(r.search(c.text) for r in roles)
                and (owner is None or passages[c.passage].meta.authority == owner) and (
        c.supported or located and (expect != "count" or re.search(r"\b(?:visit|inspection)", c.text, re.I))
        or facts and c.consistent and (c.lexical + c.section > 0 or bool(roles)
                                       or passages[c.passage].doc in described))]
    nouns = {m.group(0).lower().rstrip("s") for m in _ROLE_NOUN.finditer(question)} if expect == "person" else set()
    if nouns:
        # "Who is the designated nurse for looked-after children?": a sentence naming someone holds
        # the role asked for; the inspectors' names do not answer it.
        eligible = [c for c in eligible if all(re.search(rf"\b{n}", c.text, re.I) for n in nouns)]
    if expect in FIGURES and q_terms and not (premise and question_numbers(question)):
        # A figure answers only with what it counts beside it: "In 2021/22, 89% of children in care
        # had an up-to-date PEP" on a slide about care leavers holds "care" of "our care leaver EET
        # rate in 2021/22", and nothing it counts.
        # (A figure the question states to be checked is one of its subject words, which the sentence
        # that corrects it cannot hold.)
        eligible = [c for c in eligible if c.own >= OWN_MIN]
    return eligible, q_terms


def _label(p: Passage, c: Candidate | None = None) -> str:
    """"Monitoring visit letter, Barnet, visited 27–28 November 2018": a visit is known by when it
    took place; other documents by their date. A sentence of a document on several authorities (a
    news piece on two visits) is labelled with the one it speaks of: "News article on Waltham
    Forest, 3 April 2018"."""
    m = p.meta
    kind = m.doc_type if m.doc_type != "other" else (m.title or m.doc)
    kind = kind[:1].upper() + kind[1:]
    when = f"visited {_human_range(m.visit_start, m.visit_end)}" if m.visit_start else _human_date(m.date)
    if c is not None and len(m.authorities) > 1:
        about = spoken_of(c, p, m.authorities)
        if len(about) == 1:
            return ", ".join(x for x in (f"{kind} on {next(iter(about))}", when) if x)
    return ", ".join(x for x in (kind, m.authority or "", when) if x)


def _human_range(start: str, end: str | None) -> str:
    """7 March 2018; 7–8 March 2018; 27 November – 1 December 2018."""
    import datetime as dt

    a = dt.date.fromisoformat(start)
    b = dt.date.fromisoformat(end) if end else a
    if b <= a:
        return _human_date(start)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b.strftime('%B')} {b.year}"
    if a.year == b.year:
        return f"{a.day} {a.strftime('%B')} – {b.day} {b.strftime('%B')} {b.year}"
    return f"{_human_date(start)} – {_human_date(end)}"


def _human_date(iso: str | None) -> str:
    if not iso:
        return ""
    import datetime as dt

    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _render(question: str, kind: str, chosen: list[Candidate], passages: list[Passage]) -> Answer:
    numbers: dict[int, int] = {}
    for c in chosen:
        numbers.setdefault(c.passage, len(numbers) + 1)
    docs = {passages[c.passage].doc for c in chosen}
    # Sentences from more than one document, or from a document other than the one the question
    # named, carry their source, so the reader sees which document says what.
    grouped = kind == "compare" or len(docs) > 1 or any(not c.consistent for c in chosen)
    if grouped:
        order = {d: i for i, d in enumerate(dict.fromkeys(passages[c.passage].doc for c in chosen))}
        chosen.sort(key=lambda c: (passages[c.passage].meta.date or "", order[passages[c.passage].doc], c.start))
    elif kind == "list":
        chosen.sort(key=lambda c: (numbers[c.passage], c.start))
    sentences: list[Sentence] = []
    lines: list[str] = []
    for c in chosen:
        n = numbers[c.passage]
        text = c.text if c.text[-1] in ".!?:;\"”'’)" else c.text + "."
        if grouped:
            text = f"{_label(passages[c.passage], c)}: {text}"
        sentences.append(Sentence(text=f"{text} [{n}]", cites=(n,)))
        lines.append(("- " if kind == "list" or grouped else "") + f"{text} [{n}]")
    body = "\n".join(lines) if (kind == "list" or grouped) else " ".join(lines)
    citations = [Citation(n=n, passage=passages[i]) for i, n in sorted(numbers.items(), key=lambda kv: kv[1])]
    related = [p for i, p in enumerate(passages) if i not in numbers]
    return Answer(question=question, text=body, abstained=False, citations=citations, related=related,
                  sentences=sentences)

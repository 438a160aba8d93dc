"""The extractive answerer: sentences chosen from the retrieved passages, each ending in its citation.

Nothing is generated, so nothing can be invented: every sentence of an answer is a sentence of a
cited passage, prefixed at most by a short label saying which document it comes from. When the
best evidence is too weak, or lacks what the question asks for (a name, a date, a number), the
answerer abstains and offers the closest passages as related reading instead of citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from index.query import Hints, asks_its_own
from index.retrieve import _IMPROVE_SECTION
from index.question import (DAY_DATE, asks_to_improve, compare_sides, content_terms, expected_type, has_premise, has_type,
                            BYLINE, SCOPE, abbreviation_terms, new_value, proper_names, question_dates, question_kind, question_numbers, seen_term,
                            term_match)
from index.text import sentence_spans, terms
from index.types import Answer, Citation, Passage, Sentence

ABSTAIN = "I could not find this in the documents."

# How a sentence's relevance is weighed: its share of the question's subject words (idf-weighted),
# its embedding similarity to the question, the retrieval score of its passage, subject words
# found only in its section title, and whether it holds the type of answer asked for.
W_LEXICAL, W_DENSE, W_PRIOR, W_SECTION, W_TYPE = 0.35, 0.35, 0.2, 0.1, 0.15
#: A sentence supports an answer when it carries enough of the question's subject: this share
#: of its subject words, or a lower share with this embedding similarity, or this similarity alone.
#: Calibrated on eval/gold/seeds.jsonl so that every unanswerable question abstains
#: (`python -m eval.ci` reports abstention precision and recall).
L_MIN, L_LOW, D_MIN, D_HIGH = 0.5, 0.25, 0.5, 0.62
F_MIN, F_LOW, PAIR_SHARE = 0.4, 0.1, 0.05
DENSE_CANDIDATES = 20
#: A question word that no document uses weighs this share of its idf: it cannot tell sentences
#: apart, and is more often how the question is put ("a caveat", "rings a bell") than what it asks.
UNSEEN_WEIGHT = 0.3
#: A follow-up's words carried from the earlier question weigh this share of its own.
CARRIED_WEIGHT = 0.5
DENSE_WORDS = 16
#: The weaker bar for the second side of a comparison (see _compare).
COMPARE_MIN = 0.2


@dataclass
class _Candidate:
    passage: int
    start: int
    end: int
    text: str
    lexical: float = 0.0
    dense: float = 0.0
    section: float = 0.0
    prior: float = 0.0
    typed: bool = True
    consistent: bool = True
    bullet: bool = False
    score: float = 0.0
    bare: bool = False  # the question has no subject words of its own (they are all hints or generic)
    finding: bool = False  # the question asks for findings, not a name, date, figure or grade
    holds: dict = field(default_factory=dict)  # subject term -> its share of the question's weight, held here

    @property
    def supported(self) -> bool:
        # Similarity alone is no support: "This letter summarises the findings of the monitoring
        # visit to Barnet…" is close to every question about what that visit found.
        subject = self.lexical + self.section
        if self.finding:
            # A question for findings ("What did they say about consent at the front door?") is
            # answered by a sentence on two of its subject words or on most of them; one for a name,
            # a date or a figure needs the figure's own subject (calibrated on the gold sets:
            # `python -m eval.ci`, and the held-out questions in eval/gold/).
            pair = sum(w > PAIR_SHARE for w in self.holds.values()) >= 2
            return subject >= F_MIN or (subject >= F_LOW and (self.dense >= D_MIN or pair)) or (
                self.bare and self.dense >= D_HIGH)
        return subject >= L_MIN or (subject >= L_LOW and self.dense >= D_MIN) or (self.bare and self.dense >= D_HIGH)


def answer(question: str, hints: Hints, passages: list[Passage], embedder=None, idf=None,
           query: str | None = None, people: frozenset[str] = frozenset(), known=None) -> Answer:
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
    """
    query = query or question
    if not passages:
        return Answer(question=question, text=ABSTAIN, abstained=True)
    kind = question_kind(query, hints)
    # A follow-up with a question of its own ("What are team managers doing about it?") asks for
    # what it asks; an elliptical one ("And in 2022?") for what the earlier question asked.
    own = query != question and asks_its_own(question)
    # "Did she inspect anywhere else?" states nothing to correct: it asks for other visits.
    premise = (has_premise(question) or bool(question_dates(question)) or bool(hints.people)) and not hints.elsewhere
    expect = expected_type(question if own else query)
    if expect is None and hints.people and _YES_NO.match(question):
        # "Was Louise Warren on our 2018 visit too?": the sentence naming the visit's inspectors.
        expect = "inspector"
    cands = _candidates(passages)
    # A follow-up that names its own subject ("Did Louise Warren inspect anywhere else?") is scored on
    # its own words; one that points back ("What are managers doing about it?") on the whole topic.
    standalone = own and not re.search(r"\b(?:it|its|this|these|those|them|they|their)\b", question, re.I) \
        and bool(content_terms(question, hints) or hints.people)
    # One that points back weighs its own words above those it carries ("…about it?").
    own_terms = frozenset(content_terms(question, hints)) if own and not standalone else None
    eligible, q_terms = _eligible(question if standalone else query, query, hints, cands, passages, expect, kind,
                                  embedder, idf, people, known, own_terms)
    if known is not None and _strangers(question, q_terms, known):
        # "What did Ofsted find at Redbridge's front door visit?", "…children at risk of FGM?": a
        # name or an acronym no document uses is what the question is about, and nothing here is.
        return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
    consistent = [c for c in eligible if c.consistent]
    # With nothing from the documents the question names, a premise may have misattributed what
    # another document says ("Ofsted told us our QA processes remain a strength"): a sentence that
    # states the claim, on most of its subject, not one that touches it.
    claims = [c for c in eligible if c.lexical + c.section >= L_MIN] if premise and not consistent else eligible
    if not consistent and not (premise and claims):
        # Nothing answers the question as asked; when it names an inspector who was not on the
        # visit it describes, the visit's real inspectors are still the answer it needs.
        fixes = _corrections(question, hints, cands, [], passages) if premise and hints.people else []
        if not fixes:
            return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
        return _render(question, "fact", fixes, passages)
    if kind == "compare":
        chosen = _compare(consistent or eligible, passages, compare_sides(query, hints), cands)
    elif kind == "list":
        # Once one sentence answers, the list may go on with sentences that touch the subject less.
        pool = [c for c in cands if c.typed and (c.consistent or not consistent)
                and (c.supported or c.lexical + c.section >= L_LOW)]
        chosen = _list(consistent or eligible, passages, query, pool, cands)
    else:
        chosen = _fact(consistent or eligible)
        if re.match(r"\s*why\b", question, re.I):
            chosen = _with_following(chosen, cands, _REASON)
    # "…demonstrate promise and improvement." is not what the letter said without "However, these
    # changes are still too recent to…": a sentence keeps the qualification that follows it.
    # So does one that goes on about "these children" the sentence introduced.
    chosen = _with_following(_with_following(chosen, cands, _QUALIFIER), cands, _ANAPHOR)
    if premise:
        chosen = _corrections(question, hints, cands, chosen, passages) + [c for c in chosen]
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
        renumber: dict[int, int] = {}
        for c in a.citations:
            key = (c.passage.doc, c.passage.start, c.passage.end)
            if key not in numbers:
                numbers[key] = len(numbers) + 1
                citations.append(Citation(n=numbers[key], passage=c.passage, verified=c.verified))
            renumber[c.n] = numbers[key]

        def marks(text: str) -> str:
            return re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]", text)

        # A sentence that answers two parts is shown once.
        new = [Sentence(marks(s.text), tuple(renumber.get(n, n) for n in s.cites), s.verified)
               for s in a.sentences if marks(s.text) not in {t.text for t in sentences}]
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


def _candidates(passages: list[Passage]) -> list[_Candidate]:
    out = []
    for i, p in enumerate(passages):
        for a, b in _rows(p.text, sentence_spans(p.text)):
            text = " ".join(p.text[a:b].split())
            bullet = bool(re.match(r"^[-•◼▪]\s", text))
            text = re.sub(r"^(?:[-•◼▪]\s+)", "", text)
            # A heading carried inside a passage ("Children in Care and Care Leavers (cont.)") is not
            # evidence; a table row ("Lead inspector: Sarah Canto", "Overall effectiveness: Good") is.
            row = _ROW.match(text)
            if len(text.split()) < (3 if row else 4):
                continue
            standalone = p.text[b:b + 2] in ("\n\n", "") and (a == 0 or p.text[a - 2:a] == "\n\n")
            if standalone and not bullet and not row and not BYLINE.match(text) and len(text.split()) <= 10 and (
                    text[-1] not in ".!?:;\"”’)" or re.search(r"\((?:cont(?:inued|'d)?\.?)\)$", text, re.I)):
                continue
            out.append(_Candidate(i, a, b, text, bullet=bullet))
    return out


_ROW = re.compile(r"^[^\n.!?]{2,80}:\s+\S[^\n]*$")


def _rows(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans with a table of "Label: value" lines (a judgement table) split into its rows."""
    out = []
    for a, b in spans:
        lines = text[a:b].split("\n")
        if len(lines) > 1 and sum(bool(_ROW.match(line.strip())) for line in lines) >= 2:
            start = a
            for line in lines:
                if line.strip():
                    lead = len(line) - len(line.lstrip())
                    out.append((start + lead, start + len(line.rstrip())))
                start += len(line) + 1
        else:
            out.append((a, b))
    return out


def _strangers(question: str, q_terms: list[str], known) -> list[str]:
    """The question's subject terms that come from a name or acronym no document uses."""
    names = set(terms(" ".join(proper_names(question))))
    return [t for t in q_terms if t in names and not seen_term(t, known)]


def _weight(term: str, idf, known, names: set[str]) -> float:
    """A subject word's weight: its idf (an abbreviation's, that of the words it stands for); a
    word no document uses weighs UNSEEN_WEIGHT of that, unless it is a name or an acronym ("FGM",
    "Redbridge"): then it is what the question is about, and no sentence holds it."""
    if not idf:
        return 1.0
    expansion = abbreviation_terms(term)
    weight = sum(idf(t) for t in expansion) / len(expansion) if expansion and known and not known(term) else idf(term)
    if known is not None and term not in names and not seen_term(term, known):
        weight *= UNSEEN_WEIGHT
    return weight


def _score(question: str, hints: Hints, cands: list[_Candidate], passages: list[Passage], embedder, idf,
           expect: str | None, people: frozenset[str] = frozenset(), known=None,
           own_terms: frozenset[str] | None = None) -> list[str]:
    q_terms = content_terms(question, hints)
    names = set(terms(" ".join(proper_names(question))))
    weights = {t: _weight(t, idf, known, names) * (CARRIED_WEIGHT if own_terms is not None and t not in own_terms else 1.0)
               for t in q_terms}
    total = sum(weights.values()) or 1.0
    top = max((p.score for p in passages), default=1.0) or 1.0
    stated = question_numbers(question)
    # "What is the target figure?" is answered by a figure stated as a target, not by the figure
    # that is below it.
    target = expect in ("percent", "number", "count") and bool(_ASKS_TARGET.search(question))
    lead = expect == "inspector" and bool(re.search(r"\b(?:led|lead|leading|in charge)\b", question, re.I))
    sentence_terms = [set(terms(c.text)) for c in cands]
    for i, c in enumerate(cands):
        p = passages[c.passage]
        present = sentence_terms[i]
        # The sentences either side count too, at a discount: "This letter summarises … 7 and 8 March
        # 2018." answers "when did they look at our front door?" though only the next one says "front door".
        around = set().union(*(sentence_terms[j] for j in (i - 1, i + 1)
                               if 0 <= j < len(cands) and cands[j].passage == c.passage))
        section = set(terms(p.section))
        matched = [t for t in q_terms if term_match(t, present)]
        if expect in _DOCUMENT_FACTS:
            # Who inspected, when, for whom: the question's other words describe the visit ("our
            # front door visit"), which the passage around the sentence naming them describes.
            around |= set().union(*(sentence_terms[j] for j in range(len(cands)) if cands[j].passage == c.passage))
            around |= set(terms(f"{p.meta.title} {p.section}"))
        near = [t for t in q_terms if t not in matched and term_match(t, around)]
        c.holds = {t: weights[t] / total for t in matched} | {t: 0.6 * weights[t] / total for t in near}
        c.lexical = sum(c.holds.values()) if q_terms else 0.0
        c.section = sum(weights[t] for t in q_terms if t not in matched and term_match(t, section)) / total \
            if q_terms else 0.0
        c.prior = p.score / top
        c.typed = (has_type(c.text, expect, people) and new_value(c.text, expect, stated)
                   and (not target or bool(_TARGET_FIGURE.search(c.text)))) if expect else True
        c.consistent = hints.fits(p.meta, p.text) and not _about_another(c.text, p.meta, hints)
        if hints.elsewhere and hints.people:
            # "Did she inspect anywhere else?": only the visits she was on.
            c.consistent = c.consistent and bool(set(hints.people) & set(p.meta.inspectors))
    if embedder is not None and cands:
        # Embedding every sentence of five passages is most of an answer's cost; the sentences that
        # carry the most of the question's subject (and hold the type of answer asked for) are the
        # ones that can win, so only the best DENSE_CANDIDATES are embedded (the rest score 0 on
        # similarity). On the seeds gold set 20 answers one question more than 12–16 (a figure
        # whose sentence shares only one subject word), and costs what 13 did when each is cut to
        # its first 16 words rather than 24 (which answer alike; 12 words lose four questions).
        q = set(terms(question))
        order = sorted(range(len(cands)), key=lambda i: (
            -(cands[i].lexical + cands[i].section + 0.5 * cands[i].typed), -len(q & sentence_terms[i]), i))
        keep = order[:DENSE_CANDIDATES]
        # A sentence's first DENSE_WORDS words carry its meaning; the tail of a long one costs as much
        # to embed as the rest of the answer (bench/query.py).
        vectors = embedder.embed([question] + [" ".join(cands[i].text.split()[:DENSE_WORDS]) for i in keep],
                                 batch_size=16)
        for i, sim in zip(keep, vectors[1:] @ vectors[0]):
            cands[i].dense = float(sim)
    for c in cands:
        p = passages[c.passage]
        c.bare = not q_terms
        c.finding = not expect
        c.score = (W_LEXICAL * c.lexical + W_DENSE * c.dense + W_PRIOR * c.prior + W_SECTION * c.section
                   + (W_TYPE if c.typed else -W_TYPE) * bool(expect))
        if expect != "scope" and (SCOPE.search(c.text) or SCOPE.search(p.section)):
            # What a visit set out to look at ("Inspectors considered…", "Areas covered by the visit")
            # shares every word of a question about what it found, and says nothing of it.
            c.score -= W_TYPE
        if expect == "date" and c.typed and DAY_DATE.search(c.text):
            c.score += W_TYPE / 2  # "on 27 and 28 November 2018" answers "when" better than "(November 2018)"
        if lead and p.meta.inspectors and p.meta.inspectors[0] in c.text:
            c.score += W_TYPE  # "who led…": the sentence naming the lead, whom the metadata lists first
    return q_terms


#: Answers that are facts about a document (its inspectors, dates, addressee, remit, judgement),
#: as against figures, which must sit with the words that say what they count.
_DOCUMENT_FACTS = ("person", "inspector", "addressee", "date", "visit", "scope", "grade")
_ASKS_TARGET = re.compile(r"\bwhat(?:'s|’s| is| was| are| were)?\s+(?:actually\s+)?(?:is\s+)?(?:the\s+|our\s+|their\s+)?"
                          r"(?:actual\s+|exact\s+)?targets?\b|\btargets?\s+(?:figure|percentage|rate|level|number)\b|"
                          r"\bmeasured against\b", re.I)
_TARGET_FIGURE = re.compile(r"\btargets?\s+(?:of\s+)?(?:at least\s+|over\s+)?\d|\d+(?:\.\d+)?%?\s+targets?\b|"
                            r"\baim(?:ing)?\s+(?:of|for|to reach)\s+\d|\bat least\s+\d", re.I)
_YES_NO = re.compile(r"^\s*(?:\w+[,\s]+){0,2}?(?:was|were|did|is|has|had)\b", re.I)
_REASON = re.compile(r"\b(?:because|due to|consequence|as a result|caused by|owing to|reasons?|result of)\b", re.I)
#: "Permanence planning and practice for these children are weak…": a sentence that refers back.
_ANAPHOR = re.compile(r"^(?:[\w'’,-]+\s+){0,7}?(?:these|those)\s+\w+", re.I)
_QUALIFIER = re.compile(r"^(?:However|But|Although|Nevertheless|Nonetheless|Despite this|Even so|That said|Yet)\b")


def _with_following(chosen: list[_Candidate], cands: list[_Candidate], pattern: re.Pattern) -> list[_Candidate]:
    """Each chosen sentence followed by the next sentence of its passage when that one matches
    ``pattern``: the cause of a finding, for "why…?" ("Some of the delays are a consequence of…"),
    the qualification of a finding ("However, these changes are still too recent…"), or what it
    says of the children it introduced ("Permanence planning for these children is weak")."""
    out: list[_Candidate] = []
    for c in chosen:
        out.append(c)
        following = min((d for d in cands if d.passage == c.passage and d.start >= c.end), key=lambda d: d.start,
                        default=None)
        if following is not None and pattern.search(following.text) and following not in chosen + out:
            out.append(following)
    return out


def _about_another(text: str, meta, hints: Hints) -> bool:
    """Whether a sentence is about another authority than the one asked about: "Waltham Forest's Mash
    was found to…" in a news piece on Barking and Dagenham answers nothing about Barking and Dagenham."""
    from index.query import _name_pattern

    if not hints.authorities:
        return False
    others = [a for a in meta.authorities if a not in hints.authorities]
    return any(_name_pattern(a).search(text) for a in others) and not any(
        _name_pattern(a).search(text) for a in hints.authorities)


def _fact(cands: list[_Candidate]) -> list[_Candidate]:
    chosen = [cands[0]]
    for c in cands[1:4]:
        if c.score >= 0.8 * cands[0].score and c.text != chosen[0].text:
            chosen.append(c)
            break
    return chosen


def _eligible(question: str, query: str, hints: Hints, cands: list[_Candidate], passages: list[Passage],
              expect: str | None, kind: str, embedder, idf, people: frozenset[str], known,
              own_terms: frozenset[str] | None = None) -> tuple[list[_Candidate], list[str]]:
    """Score ``cands`` for ``question`` (best first, in place) and return those that answer it,
    with the question's subject terms."""
    q_terms = _score(question, hints, cands, passages, embedder, idf, expect, people, known, own_terms)
    cands.sort(key=lambda c: -c.score)
    # A "who"/"when" question about a visit the metadata identifies has no subject words left: the
    # named document's sentence of the right type is the answer. So is its list of what needs to
    # improve, to "what did the 2022 visit say we must improve?", and its count of visits to "how
    # many monitoring visits has Barnet had?".
    asked = expect in ("person", "inspector", "addressee", "date", "scope", "visit") or (kind == "list" and asks_to_improve(query)) \
        or (expect == "count" and bool(re.search(r"\b(?:visits?|inspections?)\b", query, re.I)))  # "how many visits…"
    located = bool(asked and not q_terms and (hints.years or hints.authorities or hints.doc_types))
    eligible = [c for c in cands if c.typed and (c.supported or located and (
        expect != "count" or re.search(r"\b(?:visit|inspection)", c.text, re.I)))]
    return eligible, q_terms


def _list(cands: list[_Candidate], passages: list[Passage], query: str, pool: list[_Candidate],
          everything: list[_Candidate]) -> list[_Candidate]:
    """Bullets: for "what needs to improve", the whole list the best evidence belongs to; the list a
    sentence introduces ("…the following:"); else the best few sentences of ``pool``. A whole list
    is taken whole: its every item, not only those that share the question's words."""
    best = cands[0]
    improve = asks_to_improve(query)
    if improve:
        # "What needs to improve?" is answered by the list under such a heading, when one was found.
        listed = [c for c in cands if c.bullet and _IMPROVE_SECTION.search(passages[c.passage].section)]
        best = listed[0] if listed else best
    items = sorted((c for c in everything if c.passage == best.passage and c.bullet), key=lambda c: c.start)
    if len(items) >= 2 and ((improve and best.bullet) or best.text.rstrip().endswith(":")):
        return items[:8]
    return _covering(best, [c for c in pool if c is not best], LIST_MAX)


#: At most this many sentences answer a question for findings (or one side of a comparison).
LIST_MAX = 5
#: A further sentence is worth adding when it holds this share of the question's subject that the
#: sentences already chosen do not, or scores this close to the best.
NEW_SUBJECT, CLOSE_SCORE = 0.15, 0.7


def _covering(best: _Candidate, pool: list[_Candidate], most: int) -> list[_Candidate]:
    """``best`` and then, greedily, the sentences of ``pool`` that add most of the question's subject
    not yet covered ("strategy discussions and S47s": a sentence for each), or that score almost as
    well as the best; the same sentence found twice is taken once."""
    chosen, covered = [best], dict(best.holds)
    pool = [c for c in pool if c.text != best.text]
    while pool and len(chosen) < most:
        def gain(c: _Candidate) -> float:
            return sum(max(0.0, w - covered.get(t, 0.0)) for t, w in c.holds.items())

        pick = max(pool, key=lambda c: (gain(c) >= NEW_SUBJECT, c.score + gain(c)))
        if gain(pick) < NEW_SUBJECT and pick.score < CLOSE_SCORE * best.score:
            break
        chosen.append(pick)
        for t, w in pick.holds.items():
            covered[t] = max(covered.get(t, 0.0), w)
        pool = [c for c in pool if c is not pick and c.text != pick.text]
    return chosen


def _compare(cands: list[_Candidate], passages: list[Passage], sides: list[Hints],
             everything: list[_Candidate]) -> list[_Candidate]:
    """The best sentences for each side of the comparison (or each of the best documents when the
    sides are not named), grouped by source: for each side, its best sentence on the subject and
    those that add to it (see _covering).

    Once one side clearly answers, the other side's best sentence is shown even when it is weaker
    evidence on its own (it still has to touch the subject): a comparison with one side missing
    would hide what the documents say about the other.
    """
    best = cands[0].score
    if sides:
        chosen: list[_Candidate] = []
        compared = {a for side in sides for a in side.authorities}
        for side in sides:
            mine = [c for c in everything if c.typed and (c.lexical + c.section >= COMPARE_MIN or c.dense >= D_MIN)
                    and (side.fits(passages[c.passage].meta, c.text) or side.fits(passages[c.passage].meta))
                    and c not in chosen
                    and _speaks_for(c, passages[c.passage], side, compared)]
            if mine:
                chosen.extend(_covering(mine[0], [c for c in mine[1:] if c.score >= 0.75 * mine[0].score], SIDE_MAX))
        if chosen:
            return chosen
    by_doc: dict[str, list[_Candidate]] = {}
    for c in cands:
        doc = passages[c.passage].doc
        if c.score >= 0.5 * best and len(by_doc.get(doc, [])) < 2:
            by_doc.setdefault(doc, []).append(c)
    return [c for doc in list(by_doc)[:3] for c in by_doc[doc]]


#: At most this many sentences answer for one side of a comparison.
SIDE_MAX = 3


def _speaks_for(c: _Candidate, p: Passage, side: Hints, compared: set[str]) -> bool:
    """Whether a sentence speaks for a side of a comparison. A document on one of the compared
    authorities speaks for it throughout; one on several (a news piece on two visits) speaks for a
    side in the sentences that name it alone, and in those that follow such a sentence until
    another authority is named ("However, despite the praise, inspectors said…" after a paragraph on
    Waltham Forest)."""
    from index.query import _name_pattern

    if not side.authorities:
        return not _about_another(c.text, p.meta, side)
    covered = compared & {p.meta.authority, *p.meta.authorities}
    if len(covered) < 2:
        return not _about_another(c.text, p.meta, side)
    named = {a for a in covered if _name_pattern(a).search(c.text)}
    if named:
        return named <= set(side.authorities)
    last, at = None, -1
    for a in covered:
        for m in _name_pattern(a).finditer(p.text, 0, c.start):
            if m.start() > at:
                last, at = a, m.start()
    return last in side.authorities


def _corrections(question: str, hints: Hints, cands: list[_Candidate], chosen: list[_Candidate],
                 passages: list[Passage]) -> list[_Candidate]:
    """Sentences that set a question's premise straight: the statement it misattributes (shown
    with its true source), the real dates or inspectors of the visit it names, the real figure."""
    out: list[_Candidate] = []
    # The claim is the sentence that states what the question asserts: the one with most of its
    # subject, whatever type of answer the question asks for.
    def subject(c: _Candidate) -> float:
        return c.lexical + c.section + c.dense

    claim = max((c for c in cands if c.supported), key=subject, default=None)
    if claim is not None and not claim.consistent:
        # The claim belongs to another document: show it with its source, and beside it what the
        # documents the question meant say on the same subject, however little.
        out.append(claim)
        # What they say is of the claim's kind: a judgement answers a judgement, a figure a figure.
        kind = next((t for t in ("grade", "percent", "count", "date") if has_type(claim.text, t)), None)
        own = max((c for c in cands if c.consistent and c.lexical + c.section >= COMPARE_MIN
                   and (not kind or has_type(c.text, kind))), key=subject, default=None)
        if own is not None:
            out.append(own)
    docs = {passages[c.passage].doc for c in chosen if c.consistent} or {
        p.doc for p in passages if hints.fits(p.meta)}
    stated_dates = question_dates(question)
    if stated_dates:
        for c in cands:
            p = passages[c.passage]
            if p.doc in docs and not any(d.lower() in p.text.lower() for d in stated_dates) and DAY_DATE.search(c.text):
                out.append(c)
                break
    if hints.people:
        # The sentence naming the visit's inspectors: the most of them, the lead first.
        def named(c: _Candidate) -> tuple[int, int]:
            inspectors = passages[c.passage].meta.inspectors
            return (sum(n in c.text for n in inspectors), bool(inspectors) and inspectors[0] in c.text)

        # The visit the question describes, whether or not the chosen sentences come from it.
        visits = docs | {p.doc for p in passages if p.meta.inspectors and hints.fits(p.meta)}
        wrong = [c for c in cands if passages[c.passage].doc in visits and named(c)[0]
                 and not set(hints.people) & set(passages[c.passage].meta.inspectors)]
        if wrong:
            out.append(max(wrong, key=named))
    numbers = question_numbers(question)
    if numbers:
        holder = next((c for c in cands if any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", c.text) for n in numbers)), None)
        if holder is not None:
            out.append(holder)
            # The figure belongs to something else ("443" is children in care, not on CP plans): the
            # count the question meant, as the documents give it.
            counts = not any(n.endswith("%") for n in numbers)
            # (The stated figure is itself one of the question's subject words, and the meant
            # sentence cannot hold it: the weaker bar of a comparison's second side applies.)
            meant = next((c for c in cands if c is not holder and c.consistent and c.lexical + c.section >= COMPARE_MIN
                          and has_type(c.text, "count" if counts else "percent")), None)
            if meant is not None:
                out.append(meant)
    return out


def _label(p: Passage) -> str:
    """"Monitoring visit letter, Barnet, visited 27–28 November 2018": a visit is known by when it
    took place; other documents by their date."""
    m = p.meta
    kind = m.doc_type if m.doc_type != "other" else (m.title or m.doc)
    when = f"visited {_human_range(m.visit_start, m.visit_end)}" if m.visit_start else _human_date(m.date)
    return ", ".join(x for x in (kind[:1].upper() + kind[1:], m.authority or "", when) if x)


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


def _render(question: str, kind: str, chosen: list[_Candidate], passages: list[Passage]) -> Answer:
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
            text = f"{_label(passages[c.passage])}: {text}"
        sentences.append(Sentence(text=f"{text} [{n}]", cites=(n,)))
        lines.append(("- " if kind == "list" or grouped else "") + f"{text} [{n}]")
    body = "\n".join(lines) if (kind == "list" or grouped) else " ".join(lines)
    citations = [Citation(n=n, passage=passages[i]) for i, n in sorted(numbers.items(), key=lambda kv: kv[1])]
    related = [p for i, p in enumerate(passages) if i not in numbers]
    return Answer(question=question, text=body, abstained=False, citations=citations, related=related,
                  sentences=sentences)

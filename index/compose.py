"""How the chosen sentences make an answer: one or two for a fact, the findings that together cover
the question's subject for a list, the best of each side for a comparison, and the sentence after a
chosen one when it qualifies it or gives its cause."""

from __future__ import annotations

import re

from index.query import Hints
from index.question import asks_to_improve
from index.retrieve import IMPROVE_SECTION
from index.sentences import D_MIN, Candidate, about_another, spoken_of
from index.text import terms
from index.vocabulary import term_match
from index.types import Passage

#: The weaker bar for the second side of a comparison (see compare).
COMPARE_MIN = 0.2
#: The sentence after a chosen one that gives its cause ("Some of the delays are a consequence of…"),
#: refers back to it ("Permanence planning and practice for these children are weak…"), or
#: qualifies it ("However, these changes are still too recent…").
REASON = re.compile(r"\b(?:because|due to|consequence|as a result|caused by|owing to|reasons?|result of)\b", re.I)
ANAPHOR = re.compile(r"^(?:[\w'’,-]+\s+){0,7}?(?:these|those)\s+\w+|"
                     # What the finding before it leads to: "This has a detrimental effect on some children…"
                     r"^(?:This|That|It)\s+(?:has|had|means|meant|leads?|led|results?|resulted|inhibits?|affects?|causes?|"
                     r"caused|creates?|limits?|prevents?|impacts?|hampers?|hinders?|undermines?)\b")
QUALIFIER = re.compile(r"^(?:However|But|Although|Nevertheless|Nonetheless|Despite this|Even so|That said|Yet)\b")
#: A sentence that gives the instances of the one before it ("Some young children live in children's
#: homes for long periods…" → "A small number of children, some as young as eight years old, have
#: drifted for several years…").
INSTANCE = re.compile(r"^(?:A (?:small |large |significant |growing )?(?:number|minority|handful|few) of|(?:Some|Many|Several|"
                      r"Most|A few) of (?:these|them|those|the)|For (?:example|instance)|"
                      # "…are well understood across the partnership. Strong practice was seen in…"
                      r"(?:Strong|Good|Effective|Positive|Innovative) practice (?:was|is|has been) (?:seen|observed|noted))\b")
#: A sentence that adds to the one before it ("Inspectors also raised concerns that referrals…"
#: after "Areas of improvement … include ensuring management oversight…").
ALSO = re.compile(r"^(?:[\w'’,-]+\s+){1,4}?(?:also|too)\b|^(?:In addition|Additionally|Further(?:more)?|Moreover)\b", re.I)


def with_following(chosen: list[Candidate], cands: list[Candidate], pattern: re.Pattern) -> list[Candidate]:
    """Each chosen sentence followed by the next sentence of its passage when that one matches
    ``pattern``: the cause of a finding, for "why…?" ("Some of the delays are a consequence of…"),
    the qualification of a finding ("However, these changes are still too recent…"), or what it
    says of the children it introduced ("Permanence planning for these children is weak")."""
    out: list[Candidate] = []
    for c in chosen:
        out.append(c)
        following = min((d for d in cands if d.passage == c.passage and d.start >= c.end), key=lambda d: d.start,
                        default=None)
        if following is not None and pattern.search(following.text) and following not in chosen + out:
            out.append(following)
    return out


def with_preceding(chosen: list[Candidate], cands: list[Candidate], passages: list[Passage],
                   pattern: re.Pattern) -> list[Candidate]:
    """Each chosen sentence that matches ``pattern`` preceded by the sentence before it in its
    paragraph: what "Inspectors also raised concerns…" adds to is part of the answer too."""
    out: list[Candidate] = []
    for c in chosen:
        if pattern.search(c.text) and not c.bullet:
            before = max((d for d in cands if d.passage == c.passage and d.end <= c.start), key=lambda d: d.end,
                         default=None)
            if before is not None and before.typed and before not in chosen + out \
                    and "\n\n" not in passages[c.passage].text[before.end:c.start]:
                out.append(before)
        out.append(c)
    return out


def fact(cands: list[Candidate]) -> list[Candidate]:
    chosen = [cands[0]]
    for c in cands[1:4]:
        if c.score >= 0.8 * cands[0].score and c.text != chosen[0].text:
            chosen.append(c)
            break
    return chosen


def listing(cands: list[Candidate], passages: list[Passage], query: str, pool: list[Candidate],
          everything: list[Candidate]) -> list[Candidate]:
    """Bullets: for "what needs to improve", the whole list the best evidence belongs to; the list a
    sentence introduces ("…the following:"); else the best few sentences of ``pool``. A whole list
    is taken whole: its every item, not only those that share the question's words."""
    best = cands[0]
    improve = asks_to_improve(query)
    if improve:
        # "What needs to improve?" is answered by the list under such a heading, when one was found.
        # (Any of the list's items will do as its handle, not only those on the subject: "and what did
        # they say needed to improve?" after a question on the MASH is answered by the whole list.)
        # A list under its own heading inside a passage ("QA Areas for Improvement / Priorities for
        # 2022") counts as under such a heading, and one whose heading names the subject ("QA
        # priorities in the SEF?") comes before the others.
        titled = [(c, f"{passages[c.passage].section} {heading(c, passages[c.passage])}") for c in (cands + everything)
                  if c.bullet and c.consistent and c.typed]
        listed = [(c, title) for c, title in titled if IMPROVE_SECTION.search(title)]
        subject = {t for c in everything for t in c.holds}

        def names_subject(title: str) -> bool:
            words = set(terms(title))
            return any(term_match(t, words) for t in subject)

        named = [c for c, title in listed if names_subject(title)]
        best = (named or [c for c, _ in listed] or [best])[0]
    # A passage may hold several lists: the answer is the one the best evidence is in.
    under = heading(best, passages[best.passage])
    items = sorted((c for c in everything if c.passage == best.passage and c.bullet
                    and heading(c, passages[c.passage]) == under), key=lambda c: c.start)
    if len(items) >= 2 and ((improve and best.bullet) or best.text.rstrip().endswith(":")):
        return items[:8]
    return covering(best, [c for c in pool if c is not best], LIST_MAX)


def heading(c: Candidate, p: Passage) -> str:
    """The heading inside ``p`` that ``c`` comes under: the last short line before it standing as a
    paragraph of its own, without a sentence's end ("QA Areas for Improvement / Priorities for
    2022"); "" when there is none."""
    for block in reversed(p.text[:c.start].split("\n\n")):
        line = block.strip()
        if line and "\n" not in line and not line.startswith(("-", "•")) and len(line.split()) <= 12 \
                and line[-1] not in ".!?;\"”’)":
            return line
    return ""


#: At most this many sentences answer a question for a list of findings.
LIST_MAX = 5


#: A further sentence is worth adding when it holds this share of the question's subject that the
#: sentences already chosen do not, or scores this close to the best.
NEW_SUBJECT, CLOSE_SCORE = 0.15, 0.7


def covering(best: Candidate, pool: list[Candidate], most: int) -> list[Candidate]:
    """``best`` and then, greedily, the sentences of ``pool`` that add most of the question's subject
    not yet covered ("strategy discussions and S47s": a sentence for each), or that score almost as
    well as the best; the same sentence found twice is taken once."""
    chosen, covered = [best], dict(best.holds)
    pool = [c for c in pool if c.text != best.text]
    while pool and len(chosen) < most:
        def gain(c: Candidate) -> float:
            return sum(max(0.0, w - covered.get(t, 0.0)) for t, w in c.holds.items())

        pick = max(pool, key=lambda c: (gain(c) >= NEW_SUBJECT, c.score + gain(c)))
        if gain(pick) < NEW_SUBJECT and pick.score < CLOSE_SCORE * best.score:
            break
        chosen.append(pick)
        for t, w in pick.holds.items():
            covered[t] = max(covered.get(t, 0.0), w)
        pool = [c for c in pool if c is not pick and c.text != pick.text]
    return chosen


def compare(cands: list[Candidate], passages: list[Passage], sides: list[Hints],
             everything: list[Candidate]) -> list[Candidate]:
    """The best sentences for each side of the comparison (or each of the best documents when the
    sides are not named), grouped by source: for each side, its best sentence on the subject and
    those that add to it (see covering).

    Once one side clearly answers, the other side's best sentence is shown even when it is weaker
    evidence on its own (it still has to touch the subject): a comparison with one side missing
    would hide what the documents say about the other.
    """
    best = cands[0].score
    if sides:
        chosen: list[Candidate] = []
        compared = {a for side in sides for a in side.authorities}
        for side in sides:
            mine = [c for c in everything if c.typed and (c.lexical + c.section >= COMPARE_MIN or c.dense >= D_MIN)
                    and (side.fits(passages[c.passage].meta, c.text) or side.fits(passages[c.passage].meta))
                    and c not in chosen
                    and _speaks_for(c, passages[c.passage], side, compared)]
            if mine:
                chosen.extend(covering(mine[0], [c for c in mine[1:] if c.score >= 0.75 * mine[0].score], SIDE_MAX))
        if chosen:
            return chosen
    by_doc: dict[str, list[Candidate]] = {}
    for c in cands:
        doc = passages[c.passage].doc
        if c.score >= 0.5 * best and len(by_doc.get(doc, [])) < 2:
            by_doc.setdefault(doc, []).append(c)
    return [c for doc in list(by_doc)[:3] for c in by_doc[doc]]


#: At most this many sentences answer for one side of a comparison.
SIDE_MAX = 3


def _speaks_for(c: Candidate, p: Passage, side: Hints, compared: set[str]) -> bool:
    """Whether a sentence speaks for a side of a comparison. A document on one of the compared
    authorities speaks for it throughout; one on several (a news piece on two visits) speaks for a
    side in the sentences that name it alone, and in those that follow such a sentence until
    another authority is named ("However, despite the praise, inspectors said…" after a paragraph on
    Waltham Forest)."""
    if not side.authorities:
        return not about_another(c.text, p.meta, side)
    covered = compared & {p.meta.authority, *p.meta.authorities}
    if len(covered) < 2:
        return not about_another(c.text, p.meta, side)
    about = spoken_of(c, p, covered)
    return bool(about) and about <= set(side.authorities)


"""Premises: the sentences that set straight what a question wrongly takes for granted — a finding
from another authority's letter, a visit's real dates or inspectors, what a stated figure counts."""

from __future__ import annotations

import re

from index.compose import COMPARE_MIN
from index.query import Hints
from index.question import DAY_DATE, has_type, question_dates, question_numbers
from index.sentences import Candidate
from index.types import Passage

def corrections(question: str, hints: Hints, cands: list[Candidate], chosen: list[Candidate],
                 passages: list[Passage]) -> list[Candidate]:
    """Sentences that set a question's premise straight: the statement it misattributes (shown
    with its true source), the real dates or inspectors of the visit it names, the real figure."""
    out: list[Candidate] = []
    # The claim is the sentence that states what the question asserts: the one with most of its
    # subject, whatever type of answer the question asks for.
    def subject(c: Candidate) -> float:
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
        def named(c: Candidate) -> tuple[int, int]:
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

"""The extractive answerer: sentences chosen from the retrieved passages, each ending in its citation.

Nothing is generated, so nothing can be invented: every sentence of an answer is a sentence of a
cited passage, prefixed at most by a short label saying which document it comes from. When the
best evidence is too weak, or lacks what the question asks for (a name, a date, a number), the
answerer abstains and offers the closest passages as related reading instead of citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.query import Hints, _norm
from index.text import sentence_spans, terms
from index.types import Answer, Citation, Passage, Sentence

ABSTAIN = "I could not find this in the documents."

#: Calibrated on eval/gold/seeds.jsonl (see bench/calibrate.py): below this, answer-
#: able questions are rarer than unanswerable ones.
MIN_SUPPORT = 0.42

_GENERIC = set(terms(
    "say said says tell find found finding findings mention mentioned according document documents ofsted "
    "inspector inspectors inspection letter report think thought note noted describe described explain "
    "give gave given show shows showed about anything something much many main key council local authority "
    "children's services happen happened"))
_PERSON_Q = re.compile(r"\b(?:who|whom|whose|which inspectors?|name of|named|led|lead inspector)\b", re.I)
_DATE_Q = re.compile(r"\b(?:when|what date|which date|what day|which month|what month|how long ago|dated)\b", re.I)
_NUMBER_Q = re.compile(
    r"\b(?:how many|how much|what (?:percentage|proportion|share|number|figure|rate|level|average)|"
    r"which (?:percentage|figure)|per ?cent|%|how often|how quickly|average|caseloads? (?:were|was|are|is))\b", re.I)
_LIST_Q = re.compile(
    r"\b(?:what needs to improve|improve|improvements?|recommendations?|areas? for (?:improvement|development)|"
    r"weakness(?:es)?|strengths?|priorit(?:y|ies)|concerns?|findings|what did .* find|what were|list|actions?|"
    r"worries|issues|problems|what.*(?:good|well)|praised?)\b", re.I)
_COMPARE_Q = re.compile(
    r"\b(?:compare[sd]?|comparison|versus|vs\.?|difference|differ|changed?|since|both|between|"
    r"than|still|again|recurr|repeat(?:ed)?|same|agree|contrast|progress(?:ed)? from)\b", re.I)
_DATE = re.compile(r"\b\d{1,2}(?:\s*(?:and|to|-|–)\s*\d{1,2})?\s+(?:January|February|March|April|May|June|July|"
                   r"August|September|October|November|December)\s+\d{4}\b|\b(?:January|February|March|April|May|"
                   r"June|July|August|September|October|November|December)\s+\d{4}\b|\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z'’-]+)+\b")


@dataclass
class _Candidate:
    passage: int
    start: int
    end: int
    text: str
    lexical: float = 0.0
    dense: float = 0.0
    score: float = 0.0


def question_kind(question: str, hints: Hints) -> str:
    """compare, list or fact: decides how many sentences an answer takes and how it is laid out."""
    if len(hints.authorities) > 1 or len(hints.years) > 1 or (
        _COMPARE_Q.search(question) and (hints.authorities or hints.years or hints.doc_types or hints.home)):
        return "compare"
    if _LIST_Q.search(question) and not (_PERSON_Q.search(question) or _NUMBER_Q.search(question)):
        return "list"
    return "fact"


def expected_type(question: str) -> str | None:
    if _NUMBER_Q.search(question):
        return "number"
    if _PERSON_Q.search(question):
        return "person"
    if _DATE_Q.search(question):
        return "date"
    return None


def answer(question: str, hints: Hints, passages: list[Passage], embedder=None, idf=None) -> Answer:
    """Compose a cited extractive answer to ``question`` from ``passages`` (best first)."""
    if not passages:
        return Answer(question=question, text=ABSTAIN, abstained=True)
    kind = question_kind(question, hints)
    expect = expected_type(question)
    cands = _candidates(passages)
    _score(question, hints, cands, passages, embedder, idf, expect)
    cands.sort(key=lambda c: -c.score)
    best = cands[0] if cands else None
    if best is None or best.score < MIN_SUPPORT or (expect and not any(_has_type(c.text, expect) for c in cands[:3])):
        return Answer(question=question, text=ABSTAIN, abstained=True, related=passages)
    chosen = _choose(kind, cands, passages)
    return _render(question, kind, chosen, passages)


def _candidates(passages: list[Passage]) -> list[_Candidate]:
    out = []
    for i, p in enumerate(passages):
        for a, b in sentence_spans(p.text):
            text = " ".join(p.text[a:b].split())
            text = re.sub(r"^(?:[-•◼▪]\s+)", "", text)
            if len(text.split()) < 4:
                continue
            out.append(_Candidate(i, a, b, text))
    return out


def _score(question: str, hints: Hints, cands: list[_Candidate], passages: list[Passage], embedder, idf,
           expect: str | None) -> None:
    q_terms = [t for t in dict.fromkeys(terms(question)) if t not in _GENERIC]
    for name in hints.authorities:
        q_terms = [t for t in q_terms if t not in terms(name)]
    weights = {t: (idf(t) if idf else 1.0) for t in q_terms}
    total = sum(weights.values()) or 1.0
    dense = np.zeros(len(cands))
    if embedder is not None and cands:
        vectors = embedder.embed([question] + [c.text for c in cands], batch_size=64)
        dense = vectors[1:] @ vectors[0]
    for c, d in zip(cands, dense):
        present = set(terms(c.text + " " + passages[c.passage].section))
        c.lexical = sum(w for t, w in weights.items() if t in present) / total if q_terms else 0.0
        c.dense = float(d)
        prior = 1.0 / (1 + c.passage)
        bonus = 0.0
        if expect:
            bonus = 0.1 if _has_type(c.text, expect) else -0.1
        c.score = 0.45 * c.lexical + 0.45 * c.dense + 0.1 * prior + bonus


def _has_type(text: str, expect: str) -> bool:
    if expect == "number":
        return bool(_NUMBER.search(re.sub(r"\b(?:19|20)\d\d\b", "", text)))
    if expect == "date":
        return bool(_DATE.search(text))
    if expect == "person":
        return bool(_NAME.search(text[1:]))
    return True


def _choose(kind: str, cands: list[_Candidate], passages: list[Passage]) -> list[_Candidate]:
    best = cands[0].score
    if kind == "fact":
        chosen = [cands[0]]
        for c in cands[1:3]:
            if c.score >= 0.9 * best and c.text != chosen[0].text:
                chosen.append(c)
                break
        return chosen
    if kind == "list":
        return [c for c in cands[:6] if c.score >= 0.75 * best][:5]
    # compare: the best one or two sentences from each of the best documents, grouped by source
    by_doc: dict[str, list[_Candidate]] = {}
    for c in cands:
        doc = passages[c.passage].doc
        if c.score >= 0.6 * best and len(by_doc.get(doc, [])) < 2:
            by_doc.setdefault(doc, []).append(c)
    return [c for doc in list(by_doc)[:3] for c in by_doc[doc]]


def _label(p: Passage) -> str:
    m = p.meta
    kind = m.doc_type if m.doc_type != "other" else (m.title or m.doc)
    when = _human_date(m.date or m.visit_start)
    who = m.authority or ""
    return ", ".join(x for x in (kind[:1].upper() + kind[1:], who, when) if x)


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
    if kind == "compare":
        chosen.sort(key=lambda c: (passages[c.passage].meta.date or "", c.passage, c.start))
    elif kind == "list":
        chosen.sort(key=lambda c: (numbers[c.passage], c.start))
    sentences: list[Sentence] = []
    lines: list[str] = []
    for c in chosen:
        n = numbers[c.passage]
        text = c.text if c.text[-1] in ".!?:;\"”'’)" else c.text + "."
        if kind == "compare":
            text = f"{_label(passages[c.passage])}: {text}"
        sentences.append(Sentence(text=f"{text} [{n}]", cites=(n,)))
        lines.append(("- " if kind == "list" else "") + f"{text} [{n}]")
    body = "\n".join(lines) if kind in ("list", "compare") else " ".join(lines)
    citations = [Citation(n=n, passage=passages[i]) for i, n in sorted(numbers.items(), key=lambda kv: kv[1])]
    related = [p for i, p in enumerate(passages) if i not in numbers]
    return Answer(question=question, text=body, abstained=False, citations=citations, related=related,
                  sentences=sentences)

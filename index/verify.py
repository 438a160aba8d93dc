"""Checks a generated answer sentence by sentence against the passages it cites.

A sentence is *supported* when its cited passages say the same thing, either

- lexically: at least ``LEXICAL_SUPPORT`` of the sentence's content terms (``index.text.terms``)
  occur in the best window of two adjacent sentences of a cited passage, together with the
  passage's title, kind, authority, date and section (the prompt showed the model those too); with
  several citations the windows' terms are pooled, so "A and B [1][2]" can draw on both; or
- semantically: its embedding has cosine >= ``EMBED_SUPPORT`` with one sentence of a cited passage.

Either way every figure and named month in the sentence must occur in a cited passage, so an
invented number or date is never supported (a figure is checked for presence, not for what it
counts: "4 inspectors" passes against a passage holding "4 May"), and a negated sentence
("… do not …") needs a negated passage sentence, since the term overlap cannot see "not".
Passage sentences that read as instructions to a model ("ignore previous instructions and
say…") are evidence for nothing: a reply that obeys them finds no support.

Citations to passages that do not exist are removed; the rest are renumbered 1..k in order of
first use, so every ``[n]`` in the text is ``Citation.n``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from index.answer import ABSTAIN
from index.text import sentence_spans, terms
from index.types import Answer, Citation, Passage, Sentence

#: The model's way of saying the passages do not hold the answer (the prompt asks for exactly this).
NOT_IN_DOCUMENTS = "not in the documents"
#: Appended (before the full stop) to a sentence no cited passage supports.
UNVERIFIED = "[unverified]"

# Both thresholds were measured on the seed corpus (467 sentences of five or more terms), checking
# each sentence against every passage-sized run of eight sentences of the *other* documents, i.e.
# the false support a citation to the wrong passage would get (see
# tests/test_llm.py::test_thresholds_separate_wrong_passages, which keeps these figures honest).

#: Share of a sentence's content terms that a cited passage window must contain. Wrong passages
#: reach 0.5 in 2.4 % of pairs, 0.6 in 0.9 %, 0.7 in 0.3 %; 0.6 still lets a faithful paraphrase
#: that keeps most of its nouns through, and the embedding check catches those that do not.
LEXICAL_SUPPORT = 0.6
#: all-MiniLM-L6-v2 cosine between the sentence and its closest cited passage sentence. Wrong
#: passages reach 0.7 in 0.6 % of pairs, 0.75 in 0.2 %, 0.8 in 0.1 %; the first 60 % of a sentence
#: against the whole sentence (a crude stand-in for a shortened paraphrase) reaches 0.75 in 70 %.
#: Against the single most similar passage in the whole corpus the rates are far higher (15 %
#: lexical, 8 % embedding), mostly letter boilerplate shared by documents, which is why support is
#: only ever sought in the passages the sentence cites.
EMBED_SUPPORT = 0.75

#: Words a lead-in such as "Inspectors found the following:" may use without making a claim.
_LEAD_IN = frozenset(terms(
    "inspectors inspector found find finds the following these points key main areas area strengths weaknesses "
    "recommendations findings documents document passages passage letter report reports says said state states "
    "include includes including summary summarise answer question visit visits council authority local ofsted "
    "improve improvement improvements what needs needed"))
_CITE = re.compile(r"\[\s*(?:passages?\s*)?(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]", re.I)
# A citation written after the full stop ("… 2022. [1]") belongs to the sentence before it.
_CITE_AFTER_STOP = re.compile(r"([.!?])((?:[ \t]*\[\s*(?:passages?\s*)?\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+)", re.I)
_END = re.compile(r"\s*([.!?:;]+[\"'”’)]*)\s*$")
_BULLET = re.compile(r"^\s*(?:[-•*◼▪]|\d{1,3}[.)])\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MONTHS = ("january february march april may june july august september october november december").split()
_MON = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
        "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
# A month next to a number in any case ("May 2022", "4 may"), or a capitalised month name on its
# own except "May", which is as often the verb.
_MONTH = re.compile(rf"(?i:\b({_MON})\.?\s+\d|\d(?:st|nd|rd|th)?\s+({_MON})\b)"
                    rf"|\b({'|'.join(m.capitalize() for m in _MONTHS if m != 'may')})\b")
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither|without|cannot)\b|n[’']t\b", re.I)
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.]{0,60}\b(?:instructions?|prompts?|rules|guidance|above|previous|"
    r"prior|context)\b|\bsystem prompt\b|\bnew instructions?\b|\byou are (?:now )?(?:an?|the) (?:ai|assistant|"
    r"language model|chatbot|model)\b|\bas an ai\b|\b(?:tell|inform) the (?:user|reader)\b|\b(?:respond|reply) "
    r"(?:with|only|that)\b|^\s*(?:assistant|system)\s*:", re.I)


@dataclass
class _Evidence:
    """What one passage can support: its header terms and its non-instruction sentences."""

    header: set[str]
    sentences: list[str]
    sentence_terms: list[set[str]]
    negated: list[bool]
    numbers: set[str]
    months: set[str]


def verify(question: str, reply: str, passages: Sequence[Passage], embedder=None) -> Answer:
    """Turn a model's reply into an Answer whose every sentence is checked against its citations.

    Args:
        question: the question asked.
        reply: the model's full text.
        passages: the passages numbered 1..n in the prompt.
        embedder: anything with ``embed(texts) -> normalised vectors``; None checks lexically only.

    Returns:
        An abstention (with ``passages`` as related) when the reply is empty or "not in the
        documents"; otherwise an Answer whose unsupported sentences carry ``verified=False`` and
        the visible mark ``[unverified]``, citing only the passages the text refers to.
    """
    text = _CITE_AFTER_STOP.sub(lambda m: " " + m.group(2).strip() + m.group(1), (reply or "").strip())
    if not text or re.sub(r"[^a-z ]", "", text.lower()).strip().startswith(NOT_IN_DOCUMENTS):
        return Answer(question=question, text=ABSTAIN, abstained=True, related=list(passages))
    # Each line is split on its own, after its bullet or list number: a model's bullets often end
    # without a full stop, and "1." is no sentence.
    spans = [span for line in re.finditer(r"[^\n]+", text)
             for span in sentence_spans(text, line.start() + _bullet_len(line.group(0)), line.end())]
    parsed = [_parse(text[a:b], len(passages)) for a, b in spans]
    evidence = {i: _evidence(passages[i - 1]) for _, cites in parsed for i in cites}
    supported = _support(parsed, evidence, embedder)

    numbers: dict[int, int] = {}
    sentences: list[Sentence] = []
    for claim, cites in parsed:
        for i in cites:
            numbers.setdefault(i, len(numbers) + 1)
    out = text
    for (a, b), (claim, cites), ok in reversed(list(zip(spans, parsed, supported))):
        # Spans are replaced from the end so the earlier offsets still hold.
        marks = [numbers[i] for i in cites]
        out = out[:a] + _render(claim, marks, ok) + out[b:]
        sentences.append(Sentence(text=_render(claim, marks, True), cites=tuple(marks), verified=ok))
    sentences.reverse()
    good = {n for s in sentences if s.verified for n in s.cites}
    citations = [Citation(n=n, passage=passages[i - 1], verified=n in good)
                 for i, n in sorted(numbers.items(), key=lambda kv: kv[1])]
    related = [p for i, p in enumerate(passages, 1) if i not in numbers]
    return Answer(question=question, text=out, abstained=False, citations=citations, related=related,
                  sentences=sentences)


def _bullet_len(line: str) -> int:
    m = _BULLET.match(line)
    return m.end() if m else 0


def _parse(sentence: str, n_passages: int) -> tuple[str, list[int]]:
    """(the sentence without citation markers, its valid passage numbers in order, deduplicated)."""
    cites: list[int] = []
    for m in _CITE.finditer(sentence):
        for part in re.split(r"[,;]", m.group(1)):
            n = int(part)
            if 1 <= n <= n_passages and n not in cites:
                cites.append(n)
    claim = re.sub(r"[ \t]+([.!?,;:])", r"\1", _CITE.sub("", sentence))
    return re.sub(r"[ \t]{2,}", " ", claim).strip(), cites


def _render(claim: str, cites: list[int], verified: bool) -> str:
    """``claim`` with its markers and any unverified mark placed before its closing punctuation."""
    m = _END.search(claim)
    body, end = (claim[:m.start()], m.group(1)) if m else (claim, "")
    marks = "".join(f"[{n}]" for n in cites)
    tail = " ".join(x for x in (marks, "" if verified else UNVERIFIED) if x)
    return f"{body} {tail}{end}" if tail else f"{body}{end}"


def _evidence(p: Passage) -> _Evidence:
    m = p.meta
    header = " ".join(x for x in (m.title, m.doc_type, m.authority or "", _words_date(m.date),
                                  _words_date(m.visit_start), _words_date(m.visit_end), p.section) if x)
    sentences = [p.text[a:b] for a, b in sentence_spans(p.text)]
    sentences = [s for s in sentences if not _INSTRUCTION.search(s)]
    body = " ".join([header, *sentences])
    return _Evidence(header=set(terms(header)), sentences=sentences,
                     sentence_terms=[set(terms(s)) for s in sentences], negated=[_negated(s) for s in sentences],
                     numbers=_numbers(body) | _number_words(body), months=_months(body))


def _support(parsed: list[tuple[str, list[int]]], evidence: dict[int, _Evidence], embedder) -> list[bool]:
    """For each (claim, cites): does some cited passage support it (see the module docstring)?

    An uncited sentence passes only as a lead-in: it ends with a colon and uses no words beyond
    ``_LEAD_IN``, so "Inspectors found the following:" passes and "The council is outstanding:" fails.
    """
    verdicts: list[bool | None] = []
    for claim, cites in parsed:
        wanted = set(terms(claim))
        if not cites:
            verdicts.append(claim.rstrip().endswith(":") and wanted <= _LEAD_IN and not _numbers(claim))
            continue
        if not wanted or not _facts_present(claim, [evidence[i] for i in cites]):
            verdicts.append(False)
            continue
        covered: set[str] = set()
        for i in cites:
            covered |= _best_window(wanted, evidence[i], _negated(claim))
        verdicts.append(True if len(covered) / len(wanted) >= LEXICAL_SUPPORT else None)
    pending = [k for k, v in enumerate(verdicts) if v is None]
    if pending and embedder is not None:
        # One embedding call for every pending claim and every sentence of the passages they cite.
        cited = sorted({i for k in pending for i in parsed[k][1]})
        texts = [parsed[k][0] for k in pending] + [s for i in cited for s in evidence[i].sentences]
        vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
        rows, at = {}, len(pending)
        for i in cited:
            rows[i] = vectors[at:at + len(evidence[i].sentences)]
            at += len(evidence[i].sentences)
        for j, k in enumerate(pending):
            negated = _negated(texts[j])
            sims = [float(np.max(rows[i][keep] @ vectors[j])) for i in parsed[k][1]
                    if (keep := [not negated or n for n in evidence[i].negated]) and any(keep)]
            verdicts[k] = bool(sims) and max(sims) >= EMBED_SUPPORT
    return [bool(v) for v in verdicts]


def _best_window(wanted: set[str], ev: _Evidence, negated: bool) -> set[str]:
    """The claim terms found in the header plus the best pair of adjacent passage sentences.

    A negated claim ("… do not …") can only be supported by a window that negates something too:
    the stop words that carry negation are invisible to the term overlap.
    """
    best = wanted & ev.header
    for k in range(len(ev.sentence_terms)):
        if negated and not any(ev.negated[k:k + 2]):
            continue
        window = ev.header | ev.sentence_terms[k] | (ev.sentence_terms[k + 1] if k + 1 < len(ev.sentence_terms)
                                                     else set())
        hit = wanted & window
        if len(hit) > len(best):
            best = hit
    return best


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def _facts_present(claim: str, cited: list[_Evidence]) -> bool:
    """Every number and named month of ``claim`` occurs in at least one cited passage."""
    numbers = set().union(*(ev.numbers for ev in cited))
    months = set().union(*(ev.months for ev in cited))
    return _numbers(claim) <= numbers and _months(claim) <= months


def _numbers(text: str) -> set[str]:
    """Figures in ``text``, thousands separators dropped: '1,200' and '1200' are the same figure."""
    out = set()
    for m in _NUMBER.finditer(text):
        value = re.sub(r",(?=\d{3}\b)", "", m.group(0))
        out.update(value.split(",")) if "," in value else out.add(value)
    return out


def _number_words(text: str) -> set[str]:
    """Figures written as words in a passage ('three inspectors'), so a claim may give them as digits."""
    return {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}


def _months(text: str) -> set[str]:
    """Months named in ``text`` as dates ('May 2022', '4 May', 'in September'), as 3-letter keys."""
    return {next(g for g in m.groups() if g)[:3].lower() for m in _MONTH.finditer(text)}


def _words_date(iso: str | None) -> str:
    if not iso or not re.match(r"\d{4}-\d{2}-\d{2}", iso):
        return iso or ""
    return f"{int(iso[8:10])} {_MONTHS[int(iso[5:7]) - 1].capitalize()} {iso[:4]} {iso}"

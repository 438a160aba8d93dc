"""The evaluation metrics: one small pure function each, no model and no LLM.

Conventions used by every function here:

* Text is compared after :func:`normalise`: the markdown ``**`` markers deleted, every run of
  white space (line breaks, non-breaking spaces) collapsed to one space, curly apostrophes and
  quotes made straight, and case folded.
* A *target* is one piece of gold evidence: a gold quote's text, or, for a question scored by
  document (no quotes), one gold document name. A retrieved passage *finds* a quote target when the
  normalised quote is a substring of the normalised passage text, and a document target when the
  passage's document is that document.
* A value of ``None`` means "does not apply" (e.g. retrieval metrics of an unanswerable question);
  aggregates skip it.
"""

from __future__ import annotations

import math
import re
from typing import Callable, Iterable, Sequence

from index.text import terms

#: A sentence is lexically supported by a passage when at least this share of its content terms occur in it.
SUPPORT_THRESHOLD = 0.6

_MARKER = re.compile(r"\[(\d+)\]")
_STRAIGHTEN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """Delete ``**``, straighten curly quotes, collapse white space to single spaces, fold case."""
    return " ".join(text.replace("**", "").translate(_STRAIGHTEN).split()).casefold()


# -- retrieval ------------------------------------------------------------------------------------
def found_targets(passage_text: str, passage_doc: str, quotes: Sequence[str], docs: Sequence[str]) -> set[int]:
    """Indices of the targets this passage finds: quotes are targets 0..len(quotes)-1, then ``docs``.

    ``quotes`` and ``passage_text`` are compared normalised; when ``quotes`` is non-empty ``docs``
    is ignored (a question with quotes is scored by its quotes only).
    """
    if quotes:
        text = normalise(passage_text)
        return {i for i, q in enumerate(quotes) if normalise(q) in text}
    return {i for i, d in enumerate(docs) if d == passage_doc}


def hit_at_k(found: Sequence[set[int]], k: int) -> float | None:
    """1.0 if any of the first ``k`` retrieved passages finds any target, else 0.0.

    ``found[i]`` is the set of targets passage i (rank i+1) finds, from :func:`found_targets`.
    """
    return 1.0 if any(found[:k]) else 0.0


def reciprocal_rank(found: Sequence[set[int]]) -> float:
    """1 / the rank (1-based) of the first retrieved passage that finds a target; 0.0 if none does.

    The mean over questions is MRR.
    """
    for rank, targets in enumerate(found, 1):
        if targets:
            return 1.0 / rank
    return 0.0


def target_recall_at_k(found: Sequence[set[int]], n_targets: int, k: int) -> float | None:
    """The share of the ``n_targets`` targets found by the first ``k`` passages (None if no targets)."""
    if n_targets == 0:
        return None
    return len(set().union(*found[:k])) / n_targets


def ndcg_at_k(found: Sequence[set[int]], n_targets: int, k: int) -> float | None:
    """Normalised discounted cumulative gain over the first ``k`` passages, with binary gains per target.

    Each target earns 1 / log2(rank + 1) at the rank of the first passage that finds it (found
    again lower down, it earns nothing more). The ideal is every target found at ranks 1, 2, …,
    min(k, n_targets); the result is gained / ideal, capped at 1.0 (one passage can hold two quotes).
    None if the question has no targets.
    """
    if n_targets == 0:
        return None
    seen: set[int] = set()
    gained = 0.0
    for rank, targets in enumerate(found[:k], 1):
        new = targets - seen
        gained += len(new) / math.log2(rank + 1)
        seen |= new
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(k, n_targets) + 1))
    return min(1.0, gained / ideal)


def context_tokens(passage_texts: Iterable[str], count: Callable[[str], int]) -> int:
    """Total tokens of the retrieved passages' texts, counted by ``count`` (index.text.count_tokens)."""
    return sum(count(t) for t in passage_texts)


# -- answers --------------------------------------------------------------------------------------
def key_share(answer_text: str, keys: Sequence[str]) -> float | None:
    """The share of ``keys`` that occur in the answer, compared normalised (None if no keys)."""
    if not keys:
        return None
    text = normalise(answer_text)
    return sum(normalise(k) in text for k in keys) / len(keys)


def answer_words(answer_text: str) -> int:
    """Words (white-space separated) in the answer, citation markers included: a long answer can
    hold every key by quoting a whole block, so key strings are read beside it."""
    return len(answer_text.split())


def missing_keys(answer_text: str, keys: Sequence[str]) -> list[str]:
    """The keys that do not occur in the answer (compared normalised)."""
    text = normalise(answer_text)
    return [k for k in keys if normalise(k) not in text]


def citation_markers(answer_text: str) -> list[int]:
    """Every citation marker ``[n]`` in the answer text, in order, repeats included."""
    return [int(m) for m in _MARKER.findall(answer_text)]


def citation_validity(answer_text: str, citation_numbers: Iterable[int]) -> float | None:
    """The share of ``[n]`` markers in the answer whose n is the number of a returned citation.

    None when the answer has no markers (an abstention, or an answer that cites nothing).
    """
    markers = citation_markers(answer_text)
    if not markers:
        return None
    valid = set(citation_numbers)
    return sum(m in valid for m in markers) / len(markers)


def term_coverage(sentence: str, passage_text: str) -> float:
    """The share of the sentence's distinct content terms (index.text.terms, ``[n]`` markers removed)
    that also occur among the passage's terms; 1.0 for a sentence with no content terms."""
    wanted = set(terms(_MARKER.sub(" ", sentence)))
    if not wanted:
        return 1.0
    return len(wanted & set(terms(passage_text))) / len(wanted)


def supports(sentence: str, passage_text: str, threshold: float = SUPPORT_THRESHOLD) -> bool:
    """True when :func:`term_coverage` of the sentence by the passage is at least ``threshold`` (0.6)."""
    return term_coverage(sentence, passage_text) >= threshold


def holds_quote(passage_text: str, quotes: Sequence[str]) -> bool:
    """True when the normalised passage text contains any normalised gold quote."""
    text = normalise(passage_text)
    return any(normalise(q) in text for q in quotes)


def citation_support(cited: Sequence[tuple[str, str | None]], quotes: Sequence[str],
                     threshold: float = SUPPORT_THRESHOLD) -> float | None:
    """The share of (sentence, cited passage text) pairs in which the passage holds a gold quote or
    :func:`supports` the sentence. A pair whose passage is None (an invalid marker) is unsupported.

    One pair per citation marker in the answer. None when the answer cites nothing.
    """
    if not cited:
        return None
    ok = sum(p is not None and (holds_quote(p, quotes) or supports(s, p, threshold)) for s, p in cited)
    return ok / len(cited)


def groundedness(sentences: Sequence[tuple[str, Sequence[str]]], threshold: float = SUPPORT_THRESHOLD) -> float | None:
    """The share of answer sentences that at least one of their cited passages :func:`supports`.

    ``sentences`` holds (sentence text, texts of the passages it cites); a sentence citing nothing
    is unsupported. None when the answer has no sentences (an abstention).
    """
    if not sentences:
        return None
    return sum(any(supports(s, p, threshold) for p in ps) for s, ps in sentences) / len(sentences)


def abstention_precision(expected: Sequence[bool], abstained: Sequence[bool]) -> float | None:
    """Of the questions the assistant abstained on, the share that are unanswerable.

    ``expected[i]`` is True when question i is unanswerable (abstaining is right). None if it never abstained.
    """
    n = sum(abstained)
    if n == 0:
        return None
    return sum(e and a for e, a in zip(expected, abstained)) / n


def abstention_recall(expected: Sequence[bool], abstained: Sequence[bool]) -> float | None:
    """Of the unanswerable questions (``expected`` True), the share the assistant abstained on (None if none)."""
    n = sum(expected)
    if n == 0:
        return None
    return sum(e and a for e, a in zip(expected, abstained)) / n


def false_premise_handled(answer_text: str, abstained: bool, keys: Sequence[str]) -> bool:
    """True when the answer does not abstain and contains every correcting key (compared normalised)."""
    return not abstained and not missing_keys(answer_text, keys)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) of ``values`` by linear interpolation between closest ranks; None if empty."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that are not None; None if there are none."""
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None

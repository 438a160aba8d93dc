"""Text utilities shared by ingestion and answering: token counts, sentences, keyword terms."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

_ABBREVIATIONS = {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "no", "nos", "st", "vs", "cf", "approx", "inc",
                  "ltd", "para", "paras", "fig", "ofsted.gov", "gov", "www"}
_SENTENCE_END = re.compile(r"[.!?](?:[\"'”’)\]]*)(?=\s+)")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@functools.lru_cache(maxsize=1)
def _encoding():
    # tiktoken's cl100k_base ships in llama-index-core's cache, so counting works offline.
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        import importlib.util

        spec = importlib.util.find_spec("llama_index.core")
        if spec and spec.submodule_search_locations:
            cache = Path(list(spec.submodule_search_locations)[0]) / "_static" / "tiktoken_cache"
            if cache.is_dir():
                os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    """Tokens in ``text`` as counted by tiktoken's cl100k_base."""
    return len(_encoding().encode(text, disallowed_special=()))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences in text[start:end], whitespace trimmed.

    A sentence ends at . ! or ? followed by white space, unless the word before is a known
    abbreviation or a single initial; a line break that starts a bullet ("- ") or a numbered
    paragraph also ends one, and so does a blank line.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cut = start
    for piece_start, piece_end in _blocks(text, start, end):
        cut = piece_start
        for m in _SENTENCE_END.finditer(text, piece_start, piece_end):
            word = re.search(r"([A-Za-z.]+)$", text[max(piece_start, m.start() - 12):m.start()])
            if word and (word.group(1).lower().rstrip(".") in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
            nxt = re.match(r"\s+(\S)", text[m.end():m.end() + 8])
            if nxt and nxt.group(1).islower():
                continue
            _add(spans, text, cut, m.end())
            cut = m.end()
        _add(spans, text, cut, piece_end)
    return spans


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split at blank lines and at line breaks that begin a bullet or numbered paragraph."""
    bounds = [start]
    for m in re.finditer(r"\n\s*\n|\n(?=\s*(?:[-•◼▪]\s|\d{1,3}\.\s))", text[start:end]):
        bounds.extend((start + m.start(), start + m.end()))
    bounds.append(end)
    return [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]


def _add(spans: list[tuple[int, int]], text: str, a: int, b: int) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        spans.append((a, b))


_STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves
""".split())


#: "wasn't", "we're", "I'm", "he'd": a pronoun or an auxiliary with its ending, stop words both.
_CONTRACTION = re.compile(r"(?:n't|'re|'m|'ve|'ll|'d)$")


def terms(text: str) -> list[str]:
    """Lower-case word terms with stop words removed and a light plural/suffix folding."""
    out = []
    for w in _WORD.findall(text.lower().replace("’", "'")):
        w = w.replace("'s", "")
        if w in _STOPWORDS or (len(w) == 1 and not w.isdigit()) or _CONTRACTION.search(w):
            continue
        out.append(stem(w))
    return out


#: Changes whenever ``terms`` would split or stem a text differently: an index of terms saved
#: under another version is rebuilt (see index.keyword).
TERMS_VERSION = 4


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light stemmer: plurals and common verb endings, nothing that merges distinct words.
    "Speed", "proceed" and "embed" end in "ed" without being past tenses; "embedded" and "referred"
    double a consonant that "embed" and "refer" have once. A silent final "e" goes, so that "improve"
    and "grade" meet "improved" and "graded" (improv, grad)."""
    if word.isdigit() or len(word) <= 3 or word in _NOT_PAST:
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ings", ""), ("ing", ""), ("edly", ""),
                         ("ed", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "ed" and word.endswith("eed"):
                return word
            base = word[: len(word) - len(suffix)] + repl
            if suffix in ("ed", "ing", "ings") and len(base) >= 4 and base[-1] == base[-2] and base[-1] in "bdgmnprt":
                base = base[:-1]
            return _silent_e(base)
    return _silent_e(word)


def _silent_e(word: str) -> str:
    # ("A rate" of agency staff is not what "rated" inspections were: it keeps its "e".)
    return word[:-1] if len(word) >= 4 and word.endswith("e") and not word.endswith("ee") and word != "rate" else word


_NOT_PAST = frozenset({"embed", "hundred", "sacred", "kindred"})

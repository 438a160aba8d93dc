"""Hybrid retrieval: dense (Chroma) and BM25 fused by reciprocal rank, boosted by query hints,
restricted by filters, with adjacent passages merged inside a token budget."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.docstore import DocStore
from index.embedder import Embedder
from index.keyword import KeywordIndex
from index.query import Filters, Hints, abbreviate, expand
from index.question import _IMPROVE_Q, SCOPE, VERDICT_Q, keyword_query
from index.sentences import DOCUMENT_FACTS
from index.settings import Settings
from index.store import VectorStore, date_key
from index.text import count_tokens
from index.types import Chunk, DocumentMeta, Passage

RRF_K = 60
CANDIDATES = 40
#: A filter that leaves at most this many chunks is searched exactly (see Retriever._exact).
EXACT_LIMIT = 2000
DENSE_WEIGHT = 0.5
KEYWORD_WEIGHT = 1.5
HINT_WEIGHT = 0.5
TYPE_WEIGHT = 0.6      # passage holds what the question asks for (a name, a date, a figure)
SECTION_WEIGHT = 1.0   # an improvement question meets a "What needs to improve" section
FUSION = "score"
#: A focused search (a comparison's side) re-scores its leading candidates by their best sentence.
SENTENCE_WEIGHT = 0.5
FOCUS_CANDIDATES = 15
OVERVIEW_WEIGHT = 1.0  # a question for a verdict meets a letter's overview
OVERVIEW_SECTION = re.compile(r"overview|headline|summary|key (?:messages|findings)|overall", re.I)
#: A passage that only says what a visit looked at, by whom and when weighs this much less, in full
#: (see Retriever._remit_share), for a question on what was found.
REMIT_PENALTY = 0.5
#: A sentence on what a visit looked at (SCOPE), when and by whom: a letter's opening.
REMIT_SENTENCE = re.compile(SCOPE.pattern + r"|^\s*this letter summarises\b|"
                            r"\bvisit was carried out in line with\b|^\s*(?:the\s+)?(?:lead\s+|team\s+)?inspectors?\s+"
                            r"(?:for this visit\s+)?(?:were|was)\b|^\s*Her Majesty['’]s Inspectors for\b|"
                            r"\bquality assurance manager was\b", re.I)
#: A question on who was on a visit ("was there an observer?"), which its opening answers.
_VISIT_ROLE = re.compile(r"\b(?:which|how many|names? of(?: the)?) (?:inspectors?|hmis?)\b|\b(?:observers?|observing|"
                         r"shadow\w*|quality assurance manager|qa manager|(?:lead|team) inspectors?|led|who)\b", re.I)
#: A section that is all remit.
REMIT_SECTION = re.compile(r"\bareas? covered\b|\bscope of\b|\bwhat (?:we|inspectors) looked at\b", re.I)
#: A short line standing alone inside a passage, not a bullet or a sentence: a heading.
_INNER_HEADING = re.compile(r"(?:^|\n\n)([A-Z][^\n.!?:;]{2,80})(?=\n\n)")
IMPROVE_SECTION = re.compile(r"improve|areas? (?:for|requiring)|recommend|priorit|next steps|what next", re.I)


@dataclass
class Retrieval:
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)
    dense: list[tuple[str, float]] = field(default_factory=list)
    keyword: list[tuple[str, float]] = field(default_factory=list)


class Retriever:
    """Finds the passages that answer a question. Collaborators are passed in or built lazily."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, vectors: VectorStore | None = None,
                 docstore: DocStore | None = None, mode: str = "hybrid"):
        self.settings = settings
        self.embedder = embedder or Embedder(settings.embed_model, runtime="auto")
        self.vectors = vectors or VectorStore(settings)
        self.docstore = docstore or DocStore(Path(settings.index) / "docstore.sqlite")
        self.keyword = KeywordIndex(Path(settings.index))
        self.mode = mode  # hybrid, dense or keyword (the last two for measurement)
        self._metas: dict[str, DocumentMeta] = {}
        self._row_meta: list[DocumentMeta] = []
        self._generation = -1

    # -- state derived from the document store ------------------------------------------------
    def refresh(self) -> None:
        """Reload metadata and the keyword index when the store changed since the last query."""
        generation = self.docstore.generation
        if generation == self._generation:
            return
        self.keyword.ensure(self.docstore)
        self._metas = self.docstore.metas()
        self._chunk_doc = {c.id: c.doc for c in self.docstore.chunks()}
        self._row_meta = [self._metas[self._chunk_doc[cid]] for cid in self.keyword.ids]
        self._doc_chunks: dict[str, list[str]] = {}
        for cid, doc in self._chunk_doc.items():
            self._doc_chunks.setdefault(doc, []).append(cid)
        self._vector_cache: dict[str, np.ndarray] = {}
        self._remit_cache: dict[str, float] = {}
        self._generation = generation

    @property
    def metas(self) -> dict[str, DocumentMeta]:
        self.refresh()
        return self._metas

    def check_model(self) -> None:
        self.vectors.check_model(self.settings.embed_model)

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str, filters: Filters | None = None, hints: Hints | None = None,
               k: int | None = None, budget: int | None = None, kinds: tuple[str, ...] = (),
               focus: bool = False) -> Retrieval:
        """The best passages for ``query``: at most ``k`` within ``budget`` context tokens.

        ``focus`` re-scores the leading candidates by their best single sentence (see _focus).

        ``kinds``, when given, keeps passages of those kinds of document, applied to the fused
        candidates rather than passed to Chroma: a filter that removes little (every ILACS report
        is an inspection) would cost Chroma's filtered search far more than it saves.
        """
        self.refresh()
        filters = filters or Filters()
        hints = hints or Hints()
        # The documents' abbreviation of what the question spells out ("independent reviewing
        # officers": IROs) is searched for too; what it abbreviates is spelled out for both searches.
        spelled = abbreviate(query)
        query = expand(query)
        k = k or self.settings.k
        budget = budget or self.settings.context_tokens
        timings: dict[str, float] = {}
        filters = self._canonical(filters)
        allowed = {d for d, m in self._metas.items() if filters.admits(m)} if filters else None

        dense: list[tuple[str, float]] = []
        if self.mode in ("hybrid", "dense") and (allowed is None or allowed):
            t = time.perf_counter()
            vector = self.embedder.embed_query(query)
            timings["embed_query"] = _ms(t)
            t = time.perf_counter()
            few = [cid for d in sorted(allowed) for cid in self._doc_chunks.get(d, ())] if allowed is not None else None
            if few is not None and len(few) <= EXACT_LIMIT:
                dense = self._exact(vector, few)
            else:
                dense = [(i, s) for i, s in self.vectors.query(vector, CANDIDATES, _where(filters))
                         if i in self._chunk_doc]  # only committed chunks count
            timings["dense"] = _ms(t)
        keyword: list[tuple[str, float]] = []
        if self.mode in ("hybrid", "keyword") and (allowed is None or allowed):
            t = time.perf_counter()
            mask = None
            if allowed is not None:
                mask = np.fromiter((m.doc in allowed for m in self._row_meta), dtype=bool, count=len(self._row_meta))
            keyword = self.keyword.search(" ".join([keyword_query(query), *spelled]), CANDIDATES, mask)
            timings["keyword"] = _ms(t)

        t = time.perf_counter()
        fused = self._fuse(dense, keyword, hints, query)
        if focus:
            fused = self._focus(fused, query, hints)
        if kinds:
            fused = [(cid, sc) for cid, sc in fused if self._metas[self._chunk_doc[cid]].doc_type in kinds] or fused
        passages = self._select(fused, k, budget)
        timings["fusion"] = _ms(t)
        return Retrieval(passages, timings, dense, keyword)

    def _exact(self, vector: np.ndarray, ids: list[str]) -> list[tuple[str, float]]:
        """Cosine similarity against every one of ``ids``, best CANDIDATES first. A filtered HNSW
        search in Chroma costs 15–40 ms on the ILACS index; a few hundred dot products cost nothing,
        and the vectors, read from Chroma by id, are kept for the next question."""
        missing = [i for i in ids if i not in self._vector_cache]
        if missing:
            self._vector_cache.update(self.vectors.vectors(missing))
        ids = [i for i in ids if i in self._vector_cache]
        if not ids:
            return []
        sims = np.stack([self._vector_cache[i] for i in ids]) @ vector
        top = np.argsort(-sims)[:CANDIDATES]
        return [(ids[j], float(sims[j])) for j in top]

    def _canonical(self, filters: Filters) -> Filters:
        """Filters with authority names spelled as the index stores them ("barnet" → "Barnet")."""
        if not filters.authorities:
            return filters
        from dataclasses import replace

        from index.query import _norm

        stored = {_norm(m.authority): m.authority for m in self._metas.values() if m.authority}
        return replace(filters, authorities=tuple(stored.get(_norm(a), a) for a in filters.authorities))

    def _fuse(self, dense: list[tuple[str, float]], keyword: list[tuple[str, float]],
              hints: Hints, query: str) -> list[tuple[str, float]]:
        from index.question import expected_type, has_type

        scores: dict[str, float] = {}
        if FUSION == "rrf":
            for weight, ranked in ((DENSE_WEIGHT, dense), (KEYWORD_WEIGHT, keyword)):
                for rank, (cid, _) in enumerate(ranked):
                    scores[cid] = scores.get(cid, 0.0) + weight / (RRF_K + rank + 1)
        else:  # weighted sum of max-normalised scores
            for weight, ranked in ((DENSE_WEIGHT, dense), (KEYWORD_WEIGHT, keyword)):
                top = max((s for _, s in ranked), default=0.0) or 1.0
                for cid, sc in ranked:
                    scores[cid] = scores.get(cid, 0.0) + weight * max(sc, 0.0) / top
        expect = expected_type(hints.topic or query)
        improve = bool(_IMPROVE_Q.search(hints.topic or query))
        # (One for a grade is not: "How was Norfolk judged overall?" is answered by the judgements' table.)
        verdict = not expect and bool(VERDICT_Q.search(hints.topic or query))
        # What a visit set out to look at ("Inspectors considered… the 'front door'", "Areas covered by
        # the visit") shares the words of every question on what it found, and answers none of them.
        # (Not for what it said to improve: which visit "the front door visit" is, its remit says; nor
        # for who was on it: "was there an observer on the 2022 visit?")
        remit = expect not in DOCUMENT_FACTS and not improve and not _VISIT_ROLE.search(hints.topic or query)
        if expect or improve or verdict:
            chunks = self.docstore.chunks_by_id(scores)
        elif remit:
            # Only the remit share is wanted: the chunks already measured need not be read again.
            chunks = self.docstore.chunks_by_id([cid for cid in scores if cid not in self._remit_cache])
        else:
            chunks = {}
        for cid in scores:
            factor = 1.0
            if hints.kinds or hints.people:
                # A passage from a document the question points at (its authority, year, kind)
                # outranks an equally relevant one from elsewhere.
                factor += HINT_WEIGHT * hints.matches(self._metas[self._chunk_doc[cid]])
            chunk = chunks.get(cid)
            if chunk is not None and expect and has_type(chunk.text, expect):
                factor += TYPE_WEIGHT
            if chunk is not None and improve and (IMPROVE_SECTION.search(chunk.section) or any(
                    IMPROVE_SECTION.search(h) for h in _INNER_HEADING.findall(chunk.text))):
                # (A slide's own heading inside a passage counts: "QA Areas for Improvement / Priorities".)
                factor += SECTION_WEIGHT
            if chunk is not None and verdict and OVERVIEW_SECTION.search(chunk.section):
                factor += OVERVIEW_WEIGHT
            if remit:
                share = self._remit_share(chunk) if chunk is not None else self._remit_cache.get(cid)
                factor *= 1.0 - REMIT_PENALTY * (share or 0.0)
            scores[cid] *= factor
        return sorted(scores.items(), key=lambda kv: -kv[1])

    def _remit_share(self, chunk: Chunk) -> float:
        """The share of a chunk's sentences that say what a visit looked at, who inspected and when,
        rather than what was found (cached: chunks do not change under an id)."""
        share = self._remit_cache.get(chunk.id)
        if share is None:
            from index.text import sentence_spans

            spans = sentence_spans(chunk.text)
            said = sum(bool(REMIT_SENTENCE.search(chunk.text[a:b])) for a, b in spans)
            share = self._remit_cache[chunk.id] = 1.0 if REMIT_SECTION.search(chunk.section) else (
                said / len(spans) if spans else 0.0)
        return share

    def _focus(self, fused: list[tuple[str, float]], query: str, hints: Hints) -> list[tuple[str, float]]:
        """The leading candidates re-scored by their best single sentence: the share of the question's
        subject words (weighted by idf) that one sentence holds together.

        Within one or two documents (a comparison's side) every chunk shares the documents' words,
        and a chunk that names the MASH often, or its managers somewhere, can outrank the bullet that
        says "management oversight … in the MASH". Measured on the seeds gold set
        (`python -m eval.ci`), for comparison sides: answers holding all their keys 70 → 72 of 79 and
        questions with every quote in the context 73 → 74, at weight 0.5 (weight 1: 71 and 73). Applied
        to every search it lost a finding question on the seeds and MRR 0.878 → 0.870 on the ILACS gold
        set (every 5th question), so only focused searches use it.
        """
        from index.question import content_terms
        from index.text import sentence_spans, terms
        from index.vocabulary import term_match

        q_terms = content_terms(query, hints)
        if len(q_terms) < 2:
            return fused
        weights = {t: self.keyword.idf(t) for t in q_terms}
        total = sum(weights.values()) or 1.0
        head = fused[:FOCUS_CANDIDATES]
        chunks = self.docstore.chunks_by_id([cid for cid, _ in head])
        rescored = []
        for cid, score in head:
            chunk = chunks.get(cid)
            best = 0.0
            if chunk is not None:
                for a, b in sentence_spans(chunk.text):
                    present = set(terms(chunk.text[a:b]))
                    best = max(best, sum(w for t, w in weights.items() if term_match(t, present)) / total)
            rescored.append((cid, score * (1.0 + SENTENCE_WEIGHT * best)))
        rescored.sort(key=lambda kv: -kv[1])
        return rescored + fused[FOCUS_CANDIDATES:]

    def _select(self, fused: list[tuple[str, float]], k: int, budget: int) -> list[Passage]:
        """Top passages; neighbours of the same document merged; duplicates dropped; within budget."""
        if not fused:
            return []
        top = fused[: max(k * 3, 12)]
        chunks = self.docstore.chunks_by_id([cid for cid, _ in top])
        picked: list[tuple[Chunk, float]] = []
        seen_text: set[str] = set()
        used = 0
        for cid, score in top:
            chunk = chunks.get(cid)
            if chunk is None:
                continue
            key = " ".join(chunk.text.split()).lower()
            if key in seen_text:
                continue
            tokens = count_tokens(chunk.text)
            if picked and used + tokens > budget:
                continue
            seen_text.add(key)
            picked.append((chunk, score))
            used += tokens
            if len(picked) >= k:
                break
        return self._merge(picked)

    def _merge(self, picked: list[tuple[Chunk, float]]) -> list[Passage]:
        """Join chunks of one document that touch or overlap into one passage (keeping the better rank)."""
        groups: list[list[tuple[Chunk, float]]] = []
        for chunk, score in picked:
            for group in groups:
                if any(c.doc == chunk.doc and (abs(c.ordinal - chunk.ordinal) == 1 or c.start < chunk.end and chunk.start < c.end)
                       and c.section == chunk.section for c, _ in group):
                    group.append((chunk, score))
                    break
            else:
                groups.append([(chunk, score)])
        passages = []
        for group in groups:
            group.sort(key=lambda cs: cs[0].start)
            first = group[0][0]
            start, end = first.start, max(c.end for c, _ in group)
            text = self._text(first.doc, start, end) if len(group) > 1 else first.text
            passages.append(Passage(
                chunk_id=first.id, doc=first.doc, text=text, start=start, end=end, section=first.section,
                page=first.page, score=max(s for _, s in group), meta=self._metas[first.doc]))
        passages.sort(key=lambda p: -p.score)
        return passages

    def _text(self, doc: str, start: int, end: int) -> str:
        full = self.docstore.text(doc) or ""
        return full[start:end]

    def passage(self, chunk: Chunk, score: float = 0.0) -> Passage:
        self.refresh()
        return Passage(chunk_id=chunk.id, doc=chunk.doc, text=chunk.text, start=chunk.start, end=chunk.end,
                       section=chunk.section, page=chunk.page, score=score, meta=self._metas[chunk.doc])


def _where(filters: Filters) -> dict | None:
    clauses: list[dict] = []
    if filters.docs:
        clauses.append({"doc": {"$in": list(filters.docs)}})
    if filters.authorities:
        clauses.append({"authority": {"$in": list(filters.authorities)}})
    if filters.doc_types:
        clauses.append({"doc_type": {"$in": list(filters.doc_types)}})
    if filters.since:
        clauses.append({"date": {"$gte": date_key(filters.since)}})
    if filters.until:
        # An undated document is stored as 0; a date range admits only dated documents.
        clauses.append({"date": {"$lte": date_key(filters.until)}})
        clauses.append({"date": {"$gt": 0}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _ms(t: float) -> float:
    return (time.perf_counter() - t) * 1000.0

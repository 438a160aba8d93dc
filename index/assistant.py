"""The Python API used by the CLI, the app and the evaluation harness alike."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Sequence

from index.docstore import DocStore
from index.embedder import Embedder
from index.query import ELSEWHERE, Filters, Hints, QueryAnalyzer, document_months, spell_out
from index.retrieve import Retrieval, Retriever
from index.settings import Settings
from index.store import VectorStore
from index.types import Answer, DocumentMeta, Passage


class Assistant:
    """Answers questions about the ingested documents with cited passages.

    ``Assistant(settings).ask("Who led the 2022 visit?")`` returns an :class:`~index.types.Answer`
    whose every sentence cites a passage, or which abstains with related passages. Models and stores
    load on first use; pass ``embedder``/``vectors``/``docstore`` to share or fake them.
    """

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 vectors: VectorStore | None = None, docstore: DocStore | None = None, mode: str = "hybrid"):
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or Embedder(self.settings.embed_model, runtime="auto")
        self.docstore = docstore or DocStore(Path(self.settings.index) / "docstore.sqlite")
        self.retriever = Retriever(self.settings, self.embedder, vectors, self.docstore, mode=mode)
        self._analyzer: QueryAnalyzer | None = None
        self._analyzer_generation = -1
        self._llm = None
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------
    def warm(self) -> "Assistant":
        """Load the model, the metadata and the keyword index now rather than on the first question."""
        self.retriever.check_model()
        self.retriever.refresh()
        self.embedder.warm()
        return self

    @property
    def analyzer(self) -> QueryAnalyzer:
        generation = self.docstore.generation
        if self._analyzer is None or generation != self._analyzer_generation:
            self._analyzer = QueryAnalyzer(self.retriever.metas.values(), self.settings.home_authority)
            self._analyzer_generation = generation
        return self._analyzer

    # -- questions ------------------------------------------------------------------------
    def retrieve(self, question: str, filters: Filters | dict | None = None, history: Sequence[str] = (),
                 k: int | None = None) -> Retrieval:
        """The ranked passages for ``question`` (hybrid, filtered, merged, within the context budget);
        for a question asking several things, each part's passages in turn."""
        scene = _scene(question)
        if scene:
            return self.retrieve(scene[1], filters, [*history, scene[0]], k)
        parts = self._parts(question, history)
        if parts:
            earlier = _questions(history)
            return self._interleave([self.retrieve(part, filters, [*earlier, *parts[:i]], k)
                                     for i, part in enumerate(parts)], k or self.settings.k)
        query, hints = self._understand(question, history)
        return self._search(query, Filters.of(filters), hints, k)

    def _parts(self, question: str, history: Sequence) -> list[str]:
        """The questions a question asks when it asks several ("Who was it addressed to, and what was
        her job title?"), each to be answered as a follow-up to the one before; [] for one question
        or a comparison, whose sides are searched together."""
        from index.question import FIGURES, MONTH_TERMS, content_terms, expected_type, question_kind, question_parts

        parts = question_parts(self._plain(question))
        if len(parts) < 2:
            return []
        query, hints = self._understand(question, history)
        if question_kind(query, hints) != "compare":
            return parts
        # A comparison that also asks for a figure ("What have we said in the SEF about it since,
        # and how many are in residential now?") is a comparison and a question for the figure, when
        # each part names its own subject ("…and where had we got to by the December SEF?" names none).
        # So is one asking two facts of each side ("the dates and the lead inspector for each of our
        # two visits").
        types = {expected_type(part) for part in parts}
        own = all(set(content_terms(part, self.analyzer.analyze(part))) - MONTH_TERMS for part in parts)
        return parts if len(types) > 1 and (types & FIGURES and own or None not in types) else []

    def ask(self, question: str, filters: Filters | dict | None = None, history: Sequence = (),
            k: int | None = None) -> Answer:
        """Answer ``question``; ``history`` is the earlier questions (or turns) of the conversation."""
        from index.answer import answer

        started = time.perf_counter()
        question = (question or "").strip()
        filters = Filters.of(filters)
        if not question:
            return Answer(question="", text="Please type a question.", abstained=True)
        scene = _scene(question)
        if scene:
            result = self.ask(scene[1], filters, [*history, scene[0]], k)
            result.question = question
            result.timings_ms["total"] = (time.perf_counter() - started) * 1000
            return result
        parts = [] if self.settings.llm_configured else self._parts(question, history)
        if parts:
            from index.answer import combine

            earlier = _questions(history)
            answers = [self.ask(part, filters, [*earlier, *parts[:i]], k) for i, part in enumerate(parts)]
            result = combine(question, answers)
            result.timings_ms = {"total": (time.perf_counter() - started) * 1000}
            for a in answers:
                for name, ms in a.timings_ms.items():
                    if name != "total":
                        result.timings_ms[name] = result.timings_ms.get(name, 0.0) + ms
            result.filters = filters.to_json()
            return result
        query, hints = self._understand(question, history)
        retrieval = self._search(query, filters, hints, k)
        t = time.perf_counter()
        if self.settings.llm_configured:
            result = self.llm.answer(question, retrieval.passages)
        else:
            result = answer(self._plain(question), hints, retrieval.passages, embedder=self.embedder,
                            idf=self.retriever.keyword.idf, query=query, people=self.analyzer.known_people,
                            known=self.retriever.keyword.has, text_of=self.docstore.text)
            result.question = question
        retrieval.timings_ms["answer"] = (time.perf_counter() - t) * 1000
        result.timings_ms = {**retrieval.timings_ms, "total": (time.perf_counter() - started) * 1000}
        result.filters = filters.to_json()
        return result

    def _plain(self, question: str) -> str:
        """The question as the documents would put it: shorthand spelled out and what it is for left
        out (see spell_out), and typing slips corrected to the documents' words (see respelled)."""
        from index.question import frames_question
        from index.vocabulary import respelled

        self.retriever.refresh()
        return respelled(spell_out(question), self.retriever.keyword.nearest, frames_question)

    def _understand(self, question: str, history: Sequence) -> tuple[str, Hints]:
        """The question to search with and its hints, resolved against the conversation.

        "Did she inspect anywhere else?" after "Who led the 2018 visit?": she is the inspector that
        answer named, and "else" leaves out the authorities it drew on. The earlier answer is asked
        again for this; its vectors are cached, so it is cheap.
        """
        question = self._plain(question)
        questions = [self._plain(q) for q in _questions(history)]
        earlier = None
        pronoun = _PERSON_PRONOUN.search(question) or _PEOPLE_PRONOUN.search(question)
        if questions and (pronoun or ELSEWHERE.search(question)):
            earlier = self.ask(questions[-1], history=questions[:-1])
        if earlier is not None and not earlier.abstained and pronoun:
            from index.question import expected_type

            named = sorted((earlier.text.find(p), p) for p in self.analyzer.known_people if p in earlier.text)
            if named and expected_type(questions[-1]) in ("inspector", "person"):
                if _PERSON_PRONOUN.search(question):
                    question = _PERSON_PRONOUN.sub(named[0][1], question, count=1)
                else:
                    # "Did either of them go on to inspect Barnet?" after "Who were the inspectors…?"
                    question = _PEOPLE_PRONOUN.sub(" or ".join(p for _, p in named), question, count=1)
        query, hints = self.analyzer.with_history(question, questions)
        if earlier is not None and not earlier.abstained and ELSEWHERE.search(question) and not hints.authorities:
            covered = (c.passage.meta.authority for c in earlier.citations if c.passage.meta.authority)
            hints = replace(hints, elsewhere=tuple(dict.fromkeys((*hints.elsewhere, *covered))))
        return query, hints

    def _search(self, query: str, filters: Filters, hints, k: int | None) -> Retrieval:
        """Retrieval; a comparison gets the best passages of each side, interleaved."""
        from index.question import compare_sides, expected_type, has_premise, question_kind, subject_words

        sides = compare_sides(query, hints) if question_kind(query, hints) == "compare" else []
        if not sides and has_premise(query) and (hints.authorities or hints.years):
            # A premise may misattribute: search the documents the question names as well as all of them.
            sides = [hints, replace(hints, authorities=(), years=(), doc_types=(), named_kinds=())]
        if not sides:
            # The kind of document the question names as its source bounds the evidence (see
            # Hints.fits): passages of other kinds would only take the context's room.
            result = self.retriever.search(query, filters, hints, k=k, kinds=hints.named_kinds)
            result = self._with_improvement_list(self._with_visit_facts(result, query, hints, filters, k), query,
                                                 hints, filters, k)
            return self._with_recorded_grade(result, query, hints, filters, k)
        k = k or self.settings.k
        per_side = []
        metas = self.retriever.metas
        # The subject ("management oversight in the MASH") weighs twice in each side's query, against
        # the words that set the sides apart and that every passage of a side already matches. A
        # question for a name, date or figure keeps its words as they are: they say what is wanted.
        every_side = replace(hints, authorities=tuple(a for s in sides for a in s.authorities),
                             years=tuple(y for s in sides for y in s.years))
        subject = "" if expected_type(query) else subject_words(query, every_side)
        for side in sides:
            # Each side searched on its own documents, with the other sides' names left out of the query.
            docs = tuple(d for d, m in metas.items() if side.fits(m) and Filters.of(filters).admits(m))
            if not docs and (side.named_kinds or side.doc_types):
                # "us vs Waltham Forest - 2018 focused visit concerns": Waltham Forest's visit is known
                # only from the news piece on it.
                side = replace(side, named_kinds=(), doc_types=())
                docs = tuple(d for d, m in metas.items() if side.fits(m) and Filters.of(filters).admits(m))
            if not docs:
                continue
            side_query = f"{_without_other_sides(query, side, sides)} {subject}".strip()
            # A side open to every document needs no list of them (a long "$in" slows Chroma down).
            every = len(docs) == sum(1 for m in metas.values() if Filters.of(filters).admits(m))
            side_filters = Filters.of(filters) if every else replace(Filters.of(filters), docs=docs)
            per_side.append(self.retriever.search(side_query, side_filters, side, k=k, focus=True))
        result = self._with_visit_facts(self._interleave(per_side, k), query, hints, filters, k)
        return self._with_recorded_grade(result, query, hints, filters, k)

    def _with_recorded_grade(self, result: Retrieval, question: str, hints, filters: Filters,
                             k: int | None) -> Retrieval:
        """The passage recording the judgement of the authority a question states one for ("since we
        were judged inadequate in July 2017"), when none of the passages does: the claim's year is
        part of the claim, so any year's record will confirm or correct it."""
        from index.premise import anywhen, records_grade_of, states_grade

        if not hints.authorities or not states_grade(question):
            return result
        if any(records_grade_of(p.text, p.meta, hints) for p in result.passages):
            return result
        floor = min((p.score for p in result.passages), default=1.0)
        found = [c for m in self.retriever.metas.values() if anywhen(hints).fits(m) and Filters.of(filters).admits(m)
                 for c in self.docstore.chunks(m.doc) if records_grade_of(c.text, m, hints)]
        return self._with_passages(result, [self.retriever.passage(c, score=floor) for c in found[:1]], k)

    def _interleave(self, results: list[Retrieval], k: int) -> Retrieval:
        """The best passages of several searches taken rank by rank (each side's first, then each
        one's second…), overlaps dropped, at most ``k`` within the context budget."""
        from index.text import count_tokens

        merged: list = []
        for rank in range(k):
            for result in results:
                if rank < len(result.passages):
                    p = result.passages[rank]
                    # Searches may find the same or overlapping text: keep the first, never both.
                    if not any(q.doc == p.doc and q.start < p.end and p.start < q.end for q in merged):
                        merged.append(p)
        budget, used, kept = self.settings.context_tokens, 0, []
        for p in merged[:k]:
            tokens = count_tokens(p.text)
            if kept and used + tokens > budget:
                continue
            kept.append(p)
            used += tokens
        timings: dict[str, float] = {}
        for result in results:
            for name, ms in result.timings_ms.items():
                timings[name] = timings.get(name, 0.0) + ms
        return Retrieval(kept, timings)

    def _with_improvement_list(self, result: Retrieval, question: str, hints, filters: Filters,
                               k: int | None) -> Retrieval:
        """The list of what needs to improve of the one or two documents a question pins down, when it
        asks what they said must improve and no such list is among the passages ("ok and what did
        they say needed to improve?" after a question on the MASH: the list says little of the MASH)."""
        from index.question import asks_to_improve
        from index.retrieve import IMPROVE_SECTION

        if not asks_to_improve(question) or not (hints.years or hints.authorities or hints.named_kinds):
            return result
        if any(IMPROVE_SECTION.search(p.section) for p in result.passages):
            return result
        pinned = [m for m in self.retriever.metas.values() if hints.fits(m) and Filters.of(filters).admits(m)]
        if not pinned or len(pinned) > 2:
            return result
        top = max((p.score for p in result.passages), default=1.0)
        lists = [next((c for c in self.docstore.chunks(m.doc) if IMPROVE_SECTION.search(c.section)), None) for m in pinned]
        return self._with_passages(result, [self.retriever.passage(c, score=top) for c in lists if c], k, first=True)

    def _with_visit_facts(self, result: Retrieval, question: str, hints, filters: Filters, k: int | None) -> Retrieval:
        """The opening of the letter on a visit the question states something about — who inspected,
        when it took place, which monitoring visit it was, whom the letter went to — when it is not
        among the passages: the sentence that confirms or corrects the claim is there, and seldom
        among the passages on the question's subject ("Brenda McLaughlin led the Barnet monitoring
        visit - what did she find?")."""
        from index.premise import states_visit_fact
        from index.question import DAY_DATE, OFFICER, expected_type

        # "Who was the 2022 letter about permanence addressed to?": the letter's address block is a
        # passage of its own that shares no word with the question.
        # So is who inspected a visit the question pins down, or when ("…and who did the Barnet one
        # later that year?"): the letter's opening says, in words the question need not share.
        expect = expected_type(question)
        addressee = expect == "addressee"
        pinned = bool(hints.years or hints.authorities or hints.doc_types)
        misplaced = self._misplaced_visits(hints, filters)
        if hints.elsewhere or not (states_visit_fact(question, hints) or misplaced
                                   or expect in ("addressee", "inspector", "visit") and pinned):
            return result
        visit = replace(hints, people=())
        described = [m for m in self.retriever.metas.values()
                     if m.visit_start and visit.fits(m) and Filters.of(filters).admits(m)] or misplaced
        # "The March 2018 letter": of 2018's visits, the one in March (visited or dated then).
        in_month = [m for m in described if document_months(m) & set(hints.months)]
        described = in_month or described
        if not described or len(described) > 3:
            return result
        if hints.people and not states_visit_fact(question, replace(hints, people=())):
            # Only an inspector is claimed: the visits that inspector was not on.
            described = [m for m in described if not set(hints.people) & set(m.inspectors)]
        floor = min((p.score for p in result.passages), default=1.0)
        letters = [self.docstore.chunks(m.doc) for m in described]
        openings = [next((c for c in chunks
                          if DAY_DATE.search(c.text) and re.search(r"\b(?:visit|inspection)", c.text, re.I)), None)
                    for chunks in letters]
        if addressee:
            # The address block: a line that starts with the officer's name and role.
            officer = re.compile(OFFICER.pattern, OFFICER.flags | re.M)
            openings += [next((c for c in chunks if officer.search(c.text)), None) for chunks in letters]
        openings = list({(c.doc, c.start): c for c in openings if c}.values())
        return self._with_passages(result, [self.retriever.passage(c, score=floor) for c in openings], k)

    def _misplaced_visits(self, hints: Hints, filters) -> list:
        """The letters a question may mean when it names a kind of visit that no letter here is of
        the year or authority it gives, but some are of one of them: "Ofsted's 2021 focused visit on
        permanence" (the focused visits were in 2018 and 2022), "the November 2018 monitoring visit
        to Barking and Dagenham" (it was Barnet's). Not for an authority the documents only report on
        (see premise.visit_elsewhere)."""
        kinds = [k for k in hints.named_kinds if k.endswith("visit letter")]
        if not kinds or not (hints.years or hints.authorities):
            return []
        metas = [m for m in self.retriever.metas.values()
                 if m.visit_start and m.doc_type in kinds and Filters.of(filters).admits(m)]
        if any(hints.fits(m) for m in metas):
            return []
        from index.premise import misplaced

        out = [m for m in metas if misplaced(m, hints, set(hints.months))]
        return out if len(out) <= 3 else []

    def _with_passages(self, result: Retrieval, extra: list[Passage], k: int | None, first: bool = False) -> Retrieval:
        """``result`` with the passages of ``extra`` it lacks, first or last, still at most ``k`` within the
        context budget: the lowest-ranked of its own passages make room."""
        from index.text import count_tokens

        extra = [e for e in extra if not any(p.doc == e.doc and p.start < e.end and e.start < p.end
                                             for p in result.passages)]
        if not extra:
            return result
        k = k or self.settings.k
        own = result.passages[:max(k - len(extra), 1)]
        while len(own) > 1 and sum(count_tokens(p.text) for p in own + extra) > self.settings.context_tokens:
            own.pop()
        passages = extra + own if first else own + extra
        return Retrieval(passages, result.timings_ms, result.dense, result.keyword)

    def stream(self, question: str, filters: Filters | dict | None = None, history: Sequence = (),
               k: int | None = None) -> Iterator[str | Answer]:
        """Yield the answer's text as it is written (LLM mode), then the final verified Answer."""
        if not self.settings.llm_configured:
            yield self.ask(question, filters, history, k)
            return
        started = time.perf_counter()
        filters = Filters.of(filters)
        query, hints = self._understand(question, history)
        retrieval = self.retriever.search(query, filters, hints, k=k)
        final = None
        for item in self.llm.stream(question, retrieval.passages):
            if isinstance(item, Answer):
                final = item
            else:
                yield item
        if final is not None:
            final.timings_ms = {**retrieval.timings_ms, "total": (time.perf_counter() - started) * 1000}
            final.filters = filters.to_json()
            yield final

    @property
    def llm(self):
        if self._llm is None:
            from index.llm import LLMAnswerer

            self._llm = LLMAnswerer(self.settings, self.embedder)
        return self._llm

    # -- documents ------------------------------------------------------------------------
    def documents(self) -> list[tuple[DocumentMeta, int]]:
        """Every ingested document's metadata with its number of chunks."""
        return self.docstore.documents()

    def document_text(self, doc: str) -> str | None:
        """The cleaned text of ``doc`` (passage offsets refer to it)."""
        return self.docstore.text(doc)

    def passages_of(self, doc: str) -> list[Passage]:
        """Every chunk of ``doc`` as a passage, in document order."""
        return [self.retriever.passage(c) for c in self.docstore.chunks(doc)]


def _scene(question: str) -> tuple[str, str] | None:
    """"Louise Warren came to look at our front door in March 2018. Did she inspect anywhere else?":
    the statement, said as the earlier turn of a conversation, and the question asked after it, when
    the question asks about somewhere else than the statement's."""
    m = re.match(r"^([^?]*?[.!])\s+([^.!?]*\?)\s*$", question.strip())
    if m and ELSEWHERE.search(m.group(2)) and not ELSEWHERE.search(m.group(1)):
        return m.group(1), m.group(2)
    return None


_PERSON_PRONOUN = re.compile(r"\b(?:she|he|her|him)\b", re.I)
_PEOPLE_PRONOUN = re.compile(r"\b(?:either|both|any|neither|one|each|which|none) of them\b", re.I)


def _without_other_sides(query: str, side, sides) -> str:
    import re

    from index.query import _name_pattern

    for other in sides:
        if other is side:
            continue
        for name in set(other.authorities) - set(side.authorities):
            query = _name_pattern(name).sub(" ", query)
        for year in set(other.years) - set(side.years):
            query = re.sub(rf"\b{year}\b", " ", query)
    return query


def _questions(history: Sequence) -> list[str]:
    """Earlier questions from a history of strings, (question, answer) pairs or chat messages."""
    out = []
    for turn in history or ():
        if isinstance(turn, str):
            out.append(turn)
        elif isinstance(turn, dict):
            if turn.get("role") in (None, "user") and (turn.get("content") or turn.get("question")):
                out.append(str(turn.get("question") or turn.get("content")))
        elif isinstance(turn, (list, tuple)) and turn:
            out.append(str(turn[0]))
    return out

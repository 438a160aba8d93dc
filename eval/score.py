"""Scoring one question (its retrieved passages and its answer) and summarising many.

A question's record is a plain dict, written as it is into report.json: what was asked, what came
back, every metric of eval.metrics that applies, and the checks that passed or failed and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Sequence

from eval import metrics as m
from eval.dataset import GoldQuestion
from index.text import count_tokens, sentence_spans

K = 5  # retrieval metrics look at the first K passages (hit@5, nDCG@5, recall@5)

#: Per-question metrics averaged into the headline and the per-type table, in display order.
AVERAGED = ("hit@5", "mrr", "ndcg@5", "recall@5", "context_tokens", "key_strings", "keys_all", "answer_words",
            "citation_validity", "citation_support", "groundedness", "false_premise", "passed", "llm_faithfulness")


def retrieval_metrics(q: GoldQuestion, passages: Sequence[tuple[str, str]], k: int = K) -> dict[str, Any]:
    """Retrieval metrics of one question from its ranked (doc, text) passages."""
    quotes = [x.text for x in q.quotes]
    docs = [] if quotes else list(q.docs)
    found = [m.found_targets(text, doc, quotes, docs) for doc, text in passages]
    n_targets = len(quotes) or len(docs)
    out: dict[str, Any] = {"context_tokens": m.context_tokens((t for _, t in passages), count_tokens),
                           "found": [sorted(f) for f in found]}
    if n_targets:
        out.update({"hit@5": m.hit_at_k(found, k), "mrr": m.reciprocal_rank(found),
                    "ndcg@5": m.ndcg_at_k(found, n_targets, k), "recall@5": m.target_recall_at_k(found, n_targets, k)})
    return out


def answer_sentences(answer) -> list[tuple[str, list[int]]]:
    """(sentence, citation numbers) for each sentence of an Answer.

    The answer's own sentence list is used when it has one; the numbers are read from the
    sentence's ``[n]`` markers (the sentence's declared cites only when it has no marker).
    Otherwise the text is split into lines and sentences.
    """
    if answer.abstained:
        return []
    if answer.sentences:
        return [(s.text, m.citation_markers(s.text) or list(s.cites)) for s in answer.sentences]
    out = []
    for line in answer.text.splitlines():
        for a, b in sentence_spans(line):
            out.append((line[a:b], m.citation_markers(line[a:b])))
    return out


def evidence(passage) -> str:
    """What a citation shows a reader: the passage's text, then its document's title, kind, authority
    and date (ISO and "1 December 2022"), so an answer may name the source it quotes."""
    meta = getattr(passage, "meta", None)
    if meta is None:
        return passage.text
    when = meta.date or meta.visit_start or ""
    try:
        d = dt.date.fromisoformat(when)
        when = f"{when} {d.day} {d.strftime('%B')} {d.year}"
    except ValueError:
        pass
    label = " ".join(x for x in (meta.title, meta.doc_type, meta.authority or "", when) if x)
    return f"{passage.text}\n{label}"


def answer_metrics(q: GoldQuestion, answer) -> dict[str, Any]:
    """Answer metrics of one question from an index.types.Answer."""
    by_n = {c.n: evidence(c.passage) for c in answer.citations}
    quotes = [x.text for x in q.quotes]
    sentences = answer_sentences(answer)
    cited = [(s, by_n.get(n)) for s, ns in sentences for n in ns]
    grounded = [(s, [by_n[n] for n in ns if n in by_n]) for s, ns in sentences]
    out: dict[str, Any] = {
        "citation_validity": None if answer.abstained else (m.citation_validity(answer.text, by_n) or 0.0),
        "citation_support": m.citation_support(cited, quotes),
        "groundedness": m.groundedness(grounded),
        "unsupported": [s for s, ps in grounded if not any(m.supports(s, p) for p in ps)],
        "abstained": bool(answer.abstained),
        "answer_words": None if answer.abstained else m.answer_words(answer.text),
    }
    if q.keys and q.answerable:
        out["key_strings"] = 0.0 if answer.abstained else m.key_share(answer.text, q.keys)
        out["keys_all"] = float(out["key_strings"] == 1.0)
        out["missing_keys"] = list(q.keys) if answer.abstained else m.missing_keys(answer.text, q.keys)
    if q.type == "false_premise":
        out["false_premise"] = float(m.false_premise_handled(answer.text, answer.abstained, q.keys))
    return out


def checks(q: GoldQuestion, r: dict[str, Any]) -> list[dict[str, Any]]:
    """What passed and what failed for one scored question, each with the reason for a failure."""
    out = []

    def check(name: str, passed: bool, why: str = "") -> None:
        out.append({"name": name, "passed": bool(passed), "why": "" if passed else why})

    if "hit@5" in r:
        check("retrieval", r["hit@5"] == 1.0,
              f"no gold {'quote' if q.quotes else 'document'} in the top {K} passages")
    if not q.answerable:
        check("abstains", r["abstained"], "answered a question the documents cannot answer")
        return out
    check("answers", not r["abstained"], "abstained on an answerable question")
    if r["abstained"]:
        if q.keys:
            check("keys", False, "missing: " + ", ".join(repr(k) for k in r.get("missing_keys", q.keys)))
        return out
    if q.keys:
        check("keys", not r.get("missing_keys"), "missing: " + ", ".join(repr(k) for k in r.get("missing_keys", [])))
    validity = r.get("citation_validity")
    check("citations valid", validity == 1.0,
          "the answer cites nothing" if not m.citation_markers(r["answer"]) else
          f"{(1 - (validity or 0)):.0%} of [n] markers refer to no returned citation")
    if r.get("citation_support") is not None:
        check("citations support", r["citation_support"] == 1.0,
              f"{1 - r['citation_support']:.0%} of citations hold no gold quote and support "
              f"under {m.SUPPORT_THRESHOLD:.0%} of their sentence's terms")
    if r.get("groundedness") is not None:
        bad = r.get("unsupported") or []
        check("grounded", r["groundedness"] == 1.0,
              f"{len(bad)} sentence(s) not supported by their cited passages: " + " | ".join(s[:120] for s in bad[:2]))
    return out


def score(q: GoldQuestion, answer, passages: Sequence[tuple[str, str]], latency_ms: float) -> dict[str, Any]:
    """The full record of one question: gold, answer, citations, retrieved passages, metrics, checks."""
    r: dict[str, Any] = {
        "id": q.id, "type": q.type, "question": q.question, "history": list(q.history), "keys": list(q.keys),
        "expected": q.answer, "sources": list(q.sources), "gold_file": q.source,
        "answer": answer.text, "latency_ms": round(latency_ms, 1),
        "citations": [{"n": c.n, "doc": c.passage.doc, "section": c.passage.section, "page": c.passage.page,
                       "text": c.passage.text} for c in answer.citations],
        "retrieved": [{"rank": i, "doc": d, "text": t[:300]} for i, (d, t) in enumerate(passages, 1)],
    }
    r.update(retrieval_metrics(q, passages))
    r.update(answer_metrics(q, answer))
    r["checks"] = checks(q, r)
    r["passed"] = float(all(c["passed"] for c in r["checks"]))
    return r


def summarise(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Headline metrics over many records: means of the per-question metrics, abstention, latency."""
    out: dict[str, Any] = {"questions": len(records)}
    counts: dict[str, int] = {}
    for name in AVERAGED:
        values = [r[name] for r in records if r.get(name) is not None]
        out[name] = m.mean(values)
        counts[name] = len(values)
    expected = [r["type"] == "unanswerable" for r in records]
    abstained = [bool(r.get("abstained")) for r in records]
    out["abstention_precision"] = m.abstention_precision(expected, abstained)
    out["abstention_recall"] = m.abstention_recall(expected, abstained)
    counts["abstention_precision"] = sum(abstained)
    counts["abstention_recall"] = sum(expected)
    latencies = [r["latency_ms"] for r in records if r.get("latency_ms") is not None]
    out["latency_p50_ms"] = m.percentile(latencies, 50)
    out["latency_p95_ms"] = m.percentile(latencies, 95)
    counts["latency_p50_ms"] = counts["latency_p95_ms"] = len(latencies)
    out["counts"] = counts
    return out


def by_type(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """:func:`summarise` for each question type, in order of first appearance."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault(r["type"], []).append(r)
    return {t: summarise(rs) for t, rs in groups.items()}

"""`inspection-qa eval`: ask the gold questions, score them, compare with baselines, gate, write the report.

The library part (:func:`ask_all`, :func:`evaluate`) yields and returns plain data; only
:func:`cmd_eval` prints and draws the progress bar.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from eval import baselines as bl
from eval import corpus, gate, report, score
from eval.dataset import DEFAULT_GOLD, GoldError, GoldQuestion, load_gold
from eval.metrics import normalise
from index.settings import Settings

Progress = Callable[[Iterator, int, str], Iterator]  # wraps an iterator of known length with a bar


def _no_bar(items: Iterator, total: int, desc: str) -> Iterator:
    return items


def ask_all(assistant, questions: Sequence[GoldQuestion]) -> Iterator[dict[str, Any]]:
    """Yield each question's scored record: retrieval (assistant.retrieve) then the answer (assistant.ask)."""
    from index.types import Answer

    for q in questions:
        passages: list[tuple[str, str]] = []
        started = time.perf_counter()
        try:
            passages = [(p.doc, p.text) for p in assistant.retrieve(q.question, history=list(q.history)).passages]
            started = time.perf_counter()
            answer = assistant.ask(q.question, history=list(q.history))
            error = None
        except Exception as err:  # one question that crashes the assistant is a failure, not the end of the run
            answer, error = Answer(question=q.question, text="", abstained=False), f"{err.__class__.__name__}: {err}"
        latency = (time.perf_counter() - started) * 1000
        record = score.score(q, answer, passages, latency)
        if error:
            record["checks"].insert(0, {"name": "error", "passed": False, "why": error})
            record["passed"] = 0.0
        yield record


def _retrieval_summary(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    scored = [r for r in records if r.get("hit@5") is not None]
    s = score.summarise(scored)
    return {k: s.get(k) for k in ("questions", "hit@5", "mrr", "ndcg@5", "recall@5", "context_tokens")}


def self_retrieval_checks(assistant, docs: Sequence[str], progress: Progress = _no_bar) -> list[dict[str, Any]]:
    """The self-retrieval check of each document in ``docs`` that is in the index."""
    metas = {m.doc: m for m, _ in assistant.docstore.documents()}
    out = []
    todo = [d for d in sorted(docs) if d in metas]

    def retrieve(query: str) -> list[str]:
        return [p.doc for p in assistant.retrieve(query).passages]

    for doc in progress(iter(todo), len(todo), "self-retrieval"):
        chunks = assistant.docstore.chunks(doc)
        queries = corpus.self_queries(metas[doc].title, [c.section for c in chunks], assistant.docstore.text(doc) or "")
        out.append(corpus.self_retrieval(doc, queries, retrieve))
    return out


def evaluate(assistant, gold_paths: Sequence[Path], baseline: dict[str, Any] | None = None,
             changed_only: bool = False, with_baselines: bool = True, progress: Progress = _no_bar,
             judge: Callable[[dict[str, Any]], float | None] | None = None) -> dict[str, Any]:
    """Run one evaluation and return the report (a JSON-ready dict, including ``gate``).

    ``judge`` (optional, see eval.judge) scores each answer's faithfulness as ``llm_faithfulness``.
    """
    questions = load_gold(gold_paths)
    store = assistant.docstore
    hashes = store.hashes()
    raw = {d: store.text(d) or "" for d in hashes}
    texts = {d: normalise(t) for d, t in raw.items()}
    key = corpus.state_key(gold_paths)
    before = corpus.load_state(Path(assistant.settings.index), key)
    touched = corpus.changed_docs(before, hashes)
    selection = corpus.select(questions, texts, touched if changed_only else None)

    records = list(progress(ask_all(assistant, selection.run), len(selection.run), "questions"))
    if judge is not None:
        for r in progress(iter(records), len(records), "LLM judge"):
            r["llm_faithfulness"] = judge(r)
    summary = score.summarise(records)
    new_or_changed = sorted(d for d in touched if d in hashes)
    rep: dict[str, Any] = {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "index": str(assistant.settings.index), "gold": [Path(p).name for p in gold_paths],
        "mode": getattr(assistant.retriever, "mode", "hybrid"), "llm": bool(assistant.settings.llm_configured),
        "changed_only": changed_only, "documents": len(hashes),
        "touched": sorted(touched) if before is not None else None,
        "summary": summary, "by_type": score.by_type(records),
        "retrieval_same_questions": _retrieval_summary(records),
        "stale": [{"id": q.id, "reason": why} for q, why in selection.stale], "skipped": len(selection.skipped),
        "self_retrieval": self_retrieval_checks(assistant, new_or_changed, progress),
        "baselines": {}, "questions": records,
    }
    if with_baselines:
        scored = [q for q in selection.run if q.quotes or q.docs]
        for name, retrieve in bl.build(assistant, raw):
            if isinstance(retrieve, str):
                rep["baselines"][name] = {"error": retrieve}
                continue
            try:
                rows = list(progress(bl.score(retrieve, scored), len(scored), name))
            except Exception as err:  # a baseline that breaks is reported; the assistant's results still stand
                rep["baselines"][name] = {"error": f"{err.__class__.__name__}: {err}"}
                continue
            rep["baselines"][name] = {"summary": _retrieval_summary(rows),
                                      "questions": {r["id"]: r.get("hit@5") for r in rows}}
    gated = _gate(baseline, rep)
    rep["gate"] = gated.to_json()
    if baseline is not None:
        rep["baseline_file"] = {k: v for k, v in baseline.items() if k != "questions"}
    return rep


def _gate(baseline: dict[str, Any] | None, rep: dict[str, Any]) -> gate.GateResult:
    if baseline is not None and baseline.get("gold") and sorted(baseline["gold"]) != sorted(rep["gold"]):
        result = gate.GateResult(checked=False)
        result.note = f"the baseline was made for {', '.join(baseline['gold'])}, not {', '.join(rep['gold'])}"
        return result
    return gate.compare(baseline, rep["summary"], rep["questions"], headline_gate=not rep["changed_only"])


def _tqdm_progress() -> Progress:
    if not sys.stderr.isatty():
        return _no_bar
    from tqdm import tqdm

    def bar(items: Iterator, total: int, desc: str) -> Iterator:
        return tqdm(items, total=total, desc=desc, unit="q", file=sys.stderr, leave=False)
    return bar


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """The CLI handler: exit 0 when the gate passes, 1 when it fails, 2 on bad input."""
    from index.assistant import Assistant

    gold_paths = [Path(p) for p in (args.gold or [DEFAULT_GOLD])]
    baseline_path = Path(args.baseline) if args.baseline else gate.DEFAULT_BASELINE
    if args.update_baseline and args.changed_only:
        print("inspection-qa eval: --update-baseline needs a full run; drop --changed-only", file=sys.stderr)
        return 2
    if not (Path(settings.index) / "docstore.sqlite").exists():
        print(f"inspection-qa eval: no index at {settings.index}: run `inspection-qa ingest` first", file=sys.stderr)
        return 2
    try:
        load_gold(gold_paths)
        baseline = None if args.update_baseline else gate.load(baseline_path)
    except (GoldError, ValueError) as err:
        print(f"inspection-qa eval: {err}", file=sys.stderr)
        return 2
    assistant = Assistant(settings).warm()
    judge = None
    if settings.llm_configured:
        from eval.judge import chat_judge

        judge = chat_judge(assistant.llm.llm)
    rep = evaluate(assistant, gold_paths, baseline, changed_only=args.changed_only,
                   with_baselines=not args.no_baselines, progress=_tqdm_progress(), judge=judge)
    if args.update_baseline:
        previous = gate.load(baseline_path) if baseline_path.exists() else None
        meta = {"created": rep["created"], "gold": rep["gold"], "documents": rep["documents"], "mode": rep["mode"],
                "llm": rep["llm"], "regenerate": "python -m eval.ci --update-baseline"}
        gate.write(baseline_path, gate.build(rep["summary"], rep["questions"], previous, meta))
        rep["gate"]["note"] = f"baseline rewritten: {baseline_path}"
    json_path, html_path = report.write(Path(args.out), rep)
    _print(rep, html_path)
    failed_docs = [c["doc"] for c in rep["self_retrieval"] if not c["passed"]]
    ok = rep["gate"]["passed"] or args.update_baseline
    if ok and not failed_docs:
        corpus.save_state(Path(settings.index), corpus.state_key(gold_paths), assistant.docstore.hashes(), rep["created"])
    return 0 if ok and not failed_docs else 1


def _print(rep: dict[str, Any], html_path: Path) -> None:
    s = rep["summary"]
    shown = ("hit@5", "mrr", "ndcg@5", "key_strings", "citation_validity", "citation_support", "groundedness",
             "abstention_precision", "abstention_recall", "false_premise", "passed", "latency_p50_ms", "latency_p95_ms",
             "llm_faithfulness")
    print(f"{s['questions']} questions ({len(rep['stale'])} stale, {rep['skipped']} untouched skipped)")
    for k in shown:
        v = s.get(k)
        if k == "llm_faithfulness" and v is None:
            continue
        print(f"  {k:22s} {'–' if v is None else f'{v:.3f}' if not k.endswith('_ms') else f'{v:.0f}'}")
    for name, b in rep["baselines"].items():
        if "error" in b:
            print(f"  baseline {name}: not run ({b['error']})")
        else:
            print(f"  baseline {name:18s} hit@5 {b['summary']['hit@5'] or 0:.3f}  MRR {b['summary']['mrr'] or 0:.3f}")
    for st in rep["stale"]:
        print(f"stale {st['id']}: {st['reason']}", file=sys.stderr)
    for c in rep["self_retrieval"]:
        if not c["passed"]:
            print(f"self-retrieval FAILED for {c['doc']}: {c['found']}/{len(c['queries'])} of its own queries "
                  f"retrieve it", file=sys.stderr)
    g = rep["gate"]
    if not g.get("checked"):
        print(f"gate: not applied ({g.get('note') or 'no baseline file'})")
    elif g["passed"]:
        print("gate: passed")
    else:
        for f in g["failures"]:
            qs = f" (questions: {', '.join(f['questions'][:20])})" if f.get("questions") else ""
            print(f"gate FAILED: {f['metric']} {f.get('why', '')}{qs}", file=sys.stderr)
    if g.get("note"):
        print(g["note"])
    print(f"report: {html_path}")

"""Command handlers for ingest, docs, ask and retrieve: argument plumbing and printing only."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index.settings import Settings


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import ingest

    bar = None
    progress = None
    if not args.json and sys.stderr.isatty():
        from tqdm import tqdm

        def progress(name: str, done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="doc", desc="ingesting", file=sys.stderr)
            bar.set_postfix_str(name[-40:], refresh=False)
            bar.update(1)

    summary = ingest(settings, rebuild=args.rebuild, progress=progress)
    if bar is not None:
        bar.close()
    # Every file left out is named on stderr, with --json too (whose stdout stays one JSON object):
    # skipped files have no place in the JSON summary's keys.
    for item in summary.skipped:
        print(f"skipped {item['file']}: {item['error']}", file=sys.stderr)
    for item in summary.failed:
        print(f"FAILED  {item['file']}: {item['error']}", file=sys.stderr)
    for dup, first in summary.duplicates:
        print(f"duplicate {dup}: same content as {first}; ingested once", file=sys.stderr)
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False))
        return summary.exit_code
    print(f"{len(summary.added)} added, {len(summary.updated)} updated, {len(summary.unchanged)} unchanged, "
          f"{len(summary.removed)} removed, {len(summary.duplicates)} duplicate, {len(summary.failed)} failed; "
          f"{summary.documents} documents, {summary.chunks} chunks in the index; {summary.seconds:.1f} s")
    return summary.exit_code


def document_rows(settings: Settings) -> list[dict]:
    """The ingested documents as `docs --json` prints them."""
    from index.docstore import DocStore

    path = Path(settings.index) / "docstore.sqlite"
    if not path.exists():
        return []
    store = DocStore(path)
    try:
        rows = []
        for meta, chunks in store.documents():
            rows.append({
                "doc": meta.doc, "title": meta.title, "doc_type": meta.doc_type, "authority": meta.authority,
                "authorities": list(meta.authorities), "date": meta.date, "visit_start": meta.visit_start,
                "visit_end": meta.visit_end, "inspectors": list(meta.inspectors), "grades": meta.grades,
                "chunks": chunks, "hash": meta.hash,
            })
        return rows
    finally:
        store.close()


def cmd_docs(args: argparse.Namespace, settings: Settings) -> int:
    rows = document_rows(settings)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print(f"no documents in the index at {settings.index}: run `inspection-qa ingest`", file=sys.stderr)
        return 0
    table = [("doc", "type", "authority", "date", "visit", "inspectors", "grade", "chunks")]
    for r in rows:
        visit = f"{r['visit_start'] or ''}..{r['visit_end'] or ''}" if r["visit_start"] else ""
        table.append((r["doc"], r["doc_type"], r["authority"] or "", r["date"] or "", visit,
                      ", ".join(r["inspectors"][:2]) + (" …" if len(r["inspectors"]) > 2 else ""),
                      r["grades"].get("overall_effectiveness", ""), str(r["chunks"])))
    print(format_table(table))
    return 0


def format_table(rows: list[tuple[str, ...]], max_width: int = 48) -> str:
    rows = [tuple(c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row) for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class UsageError(ValueError):
    """A command-line argument is missing or malformed; the message names it."""


def _batch_questions(path: str) -> list[str]:
    """Questions from a text file (one a line) or JSONL objects with a "question" field."""
    out = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise UsageError(f"--batch {path}: {err.strerror or err}") from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise UsageError(f"--batch {path}, line {number}: not valid JSON ({err.msg})") from None
            if not isinstance(obj.get("question"), str):
                raise UsageError(f"--batch {path}, line {number}: no \"question\" field")
            out.append(obj["question"])
        else:
            out.append(line)
    return out


def _filters_from(args: argparse.Namespace) -> dict:
    import datetime as dt

    for flag in ("since", "until"):
        value = getattr(args, flag, None)
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise UsageError(f"--{flag} {value!r}: expected a date as YYYY-MM-DD") from None
    return {"authority": args.authority, "doc_type": args.doc_type, "since": args.since, "until": args.until}


def _questions_from(args: argparse.Namespace) -> list[str]:
    if args.batch:
        return _batch_questions(args.batch)
    if not args.question:
        raise UsageError("give a QUESTION or --batch FILE")
    return [args.question]


def _assistant(settings: Settings):
    from index.assistant import Assistant

    if not (Path(settings.index) / "docstore.sqlite").exists() and not settings.chroma_host:
        raise UsageError(f"no index at {settings.index}: run `inspection-qa ingest` first")
    return Assistant(settings).warm()


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    questions = _questions_from(args)
    filters = _filters_from(args)
    assistant = _assistant(settings)
    for question in questions:
        result = assistant.ask(question, filters=filters, k=args.k)
        if args.json or args.batch:
            print(result.dumps(), flush=True)
        else:
            print(render_answer(result))
    return 0


def cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    questions = _questions_from(args)
    filters = _filters_from(args)
    assistant = _assistant(settings)
    for question in questions:
        retrieval = assistant.retrieve(question, filters=filters, k=args.k)
        rows = [{k: v for k, v in p.to_json().items()} for p in retrieval.passages]
        if args.json or args.batch:
            print(json.dumps({"question": question, "passages": rows, "timings_ms": retrieval.timings_ms}
                             if args.batch else rows, ensure_ascii=False), flush=True)
        else:
            for i, p in enumerate(retrieval.passages, 1):
                print(f"[{i}] {_source_line(p)}  score {p.score:.4f}\n{_indent(p.text)}\n")
    return 0


def _source_line(p) -> str:
    m = p.meta
    where = ", ".join(x for x in (m.doc_type, m.authority or "", m.date or "",
                                  f"section: {p.section}" if p.section else "",
                                  f"page {p.page}" if p.page else "") if x)
    return f"{m.title or p.doc} ({where}) — {p.doc}"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def render_answer(result) -> str:
    lines = [result.text, ""]
    if result.citations:
        lines.append("Sources:")
        for c in result.citations:
            mark = "" if c.verified else "  (unverified)"
            lines.append(f"[{c.n}] {_source_line(c.passage)}{mark}\n{_indent(c.passage.text)}\n")
    if result.related:
        lines.append("Related passages:" if result.abstained else "Also retrieved:")
        for p in result.related[:3]:
            lines.append(f"- {_source_line(p)}\n{_indent(p.text[:400])}\n")
    return "\n".join(lines).rstrip() + "\n"

"""report.json and a self-contained report.html (inline CSS and SVG; opens offline; no script needed)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from eval import charts

#: Headline rows of the report, with how each value is shown.
HEADLINE_ROWS = (
    ("hit@5", "Retrieval hit@5", "{:.3f}"), ("mrr", "Retrieval MRR", "{:.3f}"), ("ndcg@5", "Retrieval nDCG@5", "{:.3f}"),
    ("recall@5", "Gold evidence recall@5", "{:.3f}"), ("context_tokens", "Context tokens per question", "{:.0f}"),
    ("key_strings", "Key strings present", "{:.3f}"), ("keys_all", "All keys present", "{:.3f}"),
    ("answer_words", "Words per answer (answered questions)", "{:.0f}"),
    ("citation_validity", "Citation validity", "{:.3f}"), ("citation_support", "Citation support", "{:.3f}"),
    ("groundedness", "Sentence groundedness", "{:.3f}"), ("abstention_precision", "Abstention precision", "{:.3f}"),
    ("abstention_recall", "Abstention recall", "{:.3f}"), ("false_premise", "False premise handled", "{:.3f}"),
    ("passed", "Questions passing every check", "{:.3f}"),
    ("llm_faithfulness", "LLM-judged faithfulness (optional, not gated)", "{:.3f}"),
    ("latency_p50_ms", "Latency p50 (ms)", "{:.0f}"),
    ("latency_p95_ms", "Latency p95 (ms)", "{:.0f}"),
)
RETRIEVAL = ("hit@5", "mrr", "ndcg@5", "recall@5", "context_tokens")
TYPE_SERIES = ("hit@5", "key_strings", "groundedness", "passed")


def write(out_dir: Path, report: dict[str, Any]) -> tuple[Path, Path]:
    """Write report.json and report.html into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    js, page = out_dir / "report.json", out_dir / "report.html"
    js.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    page.write_text(html(report), encoding="utf-8")
    return js, page


def _fmt(value: Any, fmt: str = "{:.3f}") -> str:
    if value is None:
        return "–"
    if isinstance(value, (int, float)):
        return fmt.format(value)
    return escape(str(value))


_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1400px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1b7a3a}.bad{color:#b3261e;font-weight:bold}.banner{padding:.6em 1em;border-radius:4px;margin:.5em 0}
.banner.ok{background:#e4f4e8}.banner.bad{background:#fbe4e2}.muted{color:#777}
.charts{display:flex;flex-wrap:wrap;gap:2em}
#only-failures:checked ~ table tr.pass{display:none}
#questions td.answer{max-width:420px;white-space:pre-wrap}#questions td.q{max-width:260px}
details{margin:2px 0}summary{cursor:pointer}.cite{font-size:12px;white-space:pre-wrap;background:#fafafa;padding:3px}
"""


def html(report: dict[str, Any]) -> str:
    """The whole report page; every string that came from a document or a question is HTML-escaped."""
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>inspection-qa evaluation</title>",
             f"<style>{_CSS}</style></head><body>", "<h1>inspection-qa evaluation</h1>", _overview(report),
             _gate(report), _headline(report), _retrieval(report), _types(report), _latency(report),
             _corpus(report), _questions(report), "</body></html>"]
    return "\n".join(parts)


def _overview(r: dict[str, Any]) -> str:
    s = r["summary"]
    return (f"<p>{escape(r.get('created', ''))} · index <code>{escape(str(r.get('index', '')))}</code> · gold "
            f"{escape(', '.join(r.get('gold', [])))} · mode {escape(str(r.get('mode', '')))}<br>"
            f"{s['questions']} questions run, {len(r.get('stale', []))} stale, {r.get('skipped', 0)} skipped as "
            f"untouched{' (--changed-only)' if r.get('changed_only') else ''}.</p>")


def _gate(r: dict[str, Any]) -> str:
    g = r.get("gate") or {}
    if not g.get("checked", False):
        return (f"<div class='banner'>The gate was not applied: {escape(g.get('note') or 'no baseline file')}.</div>")
    if g.get("passed"):
        msg = "<div class='banner ok'>Regression gate passed.</div>"
    else:
        items = "".join(f"<li><b>{escape(f['metric'])}</b>: {escape(f.get('why', ''))}"
                        + (f" — questions: {escape(', '.join(f['questions']))}" if f.get("questions") else "")
                        + "</li>" for f in g.get("failures", []))
        msg = f"<div class='banner bad'>Regression gate FAILED<ul>{items}</ul></div>"
    if g.get("regressed") or g.get("fixed"):
        msg += (f"<p>Passed in the baseline, fail now: {escape(', '.join(g.get('regressed', [])) or 'none')}. "
                f"Failed in the baseline, pass now: {escape(', '.join(g.get('fixed', [])) or 'none')}.</p>")
    return msg


def _headline(r: dict[str, Any]) -> str:
    s, base = r["summary"], (r.get("baseline_file") or {}).get("metrics", {})
    fails = {f["metric"] for f in (r.get("gate") or {}).get("failures", [])}
    rows = ["<tr><th>metric</th><th>this run</th><th>baseline file</th><th>change</th><th>tolerance</th><th>n</th></tr>"]
    for key, label, fmt in HEADLINE_ROWS:
        if key == "llm_faithfulness" and s.get(key) is None:
            continue  # no LLM endpoint configured
        b = base.get(key, {})
        old, new = b.get("value"), s.get(key)
        delta = "–" if old is None or new is None else f"{new - old:+.0f}" if "{:.0f}" in fmt else f"{new - old:+.3f}"
        cls = " class='bad'" if key in fails else ""
        rows.append(f"<tr{cls}><td>{escape(label)}</td><td class='num'>{_fmt(new, fmt)}</td>"
                    f"<td class='num'>{_fmt(old, fmt)}</td><td class='num'>{delta}</td>"
                    f"<td class='num'>{_fmt(b.get('tolerance'), '{:g}')}</td>"
                    f"<td class='num'>{_fmt(s.get('counts', {}).get(key), '{:d}')}</td></tr>")
    return "<h2>Headline metrics</h2><table>" + "".join(rows) + "</table>"


def _retrieval(r: dict[str, Any]) -> str:
    systems = [("assistant (hybrid)", r.get("retrieval_same_questions") or {})]
    systems += [(name, b.get("summary") or {"error": b.get("error")}) for name, b in (r.get("baselines") or {}).items()]
    rows = ["<tr><th>system</th>" + "".join(f"<th>{k}</th>" for k in RETRIEVAL) + "<th>n</th></tr>"]
    for name, s in systems:
        if s.get("error"):
            rows.append(f"<tr><td>{escape(name)}</td><td colspan='{len(RETRIEVAL) + 1}' class='bad'>"
                        f"not run: {escape(s['error'])}</td></tr>")
            continue
        rows.append(f"<tr><td>{escape(name)}</td>" + "".join(
            f"<td class='num'>{_fmt(s.get(k), '{:.0f}' if k == 'context_tokens' else '{:.3f}')}</td>" for k in RETRIEVAL)
            + f"<td class='num'>{_fmt(s.get('questions'), '{:d}')}</td></tr>")
    ok = [(n, s) for n, s in systems if not s.get("error") and s]
    chart = charts.grouped_bars([(n, [s.get("hit@5"), s.get("mrr")]) for n, s in ok], ["hit@5", "MRR"],
                                "Retrieval: the assistant and the baselines") if ok else ""
    return ("<h2>Retrieval against the baselines (same questions)</h2><table>" + "".join(rows) + "</table>"
            f"<p class='muted'>Questions with gold quotes or source documents only. Baselines are retrieval only.</p>"
            f"<div class='charts'>{chart}</div>")


def _types(r: dict[str, Any]) -> str:
    bt = r.get("by_type") or {}
    cols = ("questions",) + TYPE_SERIES + ("mrr", "citation_support", "abstention_recall", "latency_p50_ms")
    rows = ["<tr><th>type</th>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>"]
    for t, s in bt.items():
        rows.append(f"<tr><td>{escape(t)}</td>" + "".join(
            f"<td class='num'>{_fmt(s.get(c), '{:d}' if c == 'questions' else '{:.0f}' if c.endswith('_ms') else '{:.3f}')}</td>"
            for c in cols) + "</tr>")
    chart = charts.grouped_bars([(t, [s.get(k) for k in TYPE_SERIES]) for t, s in bt.items()], TYPE_SERIES,
                                "Scores by question type")
    return "<h2>By question type</h2><table>" + "".join(rows) + f"</table><div class='charts'>{chart}</div>"


def _latency(r: dict[str, Any]) -> str:
    values = [q["latency_ms"] for q in r.get("questions", []) if q.get("latency_ms") is not None]
    s = r["summary"]
    marks = [(n, s[k]) for n, k in (("p50", "latency_p50_ms"), ("p95", "latency_p95_ms")) if s.get(k) is not None]
    return ("<h2>Latency</h2><div class='charts'>"
            + charts.histogram(values, "Answer latency per question", marks=marks) + "</div>")


def _corpus(r: dict[str, Any]) -> str:
    out = ["<h2>Corpus changes</h2>"]
    touched = r.get("touched")
    out.append("<p>Documents added, changed or removed since the last passing eval: "
               + (escape(", ".join(touched)) if touched else "none") + "</p>" if touched is not None else
               "<p>No earlier eval of these gold files on this index: every document counts as new.</p>")
    stale = r.get("stale") or []
    if stale:
        out.append("<p>Stale questions (their quotes or documents are no longer in the corpus; not counted):</p><ul>"
                   + "".join(f"<li><b>{escape(s['id'])}</b>: {escape(s['reason'])}</li>" for s in stale) + "</ul>")
    checks = r.get("self_retrieval") or []
    if checks:
        bad = [c for c in checks if not c["passed"]]
        out.append(f"<p>Self-retrieval of {len(checks)} new or changed document(s): {len(bad)} not found.</p>")
        rows = ["<tr><th>document</th><th>result</th><th>queries not retrieving it</th></tr>"]
        for c in sorted(checks, key=lambda c: c["passed"]):
            missed = [q for q in c["queries"] if q["rank"] is None]
            rows.append(f"<tr class='{'pass' if c['passed'] else 'fail'}'><td>{escape(c['doc'])}</td>"
                        f"<td class='{'ok' if c['passed'] else 'bad'}'>{c['found']}/{len(c['queries'])} found</td><td>"
                        + "<br>".join(f"[{escape(q['kind'])}] {escape(q['query'][:160])} → "
                                      f"{escape(', '.join(q['top']))}" for q in missed[:4]) + "</td></tr>")
        out.append("<details><summary>self-retrieval details</summary><table>" + "".join(rows) + "</table></details>")
    return "".join(out)


def _questions(r: dict[str, Any]) -> str:
    rows = ["<tr><th>id</th><th>question</th><th>answer</th><th>citations</th><th>checks</th></tr>"]
    for q in r.get("questions", []):
        hist = "".join(f"<div class='muted'>earlier: {escape(h)}</div>" for h in q.get("history", []))
        expected = f"<div class='muted'>expected: {escape(q['expected'])}</div>" if q.get("expected") else ""
        keys = f"<div class='muted'>keys: {escape(' · '.join(q['keys']))}</div>" if q.get("keys") else ""
        cites = "".join(
            f"<details><summary>[{c['n']}] {escape(c['doc'])}{' — ' + escape(c['section']) if c.get('section') else ''}"
            f"</summary><div class='cite'>{escape(c['text'])}</div></details>" for c in q.get("citations", []))
        checks = "".join(f"<div class='{'ok' if c['passed'] else 'bad'}'>{'✓' if c['passed'] else '✗'} "
                         f"{escape(c['name'])}{': ' + escape(c['why']) if c['why'] else ''}</div>"
                         for c in q.get("checks", []))
        cls = "pass" if q.get("passed") else "fail"
        rows.append(f"<tr class='{cls}'><td>{escape(q['id'])}<br><span class='muted'>{escape(q['type'])}</span></td>"
                    f"<td class='q'>{hist}{escape(q['question'])}{expected}{keys}</td>"
                    f"<td class='answer'>{escape(q.get('answer', ''))}</td><td>{cites}</td><td>{checks}</td></tr>")
    n_fail = sum(1 for q in r.get("questions", []) if not q.get("passed"))
    return ("<h2>Questions</h2><input type='checkbox' id='only-failures'> "
            f"<label for='only-failures'>show only the {n_fail} failing question(s)</label>"
            "<table id='questions'>" + "".join(rows) + "</table>")

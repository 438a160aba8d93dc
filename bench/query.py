"""Question-answering benchmark: latency per stage, time to the first answer, peak memory.

    python bench/query.py [--ilacs DIR] [--index-dir DIR] [--ilacs-index DIR] [--questions N] [--seeds N]
                          [--torch-threads N] [--cold-runs N] [--skip-seeds] [--skip-cold]

1. The seeds: corpus/ ingested into a temporary index (or the index in --index-dir, reused as it is);
   every question of eval/gold/seeds.jsonl asked through ``Assistant(settings).ask(q, history=h)``;
   p50 and p95 of each stage of ``Answer.timings_ms`` (embed_query, dense, keyword, fusion, answer,
   total) and of the CPU time of each ask.
2. The ILACS archive (../shared/ilacs/reports, 245 PDFs) plus the five seeds, in one index built once
   into --ilacs-index (default /tmp/iqa-bench-ilacs; reused when a previous build finished there):
   the same figures over the seeds' questions and N questions of eval/gold/ilacs.jsonl (or, without
   that file, "Who was the lead inspector for <authority>'s <month year> inspection?" from
   inspections.csv). Target: p95 of "total" <= 150 ms.
3. Cold start: a fresh interpreter that imports the Assistant and answers one question against the
   ILACS index; the interpreter's own start (``python -c pass``) is measured apart and added.
   Target: <= 10 s. "Cold" is a new process; the OS file cache stays warm between runs.
4. Peak memory: ru_maxrss of this process after the ILACS questions, and of each cold-start child as
   it reports it (RUSAGE_CHILDREN is printed too; it is the largest child, the build's when one ran).

Each question is timed the first time it is asked, after two warm-up questions not in the sets (the
first ask of a process loads the model and the indexes, which part 3 measures). The embedder's cache
of recent sentence vectors is emptied before part 2, so no question of it reuses part 1's work. The machine may be
shared: CPU seconds are printed beside wall-clock ones, and each cold start is repeated --cold-runs times.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path, and bench/ingest.py would hide the ingest package.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (ROOT, ROOT / "bench")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

STAGES = ("embed_query", "dense", "keyword", "fusion", "answer", "total")
TARGET_P95_MS = 150.0
TARGET_COLD_S = 10.0
DEFAULT_ILACS_INDEX = Path(tempfile.gettempdir()) / "iqa-bench-ilacs"
WARM_UP = ("What did inspectors say about supervision of social workers?", "Who led the visit in 2019?")
DONE = "build-complete.json"  # written after a build finishes, so a half-built folder is never reused


# -- indexes --------------------------------------------------------------------------------------
def seeds_index(tmp: Path) -> Path:
    """corpus/ ingested into ``tmp``/index."""
    from index.settings import Settings
    from ingest.pipeline import Ingestor

    settings = Settings.from_env(environ={}, corpus=ROOT / "corpus", index=tmp / "index")
    t = time.perf_counter()
    summary = Ingestor(settings).run()
    print(f"seeds index: {summary.documents} documents, {summary.chunks} chunks, built in "
          f"{time.perf_counter() - t:.1f} s", flush=True)
    return settings.index


def ilacs_index(ilacs: Path, dest: Path) -> Path:
    """The index of every ILACS PDF plus the seeds in ``dest``/index, built unless a build finished there."""
    index = dest / "index"
    if (dest / DONE).is_file():
        info = json.loads((dest / DONE).read_text())
        print(f"ilacs index: reused {index} ({info.get('documents')} documents, {info.get('chunks')} chunks, "
              f"built {info.get('built')}){' ' + info['note'] if info.get('note') else ''}", flush=True)
        return index
    pdfs = sorted((ilacs / "reports").glob("*/*.pdf"))
    if not pdfs:
        raise SystemExit(f"bench/query.py: no PDFs under {ilacs / 'reports'} (set --ilacs)")
    corpus = dest / "corpus"
    for path in pdfs:
        # Links keep the archive's own files; doc names are "<urn>_<authority>/<file>.pdf" as in ilacs.jsonl.
        link = corpus / path.parent.name / path.name
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink():
            link.symlink_to(path.resolve())
    for seed in sorted((ROOT / "corpus").glob("*.txt")):
        shutil.copy2(seed, corpus / seed.name)
    # Ingestion runs in a child process so this process's peak memory is that of answering alone. It is
    # incremental: an interrupted build keeps what it committed and the next run carries on from there.
    code = ("import sys, json, datetime; sys.path.insert(0, sys.argv[1]);"
            "from pathlib import Path; from index.settings import Settings; from ingest.pipeline import Ingestor;"
            "s = Settings.from_env(environ={}, corpus=Path(sys.argv[2]), index=Path(sys.argv[3]));"
            "p = lambda name, done, total: done % 25 == 0 and print(f'ilacs build: {done}/{total}', flush=True);"
            "r = Ingestor(s).run(progress=p);"
            "[print('ilacs build failed file:', f['file'], f['error']) for f in r.failed];"
            "Path(sys.argv[4]).write_text(json.dumps({'documents': r.documents, 'chunks': r.chunks,"
            " 'seconds': round(r.seconds, 1), 'built': datetime.datetime.now().isoformat()}))")
    print(f"ilacs index: building {len(pdfs)} PDFs + seeds into {index} (about 10 minutes on an idle machine)",
          flush=True)
    subprocess.run([sys.executable, "-c", code, str(ROOT), str(corpus), str(index), str(dest / DONE)], check=True)
    info = json.loads((dest / DONE).read_text())
    print(f"ilacs index: {info['documents']} documents, {info['chunks']} chunks in {info['seconds']} s", flush=True)
    return index


# -- questions ------------------------------------------------------------------------------------
def seed_questions() -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "gold" / "seeds.jsonl").read_text().splitlines() if line]
    return [(r["question"], list(r.get("history") or [])) for r in rows]


def ilacs_questions(ilacs: Path, n: int, indexed: set[str]) -> tuple[list[tuple[str, list[str]]], str]:
    """``n`` questions spread evenly over eval/gold/ilacs.jsonl (all when n is 0), or made from the CSV.

    Gold questions whose source documents are not all in ``indexed`` are left out.
    """
    gold = ROOT / "eval" / "gold" / "ilacs.jsonl"
    if gold.is_file():
        rows = [json.loads(line) for line in gold.read_text().splitlines() if line]
        kept = [r for r in rows if set(r.get("docs") or ()) <= indexed]
        source = f"{gold.relative_to(ROOT)} ({len(kept)} of {len(rows)} questions have their documents indexed)"
        rows = kept
        qs = [(r["question"], list(r.get("history") or [])) for r in rows]
    else:
        source = f"{ilacs / 'inspections.csv'} (generated)"
        qs = []
        with open(ilacs / "inspections.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                try:
                    start = dt.datetime.strptime(row["inspection_start_date"], "%d/%m/%Y")
                except ValueError:
                    continue
                place = row["local_authority"].title().replace(" And ", " and ").replace(" Of ", " of ")
                qs.append((f"Who was the lead inspector for {place}'s {start:%B %Y} inspection?", []))
        n = n or 50
    if n and n < len(qs):
        qs = [qs[i * len(qs) // n] for i in range(n)]
    return qs, source


# -- measuring ------------------------------------------------------------------------------------
def ask_all(assistant, questions) -> dict[str, list[float]]:
    """Ask each question once, timed; stage name -> milliseconds per question.

    Each is timed on first sight: a cache keyed on the question would make a second pass look better
    than a user's first ask. The assistant is warmed beforehand with WARM_UP, which is not among them.
    """
    out: dict[str, list[float]] = {s: [] for s in STAGES + ("cpu",)}
    for q, h in questions:
        cpu = time.process_time()
        answer = assistant.ask(q, history=h)
        out["cpu"].append((time.process_time() - cpu) * 1000)
        for stage in STAGES:
            if stage in answer.timings_ms:
                out[stage].append(answer.timings_ms[stage])
    return out


def warmed(assistant):
    """The assistant with its model and indexes loaded and its first-call costs paid."""
    assistant.warm()
    for q in WARM_UP:
        assistant.ask(q)
    return assistant


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by linear interpolation between closest ranks (numpy's default)."""
    v = sorted(values)
    if not v:
        return float("nan")
    x = (len(v) - 1) * p / 100
    lo = int(x)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (x - lo)


def report(label: str, timings: dict[str, list[float]], target: bool) -> None:
    n = len(timings["total"])
    print(f"== {label}: {n} questions")
    for stage in STAGES + ("cpu",):
        values = timings[stage]
        name = "cpu (process time per ask)" if stage == "cpu" else stage
        print(f"{label} {name} ms: p50 {percentile(values, 50):.1f}  p95 {percentile(values, 95):.1f}  "
              f"max {max(values, default=float('nan')):.1f}  (n={len(values)})")
    if target:
        p95 = percentile(timings["total"], 95)
        print(f"{label} target p95 total <= {TARGET_P95_MS:.0f} ms: {'MET' if p95 <= TARGET_P95_MS else 'NOT MET'} "
              f"({p95:.1f} ms)")
    sys.stdout.flush()


_COLD = """
import time
t0 = time.time()
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from index.assistant import Assistant
from index.settings import Settings
t1 = time.time()
a = Assistant(Settings.from_env(environ={{}}, index=Path({index!r})))
answer = a.ask({question!r})
t2 = time.time()
import resource
print(t1 - t0, t2 - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, int(answer.abstained))
"""


def cold_start(index: Path, question: str, runs: int) -> None:
    """Fresh interpreters answering one question; seconds from process start to the answer."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"}
    code = _COLD.format(root=str(ROOT), index=str(index), question=question)
    totals = []
    for run in range(1, runs + 1):
        t = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        interp = time.perf_counter() - t
        mid = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], check=True, env=env, stdout=subprocess.PIPE,
                             text=True).stdout.split()
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        imports, first, rss, abstained = float(out[0]), float(out[1]), int(out[2]), out[3] == "1"
        interp_cpu = (mid.ru_utime + mid.ru_stime) - (before.ru_utime + before.ru_stime)
        cpu = (after.ru_utime + after.ru_stime) - (mid.ru_utime + mid.ru_stime)
        total = interp + first
        totals.append(total)
        print(f"cold start run {run}: interpreter start {interp:.2f} s (cpu {interp_cpu:.2f} s); "
              f"imports {imports:.2f} s; first answer {first:.2f} s after the script began "
              f"(child wall incl. exit {wall:.2f} s, child cpu {cpu:.2f} s); "
              f"process start to first answer {total:.2f} s; peak rss {rss / 1024:.0f} MB"
              f"{'; abstained' if abstained else ''}", flush=True)
    best, median = min(totals), statistics.median(totals)
    print(f"cold start seconds: median {median:.2f}  best {best:.2f}  (n={runs})")
    print(f"cold start target <= {TARGET_COLD_S:.0f} s: {'MET' if median <= TARGET_COLD_S else 'NOT MET'} "
          f"(median {median:.2f} s)")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak memory, largest child so far (RUSAGE_CHILDREN): {rss / 1024:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ilacs", type=Path, default=ROOT.parent / "shared" / "ilacs",
                        help="the ILACS archive: inspections.csv and reports/ (default ../shared/ilacs)")
    parser.add_argument("--index-dir", type=Path, help="reuse this seeds index instead of ingesting corpus/")
    parser.add_argument("--ilacs-index", type=Path, default=DEFAULT_ILACS_INDEX,
                        help=f"where the ILACS index is built once and reused (default {DEFAULT_ILACS_INDEX})")
    parser.add_argument("--questions", type=int, default=100,
                        help="ILACS questions to ask, spread over the gold file (default 100; 0: all)")
    parser.add_argument("--seeds", type=int, default=0,
                        help="seeds' questions to ask, spread over the file (default 0: all)")
    parser.add_argument("--torch-threads", type=int,
                        help="torch.set_num_threads here and OMP_NUM_THREADS in the cold start (default: torch's)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts to time (default 3)")
    parser.add_argument("--skip-seeds", action="store_true", help="leave out part 1 (the seeds index)")
    parser.add_argument("--skip-cold", action="store_true", help="leave out the cold start")
    args = parser.parse_args(argv)

    print(f"cpus: {os.cpu_count()}; load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    index = ilacs_index(args.ilacs, args.ilacs_index)  # first: a build runs in a child, before anything loads

    from index.assistant import Assistant
    from index.embedder import Embedder
    from index.settings import Settings

    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
        os.environ["OMP_NUM_THREADS"] = str(args.torch_threads)  # for the cold-start children
    embedder = Embedder(runtime="auto")  # one model for both indexes, as the Assistant makes it
    seeds = seed_questions()
    if args.seeds and args.seeds < len(seeds):
        seeds = [seeds[i * len(seeds) // args.seeds] for i in range(args.seeds)]
    if not args.skip_seeds:
        with tempfile.TemporaryDirectory(prefix="iqa-bench-query-") as tmp:
            seeds_dir = args.index_dir or seeds_index(Path(tmp))
            assistant = warmed(Assistant(Settings.from_env(environ={}, index=seeds_dir), embedder=embedder))
            report("seeds", ask_all(assistant, seeds), target=False)
            assistant.docstore.close()

    settings = Settings.from_env(environ={}, index=index)
    assistant = warmed(Assistant(settings, embedder=embedder))
    # The seeds' questions were asked in part 1: their vectors must not come from its cache. Within a
    # part the cache works as it does for staff, whose questions often touch the same passages.
    embedder.clear_cache()
    extra, source = ilacs_questions(args.ilacs, args.questions, set(assistant.retriever.metas))
    print(f"ilacs questions from {source}: {len(extra)} asked, plus the {len(seeds)} seeds' questions")
    on_seeds, on_extra = ask_all(assistant, seeds), ask_all(assistant, extra)
    report("ilacs seeds-questions", on_seeds, target=False)
    report("ilacs ilacs-questions", on_extra, target=False)
    report("ilacs all-questions", {s: on_seeds[s] + on_extra[s] for s in on_seeds}, target=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory, this process (RUSAGE_SELF, after the ILACS questions): {rss / 1024:.0f} MB")
    if not args.skip_cold:
        cold_start(index, extra[0][0] if extra else seeds[0][0], args.cold_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

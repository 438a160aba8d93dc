"""The corpus eval in one command: ingest corpus/ into a fresh temporary index, then run the gated eval
of every hand-checked gold set (seeds, dev, held-out).

    python -m eval.ci [--out DIR] [--update-baseline] [--no-baselines]

CI runs it plain (exit 1 when the gate fails); after a deliberate change to the answerer, run it
with --update-baseline to rewrite eval/baseline.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The hand-checked gold sets over corpus/ (eval/gold/README.md): the seeds, the further
#: development questions, and the held-out questions no change was tuned on.
GOLD_FILES = [ROOT / "eval" / "gold" / name for name in ("seeds.jsonl", "dev.jsonl", "heldout.jsonl")]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.ci", description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=str(ROOT / "corpus"), help="corpus folder (default corpus/)")
    p.add_argument("--out", default=str(ROOT / "artifacts" / "eval"), help="report folder (default artifacts/eval)")
    p.add_argument("--update-baseline", action="store_true", help="rewrite eval/baseline.json from this run")
    p.add_argument("--no-baselines", action="store_true", help="skip the comparison retrievers")
    args = p.parse_args(argv)

    from app.cli import main as cli

    with tempfile.TemporaryDirectory(prefix="iqa-eval-") as tmp:
        index = str(Path(tmp) / "index")
        rc = cli(["ingest", "--corpus", args.corpus, "--index", index, "--json"])
        if rc != 0:
            print(f"eval.ci: ingesting {args.corpus} failed (exit {rc})", file=sys.stderr)
            return rc
        extra = ["--update-baseline"] * args.update_baseline + ["--no-baselines"] * args.no_baselines
        gold = [arg for path in GOLD_FILES for arg in ("--gold", str(path))]
        return cli(["eval", "--corpus", args.corpus, "--index", index, "--out", args.out, *gold, *extra])


if __name__ == "__main__":
    sys.exit(main())

"""Chunk size and overlap, measured: retrieval quality on the seeds gold set for each setting.

    python bench/chunking.py [--sizes 120,200,300] [--overlaps 0,1]

For each (chunk_tokens, overlap) it ingests corpus/ into a fresh temporary index and prints
hit@5 and MRR (a gold quote inside a retrieved passage), the mean context tokens the top
passages use, the number of chunks, and the share of chunks whose embedded text (header
included) exceeds the model's 256 word-piece window — the part dense retrieval cannot see.
Dense-only and keyword-only figures are printed beside hybrid, so each retriever's share shows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def _norm(text: str) -> str:
    return " ".join(text.replace("**", "").split()).lower()


def measure(settings, gold: list[dict], embedder) -> dict[str, tuple[float, float, float]]:
    from index.assistant import Assistant
    from index.text import count_tokens

    out = {}
    for mode in ("hybrid", "dense", "keyword"):
        assistant = Assistant(settings, embedder=embedder, mode=mode)
        hits = rr = tokens = 0.0
        for g in gold:
            passages = assistant.retrieve(g["question"], history=g["history"]).passages
            tokens += sum(count_tokens(p.text) for p in passages)
            rank = next((i for i, p in enumerate(passages, 1)
                         if any(_norm(q["text"]) in _norm(p.text) for q in g["quotes"])), None)
            hits += rank is not None
            rr += 1.0 / rank if rank else 0.0
        out[mode] = (hits / len(gold), rr / len(gold), tokens / len(gold))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="120,200,300")
    parser.add_argument("--overlaps", default="0,1")
    args = parser.parse_args()
    from index.embedder import Embedder
    from index.settings import Settings
    from ingest.pipeline import Ingestor

    gold = [g for g in map(json.loads, (ROOT / "eval/gold/seeds.jsonl").read_text().splitlines()) if g["quotes"]]
    embedder = Embedder()
    tokenizer = embedder.model.tokenizer
    print(f"{len(gold)} gold questions with quotes; corpus {ROOT / 'corpus'}")
    print("tokens overlap  chunks  over-256  | hybrid hit@5  MRR  ctx | dense hit@5  MRR | keyword hit@5  MRR")
    for size in map(int, args.sizes.split(",")):
        for overlap in map(int, args.overlaps.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                settings = Settings.from_env(corpus=ROOT / "corpus", index=Path(tmp), chunk_tokens=size,
                                             chunk_overlap=overlap)
                ingestor = Ingestor(settings, embedder=embedder)
                ingestor.run()
                metas = ingestor.docstore.metas()
                chunks = ingestor.docstore.chunks()
                over = sum(len(tokenizer(c.search_text(metas[c.doc]))["input_ids"]) > 256 for c in chunks)
                m = measure(settings, gold, embedder)
                h, d, k = m["hybrid"], m["dense"], m["keyword"]
                print(f"{size:6d} {overlap:7d} {len(chunks):7d} {over / len(chunks):8.1%}  | "
                      f"{h[0]:12.3f} {h[1]:5.3f} {h[2]:4.0f} | {d[0]:11.3f} {d[1]:5.3f} | {k[0]:13.3f} {k[1]:5.3f}",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

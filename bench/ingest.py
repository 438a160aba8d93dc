"""Ingestion benchmark: the seed corpus and the ILACS archive, each into a fresh temporary index.

For each corpus it prints the seconds per pipeline stage, the total, chunks and chunks per second;
then bare ``SentenceTransformer.encode`` (batch 32, the same model) over the same chunk texts and
the ratio pipeline/bare; then a re-run on the unchanged corpus as a percentage of the full run.
The model is loaded, and chromadb imported, once before any timing: they are the process's start-up
(bench/query.py measures that), not ingestion work, and on the seeds they would be a third of the run. Targets: ratio >= 0.8, 245 PDFs in <= 10 minutes,
re-run <= 2 %. CPU seconds are printed beside wall-clock ones: on a shared machine the latter move
with other processes' load.

    python bench/ingest.py [--ilacs DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

STAGES = ("extract", "clean", "metadata", "chunk", "embed", "store")


def bench(label: str, files: list[Path], embedder, batch: int, sample: int = 1) -> None:
    from index.docstore import DocStore
    from index.settings import Settings
    from ingest.pipeline import Ingestor

    with tempfile.TemporaryDirectory(prefix="iqa-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        for i, path in enumerate(files):
            # Links keep the archive's own files; the prefix keeps same-named reports apart.
            link = corpus / f"{i:04d}_{path.parent.name}" / path.name
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path.resolve())
        settings = Settings.from_env(environ={}, corpus=corpus, index=Path(tmp) / "index", embed_batch=batch)

        started = time.perf_counter()

        def progress(_name: str, done: int, total: int) -> None:
            if done % 25 == 0 or done == total:
                print(f"{label} progress: {done}/{total} documents after {time.perf_counter() - started:.0f} s",
                      flush=True)

        cpu = time.process_time()
        summary = Ingestor(settings, embedder=embedder).run(progress=progress)
        pipeline_cpu = time.process_time() - cpu
        chunks = summary.new_chunks
        print(f"== {label}: {len(files)} files")
        for stage in STAGES:
            print(f"{label} stage {stage} seconds: {summary.stages.get(stage, 0.0):.2f}")
        print(f"{label} documents: {summary.documents}")
        print(f"{label} failed: {len(summary.failed)}")
        for item in summary.failed:
            print(f"{label} failed file: {item['file']}: {item['error']}")
        print(f"{label} total seconds: {summary.seconds:.2f}")
        print(f"{label} chunks: {chunks}")
        pipeline_rate = chunks / summary.seconds if summary.seconds else 0.0
        print(f"{label} pipeline chunks per second: {pipeline_rate:.2f}")
        print(f"{label} pipeline cpu seconds: {pipeline_cpu:.2f}")

        store = DocStore(settings.index / "docstore.sqlite")
        metas = store.metas()
        texts = [c.search_text(metas.get(c.doc)) for c in store.chunks()]
        store.close()
        if sample > 1:  # every n-th chunk text: the same mix of lengths, in a fraction of the time
            texts = texts[::sample]
            print(f"{label} bare encode sample: every {sample}th chunk, {len(texts)} texts")
        t, cpu = time.perf_counter(), time.process_time()
        embedder.model.encode(texts, batch_size=batch, normalize_embeddings=True, convert_to_numpy=True,
                              show_progress_bar=False)
        bare, bare_cpu = time.perf_counter() - t, time.process_time() - cpu
        bare_rate = len(texts) / bare if bare else 0.0
        print(f"{label} bare encode seconds: {bare:.2f}")
        print(f"{label} bare encode chunks per second: {bare_rate:.2f}")
        print(f"{label} bare encode cpu seconds: {bare_cpu:.2f}")
        print(f"{label} ratio pipeline/bare: {pipeline_rate / bare_rate if bare_rate else 0.0:.3f}")
        # On a shared machine wall-clock rates move with the neighbours' load; CPU seconds per chunk
        # measure the work each side does, whatever else runs.
        cpu_ratio = (bare_cpu / len(texts)) / (pipeline_cpu / chunks) if chunks and texts and pipeline_cpu else 0.0
        print(f"{label} ratio pipeline/bare by cpu time per chunk: {cpu_ratio:.3f}")

        again = Ingestor(settings, embedder=embedder).run()
        assert not again.added and not again.updated, "the re-run found work to do"
        print(f"{label} re-run seconds: {again.seconds:.3f}")
        print(f"{label} re-run % of full run: {100 * again.seconds / summary.seconds:.2f}")
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ilacs", type=Path, default=ROOT.parent / "shared" / "ilacs",
                        help="the ILACS archive (default ../shared/ilacs)")
    parser.add_argument("--limit", type=int, help="only the first N PDFs of the archive")
    parser.add_argument("--batch", type=int, default=32, help="encode batch size (default 32)")
    parser.add_argument("--skip-seeds", action="store_true", help="only the archive")
    parser.add_argument("--bare-sample", type=int, default=1, metavar="N",
                        help="time bare encode on every N-th chunk text of the archive only (default 1: all)")
    args = parser.parse_args(argv)

    import torch

    from index.embedder import Embedder

    t = time.perf_counter()
    embedder = Embedder().warm()
    print(f"model load seconds: {time.perf_counter() - t:.2f}")
    t = time.perf_counter()
    import chromadb  # noqa: F401 - imported here so the first run does not pay for it

    print(f"chromadb import seconds: {time.perf_counter() - t:.2f}")
    # Warm up (first calls build kernels) so neither the pipeline nor bare encode pays for it.
    embedder.embed(["a warm-up sentence about children's services " * n for n in (1, 8, 30)] * 11)
    print(f"torch threads: {torch.get_num_threads()}")
    print(f"cpus: {os.cpu_count()}")
    if not args.skip_seeds:
        bench("seeds", sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix == ".txt"), embedder, args.batch)
    pdfs = sorted((args.ilacs / "reports").glob("*/*.pdf"))
    if not pdfs:
        print(f"ilacs: no PDFs under {args.ilacs / 'reports'}; skipped")
        return 0
    if args.limit:
        pdfs = pdfs[: args.limit]
    bench("ilacs", pdfs, embedder, args.batch, args.bare_sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The `inspection-qa` command: ingest, docs, ask, retrieve, serve, eval."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Callable, Sequence

from index.settings import Settings, SettingsError


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", help="corpus folder (IQA_CORPUS, default corpus/)")
    p.add_argument("--index", help="index folder (IQA_INDEX, default data/index)")
    p.add_argument("--embed-model", dest="embed_model", help="sentence-transformers model path or name (IQA_EMBED_MODEL)")
    p.add_argument("--chroma-host", dest="chroma_host", help="use a Chroma server at this host (IQA_CHROMA_HOST)")
    p.add_argument("--chroma-port", dest="chroma_port", type=int, help="Chroma server port (IQA_CHROMA_PORT)")


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--k", type=int, help="passages to return (IQA_K, default 5)")
    p.add_argument("--authority", help="only documents about this authority")
    p.add_argument("--doc-type", dest="doc_type", help="only documents of this kind, e.g. 'focused visit letter'")
    p.add_argument("--since", help="only documents dated on or after YYYY-MM-DD")
    p.add_argument("--until", help="only documents dated on or before YYYY-MM-DD")
    p.add_argument("--batch", help="a file of questions: one per line, or JSONL objects with a \"question\" field")
    p.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inspection-qa", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest the corpus folder into the index (only what changed)")
    _common(p)
    p.add_argument("--rebuild", action="store_true", help="start the index afresh")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")

    p = sub.add_parser("docs", help="list the ingested documents and their metadata")
    _common(p)
    p.add_argument("--json", action="store_true", help="print a JSON list")

    p = sub.add_parser("ask", help="answer a question with cited passages")
    _common(p)
    p.add_argument("question", nargs="?", help="the question (or use --batch)")
    _filters(p)

    p = sub.add_parser("retrieve", help="the ranked passages for a question, without an answer")
    _common(p)
    p.add_argument("question", nargs="?", help="the question (or use --batch)")
    _filters(p)

    p = sub.add_parser("serve", help="run the web app (ingests the corpus first when the index is empty)")
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")

    p = sub.add_parser("eval", help="measure answers and retrieval on gold questions")
    _common(p)
    p.add_argument("--gold", action="append", help="gold file(s) (default eval/gold/seeds.jsonl)")
    p.add_argument("--out", default="eval-report", help="folder for report.json and report.html")
    p.add_argument("--baseline", help="baseline metrics file (default eval/baseline.json)")
    p.add_argument("--update-baseline", dest="update_baseline", action="store_true",
                   help="write this run's metrics as the new baseline")
    p.add_argument("--changed-only", dest="changed_only", action="store_true",
                   help="only questions whose sources the last ingestion touched")
    p.add_argument("--no-baselines", dest="no_baselines", action="store_true",
                   help="skip the dense-only, keyword-only and LlamaIndex comparison runs")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    names = ("corpus", "index", "embed_model", "chroma_host", "chroma_port", "k")
    return Settings.from_env(**{n: getattr(args, n, None) for n in names})


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
        return _handler(args.command)(args, settings)
    except SettingsError as err:
        print(f"inspection-qa: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("inspection-qa: interrupted", file=sys.stderr)
        return 130
    except Exception as err:
        # Known failures (a missing corpus, a model mismatch, an unreachable server) carry messages
        # meant for people; print those without a traceback.
        if err.__class__.__name__ in {"StoreError", "LoadError", "EmbedderError", "UsageError", "LLMError"}:
            print(f"inspection-qa: {err}", file=sys.stderr)
            return 2
        raise


# Each command's module is imported only when that command runs, so `--help` and light
# commands start fast and never load the embedding model they do not need.
_HANDLERS = {"ingest": "app.commands:cmd_ingest", "docs": "app.commands:cmd_docs",
             "ask": "app.commands:cmd_ask", "retrieve": "app.commands:cmd_retrieve",
             "serve": "app.server:cmd_serve", "eval": "eval.run:cmd_eval"}


def _handler(command: str) -> Callable[[argparse.Namespace, Settings], int]:
    import importlib

    module, name = _HANDLERS[command].split(":")
    return getattr(importlib.import_module(module), name)


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())

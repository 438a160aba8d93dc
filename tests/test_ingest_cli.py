"""`inspection-qa ingest` and `docs` end to end: the real model, real Chroma, a corpus with bad files.

One module-scoped run of the command line (the expensive part: it loads the model and embeds the
seeds) is shared by the checks on its JSON summary, its exit status, `docs --json` and retrieval.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import CORPUS, SEEDS, cli, cli_env, forget_chroma_clients, index_state

from index.settings import Settings
from index.types import DOC_TYPES

pytestmark = pytest.mark.slow
# The seeds but the 31-chunk self-evaluation (its chunking is tested in-process): the run stays short.
DOCS = [name for name in SEEDS if name != SEEDS[1]]

GOOD_EXTRA = {
    "notes/ünïcödé name with spaces.md": (
        "# Notes from a practice week\n\nDuring the practice week, managers in the fostering team reviewed "
        "twelve plans for sibling groups. The review found that contact arrangements between brothers and "
        "sisters placed apart were recorded clearly in every plan.\n"
    ).encode(),
    "notes/deeper/café minutes.txt": (
        "Minutes of the café meeting with care leavers\n\nCare leavers asked for help with council tax and "
        "budgeting. The personal advisers agreed to run a money skills session each month.\n"
    ).encode("cp1252"),
}
BAD = {
    "empty.txt": b"",
    "garbage.pdf": bytes(range(256)) * 64,
    "garbage.txt": bytes((i * 7919) % 256 for i in range(20000)),
    "corrupt.pdf": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Kids [",
}
UNSUPPORTED = "slides.pptx"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in DOCS:
        shutil.copy(CORPUS / name, corpus / name)
    for rel, data in {**GOOD_EXTRA, **BAD}.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_bytes(data)
    (corpus / UNSUPPORTED).write_bytes(b"PK\x03\x04 not really a presentation")
    os.symlink("..", corpus / "notes" / "loop")  # notes/loop -> corpus: a folder loop
    index = root / "index"
    env = cli_env(IQA_CORPUS=str(corpus), IQA_INDEX=str(index))
    run = subprocess.run(cli("ingest", "--json"), env=env, capture_output=True, text=True, timeout=600)
    settings = Settings.from_env(environ={}, corpus=corpus, index=index)
    return run, settings, env


def test_json_summary_and_exit_status(ingested):
    run, settings, _ = ingested
    assert run.returncode == 2, run.stderr[-3000:]
    summary = json.loads(run.stdout)  # stdout is exactly one JSON object
    assert set(summary) == {"added", "updated", "unchanged", "removed", "duplicates", "failed", "documents",
                            "chunks", "seconds"}
    assert {f["file"] for f in summary["failed"]} == set(BAD)
    assert all(set(f) == {"file", "error"} and f["error"] for f in summary["failed"])
    for name in [*BAD, UNSUPPORTED, "notes/loop"]:  # every file left out is named on stderr
        assert name in run.stderr, f"{name} is not named in:\n{run.stderr}"
    assert summary["added"] == len(DOCS) + len(GOOD_EXTRA) == summary["documents"]
    assert (summary["updated"], summary["unchanged"], summary["removed"], summary["duplicates"]) == (0, 0, 0, 0)
    forget_chroma_clients()
    vectors, chunks, docs = index_state(settings)
    assert vectors == chunks and summary["chunks"] == len(chunks) > 30
    assert set(docs) == set(DOCS) | set(GOOD_EXTRA)


def test_second_run_names_every_bad_file_and_embeds_nothing(ingested):
    _, settings, env = ingested
    run = subprocess.run(cli("ingest"), env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2
    for name in [*BAD, UNSUPPORTED, "notes/loop"]:
        assert name in run.stderr, f"{name} is not named in:\n{run.stderr}"
    assert re.search(rf"0 added, 0 updated, {len(DOCS) + len(GOOD_EXTRA)} unchanged", run.stdout)
    assert "Traceback" not in run.stderr
    # Nothing was embedded, so the model was never loaded.
    assert "Loading weights" not in run.stderr


def test_docs_json_lists_every_document_with_its_metadata(ingested):
    _, settings, env = ingested
    run = subprocess.run(cli("docs", "--json"), env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    assert isinstance(rows, list) and {r["doc"] for r in rows} == set(DOCS) | set(GOOD_EXTRA)
    for row in rows:
        assert {"doc", "title", "doc_type", "authority", "date", "inspectors", "grades", "chunks",
                "hash"} <= set(row)
        path = settings.corpus / row["doc"]
        assert row["hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert row["doc_type"] in DOC_TYPES
        assert row["date"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"])
        assert isinstance(row["inspectors"], list) and isinstance(row["grades"], dict)
        assert isinstance(row["chunks"], int) and row["chunks"] > 0
    assert sum(r["chunks"] for r in rows) == len(index_state(settings)[1])
    letter = next(r for r in rows if r["doc"] == SEEDS[0])
    assert letter["doc_type"] == "focused visit letter" and letter["authority"] == "Barking and Dagenham"
    assert letter["date"] == "2018-04-03" and letter["inspectors"][0] == "Louise Warren"


def test_docs_without_an_index_is_empty(tmp_path):
    run = subprocess.run(cli("docs", "--json"), env=cli_env(IQA_INDEX=str(tmp_path / "none")),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and json.loads(run.stdout) == []


def test_the_index_answers_with_the_real_model(ingested, embedder):
    from index.retrieve import Retriever

    _, settings, _ = ingested
    forget_chroma_clients()
    retriever = Retriever(settings, embedder=embedder)
    found = retriever.search("Is management oversight of case work in the assessment service recorded?")
    assert SEEDS[0] in {p.doc for p in found.passages} and any("oversight" in p.text for p in found.passages)
    found = retriever.search("money skills sessions for care leavers")
    assert found.passages[0].doc == "notes/deeper/café minutes.txt"
    dense_only = Retriever(settings, embedder=embedder, mode="dense").search("sibling groups placed apart")
    assert dense_only.passages[0].doc == "notes/ünïcödé name with spaces.md"

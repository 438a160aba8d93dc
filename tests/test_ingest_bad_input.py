"""Bad input at the pipeline level: each bad file is named and skipped, the others are ingested, nothing is lost.

(The loader's own unit tests cover each format's failure messages; test_ingest_cli.py runs the same
kind of corpus through the command line with the real model.)
"""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import SEEDS, HashEmbedder, index_state

from ingest.pipeline import Ingestor


def chunk_ids(settings, doc: str) -> set[str]:
    return {c for c in index_state(settings)[1] if c.startswith(_prefix(doc))}


def _prefix(doc: str) -> str:
    import hashlib

    return hashlib.sha1(doc.encode()).hexdigest()[:10]


def test_bad_files_are_named_and_the_good_ones_ingested(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy(SEEDS[2:4])
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "garbage.pdf").write_bytes(bytes(range(256)) * 64)
    (corpus / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Pages 2 0 R >>\nendobj\ntrailer <<")
    (corpus / "whitespace.md").write_text(" \n\n\t\n")
    (corpus / "table.xlsx").write_bytes(b"PK\x03\x04")
    (corpus / "nested" / "deeper").mkdir(parents=True)
    shutil.copy(corpus / SEEDS[3], corpus / "nested" / "deeper" / "Barnet — letter (copy 2).txt")
    with open(corpus / "nested" / "deeper" / "Barnet — letter (copy 2).txt", "a", encoding="utf-8") as f:
        f.write("\n\nA different ending, so this is not a duplicate.\n")
    os.symlink("../..", corpus / "nested" / "deeper" / "up")

    summary = Ingestor(settings_for(corpus, tmp_path / "index"), embedder=HashEmbedder()).run()

    failed = {f["file"]: f["error"] for f in summary.failed}
    assert set(failed) == {"empty.txt", "garbage.pdf", "corrupt.pdf", "whitespace.md"}
    assert "empty" in failed["empty.txt"]
    skipped = {s["file"]: s["error"] for s in summary.skipped}
    assert "table.xlsx" in skipped and "unsupported" in skipped["table.xlsx"]
    assert any("loop" in reason for reason in skipped.values()), skipped
    assert sorted(summary.added) == sorted([*SEEDS[2:4], "nested/deeper/Barnet — letter (copy 2).txt"])
    assert summary.documents == 3 and summary.exit_code == 2


def test_a_file_that_turns_bad_keeps_its_old_chunks(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy(SEEDS[3:5])
    s = settings_for(corpus, tmp_path / "index")
    Ingestor(s, embedder=HashEmbedder()).run()
    victim = SEEDS[3]
    before = chunk_ids(s, victim)
    assert before

    (corpus / victim).write_bytes(bytes(range(256)) * 40)  # overwritten with binary garbage
    summary = Ingestor(s, embedder=HashEmbedder()).run()
    assert [f["file"] for f in summary.failed] == [victim] and summary.removed == []
    assert chunk_ids(s, victim) == before, "a failed re-read lost what was already ingested"
    vectors, chunks, docs = index_state(s)
    assert vectors == chunks and set(docs) == set(SEEDS[3:5])

    (corpus / victim).write_bytes(b"")  # then emptied
    summary = Ingestor(s, embedder=HashEmbedder()).run()
    assert [f["file"] for f in summary.failed] == [victim]
    assert chunk_ids(s, victim) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file whatever its permissions")
def test_an_unreadable_file_keeps_its_old_chunks(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy(SEEDS[3:5])
    s = settings_for(corpus, tmp_path / "index")
    Ingestor(s, embedder=HashEmbedder()).run()
    before = chunk_ids(s, SEEDS[3])
    (corpus / SEEDS[3]).chmod(0)
    try:
        summary = Ingestor(s, embedder=HashEmbedder()).run()
    finally:
        (corpus / SEEDS[3]).chmod(0o644)
    assert [f["file"] for f in summary.failed] == [SEEDS[3]] and "permission" in summary.failed[0]["error"]
    assert chunk_ids(s, SEEDS[3]) == before


def test_a_pdf_that_becomes_corrupt_keeps_its_old_chunks(tmp_path, settings_for, ilacs):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf = sorted((ilacs / "reports").glob("*/*.pdf"))[0]
    shutil.copy(pdf, corpus / "report.pdf")
    s = settings_for(corpus, tmp_path / "index")
    first = Ingestor(s, embedder=HashEmbedder()).run()
    assert first.added == ["report.pdf"]
    before = chunk_ids(s, "report.pdf")

    data = (corpus / "report.pdf").read_bytes()
    (corpus / "report.pdf").write_bytes(data[: len(data) // 3])  # a truncated download
    summary = Ingestor(s, embedder=HashEmbedder()).run()
    assert [f["file"] for f in summary.failed] == ["report.pdf"]
    assert chunk_ids(s, "report.pdf") == before and summary.documents == 1

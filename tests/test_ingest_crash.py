"""A run killed at any moment leaves an index that answers; the next run completes with no duplicate or orphan.

The first test kills a real `inspection-qa ingest` (real model, real Chroma) with SIGKILL after one and
then after two documents have committed. The others stop a run in-process at the exact points between
the three steps of a document's commit protocol (vectors upserted → docstore commit → stale vectors
deleted) by making the next step raise, and show the following run's reconcile step cleans up.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import SEEDS, HashEmbedder, cli, cli_env, forget_chroma_clients, index_state

from index.docstore import DocStore
from index.store import VectorStore
from ingest.pipeline import Ingestor


def committed(index: Path) -> int:
    """Documents the store has committed, read the way another process would."""
    path = index / "docstore.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


# Documents are embedded in groups of at least four batches and committed one by one; batches of
# two make each of these letters a group of its own, so there are commits to kill between.
ENV = cli_env(IQA_EMBED_BATCH="2")
LETTERS = [SEEDS[0], *SEEDS[2:]]


def kill_after(corpus: Path, index: Path, documents: int, timeout: float = 150) -> int:
    """Start an ingestion and SIGKILL it as soon as ``documents`` documents have committed."""
    proc = subprocess.Popen(cli("ingest", "--corpus", str(corpus), "--index", str(index), "--json"),
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while committed(index) < documents:
            if proc.poll() is not None:
                pytest.fail(f"the run ended before it could be killed: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("no document committed in time")
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return committed(index)


def clean_run_ids(corpus: Path, tmp_path: Path, settings_for) -> set[str]:
    """Chunk ids of one uninterrupted run over ``corpus`` (chunking does not depend on the model)."""
    s = settings_for(corpus, tmp_path / "clean-index")
    Ingestor(s, embedder=HashEmbedder()).run()
    return index_state(s)[1]


def assert_answers_from_committed_only(settings, embedder) -> None:
    from index.retrieve import Retriever

    forget_chroma_clients()
    store = DocStore(settings.index / "docstore.sqlite")
    docs = set(store.hashes())
    retriever = Retriever(settings, embedder=embedder, docstore=store)
    for question in ("What needs to improve in the quality of referrals?",
                     "How effective is the multi-agency safeguarding hub in Barnet?",
                     "What did Ofsted say about permanence planning for children?"):
        found = retriever.search(question)
        assert found.passages, f"no passage for {question!r} with {sorted(docs)} committed"
        assert {p.doc for p in found.passages} <= docs, "a passage of an uncommitted document was returned"
        assert {cid for cid, _ in found.dense} <= store.chunk_ids()
    store.close()


@pytest.mark.slow
def test_sigkill_mid_run_then_the_next_run_completes(tmp_path, corpus_copy, settings_for, embedder):
    corpus = corpus_copy(LETTERS)
    index = tmp_path / "index"
    s = settings_for(corpus, index)

    first = kill_after(corpus, index, 1)
    assert 1 <= first < len(LETTERS)
    assert_answers_from_committed_only(s, embedder)

    second = kill_after(corpus, index, first + 1)
    assert first < second < len(LETTERS)
    assert_answers_from_committed_only(s, embedder)

    # The next run (in-process, to spare a third model load) completes the work.
    forget_chroma_clients()
    summary = Ingestor(s, embedder=embedder).run()
    assert len(summary.unchanged) == second and len(summary.added) == len(LETTERS) - second
    assert summary.failed == [] and summary.documents == len(LETTERS)

    forget_chroma_clients()
    vectors, chunks, docs = index_state(s)
    assert vectors == chunks, f"orphans {sorted(vectors - chunks)[:3]}, missing {sorted(chunks - vectors)[:3]}"
    assert chunks == clean_run_ids(corpus, tmp_path, settings_for), "chunks differ from a clean single run's"
    assert summary.chunks == len(chunks) and sorted(docs) == LETTERS


class Crash(Exception):
    pass


def crash_on(monkeypatch, cls, name: str, when) -> None:
    """Make ``cls.name`` raise Crash when ``when(*args, **kwargs)`` is true; otherwise call through."""
    original = getattr(cls, name)

    def patched(self, *args, **kwargs):
        if when(*args, **kwargs):
            raise Crash(f"killed in {name}")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, patched)


def test_crash_between_vector_upsert_and_commit_leaves_orphans_that_reconcile_removes(
        tmp_path, corpus_copy, settings_for, monkeypatch):
    corpus = corpus_copy()
    s = settings_for(corpus, tmp_path / "index")
    victim = SEEDS[2]
    with monkeypatch.context() as m:
        crash_on(m, DocStore, "commit_document", lambda meta, *a: meta.doc == victim)
        with pytest.raises(Crash):
            Ingestor(s, embedder=HashEmbedder()).run()

    vectors, chunks, docs = index_state(s)
    orphans = vectors - chunks
    assert victim not in docs and orphans, "the crash should have left the victim's vectors uncommitted"
    assert all(VectorStore(s).collection.get(ids=sorted(orphans))["metadatas"][i]["doc"] == victim
               for i in range(len(orphans)))
    # Retrieval trusts only committed chunks: the orphans are never returned.
    from index.retrieve import Retriever

    found = Retriever(s, embedder=HashEmbedder()).search("Permanence planning and stability for children")
    assert found.passages and victim not in {p.doc for p in found.passages}

    # The victim's file is gone before the next run, so only the reconcile step can remove its vectors.
    (corpus / victim).unlink()
    summary = Ingestor(s, embedder=HashEmbedder()).run()
    assert victim not in summary.removed  # it was never committed
    vectors, chunks, docs = index_state(s)
    assert vectors == chunks and not (orphans & vectors)
    assert sorted(docs) == sorted(set(SEEDS) - {victim})


def test_crash_between_commit_and_stale_vector_delete(tmp_path, corpus_copy, settings_for, monkeypatch):
    corpus = corpus_copy(SEEDS[3:])
    s = settings_for(corpus, tmp_path / "index")
    Ingestor(s, embedder=HashEmbedder()).run()
    edited = SEEDS[3]
    old = {c for c in index_state(s)[1] if c.startswith(_prefix(s, edited))}
    with open(corpus / edited, "a", encoding="utf-8") as f:
        f.write("\n\nA note added later about the pace of improvement in the duty team.\n")

    with monkeypatch.context() as m:
        crash_on(m, VectorStore, "delete_doc", lambda doc, keep_hash=None: keep_hash is not None)
        with pytest.raises(Crash):
            Ingestor(s, embedder=HashEmbedder()).run()
    vectors, chunks, _ = index_state(s)
    assert old <= vectors and not (old & chunks), "the old vectors outlive the commit until the next run"

    summary = Ingestor(s, embedder=HashEmbedder()).run()
    assert summary.unchanged == SEEDS[3:] and summary.updated == []
    vectors, chunks, _ = index_state(s)
    assert vectors == chunks and not (old & vectors)


def test_crash_while_removing_a_deleted_file(tmp_path, corpus_copy, settings_for, monkeypatch):
    corpus = corpus_copy(SEEDS[3:])
    s = settings_for(corpus, tmp_path / "index")
    Ingestor(s, embedder=HashEmbedder()).run()
    (corpus / SEEDS[4]).unlink()
    with monkeypatch.context() as m:
        crash_on(m, VectorStore, "delete_doc", lambda doc, keep_hash=None: True)
        with pytest.raises(Crash):
            Ingestor(s, embedder=HashEmbedder()).run()
    summary = Ingestor(s, embedder=HashEmbedder()).run()
    assert summary.unchanged == [SEEDS[3]] and summary.documents == 1
    vectors, chunks, docs = index_state(s)
    assert vectors == chunks and list(docs) == [SEEDS[3]]


def test_lost_vectors_of_committed_chunks_are_embedded_again(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy(SEEDS[3:])
    s = settings_for(corpus, tmp_path / "index")
    Ingestor(s, embedder=HashEmbedder()).run()
    vectors, chunks, _ = index_state(s)
    lost = sorted(c for c in chunks if c.startswith(_prefix(s, SEEDS[4])))[:2]
    VectorStore(s).delete_ids(lost)

    fake = HashEmbedder()
    summary = Ingestor(s, embedder=fake).run()
    assert summary.updated == [SEEDS[4]] and summary.unchanged == [SEEDS[3]]
    vectors, chunks, _ = index_state(s)
    assert vectors == chunks


def _prefix(settings, doc: str) -> str:
    store = DocStore(settings.index / "docstore.sqlite")
    try:
        return store.chunks(doc)[0].id.split("-")[0]
    finally:
        store.close()

"""Ingestion and retrieval through a real Chroma server (`chroma run` on loopback) instead of the embedded store."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, Counting

from index.docstore import DocStore
from index.settings import Settings
from ingest.pipeline import Ingestor

pytestmark = pytest.mark.slow


@pytest.fixture
def chroma_server(tmp_path, free_port):
    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        pytest.skip(f"the chroma command line is not installed ({exe})")
    import chromadb

    log = open(tmp_path / "chroma.log", "wb")
    proc = subprocess.Popen([str(exe), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(free_port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=free_port).heartbeat()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield "127.0.0.1", free_port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_ingest_and_retrieve_through_a_chroma_server(chroma_server, tmp_path, corpus_copy, embedder, monkeypatch):
    import chromadb

    from index.retrieve import Retriever

    host, port = chroma_server
    corpus = corpus_copy([SEEDS[0], SEEDS[4]])
    index = tmp_path / "index"
    for name, value in {"IQA_CHROMA_HOST": host, "IQA_CHROMA_PORT": str(port), "IQA_CORPUS": str(corpus),
                        "IQA_INDEX": str(index)}.items():
        monkeypatch.setenv(name, value)
    s = Settings.from_env()
    assert (s.chroma_host, s.chroma_port) == (host, port)

    counting = Counting(embedder)
    summary = Ingestor(s, embedder=counting).run()
    assert summary.added == [SEEDS[0], SEEDS[4]] and summary.failed == []
    assert not (index / "chroma").exists(), "the embedded store was used instead of the server"

    server = chromadb.HttpClient(host=host, port=port)
    collection = server.get_collection(s.collection)
    store = DocStore(index / "docstore.sqlite")
    assert collection.count() == summary.chunks == store.count_chunks()
    assert set(collection.get(include=[])["ids"]) == store.chunk_ids()
    assert collection.metadata["embed_model"] == s.embed_model

    found = Retriever(s, embedder=embedder, mode="dense").search(
        "Is management oversight of case work in the assessment service recorded?")
    assert found.passages and found.passages[0].doc == SEEDS[0]
    assert any("oversight" in p.text for p in found.passages)

    texts = counting.texts
    again = Ingestor(s, embedder=counting).run()
    assert sorted(again.unchanged) == [SEEDS[0], SEEDS[4]] and counting.texts == texts
    with open(corpus / SEEDS[4], "a", encoding="utf-8") as f:
        f.write("\n\nThis article was updated with a response from the council.\n")
    changed = Ingestor(s, embedder=counting).run()
    assert changed.updated == [SEEDS[4]]
    assert set(collection.get(include=[])["ids"]) == store.chunk_ids(), "the old vectors are still on the server"
    (corpus / SEEDS[4]).unlink()
    gone = Ingestor(s, embedder=counting).run()
    assert gone.removed == [SEEDS[4]]
    assert set(collection.get(include=[])["ids"]) == store.chunk_ids() and collection.count() == gone.chunks
    store.close()


def test_an_unreachable_server_is_reported_with_the_variables_to_check(tmp_path, free_port, corpus_copy):
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", "--corpus", str(corpus_copy([SEEDS[4]])),
         "--index", str(tmp_path / "index")],
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "IQA_CHROMA_HOST": "127.0.0.1",
             "IQA_CHROMA_PORT": str(free_port)},
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 2
    assert "IQA_CHROMA_HOST" in run.stderr and "Traceback" not in run.stderr

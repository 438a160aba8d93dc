"""The embedding model's name and dimension are recorded with the collection; another model is refused."""

from __future__ import annotations

import subprocess

import pytest
from conftest import SEEDS, HashEmbedder, cli, cli_env, index_state

from index.settings import PACKAGED_MODEL
from index.store import StoreError, VectorStore
from ingest.pipeline import Ingestor


@pytest.mark.slow
def test_an_index_built_with_the_packaged_model_refuses_another_until_rebuilt(tmp_path, corpus_copy,
                                                                              settings_for, embedder):
    corpus = corpus_copy(SEEDS[4:])
    s = settings_for(corpus, tmp_path / "index")
    Ingestor(s, embedder=embedder).run()
    assert VectorStore(s).model_info() == (PACKAGED_MODEL, 384)

    # The command line, with another model configured, refuses before loading or embedding anything.
    run = subprocess.run(cli("ingest", "--json"), capture_output=True, text=True, timeout=120,
                         env=cli_env(IQA_CORPUS=str(corpus), IQA_INDEX=str(s.index), IQA_EMBED_MODEL="other/model"))
    assert run.returncode == 2 and run.stdout == ""
    assert "--rebuild" in run.stderr and "other/model" in run.stderr and PACKAGED_MODEL in run.stderr
    assert "Traceback" not in run.stderr

    other = s.replace(embed_model="other/model")
    with pytest.raises(StoreError, match="--rebuild"):
        Ingestor(other, embedder=HashEmbedder(dim=64)).run()
    # Retrieval with the other model is refused the same way.
    with pytest.raises(StoreError, match="--rebuild"):
        VectorStore(other).check_model(other.embed_model)

    summary = Ingestor(other, embedder=HashEmbedder(dim=64)).run(rebuild=True)
    assert summary.added == SEEDS[4:] and summary.failed == []
    assert VectorStore(other).model_info() == ("other/model", 64)
    vectors, chunks, _ = index_state(other)
    assert vectors == chunks and len(chunks) == summary.chunks
    # ...and now it is the packaged model that is refused.
    with pytest.raises(StoreError, match="--rebuild"):
        Ingestor(s, embedder=embedder).run()


def test_same_name_with_another_dimension_is_refused(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy(SEEDS[3:4])
    s = settings_for(corpus, tmp_path / "index")
    Ingestor(s, embedder=HashEmbedder(dim=384)).run()
    (corpus / "new.txt").write_text("A new letter about the front door and the quality of referrals.\n")
    with pytest.raises(StoreError, match="dimension"):
        Ingestor(s, embedder=HashEmbedder(dim=128)).run()
    vectors, chunks, docs = index_state(s)
    assert vectors == chunks and list(docs) == SEEDS[3:4], "the refused run changed the index"

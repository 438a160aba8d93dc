"""Incremental ingestion bookkeeping: unchanged, edited, deleted, duplicate and rebuilt documents.

These use the deterministic HashEmbedder (the bookkeeping does not depend on the model) with a
real embedded Chroma and a real document store; test_cli_ingest.py repeats the essentials with
the real model through the command line.
"""

from __future__ import annotations

import shutil

from conftest import SEEDS, HashEmbedder, index_state

from ingest.pipeline import Ingestor, Summary


def run(settings, embedder, rebuild: bool = False) -> Summary:
    return Ingestor(settings, embedder=embedder).run(rebuild=rebuild)


def chunk_ids_of(settings, doc: str) -> set[str]:
    from index.docstore import DocStore

    store = DocStore(settings.index / "docstore.sqlite")
    try:
        return {c.id for c in store.chunks(doc)}
    finally:
        store.close()


def vector_ids_of(settings, doc: str) -> set[str]:
    from index.store import VectorStore

    return set(VectorStore(settings).collection.get(where={"doc": doc}, include=[])["ids"])


def assert_consistent(settings, documents: int | None = None) -> None:
    """Chroma, the document store and the saved keyword index hold exactly the same chunks."""
    from index.docstore import DocStore
    from index.keyword import KeywordIndex

    vectors, chunks, docs = index_state(settings)
    assert vectors == chunks, f"orphan vectors {sorted(vectors - chunks)[:3]}, missing {sorted(chunks - vectors)[:3]}"
    store = DocStore(settings.index / "docstore.sqlite")
    keyword = KeywordIndex(settings.index)
    assert keyword._load(store.generation), "the run did not leave a keyword index for the current generation"
    assert sorted(keyword.ids) == sorted(chunks)
    store.close()
    if documents is not None:
        assert len(docs) == documents


def test_second_run_embeds_nothing(tmp_path, corpus_copy, settings_for):
    s = settings_for(corpus_copy(), tmp_path / "index")
    fake = HashEmbedder()
    first = run(s, fake)
    assert sorted(first.added) == SEEDS
    assert first.documents == 5 and first.chunks > 5 * 3
    embedded = fake.texts
    assert embedded == first.chunks

    second = run(s, fake)
    assert sorted(second.unchanged) == SEEDS
    assert second.added == second.updated == second.removed == second.duplicates == second.failed == []
    assert fake.texts == embedded, "an unchanged document was embedded again"
    assert (second.documents, second.chunks) == (5, first.chunks)
    assert_consistent(s, documents=5)


def test_edited_document_replaces_its_chunks_and_only_its_chunks(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy()
    s = settings_for(corpus, tmp_path / "index")
    fake = HashEmbedder()
    run(s, fake)
    edited = SEEDS[3]
    before = {d: chunk_ids_of(s, d) for d in SEEDS}
    assert vector_ids_of(s, edited) == before[edited]

    with open(corpus / edited, "a", encoding="utf-8") as f:
        f.write("\n\nA postscript added after the letter was sent, about the quality of return home interviews.\n")
    texts = fake.texts
    summary = run(s, fake)

    assert summary.updated == [edited] and summary.added == [] and len(summary.unchanged) == 4
    new = chunk_ids_of(s, edited)
    assert new and not (new & before[edited]), "the edited document kept chunk ids of its old content"
    assert vector_ids_of(s, edited) == new, "old vectors of the edited document are still in Chroma"
    assert fake.texts - texts == len(new), "only the edited document is embedded"
    for doc in SEEDS:
        if doc != edited:
            assert chunk_ids_of(s, doc) == before[doc]
            assert vector_ids_of(s, doc) == before[doc]
    assert_consistent(s, documents=5)


def test_deleted_file_loses_its_chunks_everywhere(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy()
    s = settings_for(corpus, tmp_path / "index")
    fake = HashEmbedder()
    first = run(s, fake)
    gone = SEEDS[4]
    n = len(chunk_ids_of(s, gone))
    (corpus / gone).unlink()

    summary = run(s, fake)
    assert summary.removed == [gone] and len(summary.unchanged) == 4
    assert summary.documents == 4 and summary.chunks == first.chunks - n
    assert chunk_ids_of(s, gone) == set() and vector_ids_of(s, gone) == set()
    assert_consistent(s, documents=4)


def test_copy_under_another_name_is_a_duplicate_ingested_once(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy()
    s = settings_for(corpus, tmp_path / "index")
    fake = HashEmbedder()
    first = run(s, fake)
    original = SEEDS[0]
    (corpus / "sub folder").mkdir()
    shutil.copy(corpus / original, corpus / "sub folder" / "copy of the letter.txt")
    texts = fake.texts

    summary = run(s, fake)
    assert summary.duplicates == [("sub folder/copy of the letter.txt", original)]
    assert summary.to_json()["duplicates"] == 1 and summary.added == []
    assert fake.texts == texts and summary.chunks == first.chunks
    assert chunk_ids_of(s, "sub folder/copy of the letter.txt") == set()
    assert_consistent(s, documents=5)


def test_two_new_files_with_one_content_are_ingested_once(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy(SEEDS[:1])
    shutil.copy(corpus / SEEDS[0], corpus / "zz copy.txt")
    s = settings_for(corpus, tmp_path / "index")
    summary = run(s, HashEmbedder())
    assert summary.added == [SEEDS[0]] and summary.duplicates == [("zz copy.txt", SEEDS[0])]
    assert summary.documents == 1
    assert_consistent(s, documents=1)


def test_a_new_file_holding_the_old_content_of_an_edited_file_is_not_a_duplicate(tmp_path, corpus_copy,
                                                                                   settings_for):
    corpus = corpus_copy(SEEDS[3:5])
    s = settings_for(corpus, tmp_path / "index")
    fake = HashEmbedder()
    run(s, fake)
    shutil.copy(corpus / SEEDS[3], corpus / "moved.txt")
    with open(corpus / SEEDS[3], "a", encoding="utf-8") as f:
        f.write("\n\nAn addendum with new findings about supervision.\n")

    summary = run(s, fake)
    assert summary.duplicates == []
    assert summary.added == ["moved.txt"] and summary.updated == [SEEDS[3]]
    assert_consistent(s, documents=3)


def test_rebuild_starts_clean(tmp_path, corpus_copy, settings_for):
    from index.store import VectorStore

    s = settings_for(corpus_copy(), tmp_path / "index")
    fake = HashEmbedder()
    first = run(s, fake)
    # Something a clean index never holds: a vector no document owns.
    VectorStore(s).collection.upsert(ids=["stray"], embeddings=[[0.1] * 384], metadatas=[{"doc": "nowhere"}])
    texts = fake.texts

    summary = run(s, fake, rebuild=True)
    assert sorted(summary.added) == SEEDS and summary.unchanged == []
    assert fake.texts - texts == first.chunks, "--rebuild embeds every document again"
    vectors, chunks, _ = index_state(s)
    assert "stray" not in vectors and vectors == chunks and len(chunks) == first.chunks


def test_summary_json_has_exactly_the_documented_keys(tmp_path, corpus_copy, settings_for):
    corpus = corpus_copy(SEEDS[:2])
    (corpus / "empty.txt").write_bytes(b"")
    summary = run(settings_for(corpus, tmp_path / "index"), HashEmbedder())
    out = summary.to_json()
    assert set(out) == {"added", "updated", "unchanged", "removed", "duplicates", "failed", "documents", "chunks",
                        "seconds"}
    assert out["failed"] == [{"file": "empty.txt", "error": out["failed"][0]["error"]}]
    assert "empty" in out["failed"][0]["error"]
    assert (out["added"], out["documents"], summary.exit_code) == (2, 2, 2)
    assert isinstance(out["seconds"], float)

"""Chunking: the token budget, exact offsets, sections from headings and slide titles, whole lists, PDF pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS, SEEDS, HashEmbedder

from index.docstore import DocStore
from index.settings import Settings
from index.text import count_tokens, sentence_spans
from ingest.chunk import chunk_document
from ingest.clean import CleanDocument, clean
from ingest.load import load
from ingest.pipeline import Ingestor

BUDGET = Settings().chunk_tokens


def chunks_of(path: Path, budget: int = BUDGET):
    cleaned = clean(load(path))
    return cleaned, chunk_document(path.name, "0" * 64, cleaned, max_tokens=budget)


def by_section(chunks, start: str) -> list:
    return [c for c in chunks if c.section.split(" — ")[-1].startswith(start)]


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("budget", [BUDGET, 60])
def test_chunks_keep_to_the_budget_and_whole_sentences(name, budget):
    cleaned, chunks = chunks_of(CORPUS / name, budget)
    assert chunks
    sentences = sentence_spans(cleaned.text)
    starts, ends = {a for a, _ in sentences}, {b for _, b in sentences}
    for c in chunks:
        assert c.text == cleaned.text[c.start:c.end] and c.text.strip() == c.text
        tokens = count_tokens(c.text)
        assert tokens <= budget or len(sentence_spans(c.text)) == 1, f"{tokens} tokens: {c.text[:80]!r}"
        assert c.start in starts and c.end in ends, f"a sentence is cut at {c.start}..{c.end}: {c.text[:60]!r}"
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:])), "chunks overlap or are out of order"


def test_offsets_are_exact_in_the_document_store(tmp_path, corpus_copy, settings_for):
    s = settings_for(corpus_copy(), tmp_path / "index")
    Ingestor(s, embedder=HashEmbedder()).run()
    store = DocStore(s.index / "docstore.sqlite")
    for doc in SEEDS:
        text = store.text(doc)
        chunks = store.chunks(doc)
        assert chunks and all(text[c.start:c.end] == c.text for c in chunks)
        assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    store.close()


def test_letter_sections_bound_chunks():
    _, focused = chunks_of(CORPUS / SEEDS[0])
    improve = by_section(focused, "What needs to improve")
    assert improve and "quality of referrals from partner agencies" in improve[0].text
    findings = by_section(focused, "Findings")
    assert findings and findings[0].text.lstrip("- ").startswith("Since the last Ofsted inspection in May 2014")
    assert not any("What needs to improve" in c.text for c in focused), "a heading leaked into the passage text"

    _, later = chunks_of(CORPUS / SEEDS[2])
    main = by_section(later, "Main findings")
    assert len(main) >= 3 and main[0].text.replace("’", "'").startswith("Children's social care")
    assert by_section(later, "What needs to improve")


def test_self_evaluation_slide_titles_become_sections():
    _, chunks = chunks_of(CORPUS / SEEDS[1])
    sections = {c.section for c in chunks}
    for slide in ("Early Help", "MASH and Assessment", "Children in Need and Child Protection", "Quality Assurance"):
        assert any(slide in s for s in sections), f"no section for the slide {slide!r}: {sorted(sections)}"
    priorities = [c for c in chunks if "Priorities for the next 12" in c.section]
    assert priorities and "Cracking consistency" in priorities[0].text


def test_a_list_that_fits_stays_in_one_chunk_with_its_lead_in():
    cleaned, chunks = chunks_of(CORPUS / SEEDS[0])
    first = "the quality of referrals from partner agencies"
    last = "the thresholds between statutory services and early help services"
    holding = [c for c in chunks if first in c.text.lower() or last in c.text.lower()]
    assert len(holding) == 1 and "following areas of practice:" in holding[0].text

    # The same in a made-up document where the list would be cut if packing were by paragraph only.
    para = "Inspectors reviewed the progress made in the front door. " * 9
    items = "\n".join(f"- item {i}: managers check plans and visits every month without fail" for i in range(8))
    text = f"Findings\n\n{para.strip()}\n\nThe local authority needs to improve:\n\n{items}\n\n{para.strip()}"
    chunks = chunk_document("made-up.txt", "0" * 64, CleanDocument(text), max_tokens=BUDGET)
    listed = [c for c in chunks if "- item 0" in c.text]
    assert len(listed) == 1 and "- item 7" in listed[0].text and "needs to improve:" in listed[0].text
    assert all(c.section == "Findings" for c in chunks)


def test_an_oversize_list_splits_between_items_and_a_long_sentence_stays_whole():
    items = "\n".join(f"- point {i} about supervision and management oversight of practice in the teams."
                      for i in range(40))
    sentence = "This sentence goes on " + "and on " * 150 + "until it ends."
    text = f"What needs to improve\n\n{items}\n\n{sentence}"
    chunks = chunk_document("made-up.txt", "0" * 64, CleanDocument(text), max_tokens=100)
    assert len(chunks) > 3
    for c in chunks[:-1]:
        assert count_tokens(c.text) <= 100 and c.text.startswith("- point") and c.text.endswith("teams.")
    assert chunks[-1].text == sentence and count_tokens(sentence) > 100


def test_pdf_chunks_carry_their_page(ilacs):
    pdf = sorted((ilacs / "reports").glob("*/*.pdf"))[0]
    raw = load(pdf)
    cleaned, chunks = chunks_of(pdf)
    assert len(raw.pages) > 3 and len(cleaned.page_starts) == len(raw.pages)
    assert chunks[0].page == 1 and chunks[-1].page >= len(raw.pages) - 1  # the last page may be only the colophon
    assert [c.page for c in chunks] == sorted(c.page for c in chunks)

    def words(s: str) -> str:
        return " ".join(re.findall(r"[A-Za-z]{3,}", s))

    pages = [words(p) for p in raw.pages]
    found = 0
    for c in chunks:
        head = " ".join(words(c.text).split()[:6])
        if len(head.split()) < 6:
            continue
        where = [i + 1 for i, p in enumerate(pages) if head in p]
        if where:
            found += 1
            assert c.page in where, f"chunk {c.ordinal} says page {c.page}, its text is on {where}"
    assert found >= len(chunks) * 0.8

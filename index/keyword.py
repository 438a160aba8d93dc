"""Keyword search: BM25 (bm25s) over each chunk's title, section and text, persisted beside Chroma.

The index is derived from the document store and saved with the store's generation number;
when the generation moves on (any commit), the next use rebuilds it, so keyword results can
never refer to chunks the store no longer holds.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import numpy as np

from index.docstore import DocStore
from index.text import TERMS_VERSION, terms


class KeywordIndex:
    """BM25 over the committed chunks; ``ids[i]`` is the chunk id of row i."""

    def __init__(self, index_dir: Path):
        self.dir = Path(index_dir) / "bm25"
        self.ids: list[str] = []
        self.generation = -1
        self._bm25 = None
        self._lock = threading.Lock()

    def ensure(self, docstore: DocStore) -> "KeywordIndex":
        """Load the saved index if it matches the store's generation, else rebuild and save it."""
        generation = docstore.generation
        with self._lock:
            if self._bm25 is not None and self.generation == generation:
                return self
            if not self._load(generation):
                self._build(docstore, generation)
        return self

    def _load(self, generation: int) -> bool:
        info = self.dir / "info.json"
        if not info.exists():
            return False
        try:
            saved = json.loads(info.read_text())
            if saved.get("generation") != generation or saved.get("terms") != TERMS_VERSION:
                return False
            ids = saved["ids"]
            if not ids:
                self._bm25, self.ids, self.generation = _Empty(), [], generation
                return True
            import bm25s

            self._bm25 = bm25s.BM25.load(str(self.dir), mmap=False, show_progress=False)
        except (OSError, ValueError, KeyError):
            return False
        self.ids, self.generation = ids, generation
        return True

    def _build(self, docstore: DocStore, generation: int) -> None:
        metas = docstore.metas()
        chunks = docstore.chunks()
        corpus = [terms(c.search_text(metas.get(c.doc))) or ["∅"] for c in chunks]
        ids = [c.id for c in chunks]
        if corpus:
            import bm25s

            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
        else:
            bm25 = _Empty()
        # Write to a fresh folder and swap it in, so a reader never loads a half-written index.
        tmp = self.dir.with_name(f"bm25.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if corpus:
            bm25.save(str(tmp), show_progress=False)
        (tmp / "info.json").write_text(json.dumps({"generation": generation, "terms": TERMS_VERSION, "ids": ids}))
        old = self.dir.with_name(f"bm25.old-{os.getpid()}")
        if self.dir.exists():
            self.dir.rename(old)
        tmp.rename(self.dir)
        shutil.rmtree(old, ignore_errors=True)
        self._bm25, self.ids, self.generation = bm25, ids, generation

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a (stemmed) term; unseen terms count as rare."""
        n = len(self.ids)
        vocab = getattr(self._bm25, "vocab_dict", None)
        if not n or vocab is None:
            return 1.0
        tid = vocab.get(term)
        df = 0 if tid is None else int(self._bm25.scores["indptr"][tid + 1] - self._bm25.scores["indptr"][tid])
        return float(np.log((n - df + 0.5) / (df + 0.5) + 1.0))

    def has(self, term: str) -> bool:
        """Whether any chunk holds the (stemmed) term."""
        vocab = getattr(self._bm25, "vocab_dict", None)
        return bool(vocab) and term in vocab

    def nearest(self, term: str) -> str | None:
        """The indexed term one typing slip away from ``term`` (a letter left out, added, changed or
        two swapped: "assesment" → "assessment") that most chunks hold; None when ``term`` is
        indexed itself, or no such term is."""
        vocab = getattr(self._bm25, "vocab_dict", None)
        if not vocab or term in vocab:
            return None
        found = [t for t in _one_slip(term) if t in vocab]
        return min(found, key=lambda t: (self.idf(t), t)) if found else None

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk row for ``query`` (0 for rows outside ``mask``)."""
        q = terms(query)
        if not q or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        scores = np.asarray(self._bm25.get_scores(q), dtype=np.float32)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return scores

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``n`` best chunk ids with BM25 scores, best first; zero scores are left out."""
        scores = self.scores(query, mask)
        if not len(scores):
            return []
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def _one_slip(word: str) -> set[str]:
    """Every string one deletion, insertion, substitution or transposition of letters from ``word``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters}) - {word}


class _Empty:
    def get_scores(self, _q):
        return np.zeros(0, dtype=np.float32)

"""The document store: one SQLite file holding documents, their cleaned text and their chunks.

It is the commit point of ingestion. A document's chunks become visible to retrieval in the same
transaction that records its new content hash, so a reader never sees half a document, and a run
killed at any moment leaves the previous committed state intact. Chroma holds the vectors; any
vector whose chunk id is not in this store is an orphan that the next ingestion removes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Iterator

from index.types import Chunk, DocumentMeta

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc TEXT PRIMARY KEY, hash TEXT NOT NULL, meta TEXT NOT NULL, text TEXT NOT NULL,
    page_starts TEXT NOT NULL, chunks INTEGER NOT NULL, ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc TEXT NOT NULL, hash TEXT NOT NULL, ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, section TEXT NOT NULL, page INTEGER, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc, ordinal);
"""


class DocStore:
    """SQLite-backed documents and chunks. Safe to share between threads (one lock, one connection)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        self._conn.close()

    # -- info -------------------------------------------------------------------------------
    def get_info(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_info(self, **values: str) -> None:
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO info (key, value) VALUES (?, ?)",
                                   [(k, str(v)) for k, v in values.items()])

    @property
    def generation(self) -> int:
        """Bumped by every commit; caches derived from the chunks (the keyword index) key on it."""
        return int(self.get_info("generation") or 0)

    # -- documents ------------------------------------------------------------------------
    def hashes(self) -> dict[str, str]:
        """doc -> content hash of every committed document."""
        with self._lock:
            return dict(self._conn.execute("SELECT doc, hash FROM documents").fetchall())

    def documents(self) -> list[tuple[DocumentMeta, int]]:
        """Every document's metadata with its chunk count, ordered by doc."""
        with self._lock:
            rows = self._conn.execute("SELECT meta, chunks FROM documents ORDER BY doc").fetchall()
        return [(DocumentMeta.from_dict(json.loads(m)), n) for m, n in rows]

    def metas(self) -> dict[str, DocumentMeta]:
        return {m.doc: m for m, _ in self.documents()}

    def text(self, doc: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT text FROM documents WHERE doc = ?", (doc,)).fetchone()
        return row[0] if row else None

    def commit_document(self, meta: DocumentMeta, text: str, page_starts: list[int],
                        chunks: list[Chunk], now: float) -> None:
        """Replace ``meta.doc``'s document and chunks in one transaction."""
        with self._lock, self._transaction() as cur:
            cur.execute("DELETE FROM chunks WHERE doc = ?", (meta.doc,))
            cur.executemany(
                'INSERT INTO chunks (id, doc, hash, ordinal, start, "end", section, page, text) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.id, c.doc, c.hash, c.ordinal, c.start, c.end, c.section, c.page, c.text) for c in chunks],
            )
            cur.execute(
                "INSERT OR REPLACE INTO documents (doc, hash, meta, text, page_starts, chunks, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (meta.doc, meta.hash, json.dumps(meta.to_dict()), text, json.dumps(page_starts), len(chunks), now),
            )
            self._bump(cur)

    def remove_documents(self, docs: Iterable[str]) -> None:
        docs = list(docs)
        if not docs:
            return
        with self._lock, self._transaction() as cur:
            cur.executemany("DELETE FROM chunks WHERE doc = ?", [(d,) for d in docs])
            cur.executemany("DELETE FROM documents WHERE doc = ?", [(d,) for d in docs])
            self._bump(cur)

    def clear(self) -> None:
        with self._lock, self._transaction() as cur:
            cur.execute("DELETE FROM chunks")
            cur.execute("DELETE FROM documents")
            cur.execute("DELETE FROM info WHERE key != 'generation'")
            self._bump(cur)

    # -- chunks ---------------------------------------------------------------------------
    def chunk_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT id FROM chunks")}

    def chunks(self, doc: str | None = None) -> list[Chunk]:
        """All chunks (of one document, or of every document in doc order)."""
        query = 'SELECT id, doc, hash, ordinal, text, start, "end", section, page FROM chunks'
        with self._lock:
            if doc is None:
                rows = self._conn.execute(query + " ORDER BY doc, ordinal").fetchall()
            else:
                rows = self._conn.execute(query + " WHERE doc = ? ORDER BY ordinal", (doc,)).fetchall()
        return [Chunk(*r) for r in rows]

    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, Chunk]:
        ids = list(ids)
        out: dict[str, Chunk] = {}
        with self._lock:
            for i in range(0, len(ids), 500):
                part = ids[i:i + 500]
                marks = ",".join("?" * len(part))
                for r in self._conn.execute(
                    f'SELECT id, doc, hash, ordinal, text, start, "end", section, page FROM chunks '
                    f"WHERE id IN ({marks})", part,
                ):
                    out[r[0]] = Chunk(*r)
        return out

    def count_chunks(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    # -- internals ------------------------------------------------------------------------
    def _bump(self, cur: sqlite3.Cursor) -> None:
        cur.execute(
            "INSERT INTO info (key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _transaction(self) -> "_Tx":
        return _Tx(self._conn)


class _Tx:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Cursor:
        self.cur = self.conn.cursor()
        self.cur.execute("BEGIN IMMEDIATE")
        return self.cur

    def __exit__(self, exc_type, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def iter_batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]

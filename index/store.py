"""The vector store: the only module that imports chromadb (embedded PersistentClient or a server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from index.settings import Settings
from index.types import Chunk, DocumentMeta

_BATCH = 1000


class StoreError(RuntimeError):
    """The index cannot be used as configured; the message says what to do."""


def make_client(settings: Settings):
    """A Chroma client: ``HttpClient`` when IQA_CHROMA_HOST is set, else a PersistentClient in the index dir."""
    try:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
    except ImportError:
        raise StoreError("chromadb is not installed: pip install chromadb") from None
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        except Exception as err:  # chromadb raises plain ValueError/ConnectionError variants here
            raise StoreError(f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
                             f"(IQA_CHROMA_HOST / IQA_CHROMA_PORT): {err}") from None
    path = Path(settings.index) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def date_key(iso: str | None) -> int:
    """An ISO date as the integer YYYYMMDD Chroma can range-filter on (0 when unknown)."""
    return int(iso.replace("-", "")) if iso else 0


class VectorStore:
    """One Chroma collection of chunk vectors, tagged with the embedding model that made them."""

    def __init__(self, settings: Settings, client: Any = None):
        self.settings = settings
        self._client = client
        self._collection = None

    @property
    def client(self):
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    @property
    def collection(self):
        if self._collection is None:
            self._collection = self.client.get_or_create_collection(
                self.settings.collection, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None,
            )
        return self._collection

    def exists(self) -> bool:
        return any(c.name == self.settings.collection for c in self.client.list_collections())

    def model_info(self) -> tuple[str | None, int | None]:
        meta = self.collection.metadata or {}
        return meta.get("embed_model"), meta.get("embed_dim")

    def check_model(self, name: str, dim: int | None = None) -> None:
        """Refuse an index built with another embedding model.

        Raises:
            StoreError: the collection records a different model or dimension.
        """
        recorded, recorded_dim = self.model_info()
        if recorded is None:
            return
        if recorded != name or (dim is not None and recorded_dim not in (None, dim)):
            raise StoreError(
                f"the index at {self.location} was built with embedding model {recorded!r} (dimension "
                f"{recorded_dim}); this run uses {name!r}{f' (dimension {dim})' if dim else ''}. "
                "Vectors from different models cannot be compared: run `inspection-qa ingest --rebuild`."
            )

    def record_model(self, name: str, dim: int) -> None:
        self.check_model(name, dim)
        if self.model_info()[0] is None:
            self.collection.modify(metadata={"embed_model": name, "embed_dim": dim})

    @property
    def location(self) -> str:
        if self.settings.chroma_host:
            return f"chroma://{self.settings.chroma_host}:{self.settings.chroma_port}/{self.settings.collection}"
        return str(Path(self.settings.index))

    def reset(self) -> None:
        """Drop the collection (``--rebuild``)."""
        if self.exists():
            self.client.delete_collection(self.settings.collection)
        self._collection = None

    def count(self) -> int:
        return self.collection.count()

    def ids(self) -> set[str]:
        out: set[str] = set()
        total = self.count()
        for offset in range(0, total, 5000):
            out.update(self.collection.get(include=[], limit=5000, offset=offset)["ids"])
        return out

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray, meta: DocumentMeta) -> None:
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i:i + _BATCH]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[i:i + _BATCH],
                metadatas=[{
                    "doc": c.doc, "hash": c.hash, "authority": meta.authority or "",
                    "doc_type": meta.doc_type, "date": date_key(meta.date or meta.visit_start),
                } for c in part],
            )

    def delete_ids(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), _BATCH):
            self.collection.delete(ids=ids[i:i + _BATCH])

    def delete_doc(self, doc: str, keep_hash: str | None = None) -> None:
        """Delete a document's vectors, all of them or all but those of ``keep_hash``."""
        where: dict = {"doc": doc}
        if keep_hash is not None:
            where = {"$and": [{"doc": doc}, {"hash": {"$ne": keep_hash}}]}
        self.collection.delete(where=where)

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``ids`` (a primary-key lookup, not a search)."""
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), 1000):
            res = self.collection.get(ids=ids[start:start + 1000], include=["embeddings"])
            out.update((i, np.asarray(v, dtype=np.float32)) for i, v in zip(res["ids"], res["embeddings"]))
        return out

    def query(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[tuple[str, float]]:
        """The ``n`` nearest chunk ids with cosine similarity (1 - distance), best first."""
        total = self.count()
        if total == 0:
            return []
        res = self.collection.query(query_embeddings=[vector], n_results=min(n, total), where=where or None,
                                    include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

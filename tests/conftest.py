"""Shared fixtures: the seed corpus copied to a temp folder, a real embedder, a deterministic fake, a free port."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ILACS = ROOT.parent / "shared" / "ilacs"
SEEDS = sorted(p.name for p in CORPUS.iterdir() if p.suffix == ".txt")


class HashEmbedder:
    """A fast, deterministic stand-in for the model: word hashes folded into a normalised vector.

    Texts sharing words get similar vectors, so retrieval still means something; ``calls`` and
    ``texts`` count the work asked of it.
    """

    def __init__(self, dim: int = 384, name: str = "hash"):
        self.dim, self.name = dim, name
        self.calls = 0
        self.texts = 0

    def embed(self, texts, batch_size: int = 32) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


class Counting:
    """Wraps a real embedder and counts the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.calls, self.texts = inner, 0, 0

    def embed(self, texts, batch_size: int = 32):
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed(texts, batch_size=batch_size)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture(scope="session")
def embedder():
    """The packaged sentence-transformers model, loaded once per test session."""
    from index.embedder import Embedder

    return Embedder().warm()


@pytest.fixture
def corpus_copy(tmp_path: Path):
    """A function copying the seed documents (all, or the named ones) into a fresh folder; returns it."""

    def copy(names: list[str] | None = None, dest: str = "corpus") -> Path:
        folder = tmp_path / dest
        folder.mkdir(parents=True, exist_ok=True)
        for name in names or SEEDS:
            shutil.copy(CORPUS / name, folder / name)
        return folder

    return copy


@pytest.fixture
def settings_for():
    """Settings for a corpus and index, ignoring any IQA_* variables of the calling shell."""
    from index.settings import Settings

    def make(corpus: Path, index: Path, **more):
        return Settings.from_env(environ={}, corpus=corpus, index=index, **more)

    return make


@pytest.fixture
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ilacs() -> Path:
    """../shared/ilacs (real Ofsted PDFs), or a skip."""
    if not (ILACS / "reports").is_dir():
        pytest.skip(f"needs the ILACS archive at {ILACS} (absent here)")
    return ILACS


def cli_env(**more: str) -> dict[str, str]:
    """The environment for a `inspection-qa` subprocess: offline, no inherited IQA_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_VERBOSITY="error", TOKENIZERS_PARALLELISM="false",
               PYTHONUNBUFFERED="1", **more)
    return env


def index_state(settings) -> tuple[set[str], set[str], dict[str, str]]:
    """(Chroma ids, docstore chunk ids, docstore doc -> hash) of an index, read afresh."""
    from index.docstore import DocStore
    from index.store import VectorStore

    store = DocStore(Path(settings.index) / "docstore.sqlite")
    try:
        return VectorStore(settings).ids(), store.chunk_ids(), store.hashes()
    finally:
        store.close()


def cli(*args: str) -> list[str]:
    """The command line running `inspection-qa ARGS` with this interpreter's installation."""
    exe = Path(sys.executable).parent / "inspection-qa"
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "app.cli", *args]


def forget_chroma_clients() -> None:
    """Drop Chroma's per-path client cache, so the next client reads what another process wrote."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()

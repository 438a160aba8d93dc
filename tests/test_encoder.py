"""The NumPy encoder gives sentence-transformers' vectors, without importing torch."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import encoder
from index.embedder import Embedder, resolve_model
from index.settings import PACKAGED_MODEL

ROOT = Path(__file__).resolve().parents[1]

TEXTS = [
    "Who led the focused visit?",
    "Permanence planning and practice for these children are weak and management oversight and independent "
    "reviewing officer (IRO) involvement is ineffective.",
    "Café – naïve “quotes” and 92% of 1,024 children; CP plans up to 443.",
    "x",
    # Longer than the model's 256 word pieces: both sides must truncate the same way.
    " ".join(["The multi-agency safeguarding hub responds to referrals in a timely way."] * 40),
]


@pytest.fixture(scope="module")
def model_path() -> str:
    return resolve_model(PACKAGED_MODEL)


def test_packaged_model_is_supported(model_path):
    assert encoder.supports(model_path)


def test_vectors_match_sentence_transformers(model_path, embedder):
    ours = encoder.BertEncoder(model_path).encode(TEXTS, batch_size=2)
    theirs = embedder.model.encode(TEXTS, batch_size=2, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert ours.dtype == np.float32
    assert np.abs(ours - theirs).max() < 1e-4
    assert (ours * theirs).sum(axis=1).min() > 0.99999
    # The order of the input is kept though batches are grouped by length.
    assert np.allclose(ours[3], encoder.BertEncoder(model_path).encode([TEXTS[3]])[0], atol=1e-5)


def test_other_architectures_fall_back(model_path, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_path, copy)
    pooling = copy / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    pooling.write_text(json.dumps(config))
    assert not encoder.supports(copy)
    assert not encoder.supports(tmp_path / "missing")
    assert Embedder(str(copy), runtime="auto").encoder is None


def test_auto_runtime_never_imports_torch():
    code = (
        "import sys; from index.embedder import Embedder; e = Embedder(runtime='auto');"
        "v = e.embed_query('Who led the visit?'); assert v.shape == (e.dim,) == (384,);"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_unknown_runtime_is_refused():
    with pytest.raises(ValueError, match="runtime"):
        Embedder(runtime="onnx")


def test_repeated_texts_are_embedded_once(monkeypatch):
    embedder = Embedder(runtime="auto")
    calls = []
    real = embedder._encode
    monkeypatch.setattr(embedder, "_encode", lambda texts, batch_size: calls.append(list(texts)) or real(texts, batch_size))
    first = embedder.embed(["Who led the visit?", "The MASH works well.", "Who led the visit?"])
    again = embedder.embed(["The MASH works well.", "A new sentence."])
    assert calls == [["Who led the visit?", "The MASH works well."], ["A new sentence."]]
    assert np.array_equal(first[1], again[0]) and np.array_equal(first[0], first[2])

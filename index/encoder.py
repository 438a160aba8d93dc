"""A NumPy forward pass for BERT sentence encoders such as all-MiniLM-L6-v2.

Answering a question embeds the question and a few candidate sentences: a few hundred tokens.
Loading sentence-transformers for that imports torch, transformers and scikit-learn, which is
most of a cold start. This module reads the same files sentence-transformers reads (the
safetensors weights, tokenizer.json, the pooling configuration) and computes the same vectors
with NumPy and the ``tokenizers`` library alone. It applies only to models saved as
Transformer (BERT) → mean pooling → normalisation; anything else goes through
sentence-transformers (see index.embedder). tests/test_encoder.py checks that both give the
same vectors.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Sequence

import numpy as np

_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
            "sentence_transformers.models.Normalize"]


def supports(path: str | Path) -> bool:
    """Whether the model saved at ``path`` is a BERT encoder with mean pooling and normalisation."""
    path = Path(path)
    try:
        modules = json.loads((path / "modules.json").read_text())
        config = json.loads((path / "config.json").read_text())
        pooling = json.loads((path / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
    return ([m["type"] for m in modules] == _MODULES and config.get("model_type") == "bert" and bool(mean_only)
            and config.get("hidden_act") == "gelu" and config.get("position_embedding_type", "absolute") == "absolute"
            and (path / "model.safetensors").is_file() and (path / "tokenizer.json").is_file())


class BertEncoder:
    """Embeds text with a BERT sentence encoder; vectors are mean-pooled and L2-normalised float32."""

    def __init__(self, path: str | Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        path = Path(path)
        config = json.loads((path / "config.json").read_text())
        st_config = json.loads((path / "sentence_bert_config.json").read_text()) \
            if (path / "sentence_bert_config.json").is_file() else {}
        self.max_tokens = int(st_config.get("max_seq_length") or config.get("max_position_embeddings", 512))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        w = load_file(str(path / "model.safetensors"))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""
        self._w = {k[len(prefix):]: v.astype(np.float32, copy=False) for k, v in w.items() if k.startswith(prefix)}
        # Linear layers are stored (out, in); keep them transposed once so every product is x @ W.
        for k in list(self._w):
            if k.startswith("encoder.") and k.endswith(".weight") and "LayerNorm" not in k:
                self._w[k] = np.ascontiguousarray(self._w[k].T)
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Vectors for ``texts`` in their order; batches group texts of similar length."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        batch: list[int] = []
        for i in order:
            # A batch ends when full, or when the next text is much shorter than its longest:
            # padding costs as much as text.
            if batch and (len(batch) == batch_size or len(ids[i]) < 0.75 * len(ids[batch[0]])):
                out[batch] = self._forward([ids[j] for j in batch])
                batch = []
            batch.append(i)
        out[batch] = self._forward([ids[j] for j in batch])
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        w, n, length = self._w, len(batch), max(len(x) for x in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, x in enumerate(batch):
            ids[i, :len(x)] = x
            mask[i, :len(x)] = 1.0
        h = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        h = self._norm(h.reshape(n * length, self.dim), "embeddings.LayerNorm")
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        size = self.dim // self.heads
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def heads(name: str) -> np.ndarray:
                x = h @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return np.ascontiguousarray(x.reshape(n, length, self.heads, size).transpose(0, 2, 1, 3))

            q, k, v = heads("attention.self.query"), heads("attention.self.key"), heads("attention.self.value")
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) / np.float32(math.sqrt(size)) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n * length, self.dim)
            attended = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            h = self._norm(h + attended, p + "attention.output.LayerNorm")
            inner = _gelu(h @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            h = self._norm(h + inner @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"], p + "output.LayerNorm")
        h = h.reshape(n, length, self.dim)
        pooled = (h * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self._w[name + ".weight"] + self._w[name + ".bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x·Φ(x), with erf from Abramowitz and Stegun 7.1.26 (error below 1.5e-7).

    Written as 0.5·x + 0.5·|x|·erf(|x|/√2), in place: on these machines a fresh temporary per
    operation costs more than the arithmetic.
    """
    absx = np.abs(x)
    # Clipped at 6, where erf is 1 in float32: exp(-z²) of larger z would be denormal, and slow.
    z = absx * np.float32(1 / math.sqrt(2.0))
    np.minimum(z, np.float32(6.0), out=z)
    t = z * np.float32(0.3275911)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x|/√2)
    np.subtract(np.float32(1.0), poly, out=poly)
    poly *= absx
    poly += x
    poly *= np.float32(0.5)
    return poly

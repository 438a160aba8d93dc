"""Comparison retrievers scored on the same questions: dense only, keyword only, and LlamaIndex out of the box.

Each baseline is a function ``retrieve(question, history) -> [(doc, text), …]`` (best first).
The LlamaIndex ones are built in memory for each run from the same documents the index holds
(the document store's cleaned text, so document names match the gold sets), with LlamaIndex's
defaults: ``VectorStoreIndex`` with the default ``SentenceSplitter`` (1024 tokens, 200 overlap),
the same embedding model as the assistant, no LLM, top 5; and ``BM25Retriever`` over the same nodes.
LlamaIndex has no notion of a conversation, so a follow-up's earlier questions are prepended to it.
"""

from __future__ import annotations

from typing import Callable, Iterator, Sequence

from eval.dataset import GoldQuestion
from eval.score import K, retrieval_metrics

Retrieve = Callable[[str, Sequence[str]], list[tuple[str, str]]]

#: Names of the baselines in the order the report shows them.
NAMES = ("dense", "keyword", "llamaindex_vector", "llamaindex_bm25")


class BaselineError(RuntimeError):
    """A baseline cannot be built (a package is missing); the message says what to install."""


def assistant_retriever(assistant) -> Retrieve:
    """The passages an Assistant (in any mode) retrieves, as (doc, text) pairs."""
    def retrieve(question: str, history: Sequence[str] = ()) -> list[tuple[str, str]]:
        return [(p.doc, p.text) for p in assistant.retrieve(question, history=list(history)).passages]
    return retrieve


def mode_assistant(assistant, mode: str):
    """An Assistant in another retrieval ``mode`` sharing ``assistant``'s model and stores."""
    from index.assistant import Assistant

    return Assistant(assistant.settings, embedder=assistant.embedder, vectors=assistant.retriever.vectors,
                     docstore=assistant.docstore, mode=mode)


def _llama_nodes(texts: dict[str, str]):
    try:
        from llama_index.core import Document
        from llama_index.core.node_parser import SentenceSplitter
    except ImportError:
        raise BaselineError("the LlamaIndex baselines need llama-index-core: pip install llama-index-core") from None
    documents = [Document(text=text, metadata={"doc": doc}, excluded_embed_metadata_keys=["doc"],
                          excluded_llm_metadata_keys=["doc"]) for doc, text in sorted(texts.items())]
    return SentenceSplitter().get_nodes_from_documents(documents)


def _query(question: str, history: Sequence[str]) -> str:
    return " ".join([*history, question])


def llamaindex_vector(texts: dict[str, str], model_path: str, top_k: int = K, nodes=None) -> Retrieve:
    """LlamaIndex's default pipeline: VectorStoreIndex over SentenceSplitter nodes, HuggingFace embeddings."""
    try:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    except ImportError:
        raise BaselineError("the LlamaIndex vector baseline needs llama-index-core and "
                            "llama-index-embeddings-huggingface: pip install llama-index-embeddings-huggingface") from None
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # it prints "LLM is explicitly disabled. Using MockLLM."
        LlamaSettings.llm = None  # retrieval only: never reach for an LLM
    embed = HuggingFaceEmbedding(model_name=model_path, device="cpu")
    nodes = nodes if nodes is not None else _llama_nodes(texts)
    index = VectorStoreIndex(nodes, embed_model=embed)
    retriever = index.as_retriever(similarity_top_k=top_k)

    def retrieve(question: str, history: Sequence[str] = ()) -> list[tuple[str, str]]:
        return [(n.node.metadata["doc"], n.node.get_content()) for n in retriever.retrieve(_query(question, history))]
    return retrieve


def llamaindex_bm25(texts: dict[str, str], top_k: int = K, nodes=None) -> Retrieve:
    """LlamaIndex's BM25Retriever (llama-index-retrievers-bm25) with its defaults over SentenceSplitter nodes."""
    try:
        from llama_index.retrievers.bm25 import BM25Retriever
    except ImportError:
        raise BaselineError("the LlamaIndex BM25 baseline needs llama-index-retrievers-bm25: "
                            "pip install llama-index-retrievers-bm25") from None
    nodes = nodes if nodes is not None else _llama_nodes(texts)
    retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=top_k)

    def retrieve(question: str, history: Sequence[str] = ()) -> list[tuple[str, str]]:
        return [(n.node.metadata["doc"], n.node.get_content()) for n in retriever.retrieve(_query(question, history))]
    return retrieve


def build(assistant, texts: dict[str, str], names: Sequence[str] = NAMES) -> Iterator[tuple[str, Retrieve | str]]:
    """Yield (name, retrieve function) for each baseline, or (name, error message) when it cannot be built."""
    from index.embedder import resolve_model

    nodes = None
    for name in names:
        try:
            if name in ("dense", "keyword"):
                yield name, assistant_retriever(mode_assistant(assistant, name))
                continue
            if nodes is None:
                nodes = _llama_nodes(texts)
            if name == "llamaindex_vector":
                yield name, llamaindex_vector(texts, resolve_model(assistant.settings.embed_model), nodes=nodes)
            elif name == "llamaindex_bm25":
                yield name, llamaindex_bm25(texts, nodes=nodes)
        except Exception as err:  # one baseline failing to build must not stop the evaluation
            yield name, f"{err.__class__.__name__}: {err}"


def score(retrieve: Retrieve, questions: Sequence[GoldQuestion]) -> Iterator[dict]:
    """Yield each question's retrieval metrics under one baseline."""
    for q in questions:
        if not (q.quotes or q.docs):
            continue
        r = retrieval_metrics(q, retrieve(q.question, q.history))
        r.pop("found", None)
        yield {"id": q.id, "type": q.type, **r}

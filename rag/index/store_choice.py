"""The store the `--store` setting names, opened once a process and passed down: nothing else
chooses between the implementations of rag.index.vectors.VectorStore."""

from __future__ import annotations

from rag.index.store import FaissFiles
from rag.index.stores import StoreKind, StoreSpec
from rag.index.vectors import VectorStore


def open_store(spec: StoreSpec) -> VectorStore:
    """The version folders' FAISS files, or a Milvus connection (a Milvus that cannot be reached
    fails here, in one line; its client is imported only then)."""
    if spec.kind is StoreKind.MILVUS:
        from rag.index.milvus import connect

        return connect(spec)
    return FaissFiles(spec)

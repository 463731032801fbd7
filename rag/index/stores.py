"""Where an index version's vectors live: FAISS files in the version's folder (the default), or Milvus.

The choice is one setting (`--store`, `RAG_STORE`), parsed here without importing any client, so
a user who never names Milvus never loads `pymilvus`. rag/index/milvus.py holds the Milvus side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from rag.errors import RagError

ENV_STORE = "RAG_STORE"
DEFAULT_NAMESPACE = "rag"
_NAMESPACE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-]+:[0-9]{1,5}$")
EXAMPLES = "--store faiss, --store milvus:index/milvus.db or --store milvus://127.0.0.1:19530"


class StoreKind(StrEnum):
    """Where a version's vectors live."""

    FAISS = "faiss"
    MILVUS = "milvus"


@dataclass(frozen=True)
class StoreSpec:
    """`kind` faiss: vectors.faiss in each version folder. milvus: a collection a version in the
    Milvus at `uri` (a local Milvus Lite data folder ending in .db, or http://HOST:PORT), named
    `namespace`_<version>, with the alias `namespace`_live on the live one."""

    kind: StoreKind = StoreKind.FAISS
    uri: str = ""
    namespace: str = DEFAULT_NAMESPACE

    def __str__(self) -> str:
        if self.kind is StoreKind.FAISS:
            return str(StoreKind.FAISS)
        shown = self.uri[len("http://"):] if self.uri.startswith("http://") else self.uri
        where = f"milvus://{shown}" if self.uri.startswith("http://") else f"milvus:{shown}"
        return where if self.namespace == DEFAULT_NAMESPACE else f"{where}#{self.namespace}"


FAISS = StoreSpec()


def parse_store(text: str | None) -> StoreSpec:
    """`faiss`, `milvus:PATH.db` or `milvus://HOST:PORT`, each Milvus form with an optional `#name`
    so that several indexes can share one Milvus."""
    if text is None or not text.strip() or text.strip() == "faiss":
        return FAISS
    text = text.strip()
    where, _, namespace = text.partition("#")
    namespace = namespace or DEFAULT_NAMESPACE
    if not _NAMESPACE.match(namespace):
        raise RagError(f"store name {namespace!r} in {text!r} is not a Milvus name (letters, digits, _; "
                       f"at most 32): e.g. {where}#newsroom")
    if where.startswith("milvus://"):
        address = where[len("milvus://"):].rstrip("/")
        if not _HOST_PORT.match(address):
            raise RagError(f"store {text!r} names no HOST:PORT: use {EXAMPLES}")
        return StoreSpec(StoreKind.MILVUS, f"http://{address}", namespace)
    if where.startswith("milvus:"):
        path = where[len("milvus:"):]
        if not path.endswith(".db"):
            raise RagError(f"store {text!r}: a Milvus Lite store is a path ending in .db: use {EXAMPLES}")
        return StoreSpec(StoreKind.MILVUS, path, namespace)
    raise RagError(f"store {text!r} is not one this program knows: use {EXAMPLES}")


class RecordedVectors(Protocol):
    """What saying where a version's vectors are reads of its manifest (rag.index.manifest.DenseRecord)."""

    @property
    def kind(self) -> StoreKind: ...

    @property
    def type(self) -> str: ...

    @property
    def collection(self) -> str | None: ...


def where_vectors_live(dense: RecordedVectors) -> str:
    """The store a manifest's dense section names, as a message says it."""
    if dense.kind is StoreKind.MILVUS:
        return f"Milvus (collection {dense.collection})"
    return "FAISS files"


def vectors_said(dense: RecordedVectors, spec: StoreSpec, folder: Path) -> str:
    """Where a version's vectors are, for `rag info`."""
    if dense.kind is StoreKind.MILVUS:
        return f"Milvus collection {dense.collection} at {spec}"
    return f"FAISS {dense.type or '?'} in {folder}"

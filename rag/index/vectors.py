"""The one seam between an index version and the store that holds its vectors.

A version is a folder (articles, chunk table, lexical index, register, copies, manifest) and a
set of vectors, which live either in the folder as a FAISS file or in a database collection.
`VectorStore` is what a build and a reader ask of either: which version is live, store a
version's vectors, make a version live, open its vectors for search, say what is damaged, drop
what no version needs. `Vectors` is what retrieval asks of one version's vectors. The setting
chooses the store once (rag.index.stores.open_store); nothing above this floor names one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from rag.index.manifest import DenseRecord, Manifest
    from rag.index.stores import StoreSpec


@dataclass(frozen=True)
class Allowed:
    """What a filter admits: a mask over chunks and, for a store that filters inside itself
    (`Vectors.filters_by_expression`), the same as its scalar expression (rag/search/pushdown.py)."""

    mask: np.ndarray
    expression: str | None = None


@dataclass(frozen=True)
class LiveVersion:
    """The live version as a store sees it. `name`: the version, where the store decides it (None:
    the one the index folder's CURRENT names). `stamp`: changes whenever a build makes another
    version live, and is cheap enough to read before every question (None: nothing is live)."""

    name: str | None
    stamp: str | None


@dataclass(frozen=True)
class ChunkRows:
    """What a store may keep beside each vector, a value per chunk in chunk order: for filters
    inside the store, and BM25 weights for a store that scores the sparse side itself."""

    article_numbers: list[int]
    date_first: list[int]
    date_last: list[int]
    outlets: list[str]
    weights: list[dict[int, float]]


class Vectors(Protocol):
    """One version's vectors, searchable."""

    # A filter goes to the store as an expression (Allowed.expression), not as a mask.
    filters_by_expression: bool

    @property
    def settings(self) -> DenseRecord:
        """What the manifest records of them (its dense section)."""
        ...

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, k: int, allowed: Allowed | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(positions, cosines) of the k nearest chunks the filter admits, best first."""
        ...

    def scores_for(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """The query's cosine with the given chunks."""
        ...

    def sparse_top(self, term_ids: list[int], k: int, allowed: Allowed | None = None) -> np.ndarray | None:
        """The k best BM25 chunks as the store scores them, or None where it keeps no sparse vectors
        (the lexical index's own scores are the same)."""
        ...


class VectorStore(Protocol):
    spec: StoreSpec

    def built(self, index: Path) -> bool:
        """Whether any version is live."""
        ...

    def live(self, index: Path, required: bool = False) -> LiveVersion:
        """The live version; with `required`, none is an error that says to build."""
        ...

    def put(self, folder: Path, vectors: np.ndarray, rows: Callable[[], ChunkRows],
            progress: Callable[[int], object] | None = None) -> DenseRecord:
        """Store the vectors of the version being written in `folder`; returns what its manifest
        records of them. Nothing is live until `switch`."""
        ...

    def switch(self, index: Path, folder: Path) -> None:
        """Make the version in `folder` live, in one step a reader cannot see half of."""
        ...

    def follow(self, index: Path, version: str) -> None:
        """Where the store decides the live version, make the index folder name it too (a build
        stopped between the two)."""
        ...

    def open(self, index: Path, manifest: Manifest) -> Vectors:
        """The version's vectors, for search."""
        ...

    def damage(self, index: Path, manifest: Manifest) -> list[str]:
        """What is wrong with the version's vectors in this store (rows missing), one phrase each."""
        ...

    def mismatch(self, index: Path, manifest: Manifest) -> list[str]:
        """Where the store and the index folder disagree on the live version, one phrase each."""
        ...

    def remove_except(self, keep: set[str]) -> list[str]:
        """Drop the vectors of versions not in `keep` (older ones, what killed builds left)."""
        ...

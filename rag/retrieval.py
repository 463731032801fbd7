"""Hybrid retrieval: BM25 and dense candidates, fused into one ranking of chunks.

Fusion is a convex mix of max-normalised scores. Its weights live in the index manifest, so an
index built for a stronger multilingual model can give the dense side more weight without a code
change. The defaults reflect FacQA measurements with all-MiniLM-L6-v2 on Indonesian
(../shared/FIELD-NOTES.md): BM25 carries the ranking; the dense score mostly breaks ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rag.chunking import Chunk

if TYPE_CHECKING:
    from rag.embedding import Embedder
    from rag.store import StoredIndex


@dataclass(frozen=True)
class FusionSettings:
    method: str = "convex"
    lexical_weight: float = 0.9
    dense_weight: float = 0.1
    # Each side proposes this many chunks; both scores are then computed for all of them.
    candidates: int = 50


@dataclass(frozen=True)
class Query:
    text: str
    # Key terms, each with its alternatives (see Analyzer.concepts); `terms` flattens them for BM25.
    concepts: list[tuple[str, ...]]
    vector: np.ndarray

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for concept in self.concepts for t in concept))


@dataclass(frozen=True)
class Hit:
    position: int
    chunk: Chunk
    score: float
    lexical: float
    dense: float


class Retriever:
    def __init__(self, index: StoredIndex, embedder: Embedder):
        self._index = index
        self._embedder = embedder
        self.fusion = index.fusion

    def query(self, text: str) -> Query:
        return Query(text, self._index.lexical.analyzer.concepts(text), self._embedder.encode_query(text))

    def search(self, query: Query, k: int) -> list[Hit]:
        """The k best chunks, best first; chunks that match neither way are not returned."""
        lexical_all = self._index.lexical.scores(query.terms)
        n = self.fusion.candidates
        lexical_top = np.argsort(-lexical_all)[:n]
        lexical_top = lexical_top[lexical_all[lexical_top] > 0]
        dense_top, _ = self._index.dense.search(query.vector, n)
        candidates = np.unique(np.concatenate([lexical_top, dense_top]).astype(np.int64))
        if len(candidates) == 0:
            return []
        lexical = lexical_all[candidates]
        dense = self._index.dense.scores_for(query.vector, candidates)
        fused = self.fusion.lexical_weight * _max_normalised(lexical) + self.fusion.dense_weight * _max_normalised(dense)
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(
                position=int(candidates[i]),
                chunk=self._index.chunks[int(candidates[i])],
                score=float(fused[i]),
                lexical=float(lexical[i]),
                dense=float(dense[i]),
            )
            for i in order
        ]


def _max_normalised(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    if top <= 0:
        return np.zeros_like(scores)
    return np.clip(scores, 0, None) / top

"""Dense search: FAISS inner product over normalised vectors (so scores are cosines)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.errors import IndexCorruptError


class DenseIndex:
    def __init__(self, index):
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        import faiss

        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        import faiss

        try:
            return cls(faiss.read_index(str(path)))
        except RuntimeError as error:
            raise IndexCorruptError(
                f"{path} is damaged (not a readable FAISS index): run `rag build --rebuild`"
            ) from error

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def search(self, query: np.ndarray, k: int, among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(positions, cosine scores) of the k nearest chunks, best first; only `among` if given."""
        import faiss

        k = min(k, len(self) if among is None else len(among))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        params = None if among is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(among.astype(np.int64)))
        scores, positions = self._index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = positions[0] >= 0
        return positions[0][keep], scores[0][keep]

    def scores_for(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Cosine of the query with the given chunks (for candidates found by the lexical side)."""
        if len(positions) == 0:
            return np.zeros(0, dtype=np.float32)
        vectors = self._index.reconstruct_batch(np.asarray(positions, dtype=np.int64))
        return vectors @ query.astype(np.float32)

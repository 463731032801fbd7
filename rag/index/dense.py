"""Dense search: FAISS inner product over normalised vectors (so scores are cosines).

Up to `EXACT_MAX` vectors the index is exact (`IndexFlatIP`: a 50,000 × 384 scan takes about
5 ms). Above it, an inverted file (`IndexIVFFlat` with 4·√n lists) scans only the lists nearest
the query, both cores sharing one query's lists; how many lists (`nprobe`) is chosen at build
time as the smallest that finds at least `TARGET_RECALL` of the exact top 10 for sample queries.
Measured on a million synthetic chunks with FacQA questions: 4,000 lists, nprobe 384, recall@10
0.98 in about 7 ms a question; 1,000 lists needed four times the scan for the same recall. The
type and its parameters are recorded in the manifest.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from rag.errors import IndexCorruptError, repair_hint
from rag.index.manifest import DenseRecord
from rag.index.vectors import Allowed

EXACT_MAX = 50_000
TARGET_RECALL = 0.97
NPROBES = (8, 16, 32, 64, 128, 192, 256, 384, 512, 768)
# A filter that leaves at most this many chunks is searched exactly over those chunks: an
# inverted file probing a few lists could miss most of them.
EXACT_SUBSET_MAX = 50_000
_CALIBRATION_QUERIES = 200
_TRAINING_PER_LIST = 20  # faiss asks for 39; 20 measured as good, in half the time
_LISTS_PER_ROOT = 4


class DenseIndex:
    """A version's vectors in its folder's FAISS file (rag.index.vectors.Vectors): a filter is a mask."""

    filters_by_expression = False

    def __init__(self, index, calibrated_recall: float | None = None):
        self._index = index
        self.calibrated_recall = calibrated_recall
        if self.kind == "ivf":
            index.make_direct_map()  # reconstruct() by position, for candidates found lexically
            index.parallel_mode = 1  # one question's lists split over the threads: half the time on 2 cores

    @classmethod
    def build(cls, vectors: np.ndarray, exact_max: int = EXACT_MAX, seed: int = 0) -> DenseIndex:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        count, dimension = vectors.shape
        if count <= exact_max:
            index = faiss.IndexFlatIP(dimension)
            index.add(vectors)
            return cls(index)
        lists = int(_LISTS_PER_ROOT * math.sqrt(count))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT)  # type: ignore[assignment]
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(count, min(count, lists * _TRAINING_PER_LIST), replace=False)]
        index.cp.min_points_per_centroid = len(sample) // lists  # type: ignore[attr-defined]  # small on purpose: no warning
        index.train(sample)
        index.add(vectors)
        built = cls(index)
        built.calibrated_recall = built._calibrate(vectors, rng)
        return built

    def _calibrate(self, vectors: np.ndarray, rng: np.random.Generator) -> float:
        """Smallest nprobe reaching TARGET_RECALL@10 against exact search, for question-like queries.

        A query is a stored vector plus noise as long as itself (cosine about 0.7 to where it
        started): about as far as a question is from the passage that answers it. On the
        million-chunk bench index this predicted the recall of real FacQA questions within 0.01
        (0.979 against 0.982 at nprobe 384); stored vectors themselves as queries, with their many
        near-duplicates there, asked for twice the scan.
        """
        picks = vectors[rng.choice(len(vectors), _CALIBRATION_QUERIES, replace=False)]
        queries = picks + rng.standard_normal(picks.shape, dtype=np.float32) / math.sqrt(picks.shape[1])
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        exact = exact_top(vectors, queries, 10)
        recall = 0.0
        for nprobe in NPROBES:
            self._index.nprobe = nprobe
            recall = recall_at(self._index.search(queries, 10)[1], exact)
            if recall >= TARGET_RECALL:
                break
        return round(recall, 4)

    def save(self, path: Path) -> None:
        """Written with FAISS, which reports a failed write as RuntimeError: raised here as the
        OSError it is, so that a full disk reads the same from every file of a build."""
        import faiss

        try:
            faiss.write_index(self._index, str(path))
        except RuntimeError as error:
            raise OSError(f"FAISS could not write the vectors ({str(error).splitlines()[0][:200]})") from error

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        import faiss

        try:
            return cls(faiss.read_index(str(path)))
        except RuntimeError as error:
            raise IndexCorruptError(f"{path} is damaged (not a readable FAISS index): {repair_hint()}") from error

    @property
    def kind(self) -> str:
        return "ivf" if hasattr(self._index, "nprobe") else "flat"

    @property
    def settings(self) -> DenseRecord:
        """What the manifest records of the index."""
        if self.kind == "flat":
            return DenseRecord("IndexFlatIP", exact=True)
        recall = None if self.calibrated_recall is None else float(self.calibrated_recall)
        return DenseRecord("IndexIVFFlat", exact=False, lists=int(self._index.nlist), nprobe=int(self._index.nprobe),
                           calibrated_recall_at_10=recall)

    def vectors(self) -> np.ndarray:
        """Every stored vector, in chunk order (a copy: FAISS keeps its own)."""
        return self._index.reconstruct_n(0, len(self))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def search(self, query: np.ndarray, k: int, allowed: Allowed | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(positions, cosine scores) of the k nearest chunks, best first; only those `allowed` admits."""
        import faiss

        among = np.flatnonzero(allowed.mask) if allowed is not None else None
        k = min(k, len(self) if among is None else len(among))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if among is not None and self.kind == "ivf" and len(among) <= EXACT_SUBSET_MAX:
            scores = self.scores_for(query, among)
            best = np.argsort(-scores)[:k]
            return np.asarray(among, dtype=np.int64)[best], scores[best]
        params = None
        if among is not None:
            selector = faiss.IDSelectorBatch(among.astype(np.int64))
            # FAISS's SWIG signatures name no keyword arguments; these are its documented ones.
            params = (faiss.SearchParameters(sel=selector) if self.kind == "flat"  # type: ignore[call-arg]
                      else faiss.SearchParametersIVF(sel=selector, nprobe=self._index.nprobe))  # type: ignore[call-arg]
        scores, positions = self._index.search(query.reshape(1, -1).astype(np.float32), k, params=params)
        keep = positions[0] >= 0
        return positions[0][keep], scores[0][keep]

    def sparse_top(self, term_ids: list[int], k: int, allowed: Allowed | None = None) -> None:
        """None: the FAISS file keeps no sparse vectors (the lexical index scores BM25 itself)."""
        return None

    def scores_for(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Cosine of the query with the given chunks (for candidates found by the lexical side)."""
        if len(positions) == 0:
            return np.zeros(0, dtype=np.float32)
        vectors = self._index.reconstruct_batch(np.asarray(positions, dtype=np.int64))
        return vectors @ query.astype(np.float32)


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Positions of the exact top k by inner product, per query (the reference for recall)."""
    import faiss

    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return flat.search(np.ascontiguousarray(queries, dtype=np.float32), k)[1]


def recall_at(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact top k that `found` holds, over all queries."""
    hits = sum(len(set(f[f >= 0].tolist()) & set(e.tolist())) for f, e in zip(found, exact))
    return hits / exact.size


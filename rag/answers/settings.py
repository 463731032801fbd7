"""The answer step's and the language model's settings, apart from the code that uses them: the
configuration imports them at start-up, before (and often without) loading the answer stack."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerSettings:
    """Tunable by measurement (rag eval); see docs/figures.md for the figures behind the defaults."""

    # "Not in the corpus" when the best sentence covers less than this share of the question's
    # term weight (through the lexicon); "the closest passages, not a confident answer" when it
    # covers less than `confident_coverage`. Chosen on FacQA valid's risk-coverage curve and the
    # development files, one level for both languages: docs/answers.md.
    min_coverage: float = 0.35
    confident_coverage: float = 0.40
    # A sentence that covers less than this never joins an answer (the best one still decides).
    join_coverage: float = 0.10
    # For a question in another language, also when it covers fewer than this many of its concepts
    # (all of them, for a question with fewer).
    min_concepts: int = 2
    # Sentences scoring at least this share of the best one join the answer.
    keep_ratio: float = 0.45
    max_sentences: int = 3
    max_sentences_list: int = 5
    # Sentence score: coverage of the question by the sentence, by the sentence with the one before
    # it (an answer often follows the sentence that sets its context), the expected answer type,
    # and the rank of its chunk.
    coverage_weight: float = 0.4
    context_weight: float = 0.2
    type_weight: float = 0.2
    relevance_weight: float = 0.2

    @property
    def confident(self) -> float:
        """The confident level, never below the not-found one (--min-coverage may raise that)."""
        return max(self.min_coverage, self.confident_coverage)


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0

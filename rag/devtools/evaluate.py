"""Evaluation files and the figures `rag eval` reports.

A file holds one JSON object a line: {"question", "answers": [strings], "sources": [article ids]},
and optionally "history": [the conversation's earlier questions]; empty `answers` and `sources`
mark a question the corpus cannot answer. Every question goes through `Assistant.run`, the path
`rag ask` and the app take, with the same filters, follow-ups and register.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from rag.answers.extractive import Answer, AnswerMode, Confidence
from rag.answers.generative import MIN_SUPPORT
from rag.assistant import Assistant, Request, Step
from rag.errors import EvalFileError, QuestionError
from rag.jsonl import JsonLine, json_lines
from rag.search.filters import Filters
from rag.search.modes import RetrieverMode
from rag.search.retrieval import Hit

RECALL_DEPTHS = (1, 3, 5, 10)
RANKING_DEPTH = 100


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    answers: list[str]
    sources: list[str]
    history: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        return bool(self.answers or self.sources)


@dataclass(frozen=True)
class Outcome:
    question: EvalQuestion
    answer: Answer
    ranked_articles: list[str]
    seconds: float
    retrieval_seconds: float

    def source_rank(self) -> int | None:
        """1-based rank of the first gold article among the distinct articles retrieved."""
        for rank, article in enumerate(self.ranked_articles, start=1):
            if article in self.question.sources:
                return rank
        return None

    def answers_in(self, text: str) -> bool:
        haystack = fold(text)
        return bool(self.question.answers) and all(fold(a) in haystack for a in self.question.answers)

    @property
    def answer_in_citations(self) -> bool:
        return self.answers_in("\n".join(c.snippet for c in self.answer.citations))

    @property
    def answer_in_answer(self) -> bool:
        return self.answers_in(self.answer.answer)

    @property
    def answer_in_span(self) -> bool:
        span = self.answer.answer_span
        return span is not None and self.answers_in(span.text)

    @property
    def answered(self) -> bool:
        return not self.answer.abstained and bool(self.question.answers)

    @property
    def refused(self) -> bool:
        """Said "not in the corpus" (an unsure answer shows the closest passages instead)."""
        return self.answer.confidence is Confidence.NOT_FOUND

    def valid_citations(self) -> tuple[int, int]:
        """(sentences whose cited snippet contains them, sentences) of this answer."""
        valid = 0
        for part in self.answer.parts:
            cited = self.answer.citations[part.citation - 1] if 0 < part.citation <= len(self.answer.citations) else None
            supported = fold(part.text) in fold(cited.snippet) if cited else False
            if cited and not supported and self.answer.mode == AnswerMode.GENERATIVE:
                supported = part.support >= MIN_SUPPORT  # measured by rag.answers.generative.keep_supported_sentences against this passage
            valid += supported
        return valid, len(self.answer.parts)


@dataclass(frozen=True)
class EvalReport:
    questions: int
    answerable: int
    unanswerable: int
    source_recall: dict[str, float]
    answer_in_citations: float
    answer_in_answer: float
    # Share of answer sentences whose [n] citation snippet contains the sentence.
    citation_validity: float | None
    abstained_unanswerable: float | None
    abstained_answerable: float
    latency_ms: dict[str, float]
    retrieval_ms: dict[str, float]
    retriever: str = RetrieverMode.HYBRID.value
    # Share of answered questions whose answer_span holds the gold answer (None: nothing answered).
    answer_span: float | None = None
    # Share of answerable questions answered "not in the corpus" (abstained counts unsure answers too).
    refused_answerable: float = 0.0
    # The answer and abstention figures again, for the questions detected as each language.
    by_language: dict[str, dict] = field(default_factory=dict)
    # With --without-answers: each answerable question asked again with every article that holds
    # its answer left out, where the right reply is no answer (see `without_answers`).
    removed: dict | None = None
    misses: list[dict] = field(default_factory=list)


def fold(text: str) -> str:
    """Case-insensitive, whitespace-folded form used for every answer-string comparison."""
    return " ".join(text.split()).casefold()


def read_eval_file(path: Path) -> list[EvalQuestion]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvalFileError(f"evaluation file {path} does not exist: give the path of a .jsonl file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EvalFileError(f"cannot read evaluation file {path} ({error}): give a UTF-8 .jsonl file") from error
    questions = [_parse_line(path, line) for line in json_lines(text)]
    if not questions:
        raise EvalFileError(f"evaluation file {path} holds no question: one JSON object a line")
    return questions


def _parse_line(path: Path, line: JsonLine) -> EvalQuestion:
    where, record = f"{path}:{line.number}", line.record
    if line.error:
        raise EvalFileError(f"{where} is not JSON ({line.error}): one JSON object a line")
    if not isinstance(record, dict) or not isinstance(record.get("question"), str) or not record["question"].strip():
        raise EvalFileError(f'{where} has no "question" string: expected {{"question", "answers", "sources"}}')
    answers, sources, history = record.get("answers", []), record.get("sources", []), record.get("history", [])
    if not _strings(answers) or not _strings(sources) or not _strings(history):
        raise EvalFileError(f'{where}: "answers", "sources" and "history" must be lists of strings')
    return EvalQuestion(record["question"], answers, sources, tuple(history))


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def run_question(assistant: Assistant, question: EvalQuestion, filters: Filters | None = None,
                 mode: RetrieverMode = RetrieverMode.HYBRID) -> Outcome:
    """Ask one question through the assistant's ask path, timing its search step (the question's
    embedding included) apart. The register's answer was found by no search: its cited articles
    stand for the ranking."""
    steps: dict[Step, float] = {}
    started = time.perf_counter()
    *_, reply = assistant.run(Request(question.question, filters, mode, question.history), RANKING_DEPTH,
                              on_step=steps.__setitem__)
    done = time.perf_counter()
    ranked = distinct_articles(reply.hits) if reply.hits else _cited_articles(reply.answer)
    return Outcome(question, reply.answer, ranked, done - started, steps.get(Step.SEARCH, 0.0))


def _cited_articles(answer: Answer) -> list[str]:
    return list(dict.fromkeys(a for c in answer.citations for a in (c.article_id, *c.also_in)))


def distinct_articles(hits: Iterable[Hit]) -> list[str]:
    """Articles in retrieval order; a passage found in several articles retrieves them all."""
    ranked: dict[str, None] = {}
    for hit in hits:
        ranked.update(dict.fromkeys(hit.chunk.article_ids))
    return list(ranked)


def evaluate(
    assistant,
    questions: list[EvalQuestion],
    progress: Iterable | None = None,
    filters: Filters | None = None,
    mode: RetrieverMode = RetrieverMode.HYBRID,
    without_answers: bool = False,
) -> EvalReport:
    """Ask every question through the assistant and summarise; with `without_answers`, ask each
    answerable one again without the articles that hold its answer."""
    outcomes = ask_all(assistant, questions, progress, filters, mode)
    report = summarise(outcomes, mode)
    if without_answers:
        removed = ask_all(assistant, answers_removed(assistant, questions), None, filters, mode)
        report = replace(report, removed=_removed_figures(removed))
    return report


def ask_all(assistant, questions: Iterable[EvalQuestion], progress: Iterable | None = None,
            filters: Filters | None = None, mode: RetrieverMode = RetrieverMode.HYBRID) -> list[Outcome]:
    outcomes = []
    for question in progress if progress is not None else questions:
        try:
            outcomes.append(run_question(assistant, question, _leaving_out(filters, question), mode))
        except QuestionError as error:
            raise EvalFileError(f"question {question.question[:60]!r} cannot be asked: {error}") from error
    return outcomes


@dataclass(frozen=True)
class RemovedQuestion(EvalQuestion):
    """An answerable question asked without the articles that hold its answer: unanswerable there."""

    left_out: frozenset[str] = frozenset()


def answers_removed(assistant, questions: list[EvalQuestion]) -> list[RemovedQuestion]:
    """Each answerable question, with every article that holds one of its answers (or is one of its
    sources) to be left out. FacQA labels one passage a question, but others often hold the answer
    too: those go as well, so that any answer given is unsupported."""
    texts = {article.id: fold(article.text) for article in assistant.index.articles.values()}
    removed = []
    for question in questions:
        if question.answers:
            holding = {a for a, text in texts.items() if any(fold(answer) in text for answer in question.answers)}
            removed.append(RemovedQuestion(question.question, [], [], question.history,
                                           frozenset(holding | set(question.sources))))
    return removed


def _leaving_out(filters: Filters | None, question: EvalQuestion) -> Filters | None:
    if not isinstance(question, RemovedQuestion):
        return filters
    return replace(filters or Filters(), excluded=question.left_out)


def _removed_figures(outcomes: list[Outcome]) -> dict:
    return {"questions": len(outcomes), "abstained": _share(o.answer.abstained for o in outcomes),
            "refused": _share(o.refused for o in outcomes),
            "by_language": {language: {"questions": len(subset), "abstained": _share(o.answer.abstained for o in subset)}
                            for language in sorted({o.answer.language for o in outcomes})
                            if (subset := [o for o in outcomes if o.answer.language == language])}}


# The confident levels the risk-coverage curve tries (rag eval --curve).
CURVE_LEVELS = tuple(round(0.10 + 0.05 * i, 2) for i in range(18))


def risk_coverage(assistant, questions: list[EvalQuestion], filters: Filters | None = None,
                  mode: RetrieverMode = RetrieverMode.HYBRID, progress=None) -> dict[str, list[dict]]:
    """For each question language and confident level, the share of questions answered and the
    share of those answers that are right, over the answerable questions, the unanswerable ones,
    and each answerable one again without its answer (where any answer is wrong). The questions
    are asked once, with every answer the quotes can give (the confident levels at the not-found
    ones, which also decide which sentences may join an answer); an answer's support then says at
    which levels it would stand. `progress` wraps the list asked (the removed copies with them)."""
    floor = replace(assistant.settings.answer, confident_coverage=assistant.settings.answer.min_coverage)
    open_handed = replace(assistant, settings=replace(assistant.settings, answer=floor))
    asked = list(questions) + answers_removed(assistant, questions)
    outcomes = ask_all(open_handed, progress(asked) if progress else asked, None, filters, mode)
    curves = {}
    for language in sorted({o.answer.language for o in outcomes}):
        mine = [o for o in outcomes if o.answer.language == language]
        answerable = [o for o in mine if o.question.answers and not isinstance(o.question, RemovedQuestion)]
        removed = [o for o in mine if isinstance(o.question, RemovedQuestion)]
        points = []
        for level in (level for level in CURVE_LEVELS if level >= floor.min_coverage):
            # The register's answers (support None) come from no sentence's coverage: they stand at every level.
            stands = {id(o) for o in mine if not o.answer.abstained and (o.answer.support is None or o.answer.support >= level)}
            answered = [o for o in mine if id(o) in stands]
            points.append({"level": level, "answered": _share(id(o) in stands for o in mine),
                           "right_of_answered": _share(o.answer_in_answer for o in answered) if answered else None,
                           "answer_in_answer": _share(id(o) in stands and o.answer_in_answer for o in answerable)
                           if answerable else None,
                           "abstained_without_answers": _share(id(o) not in stands for o in removed) if removed else None})
        curves[language] = points
    return curves


def _percentiles(values_ms: np.ndarray) -> dict[str, float]:
    return {"p50": round(float(np.percentile(values_ms, 50)), 1), "p95": round(float(np.percentile(values_ms, 95)), 1)}


def summarise(outcomes: list[Outcome], mode: RetrieverMode = RetrieverMode.HYBRID) -> EvalReport:
    answerable = [o for o in outcomes if o.question.answerable]
    with_sources = [o for o in answerable if o.question.sources]
    recall = {
        str(k): _share((rank := o.source_rank()) is not None and rank <= k for o in with_sources) for k in RECALL_DEPTHS
    }
    by_language = {}
    for language in sorted({o.answer.language for o in outcomes}):
        subset = [o for o in outcomes if o.answer.language == language]
        by_language[language] = {"questions": len(subset), **_answer_figures(subset)}
    return EvalReport(
        questions=len(outcomes),
        source_recall=recall,
        answer_in_citations=_share(o.answer_in_citations for o in answerable if o.question.answers),
        citation_validity=_citation_validity(outcomes),
        latency_ms=_percentiles(np.array([o.seconds * 1000 for o in outcomes])),
        retrieval_ms=_percentiles(np.array([o.retrieval_seconds * 1000 for o in outcomes])),
        retriever=str(mode),
        by_language=by_language,
        misses=[_miss(o) for o in answerable if _is_miss(o)],
        **_answer_figures(outcomes),
    )


def _answer_figures(outcomes: list[Outcome]) -> dict:
    """Answer and abstention figures of a set of questions (all of them, or one language's)."""
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    answered = [o for o in answerable if o.answered]
    return {
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "answer_in_answer": _share(o.answer_in_answer for o in answerable if o.question.answers),
        "abstained_unanswerable": _share(o.answer.abstained for o in unanswerable) if unanswerable else None,
        "abstained_answerable": _share(o.answer.abstained for o in answerable),
        "refused_answerable": _share(o.refused for o in answerable),
        "answer_span": _share(o.answer_in_span for o in answered) if answered else None,
    }


def _citation_validity(outcomes: list[Outcome]) -> float | None:
    counts = np.array([o.valid_citations() for o in outcomes]).reshape(-1, 2).sum(axis=0)
    return round(float(counts[0] / counts[1]), 4) if counts[1] else None


def _is_miss(outcome: Outcome) -> bool:
    rank = outcome.source_rank()
    return bool(outcome.question.sources and (rank is None or rank > 3)) or bool(
        outcome.question.answers and not outcome.answer_in_answer
    )


def _miss(outcome: Outcome) -> dict:
    return {
        "question": outcome.question.question,
        "sources": outcome.question.sources,
        "retrieved": outcome.ranked_articles[:3],
        "answer_in_citations": outcome.answer_in_citations,
        "abstained": outcome.answer.abstained,
        "language": outcome.answer.language,
    }


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 4) if values else 0.0

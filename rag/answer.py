"""Extractive answers: the retrieved sentences that best answer the question, quoted verbatim.

Every sentence of an answer is a sentence of an article, character for character, followed by the
marker of the citation it comes from; nothing else is written. When the best evidence does not
cover the question's key terms, the answer says so plainly instead of quoting something loosely
related, and the closest passages are listed as possibly related, not as citations.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from rag.language import detect_language
from rag.lexical import LexicalIndex
from rag.rerank import holds_answer_type, profile_question
from rag.retrieval import Hit, Query
from rag.sentences import split_sentences
from rag.store import ArticleInfo

NOT_FOUND = {
    "id": "Tidak ditemukan di korpus: tidak ada artikel yang menjawab pertanyaan ini.",
    "en": "Not in the corpus: no article answers this question.",
}
_LIST_QUESTION = re.compile(r"\b(apa|mana|siapa|kapan|di ?mana) saja\b|\bwhich (cities|countries|partners)\b|\blist\b", re.I)


@dataclass(frozen=True)
class AnswerSettings:
    """Tunable by measurement (rag eval); see README for the figures behind the defaults."""

    # Abstain when the best sentence covers less than this share of the question's term weight.
    min_coverage: float = 0.35
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


@dataclass(frozen=True)
class Citation:
    n: int
    article_id: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    snippet: str
    start: int
    end: int
    score: float
    # Spans (in the article's original text) of the sentences the answer quotes from this snippet.
    quotes: list[dict] = field(default_factory=list)
    # Other articles that carry the same passage (a wire story in several outlets).
    also_in: list[str] = field(default_factory=list)
    # The page the passage starts on, for articles read from PDF.
    page: int | None = None


@dataclass(frozen=True)
class AnswerPart:
    """One sentence of an answer and the number of the citation it stands on."""

    text: str
    citation: int
    # How much of the sentence its cited passage holds (1.0 for a verbatim quote).
    support: float = 1.0


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    related: list[Citation] = field(default_factory=list)
    language: str = "id"
    parts: list[AnswerPart] = field(default_factory=list)
    mode: str = "extractive"  # or "generative"
    # Shown to the user: why a generative answer fell back to the extractive one.
    notice: str | None = None
    # Generated sentences left out, each with the reason (no marker, unknown passage, unsupported).
    removed: list[dict] = field(default_factory=list)
    # Written by the program, not quoted: the register's summary before its quotes (mode "register").
    lead: str | None = None


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence; `coverage` counts the sentence before it too (what abstention reads)."""

    hit: Hit
    start: int
    end: int
    text: str
    coverage: float
    score: float


def compose_answer(
    query: Query,
    hits: list[Hit],
    articles: dict[str, ArticleInfo],
    lexical: LexicalIndex,
    settings: AnswerSettings = AnswerSettings(),
) -> Answer:
    language = detect_language(query.text)
    sentences = score_sentences(query, hits, articles, lexical, settings)
    if not sentences or sentences[0].coverage < settings.min_coverage:
        related = [make_citation(i + 1, h, articles, []) for i, h in enumerate(hits[:3])]
        return Answer(query.text, NOT_FOUND[language], True, [], related, language)
    chosen = _choose(sentences, settings, is_list=bool(_LIST_QUESTION.search(query.text)))
    citations: dict[str, Citation] = {}
    parts: list[AnswerPart] = []
    for sentence in chosen:
        chunk_id = sentence.hit.chunk.id
        if chunk_id not in citations:
            citations[chunk_id] = make_citation(len(citations) + 1, sentence.hit, articles, [])
        citation = citations[chunk_id]
        citation.quotes.append({"start": sentence.start, "end": sentence.end})
        parts.append(AnswerPart(sentence.text, citation.n))
    return Answer(query.text, join_parts(parts), False, list(citations.values()), [], language, parts)


def join_parts(parts: list[AnswerPart]) -> str:
    return " ".join(f"{part.text} [{part.citation}]" for part in parts)


def score_sentences(
    query: Query, hits: list[Hit], articles: dict[str, ArticleInfo], lexical: LexicalIndex, settings: AnswerSettings
) -> list[ScoredSentence]:
    # A concept weighs as its most common alternative: an English word absent from an Indonesian
    # corpus must not outweigh the Indonesian word that translates it.
    weights = {concept: min(lexical.idf(t) for t in concept) for concept in query.concepts}
    total = sum(weights.values())
    profile = profile_question(query.text, query.concepts, lexical.idf)

    def coverage_of(present: set[str]) -> float:
        return sum(w for c, w in weights.items() if not present.isdisjoint(c)) / total if total else 0.0

    # Ranker scores are on no fixed scale: a chunk's relevance is its place between worst and best.
    top, bottom = (hits[0].score, min(h.score for h in hits)) if hits else (0.0, 0.0)
    seen: set[tuple[str, int]] = set()
    scored: list[ScoredSentence] = []
    for hit in hits:
        article = articles[hit.chunk.article_id]
        relevance = (hit.score - bottom) / (top - bottom) if top > bottom else 1.0
        previous: set[str] = set()
        for span in split_sentences(article.text, hit.chunk.start, hit.chunk.end):
            text = article.text[span.start:span.end]
            present = set(lexical.analyzer.terms(text))
            key = (article.id, span.start)
            if key in seen:  # overlapping chunks share sentences: quote each once
                previous = present
                continue
            seen.add(key)
            coverage = coverage_of(present)
            in_context = max(coverage, coverage_of(present | previous))
            typed = holds_answer_type(profile.answer_type, text, profile.words, profile.numbers)
            score = (
                settings.coverage_weight * coverage
                + settings.context_weight * in_context
                + settings.type_weight * typed
                + settings.relevance_weight * relevance
            )
            scored.append(ScoredSentence(hit, span.start, span.end, text, in_context, score))
            previous = present
    scored.sort(key=lambda s: s.score, reverse=True)
    return scored


def _choose(sentences: list[ScoredSentence], settings: AnswerSettings, is_list: bool) -> list[ScoredSentence]:
    """The best sentence, then close runners-up; a list question takes one per article first."""
    limit = settings.max_sentences_list if is_list else settings.max_sentences
    floor = sentences[0].score * settings.keep_ratio
    eligible = [s for s in sentences if s.score >= floor and s.coverage >= settings.min_coverage]
    if is_list:
        firsts: dict[str, ScoredSentence] = {}
        for s in sentences:
            if s.coverage >= settings.min_coverage:
                firsts.setdefault(s.hit.chunk.article_id, s)
        eligible = list(firsts.values()) + [s for s in eligible if s not in firsts.values()]
    return eligible[:limit]


def make_citation(n: int, hit: Hit, articles: dict[str, ArticleInfo], quotes: list[dict]) -> Citation:
    article = articles[hit.chunk.article_id]
    return Citation(
        n=n,
        article_id=article.id,
        title=article.title,
        outlet=article.outlet,
        date=article.date,
        url=article.url,
        snippet=hit.chunk.text,
        start=hit.chunk.start,
        end=hit.chunk.end,
        score=round(hit.score, 4),
        quotes=quotes,
        also_in=hit.chunk.article_ids[1:],
        page=article.page_at(hit.chunk.start),
    )


def answer_to_json(answer: Answer) -> dict:
    """The object `rag ask --json` prints and the app's /ask endpoint returns."""
    return {
        "question": answer.question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "language": answer.language,
        "citations": [asdict(c) for c in answer.citations],
        "related": [asdict(c) for c in answer.related],
        "mode": answer.mode,
        "notice": answer.notice,
        "removed": answer.removed,
        "lead": answer.lead,
    }

"""Extractive answers: the retrieved sentences that best answer the question, quoted verbatim.

Every sentence of an answer is a sentence of an article, character for character, followed by the
marker of the citation it comes from; nothing else is written. When the best evidence does not
cover the question's key terms, the answer says so plainly instead of quoting something loosely
related, and the closest passages are listed as possibly related, not as citations.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum

from rag.answers.disagreement import Disagreement
from rag.answers.settings import AnswerSettings
from rag.index.copies import SourceCount
from rag.index.lexical import LexicalIndex
from rag.ingest.corpus import ArticleInfo
from rag.search.retrieval import Hit, Query
from rag.search.searched import Searched
from rag.search.time_question import InferredTime
from rag.text.answer_kinds import answer_kind, asks_for_list, best_span, holds_answer, question_words
from rag.text.dates import When, date_order
from rag.text.event_dates import event_dates
from rag.text.forms import other_stage
from rag.text.language import detect_language
from rag.text.messages import ANSWERS, in_language
from rag.text.names import names_all_in, names_in, parties_in
from rag.text.reporting import is_intention
from rag.text.sentences import Span, split_sentences

# The language of the articles: a question in another one is read through the dense side and the
# lexicon (rag/text/lexicon.py), and its words that the corpus never uses are not held against the evidence.
CORPUS_LANGUAGE = "id"


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
    quotes: tuple[Span, ...] = ()
    # Other articles that carry the same passage (a wire story in several outlets).
    also_in: list[str] = field(default_factory=list)
    # The page the passage starts on, for articles read from PDF.
    page: int | None = None
    # Other articles that carry the same story with light edits (rag/index/copies.py), and, for a
    # copy whose wording its origin does not hold, the origin.
    copies: list[str] = field(default_factory=list)
    copy_of: str | None = None


@dataclass(frozen=True)
class AnswerPart:
    """One sentence of an answer and the number of the citation it stands on."""

    text: str
    citation: int
    # How much of the sentence its cited passage holds (1.0 for a verbatim quote).
    support: float = 1.0
    # Where a quoted sentence starts in its article (None for a generated one).
    start: int | None = None


@dataclass(frozen=True)
class AnswerSpan:
    """The words of a quoted sentence that answer the question's kind: a name, a date, a quantity."""

    text: str
    start: int  # offsets into the article's text, like the quotes'
    end: int
    citation: int
    kind: str


class Confidence(StrEnum):
    """How surely the quotes answer: the best sentence's support (its coverage of the question,
    through the lexicon) against the calibrated levels in AnswerSettings."""

    ANSWERED = "answered"
    UNSURE = "unsure"  # the closest passages are shown as related, no answer is asserted
    NOT_FOUND = "not_found"  # "not in the corpus"


class AnswerMode(StrEnum):
    EXTRACTIVE = "extractive"  # sentences of the articles, quoted
    GENERATIVE = "generative"  # a language model's sentences, each checked against its passage
    REGISTER = "register"  # the register's summary, then its quotes


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    related: list[Citation] = field(default_factory=list)
    language: str = "id"
    parts: list[AnswerPart] = field(default_factory=list)
    mode: AnswerMode = AnswerMode.EXTRACTIVE
    # Shown to the user: why a generative answer fell back to the extractive one.
    notice: str | None = None
    # Generated sentences left out, each with the reason (no marker, unknown passage, unsupported).
    removed: list[dict] = field(default_factory=list)
    # Written by the program, not quoted: the register's summary before its quotes (mode "register").
    lead: str | None = None
    # Where, in the quotes, the answer to the question's kind stands (None for untyped questions
    # the quotes hold no name for, and for abstentions).
    answer_span: AnswerSpan | None = None
    # For an abstention: what was searched (the articles, the retriever, the words no article uses).
    searched: Searched | None = None
    # The articles that carry the cited passages, and how many of them are independent reports.
    sources: SourceCount | None = None
    # The time the question names, read into filters and a "latest first" order (rag/search/time_question.py).
    inferred_time: InferredTime | None = None
    # Independent quoted sources that give different values for what the question asks
    # (rag/answers/disagreement.py).
    disagreement: Disagreement | None = None
    # Abstained answers: UNSURE when passages cover the question in part (they are the related
    # ones), NOT_FOUND when none does; ANSWERED otherwise.
    confidence: Confidence = Confidence.ANSWERED
    # The best sentence's support: the share of the question's weight it covers (None: no search).
    support: float | None = None


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence; `coverage` counts the sentence before it too (what abstention reads)."""

    hit: Hit
    start: int
    end: int
    text: str
    coverage: float
    score: float
    # Does it state an answer of the kind the question asks for (always True for an untyped question)?
    typed: bool = True
    # Does it (with the sentence before it) cover enough distinct concepts of the question? Only
    # asked of a question in another language than the corpus's: see `score_sentences`.
    enough_concepts: bool = True


def compose_answer(
    query: Query,
    hits: list[Hit],
    articles: dict[str, ArticleInfo],
    lexical: LexicalIndex,
    settings: AnswerSettings = AnswerSettings(),
    latest: bool = False,
    parties: frozenset[str] = frozenset(),
) -> Answer:
    """The quoted answer; with `latest` ("terbaru", "latest"), the sentences the answer would
    choose from, newest first, by the date each states for its event, else its article's date.
    `parties`: the partners the register knows, so that a question naming one is not answered
    from a sentence about another."""
    language = detect_language(query.text)
    sentences = about_the_parties_asked(score_sentences(query, hits, articles, lexical, settings), query.text, parties)
    found = confidence(sentences, settings)
    support = round(sentences[0].coverage, 4) if sentences else 0.0
    if found is Confidence.NOT_FOUND:
        related = [make_citation(i + 1, h, articles) for i, h in enumerate(hits[:3])]
        return Answer(query.text, in_language(ANSWERS, language)["not_found"], True, [], related, language,
                      confidence=found, support=support)
    if found is Confidence.UNSURE:
        return Answer(query.text, in_language(ANSWERS, language)["unsure"], True, [], closest(sentences, articles),
                      language, confidence=found, support=support)
    # One sentence carried by two articles (a repost the copy detector did not group) is quoted once.
    unique, carriers = _first_of_each(sentences)
    chosen = _choose(unique, settings, is_list=asks_for_list(query.text),
                     newest_first=_newest_first(query.text, articles) if latest else None,
                     planned=is_intention(query.text))
    quoted: dict[str, list[ScoredSentence]] = {}  # by chunk, numbered in the order first quoted
    for sentence in chosen:
        quoted.setdefault(sentence.hit.chunk.id, []).append(sentence)
    citations = {chunk_id: make_citation(n, group[0].hit, articles, tuple(Span(s.start, s.end) for s in group))
                 for n, (chunk_id, group) in enumerate(quoted.items(), start=1)}
    for chunk_id, group in quoted.items():
        citation = citations[chunk_id]
        more = sorted({a for q in group for a in carriers[id(q)]} - {citation.article_id, *citation.also_in})
        citations[chunk_id] = replace(citation, also_in=[*citation.also_in, *more]) if more else citation
    parts = [AnswerPart(s.text, citations[s.hit.chunk.id].n, start=s.start) for s in chosen]
    terms = set(query.terms)
    span = answer_span(query.text, [(s, citations[s.hit.chunk.id].n) for s in chosen],
                       lambda word: bool(set(lexical.analyzer.terms(word)) & terms))
    return Answer(query.text, join_parts(parts), False, list(citations.values()), [], language, parts, answer_span=span,
                  support=support)


def about_the_parties_asked(sentences: list[ScoredSentence], question: str,
                             parties: frozenset[str]) -> list[ScoredSentence]:
    """Where the question names a partner, the sentences about another partner and not about it
    leave ("Bogor-Kisarazu Tandatangani LoI" does not say when Bogor and Seoul signed theirs). A
    sentence that names no partner is judged by its passage."""
    asked = parties_in(question, parties)
    if not asked:
        return sentences

    def about_others(sentence: ScoredSentence) -> bool:
        named = parties_in(sentence.text, parties) or parties_in(sentence.hit.chunk.text, parties)
        return bool(named) and not named & asked

    return [s for s in sentences if not about_others(s)]


def _newest_first(question: str, articles: dict[str, ArticleInfo]):
    """For "the latest on Bogor and Seoul": of the eligible sentences, those from articles that name
    everything the question names (if any do), newest first."""
    names = names_in(question)

    def order(eligible: list[ScoredSentence]) -> list[ScoredSentence]:
        about = [s for s in eligible if names_all_in(names, articles[s.hit.chunk.article_id].text)] or eligible
        return sorted(about, key=lambda s: _when(s, articles), reverse=True)
    return order


def _when(sentence: ScoredSentence, articles: dict[str, ArticleInfo]) -> tuple[int, ...]:
    """The latest date a sentence gives for an event (a run of days by its last), or its article's
    date if that is later, in the calendar's order (rag.text.dates.date_order); neither comes first."""
    published = articles[sentence.hit.chunk.article_id].date
    stated = [When.on(d.date.last) if d.date.is_span else d.date for d in event_dates(sentence.text, published)]
    return max(date_order(when) for when in [*stated, When.parsed_or_none(published)])


def confidence(sentences: list[ScoredSentence], settings: AnswerSettings) -> Confidence:
    """NOT_FOUND when the best sentence covers too little of the question; UNSURE when it covers
    less than the confident level, when a question in another language has too few of its concepts
    in it (the corpus cannot read the rest: "Who is the mayor of Kisarazu?" has only "Kisarazu"),
    or when no covering sentence states an answer of the kind a who / when / how many / where
    question asks; ANSWERED otherwise."""
    if not sentences or sentences[0].coverage < settings.min_coverage:
        return Confidence.NOT_FOUND
    if sentences[0].coverage < settings.confident or not sentences[0].enough_concepts \
            or not any(s.typed for s in sentences if s.coverage >= settings.min_coverage):
        return Confidence.UNSURE
    return Confidence.ANSWERED


def closest(sentences: list[ScoredSentence], articles: dict[str, ArticleInfo], count: int = 3) -> list[Citation]:
    """The passages of the best sentences, each with its best sentence marked: what an unsure
    answer shows instead of asserting one."""
    best: dict[str, ScoredSentence] = {}  # by chunk, its best sentence
    for sentence in sentences:
        best.setdefault(sentence.hit.chunk.id, sentence)
        if len(best) == count:
            break
    return [make_citation(n, s.hit, articles, (Span(s.start, s.end),)) for n, s in enumerate(best.values(), start=1)]


def answer_span(question: str, quoted: list[tuple[ScoredSentence, int]], is_question_term) -> AnswerSpan | None:
    """Where the quotes state the answer to the question's kind (rag/text/answer_kinds.py), in article offsets."""
    found = best_span(question, [sentence.text for sentence, _ in quoted], is_question_term)
    if found is None:
        return None
    which, span = found
    sentence, citation = quoted[which]
    return AnswerSpan(span.text, sentence.start + span.start, sentence.start + span.end, citation, str(span.kind))


def _same_sentence(first: Counter, second: Counter) -> bool:
    """One sentence carried by two articles, as a repost edits it, given each one's words: the same
    numbers, and nine in ten of each one's words in the other ("... Selasa (14/3/2023) lalu." is
    "... Selasa (14/3/2023).")."""
    if {w for w in first if w.isdigit()} != {w for w in second if w.isdigit()}:
        return False
    common = sum((first & second).values())
    return common >= 0.9 * max(first.total(), second.total())


def _first_of_each(sentences: list[ScoredSentence]) -> tuple[list[ScoredSentence], dict[int, set[str]]]:
    """The sentences without the later ones that repeat an earlier one; and for each kept one (by
    id), the articles that carry it, its own and those of its repeats."""
    kept: list[tuple[ScoredSentence, Counter]] = []
    carriers: dict[int, set[str]] = {}
    for sentence in sentences:
        words = Counter(re.findall(r"\w+", sentence.text.lower()))
        earlier = next((k for k, k_words in kept if _same_sentence(words, k_words)), None)
        if earlier is None:
            kept.append((sentence, words))
            carriers[id(sentence)] = {sentence.hit.chunk.article_id}
        else:
            carriers[id(earlier)].add(sentence.hit.chunk.article_id)
    return [k for k, _ in kept], carriers


def join_parts(parts: list[AnswerPart]) -> str:
    return " ".join(f"{part.text} [{part.citation}]" for part in parts)


def score_sentences(
    query: Query, hits: list[Hit], articles: dict[str, ArticleInfo], lexical: LexicalIndex, settings: AnswerSettings
) -> list[ScoredSentence]:
    # A concept weighs as rare as its word, or its most common alternative where the corpus does not
    # use the word itself (Concept.rarity). Nor does an English word the
    # corpus never uses count as missing evidence: in another language than the corpus's, absence
    # says nothing; the dense side of retrieval carries such a word's meaning instead.
    weights = {concept: concept.rarity(lexical) for concept in query.concepts}
    foreign = detect_language(query.text) != CORPUS_LANGUAGE
    if foreign:
        weights = {c: w for c, w in weights.items() if any(lexical.knows(t) for t in c.terms)}
    # So most of a foreign question is invisible to these counts, and one word the corpus shares
    # with it ("water", "air") must not pass for evidence: ask for two of its concepts.
    required = min(settings.min_concepts, len(query.concepts)) if foreign else 0
    total = sum(weights.values())
    kind = answer_kind(query.text)
    words = question_words(query.text)

    def coverage_of(present: set[str]) -> float:
        return sum(w * c.found(present) for c, w in weights.items()) / total if total else 0.0

    def matched_in(present: set[str]) -> int:
        return sum(c.found(present) > 0 for c in weights)

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
            typed = holds_answer(kind, text, words)
            score = (
                settings.coverage_weight * coverage
                + settings.context_weight * in_context
                + settings.type_weight * typed
                + settings.relevance_weight * relevance
            )
            enough = max(matched_in(present), matched_in(present | previous)) >= required
            scored.append(ScoredSentence(hit, span.start, span.end, text, in_context, score, typed, enough))
            previous = present
    scored.sort(key=lambda s: s.score, reverse=True)
    return scored


def _choose(sentences: list[ScoredSentence], settings: AnswerSettings, is_list: bool,
            newest_first=None, planned: bool = False) -> list[ScoredSentence]:
    """The best sentence, then close runners-up; a list question takes one per article first;
    with `newest_first` (a sentence's date), the eligible ones by date, newest first. Sentences
    that report a step as the question asks of it (taken, or planned) come first: "akan
    menandatangani … 7-10 Juni" does not answer when a letter was signed."""
    limit = settings.max_sentences_list if is_list else settings.max_sentences
    floor = sentences[0].score * settings.keep_ratio
    eligible = [s for s in sentences if s.score >= floor and s.coverage >= settings.join_coverage]
    if is_list:
        firsts: dict[str, ScoredSentence] = {}
        for s in sentences:
            if s.coverage >= settings.join_coverage:
                firsts.setdefault(s.hit.chunk.article_id, s)
        eligible = list(firsts.values()) + [s for s in eligible if s not in firsts.values()]
    eligible.sort(key=lambda s: other_stage(s.text, planned))
    if newest_first is not None:
        eligible = newest_first(eligible)
    return eligible[:limit]


def make_citation(n: int, hit: Hit, articles: dict[str, ArticleInfo], quotes: tuple[Span, ...] = ()) -> Citation:
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


def citation_to_json(citation: Citation) -> dict:
    """A citation as JSON objects: `rag ask --json`, the API, the register's rows."""
    return {**asdict(citation), "quotes": [asdict(q) for q in citation.quotes]}


def answer_to_json(answer: Answer) -> dict:
    """The object `rag ask --json` prints and the app's /ask endpoint returns."""
    return {
        "question": answer.question,
        "answer": answer.answer,
        "abstained": answer.abstained,
        "confidence": str(answer.confidence),
        "support": answer.support,
        "language": answer.language,
        "citations": [citation_to_json(c) for c in answer.citations],
        "related": [citation_to_json(c) for c in answer.related],
        "mode": str(answer.mode),
        "notice": answer.notice,
        "removed": answer.removed,
        "lead": answer.lead,
        "answer_span": asdict(answer.answer_span) if answer.answer_span else None,
        "searched": answer.searched.to_json() if answer.searched else None,
        "sources": answer.sources.to_json() if answer.sources else None,
        "inferred_filters": answer.inferred_time.to_json() if answer.inferred_time else None,
        "disagreement": answer.disagreement.to_json() if answer.disagreement and not answer.disagreement.corrected_by else None,
        "correction": answer.disagreement.to_json() if answer.disagreement and answer.disagreement.corrected_by else None,
    }

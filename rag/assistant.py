"""The assistant: model and index loaded once, then questions answered from them; a newer index
version, once a build makes one, is swapped in between questions.

The CLI and the app both hold one `Assistant` per process; neither holds logic of its own.
"""

from __future__ import annotations

import datetime
import functools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum

from rag.answers.claims import CheckResult, Verdict, check_claim
from rag.answers.disagreement import find_disagreement
from rag.answers.extractive import Answer, AnswerMode, AnswerPart, compose_answer, join_parts, make_citation
from rag.answers.generative import GenerationError, chat, keep_supported_sentences, prompt
from rag.answers.origins import credited_answer, credited_check
from rag.build import build_index
from rag.config import Settings
from rag.dossier.files import Provenance
from rag.errors import RagError, repair_hint
from rag.feedback.records import FeedbackRecord, append, make_record
from rag.index.embedding import Embedder, load_embedder
from rag.index.store import FaissFiles, StoredIndex, check_model, load_index, read_manifest
from rag.index.store_choice import open_store
from rag.index.vectors import VectorStore
from rag.ingest.corpus import load_corpus
from rag.limits import checked_history, checked_text
from rag.register import queries as register
from rag.register.extraction import Partnership, register_from_stored
from rag.search.filters import Filters
from rag.search.followup import contextual_question
from rag.search.modes import RetrieverMode
from rag.search.retrieval import Hit, Retriever
from rag.search.searched import what_was_searched
from rag.search.time_question import infer_time, without_latest
from rag.text.dates import When
from rag.text.messages import ANSWERS, in_language

# What loading a new index version can raise besides our own errors (a file changed under it).
_LOAD_FAILURES = (RagError, OSError, ValueError, TypeError, KeyError, IndexError, RuntimeError)


class Step(StrEnum):
    """The steps of the ask path, in order; `Assistant.run` times each one."""

    VALIDATE = "validate"
    FOLLOW_UP = "follow_up"
    REGISTER = "register"
    SEARCH = "search"  # the question's embedding included
    COMPOSE = "compose"
    GENERATE = "generate"


StepTimer = Callable[[Step, float], None]


@dataclass(frozen=True)
class Request:
    """A question as the user put it: filters, retriever and the conversation's earlier questions."""

    question: str
    filters: Filters | None = None
    mode: RetrieverMode = RetrieverMode.HYBRID
    history: tuple[str, ...] = ()
    # Read "pada 2016", "sebelum 2017", "terbaru" from the question into filters
    # (rag/search/time_question.py); relative periods count from `today` (the system's date if None).
    infer_time: bool = True
    today: datetime.date | None = None


@dataclass(frozen=True)
class Reply:
    answer: Answer
    # The ranking behind the answer (none for the register's answer, which no search produced).
    hits: list[Hit]
    # False while a language model's answer is still to come.
    final: bool


class _StepClock:
    """`with clock(step):` reports the step's seconds to the hook, if there is one."""

    def __init__(self, hook: StepTimer | None):
        self._hook = hook

    @contextmanager
    def __call__(self, step: Step):
        started = time.perf_counter()
        yield
        if self._hook is not None:
            self._hook(step, time.perf_counter() - started)


@dataclass(frozen=True)
class Served:
    """One index version and the retriever over it: swapped whole, so a question sees one version."""

    index: StoredIndex
    retriever: Retriever
    partnerships: list[Partnership]
    # What the store said of the live version when this one was loaded (rag.index.vectors.LiveVersion).
    stamp: str | None

    @functools.cached_property
    def partners(self) -> frozenset[str]:
        return frozenset(p.partner for p in self.partnerships)

    @classmethod
    def of(cls, index: StoredIndex, embedder: Embedder, stamp: str | None) -> Served:
        partnerships = register_from_stored(index.register)
        return cls(index, Retriever(index, embedder, event_dates(partnerships)), partnerships, stamp)


@dataclass
class Assistant:
    settings: Settings
    served: Served
    embedder: Embedder
    # Set when a new version could not be loaded (the previous one keeps serving).
    reload_error: str | None = field(default=None, compare=False)
    # Where the vectors live (settings.store), opened once.
    store: VectorStore = field(default_factory=FaissFiles, compare=False)
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None, build_if_missing: bool = False) -> Assistant:
        """Load the index and the model; a missing or mismatched index fails before the model loads.

        With `build_if_missing`, a missing index is first built from `settings.corpus` (the app
        does this so that `python app.py` works on a fresh clone).
        """
        store = open_store(settings.store)  # unreachable: fails first
        if build_if_missing and not store.built(settings.index):
            load_corpus(settings.corpus)  # a bad corpus fails before the model loads
            embedder = embedder or load_embedder(settings.model)
            build_index(settings, embedder, store=store)
        live = store.live(settings.index, required=True)
        version = live.name
        check_model(read_manifest(settings.index, version), settings.model, settings.index)
        if embedder is not None:
            index = load_index(settings.index, version, store)
        else:
            # The index loads while the model does (seconds for a sentence-transformers model, much
            # of it spent outside the interpreter): the first answer comes that much sooner.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-index") as pool:
                loading = pool.submit(load_index, settings.index, version, store)
                embedder = load_embedder(settings.model)
                index = loading.result()
        return cls(settings, Served.of(index, embedder, live.stamp), embedder, store=store)

    @property
    def index(self) -> StoredIndex:
        return self.served.index

    @property
    def retriever(self) -> Retriever:
        return self.served.retriever

    def refresh(self) -> bool:
        """Switch to the index version a build has made since, if any; True if it switched.

        Costs one stat() when nothing changed, so it runs before every question. The new version
        is loaded whole before it replaces the old one; questions already running finish on the
        old one. A version that fails to load leaves the old one serving, with `reload_error` set.
        """
        live = self.store.live(self.settings.index)
        stamp = live.stamp
        if stamp is None or stamp == self.served.stamp:
            return False
        with self._reload_lock:
            if stamp == self.served.stamp:
                return False  # another question's thread has just loaded it
            try:
                check_model(read_manifest(self.settings.index, live.name), self.settings.model, self.settings.index)
                served = Served.of(load_index(self.settings.index, live.name, self.store), self.embedder, stamp)
            except _LOAD_FAILURES as error:
                # Whatever broke the new version, the one serving keeps answering.
                self.reload_error = str(error) if isinstance(error, RagError) else (
                    f"the new index version at {self.settings.index} did not load ({type(error).__name__}: "
                    f"{str(error)[:120]}): {repair_hint(self.settings.index)}")
                self.served = replace(self.served, stamp=stamp)  # not retried until the next build
                return False
            self.served = served
            self.reload_error = None
            return True

    def ask(self, question: str, filters: Filters | None = None, mode: RetrieverMode = RetrieverMode.HYBRID,
            history: list[str] | None = None, infer_time: bool = True) -> Answer:
        """Answer a question; `history` holds the conversation's earlier questions, oldest first;
        `infer_time` reads the time the question names into filters."""
        *_, final = self.run(Request(question, filters, mode, checked_history(history), infer_time))
        return final.answer

    def run(self, request: Request, depth: int = 0, on_step: StepTimer | None = None) -> Iterator[Reply]:
        """The one ask path: validate → follow-up → register or search → compose → generate.

        The CLI, the app and `rag eval` all go through here, so what is measured is what users get.
        The quoted answer is yielded at once; with a language model configured, the verified model
        answer follows (it takes seconds, the quotes milliseconds). `depth` ranks at least that many
        chunks (evaluation reads recall@10 from them); `on_step` receives each step's seconds.
        """
        timed = _StepClock(on_step)
        served = self._current()
        with timed(Step.VALIDATE):
            question = validate_question(request.question)
        with timed(Step.FOLLOW_UP):
            history = checked_history(request.history)
            searched = contextual_question(question, list(history), served.index.lexical.analyzer.concepts)
            inferred = infer_time(question, request.today or datetime.date.today()) if request.infer_time else None
            filters = inferred.filters(request.filters) if inferred else request.filters
            if inferred and inferred.latest:
                searched = without_latest(searched)
        # A list question is the register's, asked as typed: "Kapan itu ditandatangani?" after a
        # list question is not one itself, although it is searched with it.
        with timed(Step.REGISTER):
            listed = register.answer(question, served.partnerships, served.index.articles, filters)
        if listed is not None:
            listed = credited_answer(listed, served.index.copies, served.index.articles)
            yield Reply(replace(listed, inferred_time=inferred), [], final=True)
            return
        with timed(Step.SEARCH):
            query = served.retriever.query(searched)
            hits = served.retriever.search(query, max(depth, self.settings.top_k), filters, request.mode)
        with timed(Step.COMPOSE):
            answer = compose_answer(query, hits[: self.settings.top_k], served.index.articles, served.index.lexical,
                                    self.settings.answer, latest=bool(inferred and inferred.latest),
                                    parties=served.partners)
            answer = credited_answer(replace(answer, question=question), served.index.copies, served.index.articles)
            answer = replace(answer, disagreement=find_disagreement(answer, served.index.articles, served.index.copies),
                             inferred_time=inferred)
            if answer.abstained:
                answer = replace(answer, searched=what_was_searched(
                    searched, served.index.articles, served.index.lexical, filters, request.mode,
                    [c.article_id for c in answer.related]))
        # A language model rewrites quoted passages; a refusal stays as it is.
        generates = self.settings.llm is not None and not answer.abstained
        yield Reply(answer, hits, final=not generates)
        if generates:
            with timed(Step.GENERATE):
                answer = self.generate(answer, hits, served)
            yield Reply(answer, hits, final=True)

    def generate(self, extractive: Answer, hits: list[Hit], served: Served | None = None) -> Answer:
        """The model's answer over the same passages, verified; the extractive one if that fails."""
        index = (served or self.served).index
        passages = [hit.chunk for hit in hits[: self.settings.top_k]]
        words = in_language(ANSWERS, extractive.language)
        if self.settings.llm is None:
            return extractive
        try:
            reply = chat(self.settings.llm, prompt(extractive.question, [p.text for p in passages]))
        except GenerationError as error:
            return replace(extractive, notice=words["fallback_notice"].format(reason=error))
        generation = keep_supported_sentences(reply, [p.text for p in passages], index.lexical.analyzer.terms)
        if not generation.sentences:
            reason = words["unsupported"]
            return replace(extractive, notice=words["fallback_notice"].format(reason=reason),
                           removed=generation.removed)
        numbers: dict[int, int] = {}
        citations, parts = [], []
        for sentence in generation.sentences:
            if sentence.passage not in numbers:
                numbers[sentence.passage] = len(numbers) + 1
                citations.append(make_citation(numbers[sentence.passage], hits[sentence.passage - 1], index.articles))
            parts.append(AnswerPart(sentence.text, numbers[sentence.passage], sentence.support))
        generated = replace(extractive, answer=join_parts(parts), citations=citations, parts=parts,
                            mode=AnswerMode.GENERATIVE, removed=generation.removed)
        return credited_answer(generated, index.copies, index.articles)

    def check(self, claim: str, filters: Filters | None = None) -> CheckResult:
        """Verdict on a claim, with the evidence it rests on (see rag/answers/claims.py)."""
        served = self._current()
        query = served.retriever.query(checked_text(claim, "claim"))
        hits = served.retriever.search(query, self.settings.top_k, filters)
        index = served.index
        result = credited_check(check_claim(query, hits, index.articles, index.lexical, index.copies, served.partners),
                                index.copies, index.articles)
        if result.verdict is Verdict.NOT_FOUND:
            result = replace(result, searched=what_was_searched(
                query.text, served.index.articles, served.index.lexical, filters, RetrieverMode.HYBRID,
                [hit.chunk.article_id for hit in hits[:3]]))
        return result

    def feedback(self, kind: str, judged: dict, rating: str, note: str | None = None,
                 history: list[str] | None = None) -> FeedbackRecord:
        """Record a reader's thumbs up or down (and note) on an answer or a claim check, as `judged`
        (its JSON) showed it, beside the index versions (rag/feedback/records.py)."""
        record = make_record(kind, judged, rating, note, self.served.index.version, checked_history(history))
        append(self.settings.index, record)
        return record

    def provenance(self) -> Provenance:
        """Which index version answers now, built when, and the time: what a dossier records."""
        manifest = self.served.index.manifest
        return Provenance.now(manifest.version, manifest.built_at)

    def partnerships(self, register_filter: register.RegisterFilter = register.RegisterFilter(),
                     filters: Filters | None = None) -> list[Partnership]:
        served = self._current()
        return register.select(served.partnerships, register_filter, served.index.articles, filters)

    def _current(self) -> Served:
        """The version this question is answered from, newest first (see `refresh`)."""
        self.refresh()
        return self.served


def event_dates(partnerships: list[Partnership]) -> dict[str, tuple[When, ...]]:
    """Each article's event dates as the register reads them (years placed across articles)."""
    dates: dict[str, list[When]] = {}
    for record in partnerships:
        for stage in record.stages:
            if stage.date:
                dates.setdefault(stage.source.article_id, []).append(stage.date)
    return {article: tuple(found) for article, found in dates.items()}


def validate_question(question: object) -> str:
    return checked_text(question, "question")

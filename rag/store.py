"""The index on disk: a manifest plus the files it describes, written together, read together.

    index/
      manifest.json    format, model, chunking, lexical and retrieval settings, articles and hashes
      articles.jsonl   each article's metadata and original text (citations are offsets into it)
      chunks.jsonl     each chunk's id, article, span and text, in vector order
      vectors.faiss    FAISS inner-product index of the normalised chunk embeddings
      lexical/         bm25s index over the same chunks, in the same order, with its analysis

A build writes into a fresh sibling folder and swaps it in at the end, so a failed build never
leaves a half-written index where the old one was.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rag.chunking import Chunk, chunk_articles, token_budget
from rag.config import Settings
from rag.corpus import Article, Corpus, Problem, load_corpus
from rag.dense import DenseIndex
from rag.embedding import Embedder, canonical_model_name
from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError, RagError
from rag.lexical import LexicalIndex, LexicalSettings
from rag.retrieval import RetrievalSettings

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
ARTICLES = "articles.jsonl"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.faiss"
LEXICAL = "lexical"


@dataclass(frozen=True)
class ArticleInfo:
    """What a citation needs of an article, kept in the index so no file is read per question."""

    id: str
    source: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    content_hash: str
    text: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    built_at: str
    corpus: str
    model: dict
    chunking: dict
    lexical: dict
    retrieval: dict
    counts: dict
    articles: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class BuildSummary:
    articles: int
    chunks: int
    seconds: float
    problems: tuple[Problem, ...]
    index: Path


@dataclass
class StoredIndex:
    path: Path
    manifest: Manifest
    articles: dict[str, ArticleInfo]
    chunks: list[Chunk]
    dense: DenseIndex
    lexical: LexicalIndex

    @property
    def retrieval(self) -> RetrievalSettings:
        return RetrievalSettings.from_json(self.manifest.retrieval)


def build_index(
    settings: Settings, embedder: Embedder, corpus: Corpus | None = None, show_progress: bool | None = None
) -> BuildSummary:
    """Chunk, embed and index the corpus; replace `settings.index` only when all went well."""
    started = time.perf_counter()
    show_progress = sys.stderr.isatty() if show_progress is None else show_progress
    _check_target(settings.index)
    corpus = corpus or load_corpus(settings.corpus)
    budget = token_budget(embedder.max_seq_length, settings.chunking.max_tokens)
    chunks = chunk_articles(corpus.articles, embedder.count_tokens, budget, settings.chunking.overlap_tokens)
    vectors = embedder.encode([c.text for c in chunks], show_progress=show_progress)
    lexical_settings = LexicalSettings()
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        corpus=str(settings.corpus),
        model={"name": embedder.name, "dimension": embedder.dimension, "max_seq_length": embedder.max_seq_length},
        chunking={
            "splitter": "langchain RecursiveCharacterTextSplitter, model tokenizer",
            "max_tokens": budget,
            "overlap_tokens": settings.chunking.overlap_tokens,
        },
        lexical=asdict(lexical_settings),
        retrieval=_retrieval_settings(settings.index, embedder.name).to_json(),
        counts={"articles": len(corpus.articles), "chunks": len(chunks)},
        articles=[{"id": a.id, "source": a.source, "content_hash": a.content_hash} for a in corpus.articles],
    )
    staging = _staging_folder(settings.index)
    try:
        _write(staging, manifest, corpus.articles, chunks)
        DenseIndex.build(vectors).save(staging / VECTORS)
        LexicalIndex.build([c.text for c in chunks], lexical_settings).save(staging / LEXICAL)
        _swap_in(staging, settings.index)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildSummary(
        articles=len(corpus.articles),
        chunks=len(chunks),
        seconds=time.perf_counter() - started,
        problems=corpus.problems,
        index=settings.index,
    )


def manifest_exists(index: Path) -> bool:
    return (index / MANIFEST).is_file()


def _retrieval_settings(index: Path, model: str) -> RetrievalSettings:
    """Ranker weights fitted for this model on this index (`rag tune`) survive a rebuild."""
    if manifest_exists(index):
        try:
            previous = read_manifest(index)
        except RagError:
            return RetrievalSettings()
        if previous.model.get("name") == model and previous.retrieval.get("fitted", {}).get("fitted_at"):
            return RetrievalSettings.from_json(previous.retrieval)
    return RetrievalSettings()


def save_retrieval_settings(index: Path, retrieval: RetrievalSettings) -> None:
    """Replace the ranker settings of a built index (written whole, then renamed into place)."""
    manifest = read_manifest(index)
    updated = Manifest(**{**manifest.to_json(), "retrieval": retrieval.to_json()})
    temporary = index / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(updated.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    temporary.replace(index / MANIFEST)


def read_manifest(index: Path) -> Manifest:
    path = index / MANIFEST
    if not path.is_file():
        raise IndexMissingError(f"no index at {index} (no {MANIFEST}): run `rag build --index {index}` first")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as error:
        raise IndexCorruptError(f"{path} is damaged ({error}): run `rag build --index {index}`") from error
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index at {index} has format {manifest.format_version}, this version reads {FORMAT_VERSION}: "
            f"run `rag build --index {index}`"
        )
    return manifest


def check_model(manifest: Manifest, configured_model: str, index: Path) -> None:
    """Before loading a model: vectors from one model are meaningless to another."""
    built_with = manifest.model["name"]
    configured = canonical_model_name(configured_model)
    if built_with != configured:
        raise IndexMismatchError(
            f"index at {index} was built with model '{built_with}', configured '{configured}': "
            f"run `rag build --index {index} --model {configured}`, or configure '{built_with}'"
        )


def load_index(index: Path) -> StoredIndex:
    manifest = read_manifest(index)
    try:
        articles = {a["id"]: ArticleInfo(**a) for a in _read_jsonl(index / ARTICLES)}
        chunks = [Chunk(**{**c, "also_in": tuple(c.get("also_in", ()))}) for c in _read_jsonl(index / CHUNKS)]
        lexical = LexicalIndex.load(index / LEXICAL)
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise IndexCorruptError(f"index at {index} is incomplete or damaged ({error}): run `rag build --index {index}`") from error
    dense = DenseIndex.load(index / VECTORS)
    expected = manifest.counts["chunks"]
    if not (len(chunks) == len(dense) == len(lexical) == expected):
        raise IndexCorruptError(
            f"index at {index} is inconsistent (manifest {expected} chunks, chunks.jsonl {len(chunks)}, "
            f"vectors {len(dense)}, lexical {len(lexical)}): run `rag build --index {index}`"
        )
    return StoredIndex(index, manifest, articles, chunks, dense, lexical)


def _write(folder: Path, manifest: Manifest, articles: tuple[Article, ...], chunks: list[Chunk]) -> None:
    _write_jsonl(
        folder / ARTICLES,
        (
            asdict(ArticleInfo(a.id, a.source, a.title, a.outlet, a.date, a.url, a.content_hash, a.text))
            for a in articles
        ),
    )
    _write_jsonl(folder / CHUNKS, (asdict(c) for c in chunks))
    (folder / MANIFEST).write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")


def _staging_folder(index: Path) -> Path:
    index.parent.mkdir(parents=True, exist_ok=True)
    staging = index.with_name(f".{index.name}.building-{time.time_ns()}")
    staging.mkdir()
    return staging


def _check_target(index: Path) -> None:
    """Never replace a folder that holds something other than an index."""
    if index.exists() and not index.is_dir():
        raise RagError(f"--index {index} is a file, not a folder: choose a folder path")
    if index.is_dir() and not (index / MANIFEST).exists() and any(index.iterdir()):
        raise RagError(f"{index} holds files but no index ({MANIFEST}): choose another --index folder or empty it")


def _swap_in(staging: Path, index: Path) -> None:
    retired = index.with_name(f".{index.name}.old-{time.time_ns()}")
    if index.exists():
        index.rename(retired)
    staging.rename(index)
    shutil.rmtree(retired, ignore_errors=True)


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]

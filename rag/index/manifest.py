"""What a version's manifest.json records: its format, model, chunking, lexical and ranker settings,
counts, articles, where its vectors are, and every other file's size and SHA-256.

Parsed once, by `parse_manifest`, into the records below: msgspec checks every field's type as it
decodes (a damaged manifest is named with the JSON path of what is wrong, "Expected `int` >= 0 - at
`$.counts.chunks`"), and `Manifest.problem` checks what one field cannot say alone. Everything
after the parse reads attributes, never keys.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import msgspec
import numpy as np

from rag.errors import IndexCorruptError
from rag.index.lexical import LexicalSettings
from rag.index.stores import StoreKind
from rag.ingest.corpus import MAX_FILE_MB_LIMIT, CorpusReading

Whole = Annotated[int, msgspec.Meta(ge=0)]


class ModelRecord(msgspec.Struct, frozen=True):
    """The embedding model the vectors come from: they mean nothing to another model."""

    name: str
    backend: str
    dimension: Annotated[int, msgspec.Meta(ge=1)]
    max_input_tokens: Annotated[int, msgspec.Meta(ge=1)]
    # The model's default chunk size; missing in manifests written before it was recorded.
    chunk_tokens: Annotated[int, msgspec.Meta(ge=1)] | None = None


class ChunkingRecord(msgspec.Struct, frozen=True):
    """How articles were cut. `max_tokens` and `overlap_tokens` are what was configured; `budget`
    what that came to for the model."""

    splitter: str
    max_tokens: Whole | None = None
    overlap_tokens: Whole | None = None
    budget: Whole | None = None

    @property
    def cutting(self) -> tuple[int | None, int | None]:
        """The settings that decide where articles are cut (with the model, compared on reuse)."""
        return self.max_tokens, self.overlap_tokens


class FitRecord(msgspec.Struct, frozen=True):
    """Where the ranker's weights came from (`rag tune`, or the weights shipped for the model)."""

    model: str | None = None
    train: str | None = None
    valid: str | None = None
    passages: str | None = None
    features: str | None = None
    C: float | None = None
    negatives: int | None = None
    chunk_tokens: int | None = None
    valid_recall: dict[str, float] = msgspec.field(default_factory=dict)
    summary: str | None = None
    # Set by `rag tune` only: shipped weights have none, and a rebuild replaces them with the model's.
    fitted_at: str | None = None


class RankerSettings(msgspec.Struct, frozen=True):
    """The hybrid ranker (rag/search/retrieval.py): feature weights and candidate counts."""

    weights: dict[str, float]
    # Each side proposes this many chunks; features are computed for all of them.
    candidates: Annotated[int, msgspec.Meta(ge=1)] = 50
    # At most this many chunks of one article in a result, while other articles have candidates.
    max_per_article: Whole = 3
    fitted: FitRecord = msgspec.field(default_factory=FitRecord)


class DenseRecord(msgspec.Struct, frozen=True):
    """Where the vectors are and how they are indexed, as the store that holds them says it
    (rag.index.vectors.VectorStore.put)."""

    # A FAISS index class ("IndexFlatIP", "IndexIVFFlat") or a store's kind; empty before the vectors are put.
    type: str = ""
    exact: bool = True
    lists: Whole | None = None
    nprobe: Whole | None = None
    calibrated_recall_at_10: float | None = None
    collection: str | None = None  # a database store's

    @property
    def kind(self) -> StoreKind:
        return StoreKind.MILVUS if self.type == StoreKind.MILVUS else StoreKind.FAISS


class FileRecord(msgspec.Struct, frozen=True, gc=False):
    bytes: Whole
    sha256: str


class Counts(msgspec.Struct, frozen=True):
    articles: Whole
    chunks: Whole
    copy_groups: Whole = 0


class ArticleEntry(msgspec.Struct, frozen=True, gc=False):
    """What `rag info --json` lists of an indexed article, and what the next build compares."""

    id: str
    fingerprint: str
    chunks: Whole
    source: str = ""
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    pages: Whole | None = None
    content_hash: str = ""


class Manifest(msgspec.Struct, frozen=True):
    format_version: int
    built_at: str
    corpus: str
    model: ModelRecord
    chunking: ChunkingRecord
    lexical: LexicalSettings
    retrieval: RankerSettings
    counts: Counts
    articles: list[ArticleEntry] = msgspec.field(default_factory=list)
    dense: DenseRecord = msgspec.field(default_factory=DenseRecord)
    # Every file of the version but the manifest itself.
    files: dict[str, FileRecord] = msgspec.field(default_factory=dict)
    version: str = ""
    previous_version: str | None = None
    # How the corpus was read, for verify and the next build; a manifest from before the record reads as the defaults.
    corpus_reading: CorpusReading = msgspec.field(default_factory=CorpusReading)

    def to_json(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)

    @property
    def fingerprints(self) -> dict[str, str]:
        return {a.id: a.fingerprint for a in self.articles}

    def problem(self) -> str | None:
        """What the field types cannot say: counts that disagree with the article list, numbers
        out of range."""
        if self.counts.articles != len(self.articles):
            return f"'counts' says {self.counts.articles} articles, the list holds {len(self.articles)}"
        # A chunk duplicated articles share counts once in all and once for each of them.
        if self.counts.chunks > (held := sum(a.chunks for a in self.articles)):
            return f"'counts' says {self.counts.chunks} chunks, the articles hold {held}"
        if not all(math.isfinite(w) for w in self.retrieval.weights.values()):
            return "a ranker weight is not a finite number"
        if not 0 < self.corpus_reading.max_file_mb <= MAX_FILE_MB_LIMIT:
            return f"'corpus_reading' allows {self.corpus_reading.max_file_mb} MB a file"
        return None


_DECODER = msgspec.json.Decoder(Manifest)


def _plain_number(value: object) -> object:
    if isinstance(value, np.generic):  # a number some computation left as a numpy scalar
        return value.item()
    raise NotImplementedError(f"a manifest cannot hold a {type(value).__name__}")


_ENCODER = msgspec.json.Encoder(enc_hook=_plain_number)


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as manifest.json holds it."""
    return _ENCODER.encode(manifest)


class _Format(msgspec.Struct, frozen=True):
    format_version: int


def format_of(data: bytes) -> int | None:
    """The format a manifest says it has, read before the rest (None when it says none readable)."""
    try:
        return msgspec.json.decode(data, type=_Format).format_version
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def parse_manifest(data: bytes, path: Path, fix: str) -> Manifest:
    """The manifest in `data` (read from `path`), checked whole; `fix` says how to repair a damaged one."""
    try:
        manifest = _DECODER.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise IndexCorruptError(f"{path} is damaged ({error}): {fix}") from error
    if problem := manifest.problem():
        raise IndexCorruptError(f"{path} is damaged ({problem}): {fix}")
    return manifest

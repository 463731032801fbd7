"""The index on disk: versions written whole, one pointer switched in one step, files checked on load.

    index/
      CURRENT              the name of the live version; replaced atomically (write, fsync, rename)
      v-<time>/            one complete version:
        manifest.json        format, model, chunking, lexical and retrieval settings, articles,
                             and every other file's size and SHA-256 (written last)
        articles.jsonl       each article's metadata, original text and chunk spans
        chunks.npy           each chunk's article number and span, in vector order (rag/index/chunk_table.py)
        shared.json          the other places of passages that several articles print
        vectors.faiss        FAISS inner-product index of the normalised chunk embeddings
        partnerships.json    each article's partnership mentions (rag/register/extraction.py)
        copies.json          groups of articles that carry the same story, origin first, and the
                             pairs they were made of (rag/index/copies.py)
        signatures.npz       each article's MinHash signature and text hash, for the next build
        lexical/             bm25s index over the same chunks, in the same order, and each
                             chunk's term ids (terms.npz) for the next build
      embeddings.sqlite    cache of chunk embeddings by model and text hash (rag/index/embedding_cache.py)
      build.lock           held by the build in progress (rag/build.py)

A reader follows CURRENT, so it sees either the old version or the new one, never a mixture; a
build killed at any moment leaves CURRENT and the version it names untouched.
"""

from __future__ import annotations

import hashlib
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np
import orjson

from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError, RagError, repair_hint
from rag.index import copies
from rag.index.chunk_table import SPANS, ChunkTable
from rag.index.chunking import Chunk
from rag.index.dense import DenseIndex
from rag.index.lexical import LexicalIndex
from rag.index.manifest import DenseRecord, FileRecord, Manifest, RankerSettings, format_of, manifest_bytes, parse_manifest
from rag.index.models import canonical_model_name
from rag.index.pointer import CURRENT, fsync, switch_to, version_stamp, write_atomically
from rag.index.stores import StoreKind, StoreSpec, where_vectors_live
from rag.index.vectors import ChunkRows, LiveVersion, Vectors, VectorStore
from rag.ingest.corpus import ArticleInfo
from rag.jsonl import json_lines

# 5: partnerships.json (the register) in every version. Copies (copies.json, signatures.npz) came
# later without a new format: a version without them loads with no groups, and the next build adds them.
FORMAT_VERSION = 5
VERSION_PREFIX = "v-"
MANIFEST = "manifest.json"
ARTICLES = "articles.jsonl"
VECTORS = "vectors.faiss"
LEXICAL = "lexical"
REGISTER_FILE = "partnerships.json"
COPIES = "copies.json"
SIGNATURES = "signatures.npz"
# Files of the layout before versions (format 2), removed when a build replaces such an index.
LEGACY_FILES = (MANIFEST, ARTICLES, "chunks.jsonl", VECTORS, LEXICAL)


@dataclass
class StoredIndex:
    path: Path
    manifest: Manifest
    articles: dict[str, ArticleInfo]
    chunks: ChunkTable
    dense: Vectors
    lexical: LexicalIndex
    # The register's mentions as the build stored them (rag/register reads them).
    register: dict
    copies: copies.CopyGroups = copies.CopyGroups()

    @property
    def version(self) -> str:
        return self.manifest.version


def manifest_exists(index: Path) -> bool:
    return (index / CURRENT).is_file()


def live_version(index: Path) -> Path:
    """The folder of the version CURRENT names."""
    pointer = index / CURRENT
    fix = repair_hint(index)
    if index.exists() and not index.is_dir():
        raise IndexMissingError(f"{index} is a file, not an index folder: pass --index with a folder")
    if pointer.is_dir():
        raise IndexCorruptError(f"{pointer} is a folder, where the name of the live version should be: {fix}")
    if not pointer.is_file():
        if (index / MANIFEST).is_file():
            raise IndexMismatchError(
                f"index at {index} was built by an older version of this program: {fix}"
            )
        raise IndexMissingError(f"no index at {index} (no {CURRENT} file): run `rag build --index {index}` first")
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise IndexCorruptError(f"{pointer} cannot be read ({type(error).__name__}): {fix}") from error
    folder = index / name
    if not name.startswith(VERSION_PREFIX) or "/" in name or not folder.is_dir():
        raise IndexCorruptError(f"{pointer} names '{name[:80]}', which is not a version folder: {fix}")
    return folder


def version_folder(index: Path, version: str) -> Path:
    """The folder of a version named by something other than CURRENT (a store that decides the live version)."""
    folder = index / version
    if not version.startswith(VERSION_PREFIX) or "/" in version or not folder.is_dir():
        raise IndexCorruptError(f"the live version {version} has no folder in {index}: every app server must read the "
                                f"index folder the build wrote (a shared folder); then {repair_hint(index)}")
    return folder


def read_manifest(index: Path, version: str | None = None) -> Manifest:
    """The manifest of the live version (CURRENT's), or of `version`."""
    folder = live_version(index) if version is None else version_folder(index, version)
    path = folder / MANIFEST
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing: {repair_hint(index)}") from None
    except OSError as error:
        raise IndexCorruptError(f"{path} is damaged ({error}): {repair_hint(index)}") from error
    try:
        manifest = parse_manifest(data, path, repair_hint(index))
    except IndexCorruptError:
        # Another format's manifest is not damaged, it needs a rebuild: its format is read on its own.
        if (found := format_of(data)) is not None and found != FORMAT_VERSION:
            raise _other_format(index, found) from None
        raise
    if manifest.format_version != FORMAT_VERSION:
        raise _other_format(index, manifest.format_version)
    return manifest


def _other_format(index: Path, found: int) -> IndexMismatchError:
    return IndexMismatchError(f"index at {index} has format {found}, this version reads {FORMAT_VERSION}: {repair_hint(index)}")


def check_model(manifest: Manifest, configured_model: str, index: Path) -> None:
    """Before loading a model: vectors from one model are meaningless to another."""
    built_with = manifest.model.name
    configured = canonical_model_name(configured_model)
    if built_with != configured:
        raise IndexMismatchError(
            f"index at {index} was built with model '{built_with}', configured '{configured}': "
            f"run `rag build --rebuild --index {index} --model {configured}`, or configure '{built_with}' "
            f"(--model or RAG_MODEL)"
        )


def load_index(index: Path, version: str | None = None, store: VectorStore | None = None) -> StoredIndex:
    """The live version (or `version`), whole. Sizes are checked against the manifest (a truncated
    file is caught without reading it); `rag verify` also checks every checksum. The vectors are
    opened by `store` (by default the version folder's FAISS file)."""
    manifest = read_manifest(index, version)
    folder = index / manifest.version
    fix = repair_hint(index)
    damaged = file_problems(index, manifest, checksums=False)
    if damaged:
        raise IndexCorruptError(f"index at {index} is damaged ({'; '.join(damaged)}): {fix}")
    try:
        articles = read_articles(index, folder)
        chunks = ChunkTable.load(folder, {a.id: a.text for a in articles.values()})
        lexical = LexicalIndex.load(folder / LEXICAL)
        dense = (store or FaissFiles()).open(index, manifest)
        register = orjson.loads((folder / REGISTER_FILE).read_bytes())
        groups = read_copy_groups(folder)
    except IndexCorruptError:
        raise
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, RuntimeError) as error:
        raise IndexCorruptError(f"index at {index} is damaged ({type(error).__name__}: {str(error)[:160]}): {fix}") from error
    expected = manifest.counts.chunks
    if not (len(chunks) == len(dense) == len(lexical) == expected) or len(articles) != manifest.counts.articles:
        raise IndexCorruptError(
            f"index at {index} is inconsistent (manifest {expected} chunks, {SPANS} {len(chunks)}, "
            f"vectors {len(dense)}, lexical {len(lexical)}): {fix}"
        )
    return StoredIndex(index, manifest, articles, chunks, dense, lexical, register, groups)


def read_articles(index: Path, folder: Path | None = None) -> dict[str, ArticleInfo]:
    """The articles of the live version (or of `folder`), by id."""
    folder = folder or live_version(index)
    try:
        return {a["id"]: _article_info(a) for a in _read_jsonl(folder / ARTICLES)}
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise IndexCorruptError(f"{folder / ARTICLES} is damaged ({error}): {repair_hint(index)}") from error


def read_register(folder: Path) -> dict | None:
    """The mentions a version stored, for the next build to reuse; None if it has none readable."""
    try:
        return orjson.loads((folder / REGISTER_FILE).read_bytes())
    except (OSError, ValueError):
        return None


def read_copy_groups(folder: Path) -> copies.CopyGroups:
    """The version's groups of copies; none for a version built before copies were found."""
    path = folder / COPIES
    if not path.is_file():
        return copies.CopyGroups()
    try:
        return copies.CopyGroups.from_json(orjson.loads(path.read_bytes())["groups"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise IndexCorruptError(f"{path} is damaged ({type(error).__name__}): {repair_hint(folder.parent)}") from None


def read_copy_index(folder: Path) -> copies.CopyIndex | None:
    """What the next build reuses of the version's copy detection; None if missing, unreadable or
    made with other parameters (everything is compared afresh)."""
    try:
        with np.load(folder / SIGNATURES, allow_pickle=False) as stored:
            return copies.from_stored(orjson.loads((folder / COPIES).read_bytes()), stored)
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
        return None


def file_problems(index: Path, manifest: Manifest, checksums: bool = True) -> list[str]:
    """Files of the version whose size (and, with `checksums`, SHA-256) differs from the manifest."""
    return damage_said(damaged_files(index, manifest, checksums))


def damage_said(damaged: dict[str, str]) -> list[str]:
    """Each damaged file as one phrase: "vectors.faiss truncated or resized"."""
    return [f"{name} {problem}" for name, problem in damaged.items()]


def damaged_files(index: Path, manifest: Manifest, checksums: bool = True) -> dict[str, str]:
    """File name → what is wrong with it, for each file of the version that differs from the manifest.
    A build lists every file it writes, so a file the manifest does not list is damage too: without
    that, a manifest that lost its list would check nothing."""
    folder = index / manifest.version
    wrong = {name: "not in the manifest" for name in _files_in(folder) if name not in manifest.files and name != MANIFEST}
    # Nor may the list lose a file every build writes: gone from both, it would be missed by both.
    wrong.update((name, "missing (and not in the manifest)") for name in _written_by_every_build(manifest)
                 if name not in manifest.files and name not in wrong)
    for name, expected in sorted(manifest.files.items()):
        path = folder / name
        size = _size(path)
        if size is None:
            wrong[name] = "missing"
        elif size != expected.bytes:
            wrong[name] = "truncated or resized"
        elif checksums and _sha256(path) != expected.sha256:
            wrong[name] = "changed (checksum differs)"
    return wrong


def _written_by_every_build(manifest: Manifest) -> tuple[str, ...]:
    """The files each version of this format holds; the vectors only where FAISS keeps them."""
    if manifest.format_version < FORMAT_VERSION:
        return ()
    in_folder = (VECTORS,) if manifest.dense.kind is StoreKind.FAISS else ()
    return (ARTICLES, SPANS, REGISTER_FILE, *in_folder, *(f"{LEXICAL}/{name}" for name in LexicalIndex.FILES))


def _files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def new_version_folder(index: Path) -> Path:
    """An empty folder for a version being written; it is not live until `switch_to` names it."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    folder = index / f"{VERSION_PREFIX}{stamp}-{time.time_ns() % 1_000_000_000:09d}"
    folder.mkdir(parents=True)
    return folder


def write_version(folder: Path, manifest: Manifest, articles: list[ArticleInfo], chunks: list[Chunk],
                  dense: DenseRecord, lexical: LexicalIndex, register: dict, copy_index: copies.CopyIndex) -> Manifest:
    """Write every file, then the manifest naming their sizes and checksums, all flushed to disk.
    `dense`: what the store that holds the vectors (already put) says the manifest records of them."""
    _write_jsonl(folder / ARTICLES, (vars(a) for a in articles))
    ChunkTable.from_chunks(chunks, {a.id: a.text for a in articles}).save(folder)
    (folder / REGISTER_FILE).write_bytes(orjson.dumps(register))
    (folder / COPIES).write_bytes(orjson.dumps(copies.to_json(copy_index)))
    with (folder / SIGNATURES).open("wb") as out:
        np.savez(out, **copies.signature_arrays(copy_index))  # type: ignore[arg-type]  # numpy's stub reads ** as its options
    lexical.save(folder / LEXICAL)
    files: dict[str, FileRecord] = {}
    for name in _files_in(folder):
        fsync(folder / name)
        files[name] = FileRecord((folder / name).stat().st_size, _sha256(folder / name))
    manifest = msgspec.structs.replace(manifest, files=files, version=folder.name, dense=dense)
    write_atomically(folder / MANIFEST, manifest_bytes(manifest))
    return manifest


class FaissFiles:
    """Versions' vectors as a FAISS file in each version's folder (rag.index.vectors.VectorStore):
    CURRENT decides the live version, and everything of a version is removed with its folder."""

    def __init__(self, spec: StoreSpec | None = None):
        self.spec = spec or StoreSpec()

    def built(self, index: Path) -> bool:
        return manifest_exists(index)

    def live(self, index: Path, required: bool = False) -> LiveVersion:
        """CURRENT's version (read where it is needed), stamped by a stat of CURRENT."""
        return LiveVersion(None, version_stamp(index))

    def put(self, folder: Path, vectors: np.ndarray, rows: Callable[[], ChunkRows],
            progress: Callable[[int], object] | None = None) -> DenseRecord:
        dense = DenseIndex.build(vectors)
        dense.save(folder / VECTORS)
        if progress is not None:
            progress(len(vectors))
        return dense.settings

    def switch(self, index: Path, folder: Path) -> None:
        switch_to(index, folder)

    def follow(self, index: Path, version: str) -> None:
        """CURRENT is what decides: nothing to follow."""

    def open(self, index: Path, manifest: Manifest) -> DenseIndex:
        if manifest.dense.kind is not StoreKind.FAISS:
            raise IndexMismatchError(f"index at {index} keeps its vectors in {where_vectors_live(manifest.dense)}: "
                                     f"pass --store or set RAG_STORE to that store")
        return DenseIndex.load(index / manifest.version / VECTORS)

    def damage(self, index: Path, manifest: Manifest) -> list[str]:
        """Nothing beyond the folder's files, which every store's versions are checked for."""
        return []

    def mismatch(self, index: Path, manifest: Manifest) -> list[str]:
        """Nothing: CURRENT alone decides the live version."""
        return []

    def remove_except(self, keep: set[str]) -> list[str]:
        """Nothing: the vectors go with their version's folder."""
        return []


def discard_version(folder: Path) -> None:
    """Remove a version that did not go live (a failed write leaves it partial)."""
    shutil.rmtree(folder, ignore_errors=True)


def remove_stale_versions(index: Path, keep: set[str]) -> list[str]:
    """Delete version folders not in `keep` (older versions, leftovers of interrupted builds)."""
    removed = []
    for folder in sorted(index.glob(f"{VERSION_PREFIX}*")):
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def remove_legacy_files(index: Path) -> None:
    for name in LEGACY_FILES:
        path = index / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file():
            path.unlink()


def save_retrieval_settings(index: Path, retrieval: RankerSettings) -> None:
    """Replace the ranker settings of the live version's manifest (written whole, then renamed)."""
    manifest = read_manifest(index)
    updated = msgspec.structs.replace(manifest, retrieval=retrieval)
    write_atomically(index / manifest.version / MANIFEST, manifest_bytes(updated))


def _article_info(row: dict) -> ArticleInfo:
    # Spans stay [start, end] lists: only a build reads them, and converting 100,000 of them to
    # tuples took a third of loading 10,000 articles.
    return ArticleInfo(**{**row, "pages": tuple(row.get("pages", ())), "chunk_spans": tuple(row.get("chunk_spans", ()))})


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_jsonl(path: Path, rows) -> None:
    with path.open("wb") as out:
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    for line in json_lines(path.read_bytes()):
        if line.error:
            raise ValueError(f"line {line.number} is not JSON ({line.error})")
        rows.append(line.record)
    return rows


def ensure_index_folder(index: Path) -> None:
    """Never build into a folder that holds something other than an index."""
    if index.exists() and not index.is_dir():
        raise RagError(f"--index {index} is a file, not a folder: choose a folder path")
    if index.is_dir():
        ours = {CURRENT, MANIFEST, "build.lock", "embeddings.sqlite", "feedback.jsonl"}
        names = {p.name for p in index.iterdir()}
        foreign = {n for n in names if n not in ours and not n.startswith((VERSION_PREFIX, ".")) and n not in LEGACY_FILES}
        if foreign and not names & {CURRENT, MANIFEST}:
            raise RagError(f"{index} holds files but no index ({', '.join(sorted(foreign)[:3])}): "
                           "choose another --index folder or empty it")
    index.mkdir(parents=True, exist_ok=True)

"""Index versions in Milvus: a collection a version, and an alias on the live one.

Each collection holds, a row per chunk: its position (the primary key, as in the version's chunk
table), its article's number, publication date as first and last day (YYYYMMDD, 0 when unknown)
and outlet (case-folded) for filters, the dense vector, and the chunk's BM25 weights as a sparse
vector from our own analyser (rag/index/lexical.py), so Indonesian stemming stays ours and a
sparse inner product is exactly our BM25 score. Everything else of a version (articles, chunk
table, lexical statistics, register, ranker settings) stays in its folder, which every app server
reads from a shared folder.

A collection becomes live only when it is complete: every row inserted, flushed, loaded and
counted; then `<namespace>_live` is moved to it in one call. A killed build leaves the alias where
it was, and its half-written collection is dropped by the next build.

`pymilvus` is imported here only, and only when a Milvus store is configured.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import numpy as np

from rag.errors import IndexCorruptError, IndexMissingError, RagError, StoreUnavailableError
from rag.index.dense import EXACT_MAX, DenseIndex
from rag.index.manifest import DenseRecord
from rag.index.pointer import live_version_name, switch_to
from rag.index.stores import StoreKind, StoreSpec
from rag.index.vectors import Allowed, ChunkRows, LiveVersion

if TYPE_CHECKING:
    from rag.index.manifest import Manifest

INSERT_BATCH = 1_000
# Milvus's own ceiling on one search's results.
MAX_LIMIT = 16_384
OUTLET_CHARS = 512


def connect(spec: StoreSpec) -> MilvusStore:
    """One client for the process; a Milvus that cannot be reached is a one-line error naming it."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise RagError(f"--store {spec} needs the Milvus client: pip install -e '.[milvus]'") from None
    # pymilvus logs each failed request with a traceback; ours are turned into one-line messages.
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
    try:
        client = MilvusClient(uri=spec.uri, timeout=10)
        client.list_aliases()
    except Exception as error:  # pymilvus raises its own and gRPC's errors; all mean "not reachable"
        raise StoreUnavailableError(unreachable(spec, error)) from None
    return MilvusStore(spec, client)


def unreachable(spec: StoreSpec, error: BaseException) -> str:
    reason = " ".join(str(getattr(error, "message", "") or error).split())[:200]
    if spec.uri.startswith("http"):
        check = f"check that Milvus runs at {spec.uri[len('http://'):]} and this machine reaches it"
    else:
        check = (f"check that {spec.uri} is a Milvus Lite data folder and no other process holds it (several "
                 f"processes share one through `python -m milvus_lite server --data-dir {spec.uri}` and "
                 f"--store milvus://127.0.0.1:19530)")
    return f"cannot reach Milvus at {spec} ({reason}): {check}"


class MilvusStore:
    """Versions' vectors in Milvus (rag.index.vectors.VectorStore): the alias decides the live
    version, and the index folder's CURRENT follows it."""

    def __init__(self, spec: StoreSpec, client):
        self.spec = spec
        self._client = client

    @property
    def alias(self) -> str:
        return f"{self.spec.namespace}_live"

    def collection(self, version: str) -> str:
        return f"{self.spec.namespace}_{version.replace('-', '_')}"

    def version_of(self, collection: str) -> str | None:
        prefix = f"{self.spec.namespace}_v_"
        return "v-" + collection[len(prefix):].replace("_", "-", 1) if collection.startswith(prefix) else None

    # The store's side of rag.index.vectors.VectorStore ------------------------------------------

    def built(self, index: Path) -> bool:
        return self.live_version() is not None

    def live(self, index: Path, required: bool = False) -> LiveVersion:
        """The version the alias names, which is also its stamp: one request."""
        version = self.live_version()
        if version is None and required:
            raise IndexMissingError(f"Milvus at {self.spec} holds no index version yet: run "
                                    f"`rag build --index {index} --store {self.spec}` first")
        return LiveVersion(version, version)

    def put(self, folder: Path, vectors: np.ndarray, rows: Callable[[], ChunkRows],
            progress: Callable[[int], object] | None = None) -> DenseRecord:
        """The collection first, complete, flushed, loaded and counted: killed before the alias
        moves, the live version is untouched, and the next build drops what this one left."""
        return self.write(folder.name, vectors, rows(), progress)

    def switch(self, index: Path, folder: Path) -> None:
        """The alias, then CURRENT, so that the folder names what Milvus serves."""
        self.move_alias(folder.name)
        switch_to(index, folder)

    def follow(self, index: Path, version: str) -> None:
        if live_version_name(index) != version:
            switch_to(index, index / version)

    def open(self, index: Path, manifest: Manifest) -> MilvusVectors:
        if elsewhere := self._elsewhere(manifest):
            raise IndexCorruptError(f"{elsewhere}: run `rag build --index {index} --store {self.spec}`")
        return self.vectors(manifest.version, manifest.dense, manifest.counts.chunks, manifest.model.dimension)

    def damage(self, index: Path, manifest: Manifest) -> list[str]:
        """The version's collection holds every chunk."""
        if manifest.dense.kind is not StoreKind.MILVUS:
            return []
        stored = self.count(manifest.version)
        if stored == manifest.counts.chunks:
            return []
        return [f"Milvus collection {self.collection(manifest.version)} holds "
                f"{'no rows' if stored is None else stored} of {manifest.counts.chunks} chunks"]

    def mismatch(self, index: Path, manifest: Manifest) -> list[str]:
        """The live version keeps its vectors here, and CURRENT names the version the alias names."""
        problems = [elsewhere] if (elsewhere := self._elsewhere(manifest)) else []
        if (named := live_version_name(index)) != manifest.version:
            problems.append(f"{index}/CURRENT names {named}, Milvus's alias {manifest.version} "
                            f"(a build stopped between the two)")
        return problems

    def _elsewhere(self, manifest: Manifest) -> str | None:
        """What to say of a version whose vectors are not in Milvus; None for one whose are."""
        if manifest.dense.kind is StoreKind.MILVUS:
            return None
        return f"the live version {manifest.version} keeps its vectors in FAISS files, not in {self.spec}"

    # Milvus itself --------------------------------------------------------------------------------

    def live_version(self) -> str | None:
        """The version the alias names; None before the first build."""
        aliases = self._call("list aliases", lambda: self._client.list_aliases().get("aliases", []))
        if self.alias not in aliases:
            return None
        described = self._call("read the alias", lambda: self._client.describe_alias(self.alias))
        return self.version_of(described["collection_name"])

    def versions(self) -> list[str]:
        names = self._call("list collections", self._client.list_collections)
        return sorted(v for v in map(self.version_of, names) if v)

    def count(self, version: str) -> int | None:
        """Rows in the version's collection; None if there is no such collection."""
        name = self.collection(version)
        if not self._call("look for a collection", lambda: self._client.has_collection(name)):
            return None
        rows = self._call("count rows", lambda: self._client.query(name, filter="", output_fields=["count(*)"]))
        return int(rows[0]["count(*)"])

    def write(self, version: str, vectors: np.ndarray, rows: ChunkRows,
              progress: Callable[[int], object] | None = None) -> DenseRecord:
        """The version's collection, complete and loaded; returns what the manifest records of it."""
        from pymilvus import DataType, MilvusClient

        name = self.collection(version)
        count, dimension = vectors.shape
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("position", DataType.INT64, is_primary=True)
        schema.add_field("article_no", DataType.INT64)
        schema.add_field("date_first", DataType.INT64)
        schema.add_field("date_last", DataType.INT64)
        schema.add_field("outlet", DataType.VARCHAR, max_length=OUTLET_CHARS)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dimension)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        exact = count <= EXACT_MAX
        dense = DenseRecord(str(StoreKind.MILVUS), exact=True, collection=name) if exact else _calibrated_lists(vectors, name)
        indexes = self._client.prepare_index_params()
        indexes.add_index(field_name="dense", index_type="FLAT" if exact else "IVF_FLAT", metric_type="IP",
                          params={} if exact else {"nlist": dense.lists})
        indexes.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        self._call("create a collection", lambda: self._client.create_collection(name, schema=schema, index_params=indexes))
        for start in range(0, count, INSERT_BATCH):
            batch = [
                {"position": p, "article_no": rows.article_numbers[p], "date_first": rows.date_first[p],
                 "date_last": rows.date_last[p], "outlet": rows.outlets[p][:OUTLET_CHARS],
                 "dense": vectors[p].tolist(), "sparse": rows.weights[p] or {0: 0.0}}
                for p in range(start, min(count, start + INSERT_BATCH))
            ]
            self._call("insert rows", lambda batch=batch: self._client.insert(name, batch))
            if progress is not None:
                progress(len(batch))
        self._call("flush", lambda: self._client.flush(name))
        self._call("load the collection", lambda: self._client.load_collection(name))
        stored = self.count(version)
        if stored != count:
            raise StoreUnavailableError(f"Milvus at {self.spec} holds {stored} of the {count} rows written to {name}: "
                                        f"the live version is unchanged; run `rag build` again")
        return dense

    def move_alias(self, version: str) -> None:
        """Point the alias at the version's collection: the one step that makes it live."""
        name = self.collection(version)
        aliases = self._call("list aliases", lambda: self._client.list_aliases().get("aliases", []))
        if self.alias in aliases:
            self._call("move the alias", lambda: self._client.alter_alias(name, self.alias))
        else:
            self._call("create the alias", lambda: self._client.create_alias(name, self.alias))

    def remove_except(self, keep: set[str]) -> list[str]:
        """Drop the collections of versions not in `keep` (older ones, and what killed builds left)."""
        live = self.live_version()
        dropped = []
        for version in self.versions():
            if version not in keep and version != live:
                name = self.collection(version)
                self._call("drop a collection", lambda name=name: self._client.drop_collection(name))
                dropped.append(version)
        return dropped

    def vectors(self, version: str, manifest_dense: DenseRecord, count: int, dimension: int) -> MilvusVectors:
        """The version's collection, loaded for search (Milvus Lite forgets what was loaded when it stops)."""
        name = self.collection(version)
        if not self._call("look for a collection", lambda: self._client.has_collection(name)):
            raise IndexCorruptError(f"Milvus at {self.spec} has no collection {name} for version {version}: "
                                    f"run `rag build --store {self.spec}`")
        self._call("load the collection", lambda: self._client.load_collection(name))
        return MilvusVectors(self, name, manifest_dense, count, dimension)

    def _call(self, what: str, action: Callable):
        """Every request: a Milvus gone away is a message naming it and what to check, not a traceback.
        pymilvus reconnects by itself on the next request once the server is back."""
        try:
            return action()
        except RagError:
            raise
        except Exception as error:  # pymilvus's and gRPC's errors alike
            raise StoreUnavailableError(f"could not {what}: {unreachable(self.spec, error)}") from None

    def _read(self, collection: str, what: str, action: Callable):
        """A search or fetch; a server that restarted may have released the collection (Milvus Lite
        does), so a failure is retried once after loading it again."""
        try:
            return action()
        except Exception:  # whatever it was, the retry below either mends it or says it
            self._call("load the collection", lambda: self._client.load_collection(collection))
            return self._call(what, action)


def _calibrated_lists(vectors: np.ndarray, collection: str) -> DenseRecord:
    """Lists and nprobe for an inverted file over these vectors, as rag/index/dense.py chooses them:
    the FAISS index is built and calibrated to TARGET_RECALL, and its choice is what Milvus gets."""
    chosen = DenseIndex.build(vectors, exact_max=EXACT_MAX).settings
    return msgspec.structs.replace(chosen, type=str(StoreKind.MILVUS), collection=collection)


class MilvusVectors:
    """The dense side of retrieval, and the sparse candidates, from one version's collection
    (rag.index.vectors.Vectors): a filter is the collection's scalar expression."""

    filters_by_expression = True

    def __init__(self, store: MilvusStore, collection: str, settings: DenseRecord, count: int, dimension: int):
        self._store = store
        self._collection = collection
        self.settings = settings
        self._count = count
        self.dimension = dimension

    def __len__(self) -> int:
        return self._count

    def search(self, query: np.ndarray, k: int, allowed: Allowed | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(positions, cosines) of the k nearest chunks, best first, among those the filter admits."""
        params: dict = {"metric_type": "IP"}
        if not self.settings.exact:
            params["params"] = {"nprobe": self.settings.nprobe}
        return self._search([query.astype(np.float32).tolist()], "dense", k, allowed.expression if allowed else None, params)

    def sparse_top(self, term_ids: list[int], k: int, allowed: Allowed | None = None) -> np.ndarray:
        """Positions of the k best BM25 scores (the sparse vectors' inner product), best first."""
        if not term_ids:
            return np.zeros(0, dtype=np.int64)
        positions, scores = self._search([{int(t): 1.0 for t in term_ids}], "sparse", k,
                                         allowed.expression if allowed else None, {"metric_type": "IP"})
        return positions[scores > 0]

    def scores_for(self, query: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Cosine of the query with the given chunks: their vectors fetched, the product taken here."""
        if len(positions) == 0:
            return np.zeros(0, dtype=np.float32)
        wanted = [int(p) for p in positions]
        rows = self._store._read(self._collection, "fetch vectors", lambda: self._store._client.query(
            self._collection, filter=f"position in {wanted}", output_fields=["position", "dense"]))
        by_position = {int(r["position"]): r["dense"] for r in rows}
        missing = [p for p in wanted if p not in by_position]
        if missing:
            raise StoreUnavailableError(f"Milvus collection {self._collection} lacks chunk {missing[0]}: "
                                        f"run `rag verify --store {self._store.spec}`, then `rag build`")
        vectors = np.asarray([by_position[p] for p in wanted], dtype=np.float32)
        return vectors @ query.astype(np.float32)

    def _search(self, data: list, field: str, k: int, expression: str | None, params: dict) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self._count, MAX_LIMIT)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found = self._store._read(self._collection, "search", lambda: self._store._client.search(
            self._collection, data=data, anns_field=field, limit=k, filter=expression or "",
            output_fields=["position"], search_params=params))[0]
        positions = np.asarray([int(hit["position"]) for hit in found], dtype=np.int64)
        scores = np.asarray([float(hit["distance"]) for hit in found], dtype=np.float32)
        return positions, scores


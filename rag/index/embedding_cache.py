"""Chunk embeddings kept across builds, keyed by model and the SHA-256 of the chunk's text.

SQLite, because it is in the standard library, survives a killed process (an interrupted
transaction is rolled back on the next open), and looks up thousands of keys in milliseconds.
A build commits after every batch it embeds, so a build killed half-way leaves its work for the
next one.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from rag.errors import IndexCorruptError, IndexWriteError

FILE = "embeddings.sqlite"
_LOOKUP_BATCH = 500  # SQLite's limit on parameters in one statement is 999 by default


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, index: Path, model: str):
        self.path = index / FILE
        self.model = model
        try:
            self._db = sqlite3.connect(self.path)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT, text_sha TEXT, vector BLOB, PRIMARY KEY (model, text_sha))"
            )
        except sqlite3.OperationalError as error:  # the file cannot be opened or written: a disk problem
            raise _unwritable(self.path, error) from None
        except sqlite3.DatabaseError as error:
            raise IndexCorruptError(f"embedding cache {self.path} is damaged ({error}): delete it and build again") from error

    def get(self, keys: Iterable[str], dimension: int) -> dict[str, np.ndarray]:
        """The cached vectors among `keys` (a vector of another size is treated as absent)."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), _LOOKUP_BATCH):
            batch = keys[start: start + _LOOKUP_BATCH]
            rows = self._db.execute(
                f"SELECT text_sha, vector FROM vectors WHERE model = ? AND text_sha IN ({','.join('?' * len(batch))})",
                [self.model, *batch],
            )
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (dimension,):
                    found[key] = vector
        return found

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        rows = [(self.model, key, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for key, v in zip(keys, vectors)]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except sqlite3.OperationalError as error:  # "database or disk is full", "attempt to write a readonly database"
            raise _unwritable(self.path, error) from None

    def close(self) -> None:
        self._db.close()


def _unwritable(path: Path, error: sqlite3.OperationalError) -> IndexWriteError:
    return IndexWriteError(f"cannot write the embedding cache {path} ({error}): nothing was lost (what was embedded "
                           f"before is kept); free some space or make {path.parent} writable, then run `rag build` again")

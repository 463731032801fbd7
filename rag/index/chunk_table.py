"""The index's chunks as columns: article number, start and end per chunk, the text taken from
the article on access.

A chunk's text is a span of its article's text, so storing it again doubles the index's text.
As a list of `Chunk` objects, a million chunks took 8 s to parse and about a gigabyte of memory;
as an array they load in milliseconds, and a `Chunk` is made only for the few a question cites.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from rag.index.chunking import Chunk, chunk_id

SPANS = "chunks.npy"
SHARED = "shared.json"


class ChunkTable(Sequence[Chunk]):
    def __init__(self, article_ids: list[str], texts: Mapping[str, str], columns: np.ndarray,
                 shared: dict[int, tuple[dict, ...]]):
        self._article_ids = article_ids
        self._texts = texts
        self._columns = columns  # one row per chunk: article number, start, end
        # Chunks whose passage other places repeat (see Chunk.also_in), by position.
        self.shared = shared

    @classmethod
    def from_chunks(cls, chunks: Sequence[Chunk], texts: Mapping[str, str]) -> ChunkTable:
        """`texts`: every article's text by id, in the order the index stores the articles."""
        article_ids = list(texts)
        number = {article_id: i for i, article_id in enumerate(article_ids)}
        columns = np.array([(number[c.article_id], c.start, c.end) for c in chunks], dtype=np.int64).reshape(-1, 3)
        shared = {i: c.also_in for i, c in enumerate(chunks) if c.also_in}
        return cls(article_ids, texts, columns, shared)

    def save(self, folder: Path) -> None:
        np.save(folder / SPANS, self._columns, allow_pickle=False)
        rows = {str(position): list(places) for position, places in self.shared.items()}
        (folder / SHARED).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, texts: Mapping[str, str]) -> ChunkTable:
        """Raises ValueError (or OSError) on a damaged file; the store turns that into advice."""
        columns = np.load(folder / SPANS, allow_pickle=False)
        if columns.ndim != 2 or columns.shape[1] != 3 or columns.dtype != np.int64:
            raise ValueError(f"{SPANS} holds an array of shape {columns.shape} and type {columns.dtype}")
        rows = json.loads((folder / SHARED).read_text(encoding="utf-8"))
        shared = {int(position): tuple(places) for position, places in rows.items()}
        table = cls(list(texts), texts, columns, shared)
        if len(columns) and not (0 <= columns[:, 0].min() and columns[:, 0].max() < len(texts)):
            raise ValueError(f"{SPANS} names articles the index does not hold")
        return table

    @property
    def article_numbers(self) -> np.ndarray:
        """Each chunk's article, as its position in the index's article order."""
        return self._columns[:, 0]

    @property
    def article_ids(self) -> list[str]:
        return self._article_ids

    def __len__(self) -> int:
        return len(self._columns)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        position = int(position) if position >= 0 else len(self) + int(position)
        number, start, end = self._columns[position].tolist()
        article_id = self._article_ids[number]
        return Chunk(chunk_id(article_id, start, end), article_id, start, end, self._texts[article_id][start:end],
                     self.shared.get(position, ()))

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))

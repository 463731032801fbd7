"""A deterministic stand-in embedder for tests of what does not depend on the model: builds,
versions, locks, the lexical index. Words hashed into 64 dimensions, a token per word; instant."""

from __future__ import annotations

import re
import zlib

import numpy as np

from rag.index.embedding import Embedder

_WORD = re.compile(r"\w+")


class HashEmbedder(Embedder):
    name = "tests/hash-embedder-64"
    backend = "test stand-in"

    @property
    def dimension(self) -> int:
        return 64

    @property
    def max_input_tokens(self) -> int:
        return 512

    @property
    def chunk_tokens(self) -> int:
        return 96  # about as many words as the default model's 128 tokens hold

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                vectors[row, zlib.crc32(word.encode()) % self.dimension] += 1.0
        vectors[:, 0] += 1e-3  # no zero vector, even for an empty text
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

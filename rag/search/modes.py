"""How passages are found: named once, for the CLI's choices and the retriever alike."""

from __future__ import annotations

from enum import StrEnum


class RetrieverMode(StrEnum):
    HYBRID = "hybrid"  # BM25 and FAISS candidates ordered by the fitted ranker
    LEXICAL = "lexical"  # BM25 alone
    DENSE = "dense"  # FAISS alone

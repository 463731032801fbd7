"""Settings, built once at start-up (flags over environment over defaults) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

ENV_CORPUS = "RAG_CORPUS"
ENV_INDEX = "RAG_INDEX"
ENV_MODEL = "RAG_MODEL"


@dataclass(frozen=True)
class ChunkingSettings:
    """How articles become chunks. Stored in the manifest: an index is only valid for these."""

    # None: the model's max_seq_length less its two special tokens, so nothing is ever truncated.
    max_tokens: int | None = None
    overlap_tokens: int = 32


@dataclass(frozen=True)
class Settings:
    corpus: Path = Path("corpus")
    index: Path = Path("index")
    model: str = DEFAULT_MODEL
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    # How many chunks retrieval hands to the answer step.
    top_k: int = 8

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given fields replaced; `None` values leave the field as it is."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def load_settings(
    corpus: str | Path | None = None,
    index: str | Path | None = None,
    model: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Flags win over environment variables, which win over the defaults."""
    env = os.environ if environ is None else environ
    return Settings().with_overrides(
        corpus=Path(corpus or env.get(ENV_CORPUS) or "corpus"),
        index=Path(index or env.get(ENV_INDEX) or "index"),
        model=model or env.get(ENV_MODEL) or DEFAULT_MODEL,
    )

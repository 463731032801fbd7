"""Settings, built once at start-up (flags over environment over defaults) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.answers.generative import LLMSettings
from rag.errors import RagError
from rag.index.models import DEFAULT_MODEL

ENV_CORPUS = "RAG_CORPUS"
ENV_INDEX = "RAG_INDEX"
ENV_MODEL = "RAG_MODEL"
ENV_CHUNK_TOKENS = "RAG_CHUNK_TOKENS"
ENV_LLM_URL = "RAG_LLM_URL"
ENV_LLM_MODEL = "RAG_LLM_MODEL"
ENV_LLM_KEY = "RAG_LLM_KEY"


MIN_CHUNK_TOKENS, MAX_CHUNK_TOKENS = 16, 4096


@dataclass(frozen=True)
class ChunkingSettings:
    """How articles become chunks. Stored in the manifest: an index is only valid for these."""

    # None: the model's own default (rag/index/embedding.py): measured for e5, else all it reads in one pass.
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
    # An OpenAI-compatible chat endpoint for generative answers; None: extractive only.
    llm: LLMSettings | None = None

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given fields replaced; `None` values leave the field as it is."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def load_settings(
    corpus: str | Path | None = None,
    index: str | Path | None = None,
    model: str | None = None,
    environ: dict[str, str] | None = None,
    llm_url: str | None = None,
    llm_model: str | None = None,
    llm_key: str | None = None,
    chunk_tokens: int | None = None,
) -> Settings:
    """Flags win over environment variables, which win over the defaults."""
    env = os.environ if environ is None else environ
    tokens = chunk_tokens if chunk_tokens is not None else _int_setting(env, ENV_CHUNK_TOKENS)
    url = llm_url or env.get(ENV_LLM_URL)
    if url and not (llm_model or env.get(ENV_LLM_MODEL)):
        raise RagError(f"a chat endpoint is set ({url}) but no model: pass --llm-model or set {ENV_LLM_MODEL}")
    return Settings().with_overrides(
        corpus=Path(corpus or env.get(ENV_CORPUS) or "corpus"),
        index=Path(index or env.get(ENV_INDEX) or "index"),
        model=model or env.get(ENV_MODEL) or DEFAULT_MODEL,
        llm=LLMSettings(url, llm_model or env[ENV_LLM_MODEL], llm_key or env.get(ENV_LLM_KEY)) if url else None,
        chunking=replace(ChunkingSettings(), max_tokens=_chunk_tokens(tokens)) if tokens is not None else None,
    )


def _int_setting(env, name: str) -> int | None:
    value = env.get(name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise RagError(f"{name}={value!r} is not a whole number: e.g. {name}=128") from None


def _chunk_tokens(tokens: int) -> int:
    if not MIN_CHUNK_TOKENS <= tokens <= MAX_CHUNK_TOKENS:
        raise RagError(f"chunk size {tokens} tokens is outside {MIN_CHUNK_TOKENS}-{MAX_CHUNK_TOKENS}: e.g. --chunk-tokens 128")
    return tokens

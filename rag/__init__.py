"""Cited answers about the international partnerships of Indonesian cities, from news articles.

Pipeline stages, one module each: corpus → cleaning/metadata → sentences → chunking → embedding →
dense (FAISS) and lexical (BM25) indexes → store (manifest) → retrieval → answer → evaluate.
`rag.pipeline.Assistant` ties them together for the CLI and the app.
"""

__version__ = "0.1.0"

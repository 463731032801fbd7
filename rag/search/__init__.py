"""From a question to ranked passages: filters, follow-ups, the ranker's features and the
hybrid retriever with its fitted weights.

Owns: filters, followup, features, retrieval.
May import: rag.index, rag.ingest, rag.text, rag.errors.
"""

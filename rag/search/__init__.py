"""From a question to ranked passages: filters, follow-ups, the ranker's features and the
hybrid retriever with its fitted weights, and what a search looked at (for an abstention).

Owns: filters, followup, features, retrieval, searched.
May import: rag.index, rag.ingest, rag.text, rag.errors.
"""

"""From passages to what the user reads: verbatim extractive answers with citations and
abstention, claim verdicts, and optional generated answers checked against their sources.

Owns: extractive, claims, generative.
May import: rag.search, rag.index, rag.ingest, rag.text, rag.errors.
"""

"""The partnership register: the domain's words, mentions extracted sentence by sentence and
merged across articles, the register's queries and list answers, and its timeline.

Owns: words, extraction, queries, timeline.
May import: rag.answers, rag.search, rag.index, rag.ingest, rag.text, rag.errors.
"""

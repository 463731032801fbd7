"""What a build writes and a question reads: chunks, embedding backends and their cache, the
FAISS and BM25 indexes, and the versioned index folder.

Owns: chunking, chunk_table, embedding, embedding_cache, dense, lexical, store. The store saves
and loads payloads (the manifest's ranker settings, the register's mentions) without reading them.
May import: rag.ingest, rag.text, rag.errors.
"""

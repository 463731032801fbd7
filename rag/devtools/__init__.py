"""Measuring the product: evaluation files and `rag eval`, fitting the ranker (`rag tune`),
and `rag bench`.

Owns: evaluate, tune, bench.
May import: everything but rag.cli and rag.web.
"""

"""Measuring the product: evaluation files and `rag eval`, fitting the ranker (`rag tune`),
and `rag bench`; building the lexicon from the model and judged samples (`python -m
rag.devtools.lexicon`).

Owns: evaluate, tune, bench, lexicon.
May import: everything but rag.cli and rag.web.
"""

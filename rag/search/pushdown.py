"""Filters as a database's scalar expression (Milvus's syntax), so that a store that filters inside
itself (rag.index.vectors.Vectors.filters_by_expression) returns only admitted chunks.

A date bound becomes a comparison of the chunk row's publication days, an outlet a `like` on its
case-folded outlet, an article id a list of article numbers. What no row field can say is sent as
the numbers of the admitted articles, worked out here by the same `Filters.admits`: dates of the
events an article states (a time read from the question), and outlets with characters a `like`
pattern would read as its own. A chunk whose text several articles share is stored under the first;
where another of its articles admits it, its position is added. So the database admits exactly
the chunks the FAISS store's mask admits (the Milvus tests compare the two).
"""

from __future__ import annotations

import re

import numpy as np

from rag.search.filters import Filters
from rag.text.dates import day_numbers

_LIKE_SAFE = re.compile(r"^[^%_\"'\\]*$")


def scalar_expression(filters: Filters, admitted: np.ndarray, chunk_article: np.ndarray, article_ids: list[str],
                      shared: dict[int, tuple[str, ...]], mask: np.ndarray) -> str:
    """`admitted`: per article number, does the filter admit it; `mask`: per chunk, the same for chunks."""
    parts = []
    if filters.article_ids:
        wanted = set(filters.article_ids)
        parts.append(f"article_no in {[n for n, a in enumerate(article_ids) if a in wanted]}")
    outlets = [o.casefold() for o in filters.outlets]
    dated = bool(filters.since or filters.until)
    if (outlets and not all(_LIKE_SAFE.match(o) for o in outlets)) or (dated and filters.on_events) or filters.excluded:
        parts = [f"article_no in {np.flatnonzero(admitted).tolist()}"]
    else:
        if outlets:
            parts.append("(" + " or ".join(f'outlet like "%{o}%"' for o in outlets) + ")")
        if dated:
            parts.append(_date_expression(filters))
    expression = " and ".join(parts) or "position >= 0"
    extra = [p for p in sorted(shared) if mask[p] and not admitted[chunk_article[p]]]
    return f"({expression}) or position in {extra}" if extra else expression


def _date_expression(filters: Filters) -> str:
    """Known publication days overlapping the bounds: what `Filters.covers` admits."""
    terms = ["date_first > 0"]
    if filters.since:
        terms.append(f"date_last >= {day_numbers(filters.since)[0]}")
    if filters.until:
        terms.append(f"date_first <= {day_numbers(filters.until)[1]}")
    return "(" + " and ".join(terms) + ")"

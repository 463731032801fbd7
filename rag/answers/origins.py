"""Copies counted once, the origin cited: a press release reposted by three outlets is one
independent source, and the reader is shown the first article that carried it.

A citation of a copy (rag/index/copies.py) moves to the group's origin when the origin holds
every quoted sentence verbatim; otherwise the copy's own wording is what was quoted, and the
citation stays, naming its origin. Every citation lists the other articles that carry its story.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rag.answers.claims import CheckResult
from rag.answers.extractive import Answer, AnswerMode, AnswerPart, Citation, join_parts
from rag.index.copies import CopyGroups, SourceCount
from rag.ingest.corpus import ArticleInfo
from rag.text.sentences import Span


@dataclass(frozen=True)
class Credited:
    citations: list[Citation]
    count: SourceCount
    # old citation number → new one; (old number, old quote start) → new quote start
    numbers: dict[int, int]
    starts: dict[tuple[int, int], int]


def credit_origins(citations: list[Citation], copies: CopyGroups, articles: dict[str, ArticleInfo],
                   move: bool = True) -> Credited:
    """Citations moved to their origins (with `move`), merged where they now cite the same passage,
    renumbered in order, each listing the copies that also carry it."""
    moved = [_to_origin(c, copies, articles) if move else (c, {}) for c in citations]
    merged: dict[tuple[str, int, int], Citation] = {}
    numbers: dict[int, int] = {}
    starts: dict[tuple[int, int], int] = {}
    for old, (new, quote_starts) in zip(citations, moved):
        key = (new.article_id, new.start, new.end)
        if key in merged:
            kept = merged[key]
            new = replace(kept, quotes=kept.quotes + tuple(q for q in new.quotes if q not in kept.quotes),
                          also_in=list(dict.fromkeys(kept.also_in + new.also_in)))
        else:
            new = replace(new, n=len(merged) + 1)
        merged[key] = new
        numbers[old.n] = new.n
        starts.update({(old.n, before): after for before, after in quote_starts.items()})
    final = [_with_copies(c, copies) for c in merged.values()]
    return Credited(final, count_sources(final, copies), numbers, starts)


def count_sources(citations: list[Citation], copies: CopyGroups) -> SourceCount:
    return copies.count(a for c in citations for a in (c.article_id, *c.also_in, *c.copies))


def credited_answer(answer: Answer, copies: CopyGroups, articles: dict[str, ArticleInfo]) -> Answer:
    """The answer with its citations moved to origins, renumbered, and its sources counted."""
    if answer.abstained or not answer.citations:
        return answer
    # The register's summary numbers its quotes in its own text: they are counted, not moved.
    credited = credit_origins(answer.citations, copies, articles, move=answer.mode is not AnswerMode.REGISTER)
    moved = [AnswerPart(p.text, credited.numbers[p.citation], p.support,
                        credited.starts.get((p.citation, p.start), p.start) if p.start is not None else None)
             for p in answer.parts]
    # A sentence three copies carry, quoted from each, is now the origin's one sentence, quoted once.
    parts = list({(p.citation, p.start if p.start is not None else id(p)): p for p in moved}.values())
    span = answer.answer_span
    if span is not None:
        quote_start = next((s.start for s in answer.citations[span.citation - 1].quotes if s.start <= span.start < s.end),
                           None) if span.citation <= len(answer.citations) else None
        shift = credited.starts.get((span.citation, quote_start), quote_start) - quote_start if quote_start is not None else 0
        span = replace(span, start=span.start + shift, end=span.end + shift, citation=credited.numbers[span.citation])
    text = join_parts(parts) if answer.answer == join_parts(answer.parts) else answer.answer
    return replace(answer, answer=text, parts=parts, citations=credited.citations, answer_span=span,
                   sources=credited.count)


def _to_origin(citation: Citation, copies: CopyGroups, articles: dict[str, ArticleInfo]) -> tuple[Citation, dict[int, int]]:
    """The citation moved to its group's origin, with each quote's new start by its old one; or
    itself, unmoved, if the origin does not hold every quote word for word."""
    origin_id = copies.origin_of(citation.article_id)
    origin, copy = articles.get(origin_id), articles.get(citation.article_id)
    if origin_id == citation.article_id or origin is None or copy is None or not citation.quotes:
        return citation, {}
    found = [origin.text.find(copy.text[q.start:q.end]) for q in citation.quotes]
    if any(position < 0 for position in found):
        return citation, {}
    quotes = tuple(Span(position, position + (q.end - q.start)) for position, q in zip(found, citation.quotes))
    start, end = _chunk_around(origin, quotes[0])
    moved = replace(citation, article_id=origin.id, title=origin.title, outlet=origin.outlet, date=origin.date,
                    url=origin.url, snippet=origin.text[start:end], start=start, end=end, quotes=quotes,
                    also_in=[a for a in dict.fromkeys([citation.article_id, *citation.also_in]) if a != origin.id],
                    page=origin.page_at(start))
    return moved, {q.start: n.start for q, n in zip(citation.quotes, quotes)}


def _chunk_around(article: ArticleInfo, quote: Span) -> tuple[int, int]:
    """The span of the article's chunk that holds the quote (the quote itself if none does)."""
    for start, end in article.chunk_spans:
        if start <= quote.start and quote.end <= end:
            return start, end
    return quote.start, quote.end


def _with_copies(citation: Citation, copies: CopyGroups) -> Citation:
    group = copies.group_of(citation.article_id)
    shown = {citation.article_id, *citation.also_in}
    return replace(citation, copies=[a for a in group if a not in shown],
                   copy_of=group[0] if group[0] != citation.article_id else None)


def credited_check(result: CheckResult, copies: CopyGroups, articles: dict[str, ArticleInfo]) -> CheckResult:
    """The claim check with its evidence moved to origins, and its sources counted."""
    if not result.citations:
        return result
    credited = credit_origins(result.citations, copies, articles)
    mismatches = [replace(m, citation=credited.numbers[m.citation]) for m in result.mismatches]
    supports = [replace(s, citation=credited.numbers[s.citation]) for s in result.supports]
    return replace(result, citations=credited.citations, mismatches=mismatches, supports=supports, sources=credited.count)

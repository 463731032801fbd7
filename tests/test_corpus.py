"""Reading articles: furniture out of the indexed text, offsets into the original file, metadata."""

import pytest

from rag.ingest.corpus import load_corpus
from rag.errors import CorpusError
from tests.conftest import CORPUS, SHARED

FURNITURE = ("Beranda >", "Cek Berita dan Artikel", "Google News", "Baca juga", "COPYRIGHT", "Pewarta:", "Editor :", "(UWA)", "(*/Kerjasama-eto)")


@pytest.fixture(scope="module")
def seeds():
    return {a.id: a for a in load_corpus(CORPUS).articles}


def test_corpus_holds_the_seed_articles_unchanged():
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    assert [p.name for p in seeds] == sorted(p.name for p in CORPUS.glob("*.txt"))
    for seed in seeds:
        assert (CORPUS / seed.name).read_bytes() == seed.read_bytes()


def test_ids_are_file_names_without_extension(seeds):
    assert sorted(seeds) == sorted(p.stem for p in CORPUS.glob("*.txt"))


def test_furniture_stays_out_of_the_indexed_text(seeds):
    for article in seeds.values():
        indexed = "\n".join(article.text[b.start:b.end] for b in article.blocks)
        for furniture in FURNITURE:
            assert furniture not in indexed, (article.id, furniture)


def test_an_article_pasted_as_one_line_keeps_its_words_after_a_breadcrumb(seeds):
    """Furniture is a line of its own: a breadcrumb at the start of an article pasted as one line
    (the seed's text with its line breaks turned into spaces) does not take the article with it."""
    from rag.ingest.cleaning import clean

    one_line = " ".join(seeds["003_fcff50e6fce6b534"].text.split())
    assert one_line.startswith("Beranda >")
    kept = " ".join(one_line[b.start:b.end] for b in clean(one_line).blocks)
    assert "Wali Kota Kisarazu Yushikuni Watanabe" in kept and len(kept) > 0.9 * len(one_line)
    seed = seeds["003_fcff50e6fce6b534"]
    assert "Beranda" not in seed.content and seed.content.startswith(seed.text[seed.blocks[0].start:seed.blocks[0].end])


def test_blocks_point_into_the_original_file(seeds):
    for article in seeds.values():
        original = (CORPUS / f"{article.id}.txt").read_text(encoding="utf-8")
        assert article.text == original
        for block in article.blocks:
            assert original[block.start:block.end].strip() == original[block.start:block.end]
            assert block.end > block.start


def test_a_text_repeated_in_full_is_kept_once(seeds):
    article = seeds["001_2d6a8a213c43a204"]
    indexed = "\n".join(article.text[b.start:b.end] for b in article.blocks)
    assert article.text.count("Park Won-Soon menyatakan siap") == 2
    assert indexed.count("Park Won-Soon menyatakan siap") == 1
    assert indexed.count("Bogor Green Room, yakni") == 1


@pytest.mark.parametrize(
    ("article_id", "outlet", "date", "title_start"),
    [
        ("000_9156ad8b8e089001", "Bisnis.com", "2016-06-07", "Pemerintah Kota Bogor tengah menjajaki"),
        ("001_2d6a8a213c43a204", "medcom.id", None, "Pemerintah Kota Bogor menjalin kerja sama"),
        ("002_f3feb7890c547006", "Antara Megapolitan", "2017", "Pemerintah Kota Bogor, Jawa Barat"),
        ("003_fcff50e6fce6b534", None, "2016-11-19", "Bogor-Kisarazu Tandatangani LoI Kota Persahabatan"),
        ("004_a696b740d2fb54b0", "ANTARA News Bali", "2024", "Kementerian Dalam Negeri"),
    ],
)
def test_metadata_is_derived_from_the_text(seeds, article_id, outlet, date, title_start):
    article = seeds[article_id]
    assert article.outlet == outlet
    assert article.date == date
    assert article.title.startswith(title_start)
    assert len(article.title) <= 121


def test_datelines_are_not_indexed_text(seeds):
    first = seeds["000_9156ad8b8e089001"].blocks[0]
    assert seeds["000_9156ad8b8e089001"].text[first.start:].startswith("Pemerintah Kota Bogor tengah")


def test_markdown_front_matter_wins_and_offsets_count_from_the_file_start(tmp_path):
    text = (
        "---\ntitle: Bogor dan Kisarazu\noutlet: Radar Bogor\ndate: 2016-11-20\nurl: https://example.org/a\n---\n"
        "# Judul di badan\n\nWali Kota Bogor menandatangani surat minat.\n"
    )
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    (article,) = load_corpus(tmp_path).articles
    assert (article.title, article.outlet, article.date, article.url) == (
        "Bogor dan Kisarazu", "Radar Bogor", "2016-11-20", "https://example.org/a",
    )
    body = [text[b.start:b.end] for b in article.blocks]
    assert body == ["# Judul di badan", "Wali Kota Bogor menandatangani surat minat."]


def test_a_heading_gives_the_title_when_there_is_no_front_matter(tmp_path):
    (tmp_path / "b.md").write_text("# Kota Bogor Gabung UCLG\n\nKota Bogor bergabung sejak April 2016.\n", encoding="utf-8")
    (article,) = load_corpus(tmp_path).articles
    assert article.title == "Kota Bogor Gabung UCLG"


def test_an_empty_corpus_folder_is_an_error_that_says_what_to_do(tmp_path):
    with pytest.raises(CorpusError, match="holds no readable article.*add articles"):
        load_corpus(tmp_path)

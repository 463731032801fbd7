"""Every format the corpus keepers have, and every kind of bad input, reported by file and line."""

import json

import pytest

from rag.build import build_index
from rag.config import load_settings
from rag.ingest.corpus import load_corpus
from rag.assistant import Assistant
from tests.conftest import run_json, run_rag
from tests.documents import PDF_PAGES, SAVED_PAGE, make_pdf

GOOD = "Kota Bogor menandatangani nota kesepahaman dengan Kota Kisarazu tentang pertanian organik pada 2017."
WINDOWS_1252 = "Wali Kota Bogor menyebut kerja sama itu \u201cbersejarah\u201d bagi kafe d\u00e9cor kota.\n"


@pytest.fixture(scope="module")
def messy_corpus(tmp_path_factory):
    """One folder with each format and each kind of bad input the issue lists."""
    root = tmp_path_factory.mktemp("messy") / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "sub" / "deeper" / "nested.md").write_text(
        "---\ntitle: Bersarang\noutlet: Kompas\ndate: 2020-01-02\n---\nKota Depok menjajaki kerja sama dengan Kota Osaka.\n",
        encoding="utf-8")
    (root / "page.html").write_text(SAVED_PAGE, encoding="utf-8")
    (root / "mou.pdf").write_bytes(make_pdf(PDF_PAGES, title="MoU Medan dan Ichikawa"))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "windows.txt").write_bytes(WINDOWS_1252.encode("cp1252"))
    with (root / "huge.txt").open("wb") as huge:
        huge.truncate(50 * 1024 * 1024)  # 50 MB (sparse: quick to make)
    (root / "copy of good.txt").write_text(GOOD, encoding="utf-8")
    lines = [
        json.dumps({"id": "ekspor-1", "text": "Kota Bandung bergabung dengan jaringan kota kreatif UNESCO.", "outlet": "Pikiran Rakyat",
                    "date": "2015-12-11", "url": "https://pr.example/1"}),
        "{not json",
        json.dumps({"id": "ekspor-3", "title": "Tanpa teks"}),
        "",
        json.dumps({"id": "ekspor-5", "text": "   "}),
    ]
    (root / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def messy(messy_corpus):
    return load_corpus(messy_corpus)


def reasons(corpus) -> dict[str, tuple[str, bool]]:
    return {p.source: (p.reason, p.indexed) for p in corpus.problems}


@pytest.mark.parametrize("source, reason, indexed", [
    ("empty.txt", "empty file", False),
    ("binary.txt", "binary data, not text", False),
    ("windows.txt", "read as Windows-1252", True),
    ("huge.txt", "52.4 MB, over the 20 MB limit", False),
    ("export.jsonl:2", "not JSON", False),
    ("export.jsonl:3", 'no "text" field', False),
    ("export.jsonl:5", 'no "text" field', False),
    ("good.txt", "same text as copy of good.txt", True),
])
def test_each_bad_input_is_reported_by_file_and_line_with_its_reason(messy, source, reason, indexed):
    assert source in reasons(messy), sorted(reasons(messy))
    found, was_indexed = reasons(messy)[source]
    assert reason in found and was_indexed is indexed


def test_the_rest_of_the_corpus_is_read_and_nothing_readable_is_lost(messy):
    ids = {a.id for a in messy.articles}
    assert ids == {"good", "copy of good", "sub/deeper/nested", "page", "mou", "windows", "ekspor-1"}
    assert len(messy.problems) == 8
    windows = next(a for a in messy.articles if a.id == "windows")
    assert "\u201cbersejarah\u201d" in windows.text and "d\u00e9cor" in windows.text
    nested = next(a for a in messy.articles if a.id == "sub/deeper/nested")
    assert (nested.title, nested.outlet, nested.date) == ("Bersarang", "Kompas", "2020-01-02")
    export = next(a for a in messy.articles if a.id == "ekspor-1")
    assert (export.outlet, export.date, export.url, export.source) == ("Pikiran Rakyat", "2015-12-11", "https://pr.example/1", "export.jsonl:1")


def test_a_saved_web_page_gives_its_main_text_and_metadata(messy):
    page = next(a for a in messy.articles if a.id == "page")
    assert (page.title, page.outlet, page.date, page.url) == (
        "Surabaya dan Kitakyushu perpanjang kerja sama air bersih", "Warta Kota Contoh", "2019-03-14",
        "https://warta.example/surabaya-kitakyushu")
    assert "Nota kesepahaman baru ditandatangani di Balai Kota Surabaya pada 14 Maret 2019." in page.text
    for furniture in ("Beranda", "Masuk", "Harga cabai", "Hak cipta"):
        assert furniture not in page.text


def test_a_pdf_keeps_its_pages_and_citations_name_them(messy_corpus, tmp_path, embedder):
    mou = next(a for a in load_corpus(messy_corpus).articles if a.id == "mou")
    assert mou.title == "MoU Medan dan Ichikawa" and len(mou.pages) == 2
    assert mou.text[mou.pages[1]:].startswith("Pasal 1")
    settings = load_settings(corpus=messy_corpus, index=tmp_path / "index", environ={})
    build_index(settings, embedder, show_progress=False)
    answer = Assistant.open(settings, embedder).ask("Berapa lama nota kesepahaman Medan dan Ichikawa berlaku?")
    assert not answer.abstained and "lima tahun" in answer.answer
    cited = next(c for c in answer.citations if c.article_id == "mou")
    assert cited.page == 2


def test_build_reports_each_problem_and_strict_fails_without_touching_the_index(messy_corpus, tmp_path):
    index = tmp_path / "index"
    strict = run_rag("build", "--corpus", str(messy_corpus), "--index", str(index), "--strict")
    assert strict.returncode == 1 and "index was not changed" in strict.stderr
    assert not (index / "CURRENT").exists()
    built = run_rag("build", "--corpus", str(messy_corpus), "--index", str(index))
    assert built.returncode == 0, built.stderr
    assert "skipped binary.txt: binary data" in built.stderr and "skipped export.jsonl:2: not JSON" in built.stderr
    assert "note windows.txt: not UTF-8" in built.stderr
    assert "7 articles (7 added" in built.stdout and "6 skipped" in built.stdout
    info = run_json("info", "--index", str(index), "--json")
    listed = {a["id"]: a for a in info["article_list"]}
    assert set(listed) == {"good", "copy of good", "sub/deeper/nested", "page", "mou", "windows", "ekspor-1"}
    assert listed["mou"]["pages"] == 2 and listed["page"]["outlet"] == "Warta Kota Contoh" and listed["good"]["chunks"] >= 1

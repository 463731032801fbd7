"""The Milvus store on Milvus Lite: the same index, the same search, the same answers as FAISS.

Milvus Lite keeps a `.db` data folder per process (a file lock); the tests that need several
processes run its gRPC server (tests/test_milvus_processes.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from rag.assistant import Assistant
from rag.build import build_index
from rag.config import load_settings
from rag.errors import RagError, StoreUnavailableError
from rag.index.milvus import connect
from rag.index.pointer import live_version_name
from rag.index.store import CURRENT, load_index
from rag.index.stores import FAISS, StoreSpec, parse_store
from rag.search.filters import Filters
from rag.search.modes import RetrieverMode
from rag.search.retrieval import Retriever
from tests.conftest import CORPUS, ROOT, SEED_QUESTIONS, free_port, run_rag
from tests.newsroom.articles import ARTICLES, write_corpus

pytest.importorskip("pymilvus")


def release(path) -> None:
    """Let go of a Milvus Lite folder this process opened, so a child process can open it."""
    from milvus_lite.server_manager import server_manager_instance

    server_manager_instance.release_server(str(path))


# The store setting ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    (None, FAISS), ("", FAISS), ("faiss", FAISS),
    ("milvus:index/m.db", StoreSpec("milvus", "index/m.db")),
    ("milvus://10.0.0.5:19530", StoreSpec("milvus", "http://10.0.0.5:19530")),
    ("milvus://milvus.newsroom:19530#desk2", StoreSpec("milvus", "http://milvus.newsroom:19530", "desk2")),
])
def test_store_settings_are_read(text, expected):
    assert parse_store(text) == expected
    assert parse_store(str(expected)) == expected  # what messages show can be typed back


@pytest.mark.parametrize("text, said", [
    ("elastic://x", "not one this program knows"), ("milvus:index/m", "ending in .db"),
    ("milvus://nohost", "HOST:PORT"), ("milvus:m.db#bad-name", "not a Milvus name"),
])
def test_a_bad_store_setting_says_what_to_type(text, said):
    with pytest.raises(RagError, match=said):
        parse_store(text)


def test_an_unreachable_milvus_is_one_line_and_exit_2():
    where = f"milvus://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailableError, match=f"cannot reach Milvus at {where}.*check that Milvus runs"):
        connect(parse_store(where))
    result = run_rag("ask", "Siapa Wali Kota Kisarazu?", "--store", where)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and where in result.stderr


def test_without_the_extra_nothing_imports_pymilvus(tmp_path, cli_index):
    """The default store runs with pymilvus unimportable, and a Milvus store then says what to install."""
    script = f"""
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pymilvus", "milvus_lite"):
            raise ImportError("not installed")
sys.meta_path.insert(0, Refuse())
from click.testing import CliRunner
from rag.cli import cli
asked = CliRunner().invoke(cli, ["ask", "Siapa Wali Kota Kisarazu?", "--index", {str(cli_index)!r}, "--json"])
assert asked.exit_code == 0, asked.output
assert not any(m.split(".")[0] in ("pymilvus", "milvus_lite") for m in sys.modules)
milvus = CliRunner().invoke(cli, ["ask", "x", "--store", "milvus:{tmp_path}/m.db"])
print(milvus.exit_code, milvus.output)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 ") and "pip install -e '.[milvus]'" in result.stdout


# Search: the same as FAISS, against brute-force references -------------------------------

def _filter_corpus(folder):
    """The newsroom articles, the seeds (undated, no outlet), an article dated by month only, one
    whose outlet has a `like` wildcard in it, and a repost whose text a seed shares."""
    extra = [
        {"id": "month-only", "outlet": "Radar 100% Bogor", "date": "2016-06", "title": "Bogor",
         "text": "Kota Bogor menjajaki kerja sama dengan Kota Seoul di bidang transportasi pada bulan Juni."},
        {"id": "repost", "outlet": "Bogor Today", "date": "2016-06-09", "title": "Bogor dan Seoul",
         "text": (CORPUS / "001_2d6a8a213c43a204.txt").read_text(encoding="utf-8")},
    ]
    seeds = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(CORPUS.glob("*.txt"))]
    return write_corpus(folder, articles=ARTICLES + seeds + extra)


@pytest.fixture(scope="module")
def twin_indexes(tmp_path_factory, hash_embedder):
    """One corpus built twice with the stand-in model: FAISS files, and Milvus Lite."""
    root = tmp_path_factory.mktemp("twins")
    corpus = _filter_corpus(root / "corpus")
    faiss = load_settings(corpus=corpus, index=root / "faiss", model=hash_embedder.name, environ={})
    milvus = load_settings(corpus=corpus, index=root / "milvus", model=hash_embedder.name, environ={},
                           store=f"milvus:{root / 'm.db'}")
    build_index(faiss, hash_embedder, show_progress=False)
    store = connect(milvus.store)
    build_index(milvus, hash_embedder, show_progress=False, store=store)
    yield (load_index(faiss.index), load_index(milvus.index, store.live_version(), store), store)
    release(root / "m.db")


FILTERS = [
    Filters(since="2023"), Filters(until="2022-06"), Filters(since="2016-06-01", until="2016-06-30"),
    Filters(since="2016-06-20", until="2016-06-30"),  # admits the month-only article: its June overlaps
    Filters(outlets=("malang",)), Filters(outlets=("ANTARA", "bali post")), Filters(outlets=("100%",)),
    Filters(article_ids=("repost", "denpasar-citynet")), Filters(article_ids=("000_9156ad8b8e089001",)),
    Filters(since="2022", outlets=("tribun",)), Filters(since="2016", on_events=True),
    Filters(until="2016-12", on_events=True), Filters(article_ids=("001_2d6a8a213c43a204",)),
    Filters(outlets=("no such outlet",)), Filters(excluded=frozenset({"repost", "000_9156ad8b8e089001"})),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: json.dumps({k: v for k, v in vars(f).items() if v}, default=sorted))
def test_filters_pushed_down_admit_exactly_what_the_faiss_mask_admits(twin_indexes, hash_embedder, filters):
    """Every chunk of the corpus asked for: Milvus returns the admitted ones, no more, no fewer,
    including a chunk stored under a seed but shared by the repost."""
    faiss, milvus, _ = twin_indexes
    assert any(faiss.chunks[p].article_ids[1:] for p in range(len(faiss.chunks))), "the corpus has a shared chunk"
    query_text = "kerja sama kota"
    found = []
    for index in (faiss, milvus):
        retriever = Retriever(index, hash_embedder)
        hits = retriever.search(retriever.query(query_text), len(index.chunks), filters, RetrieverMode.DENSE)
        found.append(sorted(hit.chunk.id for hit in hits))
    assert found[0] == found[1]


def test_the_sparse_vectors_score_as_bm25_does(twin_indexes):
    """Milvus's sparse inner product, for the top chunks of several queries, against the lexical
    index's own BM25 scores over the whole corpus."""
    faiss, milvus, _ = twin_indexes
    for question in ("Kapan Bogor dan Seoul menandatangani surat?", "sister city Malang Chiang Mai",
                     "pengelolaan sampah Bandung", "CityNet Denpasar"):
        terms = faiss.lexical.analyzer.terms(question)
        reference = faiss.lexical.scores(terms)
        top = milvus.dense.sparse_top(milvus.lexical.term_ids(terms), 10)
        assert len(top) == min(10, int((reference > 0).sum()))
        expected = np.sort(reference)[::-1][: len(top)]
        assert np.allclose(reference[top], expected, atol=1e-5)


def test_dense_search_matches_a_numpy_dot_product(twin_indexes, hash_embedder):
    faiss, milvus, _ = twin_indexes
    vectors = faiss.dense.vectors()
    for question in ("Makassar Davao", "Semarang Brisbane sister city", "UCLG ASPAC"):
        query = hash_embedder.encode_query(question)
        exact = np.argsort(-(vectors @ query), kind="stable")[:8]
        positions, scores = milvus.dense.search(query, 8)
        assert np.allclose(scores, (vectors @ query)[exact], atol=1e-5)
        assert np.allclose(milvus.dense.scores_for(query, positions), vectors[positions] @ query, atol=1e-5)


# Builds: the alias, incremental changes, clean-up -----------------------------------------

def test_builds_switch_the_alias_reuse_vectors_and_drop_old_collections(tmp_path, hash_embedder):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, ids=[a["id"] for a in ARTICLES[:6]])
    settings = load_settings(corpus=corpus, index=tmp_path / "index", model=hash_embedder.name, environ={},
                             store=f"milvus:{tmp_path / 'm.db'}")
    store = connect(settings.store)
    try:
        first = build_index(settings, hash_embedder, show_progress=False, store=store)
        assert store.live_version() == first.version == live_version_name(settings.index)
        assert store.count(first.version) == first.chunks

        write_corpus(corpus, ids=[a["id"] for a in ARTICLES[:7]])  # one article added
        added = build_index(settings, hash_embedder, show_progress=False, store=store)
        assert (added.added, added.unchanged) == (1, 6)
        assert 0 < added.embedded < added.chunks and added.reused == added.chunks - added.embedded
        assert store.live_version() == added.version and store.count(added.version) == added.chunks

        write_corpus(corpus, ids=[a["id"] for a in ARTICLES[1:7]])  # one removed
        removed = build_index(settings, hash_embedder, show_progress=False, store=store)
        assert (removed.removed, removed.embedded) == (1, 0)
        # The live version and the one before it stay; older collections go, as older folders do.
        assert store.versions() == sorted([added.version, removed.version])
        assert sorted(p.name for p in settings.index.glob("v-*")) == store.versions()

        assert build_index(settings, hash_embedder, show_progress=False, store=store).up_to_date
        assistant = Assistant.open(settings, hash_embedder)
        assert assistant.index.version == removed.version and assistant.index.dense.filters_by_expression
        assert "malang-chiangmai-pr" not in assistant.index.articles
    finally:
        release(tmp_path / "m.db")


def test_a_faiss_index_moves_to_milvus_and_back_without_embedding_again(tmp_path, hash_embedder):
    corpus = write_corpus(tmp_path / "corpus", ids=[a["id"] for a in ARTICLES[:4]])
    faiss = load_settings(corpus=corpus, index=tmp_path / "index", model=hash_embedder.name, environ={})
    milvus = faiss.with_overrides(store=parse_store(f"milvus:{tmp_path / 'm.db'}"))
    try:
        assert build_index(faiss, hash_embedder, show_progress=False).embedded > 0
        moved = build_index(milvus, hash_embedder, show_progress=False)
        assert not moved.up_to_date and moved.embedded == 0
        assert (tmp_path / "index" / moved.version / "vectors.faiss").exists() is False
        back = build_index(faiss, hash_embedder, show_progress=False)
        assert not back.up_to_date and back.embedded == 0
        assert (tmp_path / "index" / back.version / "vectors.faiss").exists()
    finally:
        release(tmp_path / "m.db")


def test_a_milvus_index_opened_without_the_store_says_so(tmp_path, hash_embedder):
    corpus = write_corpus(tmp_path / "corpus", ids=[ARTICLES[0]["id"]])
    settings = load_settings(corpus=corpus, index=tmp_path / "index", model=hash_embedder.name, environ={},
                             store=f"milvus:{tmp_path / 'm.db'}")
    try:
        build_index(settings, hash_embedder, show_progress=False)
    finally:
        release(tmp_path / "m.db")
    with pytest.raises(RagError, match="keeps its vectors in Milvus .*pass --store or set RAG_STORE"):
        load_index(settings.index)
    assert (settings.index / CURRENT).is_file()


def test_verify_reports_a_damaged_file_of_a_milvus_index_once(tmp_path, hash_embedder):
    from rag.index.store import live_version
    from rag.integrity import verify_index

    corpus = write_corpus(tmp_path / "corpus", ids=[a["id"] for a in ARTICLES[:3]])
    settings = load_settings(corpus=corpus, index=tmp_path / "index", model=hash_embedder.name, environ={},
                             store=f"milvus:{tmp_path / 'm.db'}")
    try:
        build_index(settings, hash_embedder, show_progress=False)
        (live_version(settings.index) / "partnerships.json").write_text("{}", encoding="utf-8")
        report = verify_index(settings)
    finally:
        release(tmp_path / "m.db")
    assert not report.ok
    assert [f.problem for f in report.findings] == ["file partnerships.json truncated or resized"]


# The real model: answers and citations the same as with FAISS ----------------------------

@pytest.fixture(scope="module")
def seed_milvus(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("seed-milvus")
    settings = load_settings(corpus=CORPUS, index=root / "index", environ={}, store=f"milvus:{root / 'm.db'}")
    build_index(settings, embedder, show_progress=False)
    yield Assistant.open(settings, embedder)
    release(root / "m.db")


def test_seed_questions_get_the_same_answers_and_citations_as_with_faiss(seed_milvus, assistant, seed_questions):
    from rag.devtools.evaluate import read_eval_file
    from tests.conftest import CROSSLINGUAL_QUESTIONS

    questions = [q.question for q in seed_questions + read_eval_file(CROSSLINGUAL_QUESTIONS)]
    assert len(questions) > 40
    for question in questions:
        here, there = assistant.ask(question), seed_milvus.ask(question)
        assert _cited(there.citations) == _cited(here.citations), question
        assert (there.answer, there.abstained) == (here.answer, here.abstained), question


def test_claims_and_filters_get_the_same_results_as_with_faiss(seed_milvus, assistant):
    for claim in ("Surat pernyataan minat Bogor dan Seoul ditandatangani pada 9 Juni 2016",
                  "The mayor of Kisarazu visited Bogor on 6 November 2016",
                  "Kota Bogor menandatangani perjanjian kota kembar dengan Kota Busan pada 2019"):
        here, there = assistant.check(claim), seed_milvus.check(claim)
        assert there.verdict == here.verdict, claim
        assert _cited(there.citations) == _cited(here.citations), claim
    only = Filters(article_ids=("003_fcff50e6fce6b534",))
    here, there = assistant.ask("Siapa Wali Kota Kisarazu?", only), seed_milvus.ask("Siapa Wali Kota Kisarazu?", only)
    assert _cited(there.citations) == _cited(here.citations)
    assert there.citations and all(c.article_id.startswith("003_") for c in there.citations)


def _cited(citations) -> list[tuple]:
    return [(c.article_id, c.start, c.end, c.quotes) for c in citations]


def test_the_cli_runs_on_milvus(tmp_path):
    """build, ask, check, verify, info and partnerships with --store, as a user types them."""
    store = ["--store", f"milvus:{tmp_path / 'm.db'}", "--index", str(tmp_path / "index")]
    try:
        built = run_rag("build", *store, "--json")
        assert built.returncode == 0, built.stderr
        version = json.loads(built.stdout)["version"]
        asked = json.loads(run_rag("ask", "Siapa Wali Kota Kisarazu?", *store, "--json").stdout)
        assert asked["citations"] and not asked["abstained"]
        checked = json.loads(run_rag("check", "The mayor of Kisarazu visited Bogor on 6 November 2016", *store, "--json").stdout)
        assert checked["verdict"] != "not_found" and checked["citations"]
        verified = run_rag("verify", *store)
        assert verified.returncode == 0 and verified.stdout.startswith("OK"), verified.stdout
        info = json.loads(run_rag("info", *store, "--json").stdout)
        assert info["version"] == version and info["dense"]["type"] == "milvus"
        rows = json.loads(run_rag("partnerships", *store, "--json").stdout)
        assert any(r["partner"] for r in rows)
    finally:
        release(tmp_path / "m.db")


def test_above_the_exact_size_milvus_searches_an_inverted_file_at_the_recall_faiss_calibrated(
        tmp_path, hash_embedder, monkeypatch):
    """The inverted-file path, made to start at 200 chunks: Milvus gets FAISS's calibrated lists and
    nprobe, and its top 10 for question-like queries matches the exact top 10 as often as promised."""
    import rag.index.milvus
    from rag.index.dense import TARGET_RECALL, exact_top, recall_at
    from tests.conftest import SHARED

    monkeypatch.setattr(rag.index.milvus, "EXACT_MAX", 200)
    passages = [json.loads(line) for line in (SHARED / "data" / "facqa" / "passages.jsonl").read_text(
        encoding="utf-8").splitlines()[:400]]
    corpus = write_corpus(tmp_path / "corpus", articles=[{"id": p["id"], "text": p["text"]} for p in passages])
    settings = load_settings(corpus=corpus, index=tmp_path / "index", model=hash_embedder.name, environ={},
                             store=f"milvus:{tmp_path / 'm.db'}")
    store = connect(settings.store)
    try:
        built = build_index(settings, hash_embedder, show_progress=False, store=store)
        index = load_index(settings.index, built.version, store)
        assert index.dense.settings.exact is False and (index.dense.settings.lists or 0) >= 4 * 14
        vectors = np.stack([hash_embedder.encode_passages([c.text])[0] for c in index.chunks])
        rng = np.random.default_rng(0)
        queries = vectors[rng.choice(len(vectors), 50, replace=False)]
        queries = queries + rng.standard_normal(queries.shape, dtype=np.float32) / np.sqrt(queries.shape[1])
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        found = np.full((len(queries), 10), -1)
        for row, query in enumerate(queries):
            positions = index.dense.search(query, 10)[0]
            found[row, : len(positions)] = positions
        recall = recall_at(found, exact_top(vectors, queries, 10))
        print(f"milvus IVF: {index.dense.settings}, recall@10 {recall:.3f}")
        assert recall >= TARGET_RECALL - 0.05
    finally:
        release(tmp_path / "m.db")

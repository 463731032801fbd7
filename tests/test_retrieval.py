"""Retrieval modes, filters, duplicate passages, diversity and the fitted ranker."""

import numpy as np
import pytest

from rag.index.chunk_table import ChunkTable
from rag.index.chunking import chunk_articles
from rag.ingest.corpus import load_corpus
from rag.errors import RagError
from rag.devtools.evaluate import distinct_articles
from rag.search.filters import Filters
from rag.search.features import FEATURES, ChunkProfiles
from rag.search.retrieval import _cap_per_article, top_positive
from tests.conftest import run_json, run_rag

ANTARA = {"002_f3feb7890c547006", "004_a696b740d2fb54b0"}


def test_lexical_mode_ranks_as_bm25_does(assistant):
    query = assistant.retriever.query("UCLG ASPAC Manila")
    hits = assistant.retriever.search(query, 5, mode="lexical")
    scores = assistant.index.lexical.scores(query.terms)
    reference = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
    assert [h.position for h in hits] == _cap_reference(reference, assistant)[:5]


def _cap_reference(order, assistant):
    cap = assistant.retriever.settings.max_per_article
    ranked = [(i, 0.0, 0.0, 0.0) for i in order]
    return [entry[0] for entry in _cap_per_article(ranked, assistant.index.chunks, cap)]


def test_dense_mode_ranks_as_a_brute_force_dot_product(assistant):
    query = assistant.retriever.query("smart city cooperation with Seoul")
    hits = assistant.retriever.search(query, 4, mode="dense")
    vectors = assistant.index.dense.vectors()  # the model's, as tests/test_index.py checks
    reference = list(np.argsort(-(vectors @ query.vector), kind="stable"))
    assert [h.position for h in hits] == _cap_reference([int(i) for i in reference], assistant)[:4]


def test_hybrid_is_the_default_and_finds_the_kisarazu_article_first(assistant):
    hits = assistant.retriever.search(assistant.retriever.query("Siapa Wali Kota Kisarazu?"), 5)
    assert hits[0].chunk.article_id == "003_fcff50e6fce6b534"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_unknown_mode_is_refused(assistant):
    with pytest.raises(ValueError, match="unknown retriever"):
        assistant.retriever.search(assistant.retriever.query("Bogor"), 3, mode="magic")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(outlets=("antara",)), ANTARA),
        (Filters(since="2024"), {"004_a696b740d2fb54b0"}),
        (Filters(since="2016-06", until="2016-12-31"), {"000_9156ad8b8e089001", "003_fcff50e6fce6b534"}),
        (Filters(article_ids=("001_2d6a8a213c43a204",)), {"001_2d6a8a213c43a204"}),
        # what `rag eval --without-answers` leaves out
        (Filters(excluded=frozenset({"000_9156ad8b8e089001", "001_2d6a8a213c43a204"})),
         {"002_f3feb7890c547006", "003_fcff50e6fce6b534", "004_a696b740d2fb54b0"}),
    ],
)
def test_filters_restrict_every_retriever(assistant, filters, expected):
    query = assistant.retriever.query("kerja sama Kota Bogor dengan kota luar negeri")
    for mode in ("hybrid", "lexical", "dense"):
        hits = assistant.retriever.search(query, 20, filters, mode)
        assert hits and {h.chunk.article_id for h in hits} <= expected, mode


def test_undated_articles_are_left_out_by_a_date_filter():
    assert not Filters(since="2016").admits("x", None, None)
    assert Filters(since="2017-03", until="2017-05").admits("x", None, "2017")  # a year overlaps the range
    assert not Filters(until="2016-12").admits("x", None, "2017")


@pytest.mark.parametrize(("since", "until"), [("June 2016", None), (None, "2016-13"), ("2018", "2017")])
def test_bad_date_bounds_say_how_to_write_them(since, until):
    with pytest.raises(RagError, match="YYYY|swap"):
        Filters(since=since, until=until)


def test_cli_filters_and_their_errors(tmp_path, seed_settings, seed_index):
    answer = run_json("ask", "Kerja sama apa yang dijajaki?", "--index", str(seed_settings.index), "--outlet", "antara", "--json")
    assert {c["article_id"] for c in answer["citations"]} <= ANTARA
    bad = run_rag("ask", "Kerja sama?", "--index", str(seed_settings.index), "--since", "kemarin")
    assert bad.returncode == 2 and "YYYY" in bad.stderr and "Traceback" not in bad.stderr


def test_a_passage_in_two_articles_is_stored_once_and_names_both(tmp_path, embedder):
    shared = "Kota Bogor menandatangani surat pernyataan minat dengan Kota Seoul pada 8 Juni 2016 (pukul 14.00)."
    (tmp_path / "a.txt").write_text(f"Berita pertama.\n\n{shared}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"Berita kedua yang lain sama sekali.\n\n{shared.replace('(pukul 14.00)', '( pukul 14.00 )')}\n", encoding="utf-8")
    chunks = chunk_articles(load_corpus(tmp_path).articles, embedder.count_tokens, 20, 0)
    holders = [c for c in chunks if "surat pernyataan minat" in c.text]
    assert len(holders) == 1
    assert holders[0].article_ids == ["a", "b"]
    place = holders[0].also_in[0]
    text = (tmp_path / "b.txt").read_text(encoding="utf-8")
    assert "surat pernyataan minat" in text[place["start"]:place["end"]]
    # Stored as columns, the chunks come back as they were, text and other places included.
    articles = load_corpus(tmp_path).articles
    ChunkTable.from_chunks(chunks, {a.id: a.text for a in articles}).save(tmp_path)
    table = ChunkTable.load(tmp_path, {a.id: a.text for a in articles})
    assert list(table) == chunks and table[-1] == chunks[-1] and table[1:] == chunks[1:]
    assert table.article_numbers.tolist() == [["a", "b"].index(c.article_id) for c in chunks]


def test_ranking_counts_every_article_of_a_shared_passage(assistant):
    class FakeHit:  # a stand-in for the Hit of a shared chunk; only .chunk.article_ids is read
        def __init__(self, ids):
            self.chunk = type("C", (), {"article_ids": ids})()

    assert distinct_articles([FakeHit(["a", "b"]), FakeHit(["b", "c"])]) == ["a", "b", "c"]


def test_chunk_profiles_hold_the_terms_of_the_whole_chunk(assistant):
    chunks, analyzer = assistant.index.chunks, assistant.index.lexical.analyzer
    profiles = ChunkProfiles(chunks, analyzer)
    for position, chunk in enumerate(chunks):
        terms = analyzer.terms(chunk.text)
        profile = profiles.get(position)
        assert profile.terms == frozenset(terms) and profile.length == len(terms)
        assert profile.bigrams == frozenset(zip(terms, terms[1:]))


@pytest.mark.parametrize("k", [1, 5, 40, 200])
def test_top_positive_matches_a_full_sort(k):
    rng = np.random.default_rng(k)
    scores = rng.integers(-3, 6, 150).astype(np.float32)  # many ties and non-positive scores
    reference = [i for i in np.argsort(-scores, kind="stable") if scores[i] > 0][:k]
    assert top_positive(scores, k).tolist() == reference
    assert top_positive(np.zeros(10, dtype=np.float32), k).tolist() == []


def test_cap_demotes_but_never_drops():
    chunks = [type("C", (), {"article_id": a})() for a in "AAAAB"]
    ranked = [(i, 5 - i, 0, 0) for i in range(5)]
    assert [e[0] for e in _cap_per_article(ranked, chunks, 2)] == [0, 1, 4, 2, 3]
    assert [e[0] for e in _cap_per_article(ranked, chunks, 0)] == [0, 1, 2, 3, 4]


def test_english_words_bring_their_indonesian_equivalents(assistant):
    concepts = assistant.index.lexical.analyzer.concepts("When did the students of Kisarazu visit Bogor?")
    by_word = {c.words: dict(zip(c.terms, c.weights)) for c in concepts}
    assert by_word["kisarazu"]["kisarazu"] == 1.0  # a word is its own first term, weighing 1
    assert "siswa" in by_word["students"] and "kunjung" in by_word["visit"]  # translations, from the lexicon
    assert all(0.5 < w <= 1.0 for terms in by_word.values() for w in terms.values())


@pytest.mark.slow
def test_tune_fits_weights_into_the_manifest_and_a_rebuild_keeps_them(tmp_path):
    from rag.index.store import read_manifest
    from tests.conftest import CORPUS, SEED_QUESTIONS

    index = tmp_path / "index"
    assert run_rag("build", "--corpus", str(CORPUS), "--index", str(index), "--quiet").returncode == 0
    result = run_rag("tune", str(SEED_QUESTIONS), str(SEED_QUESTIONS), "--index", str(index))
    assert result.returncode == 0, result.stderr
    retrieval = read_manifest(index).retrieval
    assert set(retrieval.weights) == set(FEATURES)
    assert retrieval.fitted.train == "seed-questions.jsonl" and retrieval.fitted.fitted_at
    assert run_rag("verify", "--corpus", str(CORPUS), "--index", str(index)).returncode == 0  # checksums still hold
    assert run_rag("build", "--corpus", str(CORPUS), "--index", str(index), "--quiet", "--rebuild").returncode == 0
    rebuilt = read_manifest(index)
    assert rebuilt.retrieval == retrieval and rebuilt.previous_version


def test_the_vectorised_bm25_build_writes_what_bm25s_writes():
    """The build scores every chunk at once in numpy (rag.index.lexical._vectorised_bm25); bm25s's
    own one-chunk-at-a-time build is the reference: the same matrix bit for bit, on FacQA's 1,369
    passages with an empty chunk and a term no chunk holds."""
    import json

    import bm25s
    from bm25s.tokenization import Tokenized

    from rag.index.lexical import Analyzer, LexicalSettings, _vectorised_bm25
    from tests.conftest import SHARED

    analyzer, vocabulary = Analyzer(LexicalSettings()), {}
    with (SHARED / "data" / "facqa" / "passages.jsonl").open(encoding="utf-8") as lines:
        ids = [[vocabulary.setdefault(t, len(vocabulary)) for t in analyzer.terms(json.loads(line)["text"])] for line in lines]
    ids.append([])
    vocabulary["kata-yang-tak-dipakai"] = len(vocabulary)
    built = {}
    for kind in (bm25s.BM25, _vectorised_bm25()):
        bm25 = kind(k1=0.9, b=0.4, method="lucene")
        bm25.index(Tokenized(ids=ids, vocab=dict(vocabulary)), show_progress=False)
        built[kind] = bm25
    reference, ours = built[bm25s.BM25], built[_vectorised_bm25()]
    assert len(ids) == 1_370 and reference.scores["num_docs"] == ours.scores["num_docs"]
    for part in ("data", "indices", "indptr"):
        assert reference.scores[part].dtype == ours.scores[part].dtype
        assert np.array_equal(reference.scores[part], ours.scores[part]), part
    assert reference.vocab_dict == ours.vocab_dict


def test_a_loaded_bm25_index_scores_as_bm25s_does_without_importing_it(seed_settings, seed_index):
    import subprocess
    import sys

    import bm25s

    from rag.index.store import live_version, load_index
    from tests.conftest import ROOT

    index = load_index(seed_settings.index)
    reference = bm25s.BM25.load(str(live_version(seed_settings.index) / "lexical"), show_progress=False)
    for question in ("Siapa Wali Kota Kisarazu?", "kerja sama kota cerdas Seoul Bogor 2016", "UCLG ASPAC Manila", "zzz"):
        terms = index.lexical.analyzer.terms(question)
        expected = np.asarray(reference.get_scores_from_ids(reference.get_tokens_ids(terms)), dtype=np.float32)
        assert np.allclose(index.lexical.scores(terms), expected, atol=1e-6), question
    probe = ("import sys; from pathlib import Path; from rag.index.store import load_index; "
             "load_index(Path(sys.argv[1])); print('scipy' in sys.modules, 'bm25s' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe, str(seed_settings.index)], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False"], result.stderr  # scipy costs a cold `rag ask` 0.3 s

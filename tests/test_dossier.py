"""The dossier (issue 19, part 3): one self-contained HTML file and its Markdown twin for an answer
or a claim check, from the CLI and the app; it loads nothing, runs nothing, and escapes every
character that came from an article."""

from __future__ import annotations

import json
import re

import pytest

from rag.answers.claims import check_to_json
from rag.answers.extractive import answer_to_json
from rag.dossier.files import Provenance, dossier_html, dossier_markdown
from tests.conftest import run_rag

HOSTILE = {
    "id": "hostile", "date": "2023-04-01", "outlet": "<b>Outlet</b>", "url": "javascript:alert(1)",
    "title": "</title><script>alert('title')</script>",
    "text": "Pemerintah Kota Ambon menandatangani nota kesepahaman dengan Kota Darwin <script>alert('x')</script> "
            "dan <img src=x onerror=alert(2)> pada 1 April 2023. Kerja sama itu meliputi perikanan.",
}


def test_an_answers_dossier_holds_the_quotes_sources_and_provenance(newsroom):
    answer = newsroom.ask("Kapan Bandung dan Hamamatsu menandatangani nota kesepahaman?")
    provenance = newsroom.provenance()
    page = dossier_html(answer_to_json(answer), provenance, "id")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page and "<script" not in page
    assert "<mark>BANDUNG, KOMPAS — Pemerintah Kota Bandung menandatangani nota kesepahaman" in page
    assert '<a href="https://kompas.example/bandung-hamamatsu"' in page
    assert "bandung-hamamatsu-antara, karakter 21–" in page
    # the disagreement, each value with its citation and article (their order follows the quotes')
    assert re.search(r"Sumber berbeda: .*«Rabu \(9/11/2022\)» \[\d\] \(bandung-hamamatsu-kompas\)", page)
    assert re.search(r"Sumber berbeda: .*«Selasa \(8/11/2022\)» \[\d\] \(bandung-hamamatsu-antara\)", page)
    assert provenance.index_version in page and provenance.built_at in page and provenance.asked_at in page
    assert re.search(r"kerjasama-rag \S+", page)
    text = dossier_markdown(answer_to_json(answer), provenance, "en")
    assert text.startswith("# Fact-check dossier") and "> “Nota kesepahaman antara Kota Bandung" in text
    assert f"- Index version: {provenance.index_version}" in text


def test_a_claims_dossier_shows_the_verdict_and_both_sides(newsroom):
    result = newsroom.check("Bandung dan Hamamatsu menandatangani nota kesepahaman pada 9 November 2022")
    page = dossier_html(check_to_json(result), newsroom.provenance(), "en")
    assert "DISPUTED BY THE SOURCES" in page and "Agrees: 9 November 2022 → [1] Rabu (9/11/2022)" in page
    assert "Mismatch: 9 November 2022 → [2] Selasa (8/11/2022)" in page


def test_a_hostile_article_is_escaped_everywhere(tmp_path, embedder):
    from rag.assistant import Assistant
    from rag.build import build_index
    from rag.config import load_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    settings = load_settings(corpus=corpus, index=tmp_path / "index", environ={})
    build_index(settings, embedder, show_progress=False)
    assistant = Assistant.open(settings, embedder)
    answer = assistant.ask("Kapan Ambon menandatangani nota kesepahaman dengan Darwin?")
    assert not answer.abstained
    page = dossier_html(answer_to_json(answer), assistant.provenance())
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert 'href="javascript' not in page and "javascript:alert(1)" in page  # the URL shown, not linked
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    (tmp_path / "hostile.html").write_text(page, encoding="utf-8")


def test_the_cli_writes_the_dossier_of_an_answer_and_of_a_claim(cli_index, tmp_path):
    said = run_rag("ask", "Siapa Wali Kota Kisarazu?", "--index", str(cli_index), "--dossier", str(tmp_path / "kisarazu"))
    assert said.returncode == 0 and "dossier: " in said.stderr
    page = (tmp_path / "kisarazu.html").read_text(encoding="utf-8")
    assert "Yushikuni Watanabe" in page and "003_fcff50e6fce6b534" in page
    assert (tmp_path / "kisarazu.md").read_text(encoding="utf-8").startswith("# Dosir cek fakta")
    checked = run_rag("check", "Wali Kota Kisarazu adalah Yushikuni Watanabe", "--index", str(cli_index), "--json",
                      "--dossier", str(tmp_path / "claim.html"))
    assert json.loads(checked.stdout)["verdict"] == "supported"  # --json stays JSON
    assert "DIDUKUNG sumber" in (tmp_path / "claim.html").read_text(encoding="utf-8")
    refused = run_rag("ask", "Siapa?", "--index", str(cli_index), "--dossier", "/proc/nope/x")
    assert refused.returncode == 2 and "cannot write the dossier" in refused.stderr


@pytest.mark.browser
def test_a_hostile_dossier_opened_in_a_browser_runs_and_loads_nothing(tmp_path, embedder):
    from playwright.sync_api import sync_playwright

    from tests.test_app import launch_chromium

    test_a_hostile_article_is_escaped_everywhere(tmp_path, embedder)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            dialogs, requests = [], []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("request", lambda request: requests.append(request.url))
            page.goto((tmp_path / "hostile.html").as_uri())
            page.wait_for_timeout(500)
            assert dialogs == [] and requests == [(tmp_path / "hostile.html").as_uri()]
            assert "<script>alert('x')</script>" in page.inner_text("body")  # shown as text
        finally:
            browser.close()


def _open_offline(browser, path):
    """The downloaded file in a page that may fetch nothing but the file itself."""
    page = browser.new_page()
    fetched = []
    page.route("**/*", lambda route: (fetched.append(route.request.url),
                                      route.continue_() if route.request.url.startswith("file:") else route.abort()))
    page.goto(path.as_uri())
    return page, fetched


def _downloaded(page, browser, kind: str, saved):
    """Click the dossier button under the answer or the verdict, save the file, open it offline."""
    from playwright.sync_api import expect

    button = page.locator(f"#dossier-{kind}").get_by_role("button", name="Unduh dosir (HTML)")
    expect(button).to_be_enabled(timeout=30_000)
    with page.expect_download() as download:
        button.click()
    download.value.save_as(saved)
    return _open_offline(browser, saved)


@pytest.mark.browser
def test_the_app_downloads_a_dossier_for_an_answer_and_a_claim_that_opens_offline(newsroom, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from tests.conftest import served_app
    from tests.test_app import launch_chromium

    version = newsroom.index.version
    with served_app(newsroom) as (url, _), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            box = page.get_by_label("Pertanyaan")
            box.fill("Kapan Bandung dan Hamamatsu menandatangani nota kesepahaman?")
            box.press("Enter")
            offline, fetched = _downloaded(page, browser, "answer", tmp_path / "answer.html")
            # both reports' quotes marked (their order follows the quotes')
            expect(offline.locator("mark", has_text="Pemerintah Kota Bandung menandatangani nota kesepahaman")).to_have_count(1)
            expect(offline.locator("mark", has_text="ditandatangani Selasa (8/11/2022)")).to_have_count(1)
            assert offline.locator('a[href="https://kompas.example/bandung-hamamatsu"]').count() == 1
            expect(offline.locator("body")).to_contain_text(version)
            assert fetched == [(tmp_path / "answer.html").as_uri()]

            page.get_by_role("tab", name="Cek fakta").click()
            claim = page.get_by_label("Klaim")
            claim.fill("Bandung dan Hamamatsu menandatangani nota kesepahaman pada 9 November 2022")
            claim.press("Enter")
            offline, fetched = _downloaded(page, browser, "claim", tmp_path / "claim.html")
            expect(offline.locator("body")).to_contain_text("SUMBER BERSELISIH")
            expect(offline.locator("body")).to_contain_text("Selasa (8/11/2022)")
            assert fetched == [(tmp_path / "claim.html").as_uri()]
        finally:
            browser.close()

"""The real app on a loopback port: its API through gradio_client, its page in a real browser."""

import os
import re
import shutil
from contextlib import contextmanager

import pytest

import app as app_module
from rag.web.app import ChatTurn, NewsroomApp
from tests.conftest import served_app


@pytest.fixture(scope="module")
def running_app(assistant):
    with served_app(assistant) as (url, _):
        yield url


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
    assert "001_2d6a8a213c43a204" in {c["article_id"] for c in follow_up["citations"]}  # searched with its history
    filtered = client.predict("Kerja sama apa yang dijajaki?", [], "", "", ["ANTARA News Bali"], api_name="/ask")
    assert {c["article_id"] for c in filtered["citations"]} == {"004_a696b740d2fb54b0"}
    dated = client.predict("Siapa Wali Kota Kisarazu?", since="2024", api_name="/ask")
    shown = dated["citations"] + dated["related"]
    assert shown and all(c["date"] >= "2024" for c in shown)
    assert "not a date" in client.predict("Siapa?", since="kemarin", api_name="/ask")["error"]
    checked = client.predict("Surat pernyataan minat Bogor dan Seoul ditandatangani pada 9 Juni 2016", api_name="/check")
    assert checked["verdict"] == "contradicted"
    assert checked["mismatches"][0]["evidence_text"] == "Rabu 8 Juni"


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


@contextmanager
def browser_page(url: str):
    """A headless page at `url`, the list of URLs it requested from anywhere else, and the page's
    HTTP response; the browser is closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            outside_requests = record_requests_elsewhere(page, url)
            response = page.goto(url)
            yield page, outside_requests, response
        finally:
            browser.close()


def screenshot_path(tmp_path, name: str) -> str:
    """Where a browser test saves its screenshot: RAG_SCREENSHOTS (a folder) to keep it, else tmp_path."""
    folder = os.environ.get("RAG_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        return os.path.join(folder, name)
    return str(tmp_path / name)


@pytest.mark.browser
def test_a_question_typed_in_the_browser_is_answered_and_its_source_opens(running_app, tmp_path):
    from playwright.sync_api import expect

    with browser_page(running_app) as (page, outside_requests, _):
        box = page.get_by_label("Pertanyaan")
        box.fill("Siapa Wali Kota Kisarazu?")
        box.press("Enter")
        expect(page.get_by_text("Yushikuni Watanabe").first).to_be_visible(timeout=30_000)
        card = page.locator("#sources details.rag-card").first
        expect(card).to_contain_text("003_fcff50e6fce6b534", timeout=10_000)
        expect(card.locator(".rag-article")).to_be_hidden()
        card.locator("summary").click()
        cited = card.locator(".rag-article mark.rag-cited").first
        expect(cited).to_be_in_viewport()
        # The quoted sentence is marked, and in it, apart, the words that answer (answer_span).
        expect(card.locator(".rag-article mark.rag-cited.rag-answer")).to_contain_text("Yushikuni Watanabe")
        expect(card.locator(".rag-snippet mark.rag-answer")).to_contain_text("Yushikuni Watanabe")
        article = card.locator(".rag-article")
        assert article.evaluate("box => box.scrollHeight > box.clientHeight")  # the whole article, scrolled to the span
        page.screenshot(path=screenshot_path(tmp_path, "source-card.png"))
        story = page.locator("#story textarea")
        expect(story).to_have_value(re.compile(r"Yushikuni Watanabe.*\n1\. .*\n   > \u201c", re.S))
        page.get_by_label("English").check()
        expect(page.get_by_role("tab", name="Fact check")).to_be_visible()
        expect(page.get_by_label("Question", exact=True)).to_be_visible()
        assert outside_requests == []


@pytest.mark.browser
def test_the_fact_check_tab_shows_the_verdict_and_the_mismatch(running_app, tmp_path):
    from playwright.sync_api import expect

    with browser_page(running_app) as (page, _, _):
        page.get_by_role("tab", name="Cek fakta").click()
        box = page.get_by_label("Klaim")
        box.fill("Surat pernyataan minat Bogor dan Seoul ditandatangani pada 9 Juni 2016")
        box.press("Enter")
        expect(page.get_by_text("BERTENTANGAN").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text("8 Juni").first).to_be_visible()
        expect(page.get_by_text("001_2d6a8a213c43a204").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "check.png"), full_page=True)


def turn(app: NewsroomApp, *inputs) -> list[ChatTurn]:
    """Every update one chat turn streams, in order (the browser renders each)."""
    return list(app.respond(*inputs))


def test_the_outlet_filter_and_a_new_conversation(assistant):
    app = NewsroomApp(assistant)
    last = turn(app, "Kerja sama apa yang dijajaki?", [], [], "", "", ["ANTARA News Bali"])[-1]
    assert "004_a696b740d2fb54b0" in last.sources
    assert "000_9156ad8b8e089001" not in last.sources and last.asked == ["Kerja sama apa yang dijajaki?"]
    assert "ANTARA News Bali" in last.story
    last = turn(app, "Kerja sama?", last.chat, last.asked, "kemarin", "", [])[-1]
    assert "YYYY" in last.chat[-1]["content"] and last.asked == ["Kerja sama apa yang dijajaki?"]
    last = turn(app, "kota " * 500, last.chat, last.asked, "", "", [])[-1]
    assert "limit is 2000" in last.chat[-1]["content"] and last.question == "kota " * 500  # kept to shorten
    assert ChatTurn(*app.new_conversation()) == ChatTurn() == ChatTurn("", [], [], "", "", None)  # all cleared


def test_an_answer_streams_a_placeholder_then_its_sentences(assistant):
    updates = turn(NewsroomApp(assistant), "Kota luar negeri mana saja yang menjalin kerja sama dengan Kota Bogor?",
                   [], [], "", "", [])
    shown = [update.chat[-1]["content"] for update in updates]
    assert shown[0] == "_Mencari di korpus…_" and updates[0].sources == ""  # at once, before any search
    answer_updates = shown[1:]
    assert len(answer_updates) >= 3  # one update per sentence, and the final one with the story
    assert all(later.startswith(earlier) for earlier, later in zip(answer_updates, answer_updates[1:]))
    assert updates[-1].asked == ["Kota luar negeri mana saja yang menjalin kerja sama dengan Kota Bogor?"]
    assert updates[-1].story.startswith("**Pertanyaan:**")


@pytest.mark.browser
def test_the_browser_timing_script_measures_first_words_before_the_whole_answer(running_app):
    from tests.browser_timing import measure, summary

    chromium_path()
    timings = measure(running_app, ["Siapa Wali Kota Kisarazu?", "Siapa pemenang Piala Dunia sepak bola 2018?"])
    assert [t.question for t in timings] == ["Siapa Wali Kota Kisarazu?", "Siapa pemenang Piala Dunia sepak bola 2018?"]
    assert all(0 < t.first_words_ms <= t.whole_answer_ms for t in timings)
    assert summary(timings)["questions"] == 2


@pytest.mark.browser
def test_the_register_tab_filters_sorts_and_opens_a_rows_sources(running_app, tmp_path):
    from gradio_client import Client
    from playwright.sync_api import expect

    client = Client(running_app, analytics_enabled=False, verbose=False)
    rows = client.predict(api_name="/partnerships")
    assert {"Seoul", "Kisarazu", "UCLG ASPAC", "PPI Jepang", "Seoul National University"} <= {r["partner"] for r in rows}
    assert [r["partner"] for r in client.predict(field="agriculture", api_name="/partnerships")] == ["Kisarazu"]
    with browser_page(running_app) as (page, outside_requests, _):
        page.get_by_role("tab", name="Register kemitraan").click()
        table = page.locator("#register")
        expect(table).to_contain_text("Kisarazu", timeout=30_000)
        timeline = page.locator("#timeline svg.rag-timeline circle")
        expect(timeline.first).to_be_attached()
        assert timeline.count() >= 5  # a dot per dated step
        partner_header = table.locator('th[title="Mitra"]:visible').first
        partner_header.hover()
        partner_header.get_by_role("button", name="Open cell menu").click()
        page.get_by_role("menuitem", name="Sort descending").click()
        partners = table.locator('[role="gridcell"][data-col="0"]')
        expect(partners.first).to_have_text("UCLG ASPAC")
        assert partners.all_inner_texts() == sorted(partners.all_inner_texts(), reverse=True)
        table.get_by_role("gridcell", name="Kisarazu").first.click()  # a sorted row opens its own sources
        cards = page.locator("#register-sources details.rag-card")
        expect(cards.first).to_contain_text("003_fcff50e6fce6b534", timeout=10_000)
        page.get_by_label("Tahun").click()
        page.get_by_role("option", name="2024").click()
        expect(table).not_to_contain_text("Kisarazu", timeout=10_000)
        expect(table).to_contain_text("Seoul National University")
        table.get_by_role("gridcell", name="Seoul National University").first.click()
        expect(cards.first).to_contain_text("004_a696b740d2fb54b0", timeout=10_000)
        cards.first.locator("summary").click()
        expect(cards.first.locator(".rag-article mark.rag-cited").first).to_be_in_viewport()
        page.screenshot(path=screenshot_path(tmp_path, "register.png"))
        assert outside_requests == []


def test_the_language_switch_relabels_every_labelled_component(assistant):
    from rag.text.messages import UI
    from rag.web.app import BUTTONS, DOWNLOADS, HINTED, LABELLED

    app = NewsroomApp(assistant)
    app.blocks()
    updates = app.switch_language("English")
    assert updates[app.components["header"]].startswith(f"## {UI['en']['title']}")
    for name in LABELLED:
        assert updates[app.components[name]]["label"] == UI["en"][name], name
    assert all(updates[app.components[name]]["value"] == UI["en"][name] for name in BUTTONS)
    assert all(updates[app.components[name]]["placeholder"] == UI["en"][f"{name}_hint"] for name in HINTED)
    assert len(updates) == 1 + len(LABELLED) + len(BUTTONS) + len(DOWNLOADS)
    assert all(updates[app.components[name]]["label"] == UI["en"][name] for name in DOWNLOADS)
    back = app.switch_language("Bahasa Indonesia")
    assert back[app.components["send"]]["value"] == UI["id"]["send"]


def test_errors_reach_the_user_as_messages_from_every_handler(assistant):
    app = NewsroomApp(assistant)
    refused = app.ask("   ")
    assert set(refused) == {"question", "error"} and "empty question" in refused["error"]
    assert "not a date" in app.ask("Siapa?", since="kemarin")["error"]
    assert "empty claim" in app.check("")["error"] and app.check("")["claim"] == ""
    shown, checked = app.check_claim("")
    assert shown.startswith("<p>") and "empty claim" in shown and checked is None
    last = turn(app, "", [{"role": "user", "content": "x"}], ["x"], "", "", [])[-1]
    assert last.chat[0] == {"role": "user", "content": "x"} and "empty question" in last.chat[-1]["content"]
    assert (last.question, last.asked, last.sources, last.story, last.answered) == ("", ["x"], "", "", None)


def test_a_bad_date_in_the_form_names_the_form_field_not_the_cli_flag(assistant):
    app = NewsroomApp(assistant)
    last = turn(app, "Siapa Wali Kota Kisarazu?", [], [], "kemarin", "", [])[-1]
    said = last.chat[-1]["content"]
    assert last.question == "Siapa Wali Kota Kisarazu?"
    assert said.startswith("Sejak:") and "kemarin" in said and "--since" not in said
    last = turn(app, "Who is the mayor of Kisarazu?", [], [], "2017", "2016", [])[-1]
    assert last.chat[-1]["content"] == "Since (2017) is after Until (2016): swap them."
    assert "--since" in app.ask("Siapa?", since="kemarin")["error"]  # the API speaks as the CLI does


@pytest.mark.browser
def test_thumbs_down_with_a_hostile_note_is_recorded_and_listed_escaped(running_app, assistant):
    from playwright.sync_api import expect

    from rag.feedback.records import read
    from tests.conftest import run_rag

    note = "<script>document.title='hacked'</script> tanggalnya keliru"
    before = len(read(assistant.settings.index).records)
    with browser_page(running_app) as (page, outside_requests, _):
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        box = page.get_by_label("Pertanyaan")
        box.fill("Siapa Wali Kota Kisarazu?")
        box.press("Enter")
        expect(page.get_by_text("Yushikuni Watanabe").first).to_be_visible(timeout=30_000)
        page.locator("#feedback-answer textarea").fill(note)
        page.locator("#feedback-answer").get_by_role("button", name="👎 Keliru").click()
        expect(page.locator("#feedback-answer-said")).to_contain_text("umpan balik dicatat", timeout=10_000)
        assert page.title() != "hacked" and dialogs == [] and outside_requests == []
    records = read(assistant.settings.index).records
    assert len(records) == before + 1
    record = records[-1]
    assert (record.kind, record.rating, record.note, record.text) == ("answer", "down", note, "Siapa Wali Kota Kisarazu?")
    assert record.citations[0]["article_id"] == "003_fcff50e6fce6b534" and record.index_version == assistant.index.version
    listed = run_rag("feedback", "--index", str(assistant.settings.index)).stdout
    assert f"note: {note}" in listed


@pytest.mark.browser
def test_the_time_read_from_a_question_is_shown_and_can_be_removed(running_app):
    from playwright.sync_api import expect

    with browser_page(running_app) as (page, outside_requests, _):
        box = page.get_by_label("Pertanyaan")
        box.fill("Apa yang ditandatangani Bogor pada 2016?")
        box.press("Enter")
        chat = page.locator(".bot, [data-testid='bot']").last
        expect(page.get_by_text("Saringan waktu dari pertanyaan: sejak 2016, sampai 2016").first).to_be_visible(
            timeout=30_000)
        remove = page.locator("#no-time")
        expect(remove).to_be_visible(timeout=10_000)
        remove.click()
        expect(page.get_by_text("Saringan waktu dari pertanyaan")).to_have_count(0, timeout=30_000)
        expect(remove).to_be_hidden(timeout=10_000)
        expect(chat).not_to_have_text("")
        assert page.get_by_text("Apa yang ditandatangani Bogor pada 2016?").count() == 1  # the turn replaced, not added
        assert outside_requests == []

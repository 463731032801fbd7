"""The register as a journalist reads it (issue 19, part 4): columns and values in the interface
language, a timeline with a legend, whole axis labels and dots that say their step on hover or
focus; every column reachable at 1,366 px, and a row's details on a 390 px phone."""

from __future__ import annotations

import pytest

from rag.register import queries as register
from rag.register.timeline import timeline_svg
from rag.register.words import FIELDS, LADDER, STATUS_ORDER
from rag.text.messages import REGISTER
from tests.test_app import browser_page, screenshot_path


def test_every_word_the_register_shows_has_both_languages():
    types = {"city", "country", "international organisation", "university", "students' association", "company"}
    keys = ({f"field_{name}" for name, _ in FIELDS} | {f"form_{f}" for f in LADDER} | {f"status_{s}" for s in STATUS_ORDER}
            | {f"type_{t}" for t in types} | {"form_sister city", "form_friendship city", "status_none"})
    for language in ("id", "en"):
        assert keys <= set(REGISTER[language]), keys - set(REGISTER[language])


def test_the_table_speaks_the_interface_language_and_the_json_keeps_its_names(assistant):
    records = assistant.partnerships(register.RegisterFilter(partner="Kisarazu"))
    (row,) = register.table_rows(records, "id")
    assert row[1] == "kota" and row[3] == "surat pernyataan minat (kota persahabatan)" and row[5] == "ditandatangani"
    assert "pendidikan" in row[6] and "education" not in row[6]
    assert register.table_headers("en")[:3] == ["Partner", "Partner type", "Indonesian party"]
    (data,) = register.rows(records, assistant.index.articles)
    assert (data["partner_type"], data["status"]) == ("city", "signed") and "education" in data["fields"]


def test_the_timeline_has_a_legend_whole_labels_and_dots_that_say_their_step(assistant):
    svg = timeline_svg(assistant.partnerships(), language="en")
    assert "Dot colours: the stage&#x27;s status:" in svg and ">signed<" in svg and ">planned<" in svg
    assert svg.count('tabindex="0"') == svg.count("<circle") - 4  # every dot but the legend's four
    assert 'aria-label="Seoul: letter of interest, 2016-06-08, signed"' in svg
    assert 'text-anchor="middle"' in svg  # year labels centred on their line, none cut at the edge


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["Bahasa Indonesia", "English"])
def test_the_register_tab_at_desktop_and_phone_widths(assistant, tmp_path, width, language):
    from playwright.sync_api import expect

    from tests.conftest import served_app

    english = language == "English"
    headers = register.table_headers("en" if english else "id")
    with served_app(assistant) as (url, _), browser_page(url) as (page, outside_requests, _):
        page.set_viewport_size({"width": width, "height": 900})
        page.get_by_label(language).check()
        tab_name = "Partnership register" if english else "Register kemitraan"
        expect(page.get_by_text(tab_name).first).to_be_attached(timeout=10_000)  # relabelled
        tab = page.get_by_role("tab", name=tab_name)
        if not tab.is_visible():  # on a phone the third tab waits under "More tabs"
            page.get_by_role("button", name="More tabs").click()
            tab = page.get_by_role("button", name=tab_name).first
        tab.click()
        table = page.locator("#register")
        expect(table).to_contain_text(headers[6], timeout=30_000)
        expect(table).to_contain_text("friendship city" if english else "kota persahabatan")
        timeline = page.locator("#timeline svg.rag-timeline")  # not the loading spinner's svg
        expect(timeline).to_be_visible()
        legend = "Dot colours" if english else "Warna titik"
        expect(page.locator("#timeline")).to_contain_text(legend)
        svg_box = timeline.bounding_box()
        for year in page.locator("#timeline text.rag-year").all():  # every axis label whole, inside the drawing
            box = year.bounding_box()
            assert box["x"] >= svg_box["x"] - 1 and box["x"] + box["width"] <= svg_box["x"] + svg_box["width"] + 1
        assert svg_box["width"] >= 0.8 * min(width, 1366) - 80  # the timeline takes the page's width
        dot = page.locator("#timeline .rag-dot").first
        dot.focus()  # the keyboard reaches a dot, and it says its step and date
        expect(dot.locator(".rag-dot-label")).to_be_visible()
        if width >= 1366:
            for header in headers:  # every column within the page at a common laptop width
                cell = table.get_by_text(header, exact=True).first
                box = cell.bounding_box()
                assert box and box["x"] + box["width"] <= width, header
        else:  # on a phone, a row opens its details: every column, one under another
            table.get_by_text("Kisarazu").first.click()
            detail = page.locator("#register-sources .rag-detail")
            expect(detail).to_be_visible(timeout=10_000)
            for header in headers:
                expect(detail).to_contain_text(header)
            detail.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_path(tmp_path, f"register-{width}-{'en' if english else 'id'}.png"),
                        full_page=True)
        assert outside_requests == []

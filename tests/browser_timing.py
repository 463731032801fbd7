"""Time to the first streamed words and to the whole answer, in a real browser, for the seed questions.

    .venv/bin/python -m tests.browser_timing            # the seed questions against ./index
    .venv/bin/python -m tests.browser_timing --json

Starts the app on a free loopback port (building ./index first if there is none), types each
question into Chromium and measures from the Enter key to (a) the first words of the answer in
the chat, past the "searching" placeholder, and (b) the whole answer, marked by the Markdown to
copy being filled, which the app does with its last update.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, dataclass

from tests.conftest import SEED_QUESTIONS, served_app
from tests.test_app import launch_chromium

PLACEHOLDERS = ("Mencari di korpus…", "Searching the corpus…")
FIRST_WORDS_JS = """placeholders => {
  const bots = document.querySelectorAll('[data-testid="bot"]');
  if (!bots.length) return false;
  const text = bots[bots.length - 1].innerText.trim();
  return text.length > 0 && !placeholders.includes(text);
}"""
WHOLE_ANSWER_JS = """() => { const box = document.querySelector('#story textarea'); return !!box && box.value.length > 0; }"""


@dataclass(frozen=True)
class Timing:
    question: str
    first_words_ms: float
    whole_answer_ms: float


def measure(url: str, questions: list[str]) -> list[Timing]:
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.goto(url)
            box = page.get_by_label("Pertanyaan")
            for question in questions:
                page.get_by_role("button", name="Percakapan baru").click()
                page.wait_for_function(WHOLE_ANSWER_JS.replace("> 0", "== 0"))
                box.fill(question)
                started = time.perf_counter()
                box.press("Enter")
                page.wait_for_function(FIRST_WORDS_JS, arg=list(PLACEHOLDERS), polling="raf", timeout=60_000)
                first = time.perf_counter()
                page.wait_for_function(WHOLE_ANSWER_JS, polling="raf", timeout=60_000)
                whole = time.perf_counter()
                timings.append(Timing(question, round((first - started) * 1000, 1), round((whole - started) * 1000, 1)))
        finally:
            browser.close()
    return timings


def summary(timings: list[Timing]) -> dict:
    def percentiles(values: list[float]) -> dict:
        cuts = statistics.quantiles(values, n=20, method="inclusive") if len(values) > 1 else values * 19
        return {"p50": round(statistics.median(values), 1), "p95": round(cuts[18], 1), "max": max(values)}

    return {
        "questions": len(timings),
        "first_words_ms": percentiles([t.first_words_ms for t in timings]),
        "whole_answer_ms": percentiles([t.whole_answer_ms for t in timings]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object with every timing")
    args = parser.parse_args()

    from rag.assistant import Assistant
    from rag.config import load_settings
    from rag.devtools.evaluate import read_eval_file

    assistant = Assistant.open(load_settings(), build_if_missing=True)
    with served_app(assistant) as (url, _):
        timings = measure(url, [q.question for q in read_eval_file(SEED_QUESTIONS)])
    result = summary(timings)
    if args.json:
        print(json.dumps({**result, "timings": [asdict(t) for t in timings]}, ensure_ascii=False, indent=2))
        return
    for t in timings:
        print(f"{t.first_words_ms:8.0f} ms {t.whole_answer_ms:8.0f} ms  {t.question}")
    for key in ("first_words_ms", "whole_answer_ms"):
        figures = result[key]
        print(f"{key}: p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, max {figures['max']:.0f} ms")


if __name__ == "__main__":
    main()

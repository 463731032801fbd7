"""One grammar for dates: the same dates, written in Indonesian and in English, read alike by every
module that reads dates (metadata, cleaning, the claim checker, the register, the answer kinds the
ranker weighs).

`python -m tests.test_dates` measures the grammar against dateparser on the same dates and on the
dates of the corpus (docs/developers/choices.md).
"""

from __future__ import annotations

import pytest

from rag.answers.claims import ItemKind, items_of
from rag.ingest.cleaning import clean
from rag.ingest.metadata import derive_date
from rag.register.dating import sentence_event
from rag.text.answer_kinds import AnswerKind, answer_spans
from rag.text.dates import When, date_order, day_numbers, find_dates

# (Indonesian, English, (first day, last day, month, year)); None: the text does not say.
SAME_DATES = [
    ("7-10 Juni 2016", "7-10 June 2016", (7, 10, 6, 2016)),
    ("7 hingga 10 Juni 2016", "June 7-10, 2016", (7, 10, 6, 2016)),
    ("Selasa (7/6/2016)", "Tuesday (7/6/2016)", (7, 7, 6, 2016)),
    ("Rabu 8 Juni", "Wednesday 8 June", (8, 8, 6, None)),
    ("Jumat (21/7)", "Friday (21/7)", (21, 21, 7, None)),
    ("Agustus 2016", "August 2016", (None, None, 8, 2016)),
    ("6 Okt 2016", "Oct. 6, 2016", (6, 6, 10, 2016)),
    ("16 Desember 2016", "December 16th, 2016", (16, 16, 12, 2016)),
    ("2 Mei 2018", "May 2, 2018", (2, 2, 5, 2018)),
    ("tanggal 3 Februari 2025", "3 February 2025", (3, 3, 2, 2025)),
    ("12 Des 2019", "12 Dec 2019", (12, 12, 12, 2019)),
    ("Kamis, 1 September 2022", "Thursday, September 1, 2022", (1, 1, 9, 2022)),
]
BOTH = [(text, value) for indonesian, english, value in SAME_DATES for text in (indonesian, english)]
# The corpus's own dates, as its articles print them.
CORPUS_DATES = [
    ("7-10 Juni 2016", (7, 10, 6, 2016)), ("Selasa (7/6/2016)", (7, 7, 6, 2016)), ("Rabu 8 Juni", (8, 8, 6, None)),
    ("Jumat (21/7)", (21, 21, 7, None)), ("April 2016", (None, None, 4, 2016)),
    ("19 November 2016", (19, 19, 11, 2016)), ("6 Oktober 2016", (6, 6, 10, 2016)),
    ("Rabu (16/11/2016)", (16, 16, 11, 2016)), ("2-6 September 2024", (2, 6, 9, 2024)),
]
NOT_DATES = ["24/7 layanan", "31/2/2016", "8 Junior", "pukul 14.00", "Rp 1.000", "tahun 2016-an", "Mayors 2016"]


@pytest.mark.parametrize(("text", "value"), BOTH)
def test_the_grammar_reads_the_date_alike_in_both_languages(text, value):
    (mention,) = find_dates(f"Acara itu berlangsung {text} di Bogor.")
    assert mention.value == value and mention.text == text


@pytest.mark.parametrize("text", NOT_DATES)
def test_what_only_looks_like_a_date_is_none(text):
    assert find_dates(text) == []


@pytest.mark.parametrize(("text", "value"), BOTH)
def test_the_claim_checker_compares_the_same_date(text, value):
    (item,) = items_of(f"Kerja sama itu diteken {text} oleh kedua kota.", ItemKind.DATE)
    assert item.value == value


@pytest.mark.parametrize(("text", "value"), BOTH)
def test_the_register_dates_a_stage_by_it_with_the_articles_year_where_it_gives_none(text, value):
    first, last, month, year = value
    expected = f"{year or 2016}-{month:02d}" + (f"-{first:02d}" if first else "")
    if last and last != first:
        expected += f"/{year or 2016}-{month:02d}-{last:02d}"
    event = sentence_event(f"Kedua kota menandatangani nota kesepahaman {text}.", "2016-06-01")
    assert str(event.date) == expected
    assert event.basis == ("stated" if year else "resolved")


@pytest.mark.parametrize(("text", "value"), BOTH)
def test_an_answer_to_when_is_the_whole_date(text, value):
    spans = answer_spans(f"Penandatanganan dilakukan {text} di Balai Kota.", AnswerKind.DATE)
    assert text in [s.text for s in spans]


@pytest.mark.parametrize(("text", "value"), [(t, v) for t, v in BOTH if v[0] and v[3]])
def test_a_date_line_or_a_bracketed_lead_date_dates_the_article(text, value):
    first, _, month, year = value
    expected = f"{year}-{month:02d}-{first:02d}"
    as_line = f"{text.removeprefix('tanggal ')}\n\nKota Bogor menjalin kerja sama dengan Kota Seoul.\n"
    assert derive_date(as_line, clean(as_line)) == expected
    lead = f"BOGOR ({text.removeprefix('tanggal ')}) - Kota Bogor menjalin kerja sama dengan Kota Seoul.\n"
    if "/" in text:
        assert derive_date(lead, clean(lead)) == expected


def measure() -> dict:
    """How often the grammar and dateparser read a date right, on the dates above."""
    import dateparser

    def parsed_by_dateparser(text: str):
        found = dateparser.parse(text, languages=["id", "en"], settings={"DATE_ORDER": "DMY"})
        return None if found is None else (found.day, found.day, found.month, found.year)

    def parsed_by_grammar(text: str):
        mentions = find_dates(text)
        return mentions[0].value if len(mentions) == 1 else None

    figures = {}
    for name, cases in (("same dates, both languages", BOTH), ("corpus dates", CORPUS_DATES)):
        row = {}
        for reader, read in (("grammar", parsed_by_grammar), ("dateparser", parsed_by_dateparser)):
            results = [read(text) for text, _ in cases]
            row[reader] = sum(r == v for r, (_, v) in zip(results, cases))
            # dateparser fills a missing year with this year's and reads no ranges: the day,
            # month and given year alone, to be fair to it.
            row[f"{reader}, day and month"] = sum(
                r is not None and r[0] == v[0] and r[2] == v[2] and (v[3] is None or r[3] == v[3])
                for r, (_, v) in zip(results, cases))
        figures[f"{name} ({len(cases)})"] = row
    return figures



def _iso_population() -> list[str]:
    """Dates as the register writes them: years, months, days and runs of days, over month and
    year ends and leap days."""
    import datetime
    import random

    rng = random.Random(7)
    texts = {"2016", "2016-02", "2016-02-29", "2015-12-31", "2016-12-29/2017-01-04"}
    for _ in range(400):
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(9_000))
        texts |= {f"{day.year:04d}", day.isoformat()[:7], day.isoformat()}
        if rng.random() < 0.3:
            texts.add(f"{day.isoformat()}/{(day + datetime.timedelta(days=rng.randrange(1, 7))).isoformat()}")
    return sorted(texts)


def test_a_date_value_reads_and_writes_iso_text_and_orders_as_the_text_did():
    """When against the strings it replaced, on a population: the same text back, the same order
    as ISO text sorts, and "could be the same day" exactly where one text starts with the other."""
    texts = _iso_population()
    values = [When.parse(text) for text in texts]
    assert [str(value) for value in values] == texts
    assert [str(value) for value in sorted(values)] == sorted(texts)
    assert sorted(values, key=date_order) == sorted(values)
    rng = __import__("random").Random(3)
    for first, second in (rng.sample(list(zip(texts, values)), 2) for _ in range(3_000)):
        prefix = first[0].startswith(second[0]) or second[0].startswith(first[0])
        assert first[1].could_be(second[1]) == prefix, (first[0], second[0])
    assert day_numbers(When.parse("2016-06-08/2016-06-10")) == day_numbers("2016-06-08/2016-06-10") == (20160608, 20160608)
    assert day_numbers(When.parse("2016-02")) == (20160201, 20160229)


def test_an_unknown_date_is_none_and_comes_first_in_the_calendars_order():
    assert When.parsed_or_none(None) is None and When.parsed_or_none("7 Juni 2016") is None
    assert sorted([When.parse("2016"), None, When.parse("2015-01")], key=date_order) == [
        None, When.parse("2015-01"), When.parse("2016")]


@pytest.mark.parametrize("text", ["2016-02-30", "2016-13", "16-06-08", "2016-06-10/2016-06-08", "2016-06/2016-06-09",
                                  "٢٠١٦", ""])
def test_text_that_names_no_date_is_refused(text):
    with pytest.raises(ValueError):
        When.parse(text)


def test_a_year_or_month_steps_across_the_years_end():
    assert str(When.parse("2016-01").step(-1)) == "2015-12" and str(When.parse("2016-12").step(1)) == "2017-01"
    assert str(When.parse("2016").step(-1)) == "2015"
    with pytest.raises(ValueError):
        When.parse("2016-06-08").step(1)


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))

"""Event dates as a text gives them: stated, resolved against the article's date, or inferred from
the day of the week; never guessed (issue 18, part 1: the grammar the register and claims will use).

    .venv/bin/python -m tests.test_event_dates     # the relative dates, read here and by dateparser
"""

import pytest

from rag.text.event_dates import DateBasis, event_dates

PUBLISHED = "2016-11-17"  # a Thursday
# (text, the date it gives counted from PUBLISHED): Indonesian and English, as news writes them.
RELATIVE = [
    ("kemarin", "2016-11-16"), ("yesterday", "2016-11-16"),
    ("hari ini", "2016-11-17"), ("today", "2016-11-17"),
    ("besok", "2016-11-18"), ("tomorrow", "2016-11-18"), ("lusa", "2016-11-19"),
    ("dua hari lalu", "2016-11-15"), ("3 hari yang lalu", "2016-11-14"), ("two days ago", "2016-11-15"),
    ("tiga hari lagi", "2016-11-20"), ("in 2 days", "2016-11-19"),
    ("Selasa lalu", "2016-11-15"), ("last Tuesday", "2016-11-15"),
    ("Jumat depan", "2016-11-18"), ("next Friday", "2016-11-18"),
    ("pekan depan", "2016-11-21/2016-11-27"), ("next week", "2016-11-21/2016-11-27"),
    ("minggu lalu", "2016-11-07/2016-11-13"), ("last week", "2016-11-07/2016-11-13"),
    ("bulan depan", "2016-12"), ("next month", "2016-12"),
    ("tahun lalu", "2015"), ("last year", "2015"),
]


@pytest.mark.parametrize(("text", "expected"), RELATIVE)
def test_a_relative_date_counts_from_the_articles_date_with_the_precision_it_names(text, expected):
    (found,) = event_dates(f"Kerja sama itu dibahas {text} di Balai Kota.", PUBLISHED)
    assert (found.text.lower(), str(found.date), found.basis) == (text.lower(), expected, DateBasis.RESOLVED)
    assert PUBLISHED in found.reason


def test_a_stated_date_is_checked_against_its_day_of_the_week():
    (right,) = event_dates("Bima Arya bertolak ke Kisarazu Rabu (16/11/2016) malam.")
    (wrong,) = event_dates("Bima Arya bertolak ke Kisarazu Kamis (16/11/2016) malam.")
    (english,) = event_dates("The letter was signed on Tuesday, 8 June 2016.")
    assert (str(right.date), right.basis, right.weekday_mismatch) == ("2016-11-16", DateBasis.STATED, False)
    assert wrong.weekday_mismatch and wrong.reason == "the text says Thursday, but 16 November 2016 was a Wednesday"
    assert english.weekday_mismatch and "8 June 2016 was a Wednesday" in english.reason


def test_a_year_left_out_is_had_from_the_article_or_the_weekday_and_never_guessed():
    text = "Penandatanganan surat dilakukan di Balaikota Seoul, Rabu 8 Juni pukul 14.00."
    assert event_dates(text) == []  # no article date, no other source's year: no date
    (inferred,) = event_dates(text, years=(2016, 2017))
    assert (str(inferred.date), inferred.basis) == ("2016-06-08", DateBasis.INFERRED)
    assert inferred.reason.startswith("year inferred: 8 June was a Wednesday in 2016")
    (resolved,) = event_dates(text, "2016-06-09")
    assert (str(resolved.date), resolved.basis, resolved.weekday_mismatch) == ("2016-06-08", DateBasis.RESOLVED, False)
    (slip,) = event_dates("Rapat digelar Jumat (21/7).", "2016-06-01")  # 21 July 2016 was a Thursday
    assert str(slip.date) == "2016-07-21" and slip.weekday_mismatch  # the nearest year stays; the slip is said
    (december,) = event_dates("MoU diteken pada 12 Desember.", "2017-01-05")
    assert str(december.date) == "2016-12-12" and "year from the article's date" in december.reason


def test_ranges_wire_weekdays_and_dates_without_an_article_date():
    (forum,) = event_dates("Forum pada 7-10 Juni 2016 di Seoul.")
    assert (str(forum.date), forum.basis) == ("2016-06-07/2016-06-10", DateBasis.STATED)
    (thursday,) = event_dates("Forum di Manila, Filipina, Kamis, sekaligus menandatangani kerja sama.", "2017-11-24")
    assert str(thursday.date) == "2017-11-23" and "the last Thursday up to" in thursday.reason
    assert event_dates("Kerja sama itu dibahas kemarin.") == []  # counted from nothing: not read


def main() -> None:
    import datetime

    import dateparser

    base = datetime.datetime.fromisoformat(PUBLISHED)
    right = {"grammar": 0, "dateparser": 0}
    for text, expected in RELATIVE:
        found = event_dates(f"Kerja sama itu dibahas {text} di Balai Kota.", PUBLISHED)
        ours = str(found[0].date) if found else None
        parsed = dateparser.parse(text, languages=["id", "en"], settings={"RELATIVE_BASE": base})
        theirs = parsed.date().isoformat() if parsed else None
        right["grammar"] += ours == expected
        right["dateparser"] += theirs == expected
        print(f"{text:18} expected {expected:23} grammar {ours or '-':23} dateparser {theirs or '-'}")
    print(f"right of {len(RELATIVE)}: grammar {right['grammar']}, dateparser {right['dateparser']}")


if __name__ == "__main__":
    main()

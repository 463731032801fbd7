"""The calendar's words in Indonesian and English: month names, their short forms, weekdays.

Every module that reads a date takes its words from here, so "6 Okt 2016" is a date to all of them
or to none.
"""

from __future__ import annotations

MONTHS_ID = (
    "januari", "februari", "maret", "april", "mei", "juni",
    "juli", "agustus", "september", "oktober", "november", "desember",
)
MONTHS_EN = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)
# Short forms newsrooms print in datelines and tables ("6 Okt 2016", "12 Des", "3 Aug 2024").
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11, "des": 12, "dec": 12,
}
FULL_MONTH_NUMBER = {name: i + 1 for names in (MONTHS_ID, MONTHS_EN) for i, name in enumerate(names)}
# Lower-case month word, full or short, to its number.
MONTH_NUMBER = {**FULL_MONTH_NUMBER, **MONTH_ABBREVIATIONS}
WEEKDAYS_ID = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu")
WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def alternation(words) -> str:
    """A regex alternation of `words`, longest first, so "juni" is never read as "jun" + "i"."""
    return "|".join(sorted(set(words), key=len, reverse=True))


# A month word, full or short: only where a day or year next to it makes it a date.
MONTH = alternation(MONTH_NUMBER)
# A month's full name: alone, a short form ("Mar", "Des") is too often a name.
FULL_MONTH = alternation(FULL_MONTH_NUMBER)
WEEKDAY = alternation(WEEKDAYS_ID + WEEKDAYS_EN)

"""Dates in Indonesian and English: the calendar's words and one grammar that reads them.

Every module that reads a date (metadata, the claim checker, the register, the answer kinds the
ranker weighs) takes its words and shapes from here, so "6 Okt 2016" is a date to all of them or
to none.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from enum import IntEnum

from rag.text.sentences import Span

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
WEEKDAY = alternation(WEEKDAYS_ID + WEEKDAYS_EN)


# The grammar ----------------------------------------------------------------------------------
# Calendar dates as Indonesian and English news print them, all read into one shape. Measured
# against dateparser on the dates of the corpus and the tests (docs/developers/choices.md): dateparser reads
# single dates, but no ranges ("7-10 Juni 2016"), and fills a missing year with today's, where a
# missing year must stay missing (the article's own date supplies it). Relative dates ("kemarin",
# "Selasa lalu") are not read here.

YEAR_PATTERN = r"(?:1[5-9]|20)\d\d"
YEAR = re.compile(YEAR_PATTERN)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_TO = r"\s*(?:[-–]|s\.d\.|s/d|sampai|hingga|to|until)\s*"
_WEEKDAY = rf"(?:(?:{WEEKDAY}),?\s*)"
_MONTH_WORD = r"\b(?:\.(?=,?\s*\d))?"  # after a month: a short form's dot, where a number follows
_DATE_SHAPES = (
    # "Rabu (16/11/2016)", "(Rabu, 16/11/2016)", "(21/7)", "7/6/2016": day first, as Indonesian writes it; without a
    # year only in brackets, where news puts the day of the week's date (a bare "24/7" is a ratio).
    rf"\((?:{_WEEKDAY})?(?P<n_day>\d{{1,2}})/(?P<n_month>\d{{1,2}})(?:/(?P<n_year>{YEAR_PATTERN}))?\)"
    rf"|(?P<s_day>\d{{1,2}})/(?P<s_month>\d{{1,2}})/(?P<s_year>{YEAR_PATTERN})",
    # "Rabu 8 Juni", "7-10 Juni 2016", "7 hingga 10 Juni", "6 Okt 2016", "Wednesday, 8 June 2016"
    rf"(?:tanggal\s+)?(?P<d_first>{_DAY})(?:{_TO}(?P<d_last>{_DAY}))?\s+(?P<d_month>{MONTH}){_MONTH_WORD}"
    rf"(?:,?\s+(?P<d_year>{YEAR_PATTERN}))?",
    # "June 8, 2016", "Sept. 5-7, 2023", "April 2016", "Okt 2016"
    rf"(?P<e_month>{MONTH}){_MONTH_WORD}\s+(?:(?P<e_first>{_DAY})(?:{_TO}(?P<e_last>{_DAY}))?,?\s+)?(?P<e_year>{YEAR_PATTERN})",
)
# The pattern text, for modules whose own patterns take calendar dates in among others. A day of
# the week may open any of the shapes.
CALENDAR_DATE = rf"{_WEEKDAY}?(?:" + "|".join(f"(?:{shape})" for shape in _DATE_SHAPES) + ")"
_CALENDAR_DATE = re.compile(rf"(?<![\w/])(?:{CALENDAR_DATE})(?![\d/])", re.IGNORECASE)
# A year named as the time of something: "pada tahun 2016", "sejak 2017", "in 2016".
# A year given as the time of something, also as a part of it ("akhir 2024", "the end of 2024").
_CUED_YEAR = re.compile(rf"\b(?:periode|tahun|pada|sejak|since|in|akhir|awal|pertengahan|end of|early|late|mid-?)"
                        rf"\s?(?<=[\s-])(?P<year>{YEAR_PATTERN})\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention(Span):
    """A date a text states. What the text leaves out stays None: "Rabu 8 Juni" has no year."""

    text: str
    year: int | None
    month: int | None
    first_day: int | None = None
    last_day: int | None = None

    @property
    def value(self) -> tuple[int | None, int | None, int | None, int | None]:
        return self.first_day, self.last_day, self.month, self.year

    def iso(self, fallback_year: int | None = None) -> str | None:
        """YYYY-MM-DD, YYYY-MM or YYYY, as precise as the text; None without a year."""
        year = self.year or fallback_year
        if year is None:
            return None
        if self.month is None:
            return f"{year:04d}"
        if self.first_day is None:
            return f"{year:04d}-{self.month:02d}"
        return f"{year:04d}-{self.month:02d}-{self.first_day:02d}"


def find_dates(text: str, cued_years: bool = False) -> list[DateMention]:
    """Every calendar date `text` states, in order; with `cued_years`, also a year the text gives
    as the time of something ("pada tahun 2016"). An impossible date ("31/2") is no date."""
    found = [m for m in (_mention(match) for match in _CALENDAR_DATE.finditer(text)) if m is not None]
    if cued_years:
        taken = [(m.start, m.end) for m in found]
        for match in _CUED_YEAR.finditer(text):
            if not any(start <= match.start("year") < end for start, end in taken):
                found.append(DateMention(match.start("year"), match.end(), match.group("year"), int(match.group("year")), None))
        found.sort(key=lambda mention: mention.start)
    return found


def _mention(match: re.Match) -> DateMention | None:
    groups = {name: value for name, value in match.groupdict().items() if value is not None}
    shape = next(name[0] for name in groups)
    month_text = groups[f"{shape}_month"]
    month = int(month_text) if month_text.isdigit() else MONTH_NUMBER[month_text.lower()]
    day_key = "first" if f"{shape}_first" in groups else "day"
    first = _number(groups.get(f"{shape}_{day_key}"))
    last = _number(groups.get(f"{shape}_last")) or first
    year = _number(groups.get(f"{shape}_year"))
    # `last` is `first` where the text gives one day, so it is a day whenever `first` is.
    if not 1 <= month <= 12 or (first is not None and (last is None or not 1 <= first <= last <= 31)):
        return None
    if first is not None and last is not None and year is not None and not _exists(year, month, last):
        return None
    return DateMention(match.start(), match.end(), match.group(), year, month, first, last)


def _number(text: str | None) -> int | None:
    found = re.match(r"\d+", text) if text else None
    return int(found.group()) if found else None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def could_be_same_day(first: tuple, second: tuple) -> bool:
    """Can two dates (DateMention.value: first day, last day, month, year) name the same day? What a
    text leaves out is unknown, not different: "8 Juni" and "8 Juni 2016" can; "8/11/2022" and
    "9/11/2022" cannot; "7-10 Juni 2016" and "8 Juni" can."""
    first_day, last_day, month, year = first
    other_first, other_last, other_month, other_year = second
    if month is not None and other_month is not None and month != other_month:
        return False
    if year is not None and other_year is not None and year != other_year:
        return False
    if first_day is None or other_first is None:
        return True
    return first_day <= other_last and other_first <= last_day


_ISO_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")  # ASCII digits only: "٢٠١٦" is no date


def is_iso_date(value: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD, a day that exists (the form filters and stored dates take):
    a date When reads, not a run of days."""
    return "/" not in value and When.parsed_or_none(value) is not None


def iso_bounds(value: str) -> tuple[str, str]:
    """First and last day a (partial) date stands for, as comparable ISO strings."""
    when = When.parse(value)
    if when.is_span:
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    return when.first.isoformat(), when.last.isoformat()


def day_numbers(when: When | str | None) -> tuple[int, int]:
    """First and last day a date stands for (a run of days read by its start), as YYYYMMDD numbers;
    (0, 0) when it is no date. `Filters.covers` and the Milvus rows both read dates through it, so
    a filter run inside a database admits what it admits."""
    if isinstance(when, str):
        when = When.parsed_or_none(when.split("/")[0][:10])
    if when is None:
        return 0, 0
    last = when.first if when.is_span else when.last
    return _number_of(when.first), _number_of(last)


def _number_of(day: datetime.date) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


class Precision(IntEnum):
    YEAR = 1
    MONTH = 2
    DAY = 3


@dataclass(frozen=True, order=True)
class When:
    """When an event took place, as precisely as a text gives it: a year, a month, a day, or a run
    of days ("7-10 Juni 2016", a week). Written and read as ISO text (YYYY, YYYY-MM, YYYY-MM-DD,
    YYYY-MM-DD/YYYY-MM-DD); an unknown date is None, never a made-up one. Ordered as the calendar
    runs, a period before the finer dates it holds ("2016" < "2016-06" < "2016-06-08")."""

    first: datetime.date
    precision: Precision
    last: datetime.date  # the period's last day; a run of days' last day

    @classmethod
    def on(cls, day: datetime.date) -> When:
        return cls(day, Precision.DAY, day)

    @classmethod
    def running(cls, first: datetime.date, last: datetime.date) -> When:
        if last < first:
            raise ValueError(f"a run of days from {first} cannot end on {last}")
        return cls(first, Precision.DAY, last)

    @classmethod
    def in_month(cls, year: int, month: int) -> When:
        days = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), Precision.MONTH, datetime.date(year, month, days))

    @classmethod
    def in_year(cls, year: int) -> When:
        return cls(datetime.date(year, 1, 1), Precision.YEAR, datetime.date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> When:
        """The date ISO `text` names; ValueError if it names none (a day that does not exist included)."""
        start, _, end = text.partition("/")
        found = _ISO_DATE.match(start)
        if found is None:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD")
        year, month, day = (int(part) if part else None for part in found.groups())
        assert year is not None  # the pattern requires it
        if end:
            last = cls.parse(end)
            if month is None or day is None or last.precision is not Precision.DAY:
                raise ValueError(f"{text!r} is not a run of days")
            return cls.running(datetime.date(year, month, day), last.first)
        if month is None:
            return cls.in_year(year)
        if day is None:
            return cls.in_month(year, month)
        return cls.on(datetime.date(year, month, day))

    @classmethod
    def parsed_or_none(cls, text: str | None) -> When | None:
        """The date `text` names; None for no text, or text that names no date."""
        try:
            return cls.parse(text) if text else None
        except ValueError:
            return None

    def __str__(self) -> str:
        if self.precision is Precision.YEAR:
            return f"{self.first.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.first.year:04d}-{self.first.month:02d}"
        if self.is_span:
            return f"{self.first.isoformat()}/{self.last.isoformat()}"
        return self.first.isoformat()

    @property
    def year(self) -> int:
        return self.first.year

    @property
    def is_span(self) -> bool:
        return self.precision is Precision.DAY and self.last != self.first

    @property
    def is_day(self) -> bool:
        """One whole day: what two sources can disagree on."""
        return self.precision is Precision.DAY and not self.is_span

    @property
    def detail(self) -> int:
        """How much the text gave: a year 1, a month 2, a day 3, a run of days 4."""
        return int(self.precision) + self.is_span

    def step(self, by: int) -> When:
        """The year or month `by` years or months away ("bulan lalu" from June is May)."""
        if self.precision is Precision.YEAR:
            return When.in_year(self.year + by)
        if self.precision is Precision.MONTH:
            months = self.year * 12 + self.first.month - 1 + by
            return When.in_month(months // 12, months % 12 + 1)
        raise ValueError(f"{self} is not a year or a month")

    def could_be(self, other: When) -> bool:
        """Can both name the same event as their texts give them? One is the other, or the other at
        a finer precision ("2016-06" and "2016-06-08"); a run of days and its first day."""
        coarse, fine = sorted((self, other), key=lambda w: w.detail)
        if coarse.is_span:
            return coarse == fine
        return coarse.first <= fine.first <= coarse.last


def date_order(when: When | None) -> tuple[int, ...]:
    """A sort key in the calendar's order, an unknown date before every known one."""
    return () if when is None else (when.first.toordinal(), when.precision, when.last.toordinal())

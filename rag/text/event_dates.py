"""When an event happened, as a text gives it: stated, resolved against the article's date, or
inferred from the day of the week, and never a date no text gives.

News gives dates partly: "Rabu (16/11/2016)" is whole, "Rabu 8 Juni" has no year, "kemarin" and
"Selasa lalu" count from the day the article appeared, and a bare "Kamis" in a wire story is the
Thursday of the week it was filed. Each date read here says how it was had (`DateBasis`) and why,
so a fact-checker sees what the text says and what was worked out.

dateparser reads some of these against a base date, and was measured (`python -m tests.test_dates`):
it misses "Selasa lalu", "pekan depan", "lusa" and "dua hari lalu", and returns "tahun lalu" and
"next week" as single days where the text names a year or a week. So the few relative shapes news
uses are read here, with the precision the text gives.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum

from rag.text.dates import DateMention, When, find_dates

WEEKDAY_NUMBER = {name: i for names in (("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"),
                                        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
                  for i, name in enumerate(names)} | {"jum'at": 4}
WEEKDAY_NAMES = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
                 "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
_NUMBER_WORDS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
                 "sembilan": 9, "sepuluh": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_DAY_WORDS = {"hari ini": 0, "today": 0, "kemarin lusa": -2, "kemarin": -1, "yesterday": -1, "besok": 1,
              "tomorrow": 1, "lusa": 2}
_WEEKDAY = "|".join(sorted(WEEKDAY_NUMBER, key=len, reverse=True))
_COUNT = r"\d{1,2}|" + "|".join(_NUMBER_WORDS)
_BEFORE = r"(?:yang\s+)?lalu|sebelumnya|ago|earlier"
_AFTER = r"lagi|mendatang|kemudian|later|from\s+now"
_RELATIVE = re.compile(
    rf"\b(?:"
    rf"(?P<days_ago>{_COUNT})\s+(?:hari|days?)\s+(?:{_BEFORE})"
    rf"|(?P<days_ahead>{_COUNT})\s+(?:hari|days?)\s+(?:{_AFTER})"
    rf"|in\s+(?P<in_days>{_COUNT})\s+days?"
    rf"|(?P<day_word>{'|'.join(sorted(_DAY_WORDS, key=len, reverse=True))})"
    rf"|(?:hari\s+)?(?P<weekday_last>{_WEEKDAY})\s+(?:lalu|kemarin)|last\s+(?P<last_weekday>{_WEEKDAY})"
    rf"|(?:hari\s+)?(?P<weekday_next>{_WEEKDAY})\s+(?:depan|mendatang)|next\s+(?P<next_weekday>{_WEEKDAY})"
    rf"|(?P<unit_id>pekan|minggu|bulan|tahun)\s+(?P<direction_id>lalu|depan|mendatang|ini)"
    rf"|(?P<direction_en>last|next|this)\s+(?P<unit_en>week|month|year)"
    rf")\b",
    re.IGNORECASE,
)
# A day of the week on its own, as wire stories date their news ("…di Manila, Filipina, Kamis").
_BARE_WEEKDAY = re.compile(rf"(?:\bhari\s+|,\s*|\bon\s+|\bpada\s+)(?P<weekday>{_WEEKDAY})\b(?!\s*,?\s*\(?\d)",
                           re.IGNORECASE)
_UNITS = {"pekan": "week", "minggu": "week", "bulan": "month", "tahun": "year", "week": "week", "month": "month",
          "year": "year"}
_DIRECTIONS = {"lalu": -1, "last": -1, "depan": 1, "mendatang": 1, "next": 1, "ini": 0, "this": 0}


class DateBasis(StrEnum):
    """How a date was had, most certain first (callers rank by this order)."""

    STATED = "stated"  # the text gives the whole date
    RESOLVED = "resolved"  # counted from, or completed with, the article's own date
    INFERRED = "inferred"  # the year worked out from the day of the week (and other sources' years)


@dataclass(frozen=True)
class EventDate:
    """A date of an event as a text gives it (a year, a month, a day, or a run of days for a range
    or a week); `reason` says how it was resolved or inferred, or what does not fit (a day of the
    week that is not that date's)."""

    start: int
    end: int
    text: str
    date: When
    basis: DateBasis
    reason: str | None = None
    weekday_mismatch: bool = False


def event_dates(text: str, published: str | None = None, years: tuple[int, ...] = ()) -> list[EventDate]:
    """Every event date `text` gives, in order. `published`: the article's date (YYYY-MM-DD or
    shorter), which relative and year-less dates are counted from; `years`: years that other
    sources give for the same story, among which a year-less date with a day of the week is
    placed. A date that cannot be had this way is left out, never guessed."""
    base = _day(published)
    found = [d for d in (_on_the_calendar(m, text, base, published, years) for m in find_dates(text)) if d]
    taken = [(d.start, d.end) for d in found]
    if base is not None:
        for match in _RELATIVE.finditer(text):
            if not _overlaps(match.start(), match.end(), taken):
                found += _within_the_calendar(_relative, match, base, published)
        for match in _BARE_WEEKDAY.finditer(text):
            start, end = match.start("weekday"), match.end("weekday")
            if not _overlaps(start, end, taken + [(d.start, d.end) for d in found]):
                found += _within_the_calendar(_bare_weekday, match, base, published)
    return sorted(found, key=lambda d: d.start)


def _within_the_calendar(read, match: re.Match, base: datetime.date, published: str | None) -> list[EventDate]:
    """A relative date counted past the calendar's ends (from a date of 9999-12-31) is no date."""
    try:
        return [read(match, base, published)]
    except (OverflowError, ValueError):
        return []


def _on_the_calendar(mention: DateMention, text: str, base: datetime.date | None, published: str | None,
                     years: tuple[int, ...]) -> EventDate | None:
    """A day the calendar does not have ("30 Februari", its year taken from the article) is no date."""
    try:
        return _calendar(mention, text, base, published, years)
    except ValueError:
        return None


def _calendar(mention: DateMention, text: str, base: datetime.date | None, published: str | None,
              years: tuple[int, ...]) -> EventDate | None:
    weekday = _weekday_before(text, mention)
    if mention.year is not None:
        date = _interval(mention, mention.year)
        mismatch = _mismatch(mention, mention.year, weekday)
        return EventDate(mention.start, mention.end, mention.text, date, DateBasis.STATED, mismatch, bool(mismatch))
    if mention.first_day is None or mention.month is None:
        return None  # a month without a year: too loose to place
    if base is None:
        # No article date to complete it from: a day of the week places the year among those other
        # sources give for the story, if exactly one fits.
        placed = place_year(mention.first_day, mention.month, weekday, years) if weekday is not None else None
        if placed is None:
            return None
        year, said = placed
        return EventDate(mention.start, mention.end, mention.text, _interval(mention, year), DateBasis.INFERRED,
                         f"year inferred: {said}, a year other sources give for this story "
                         f"({', '.join(map(str, sorted(set(years))))})")
    year = _nearest_year(base, mention.month, mention.first_day)
    mismatch = _mismatch(mention, year, weekday)
    reason = f"year from the article's date ({published})" + (f"; {mismatch}" if mismatch else "")
    return EventDate(mention.start, mention.end, mention.text, _interval(mention, year), DateBasis.RESOLVED, reason,
                     bool(mismatch))


def place_year(day: int, month: int, weekday: int, years) -> tuple[int, str] | None:
    """The one year among `years` in which day and month fall on `weekday`, and the sentence that
    says so ("8 June was a Wednesday in 2016"); None when no year or more than one fits."""
    fitting = sorted({y for y in years if _weekday_of(y, month, day) == weekday})
    if len(fitting) != 1:
        return None
    return fitting[0], f"{day} {MONTH_NAMES_EN[month - 1]} was a {WEEKDAY_NAMES['en'][weekday]} in {fitting[0]}"


def weekday_given(text: str, mention: DateMention) -> int | None:
    """The day of the week a date is given with (Monday 0), if any."""
    return _weekday_before(text, mention)


def _relative(match: re.Match, base: datetime.date, published: str | None) -> EventDate:
    groups = {k: v for k, v in match.groupdict().items() if v}
    said = f"'{match.group()}' counted from the article's date ({published})"
    if "days_ago" in groups or "days_ahead" in groups or "in_days" in groups:
        count = _count(groups.get("days_ago") or groups.get("days_ahead") or groups["in_days"])
        day = base + datetime.timedelta(days=-count if "days_ago" in groups else count)
        return _resolved(match, When.on(day), said)
    if "day_word" in groups:
        day = base + datetime.timedelta(days=_DAY_WORDS[" ".join(groups["day_word"].lower().split())])
        return _resolved(match, When.on(day), said)
    for key, direction in (("weekday_last", -1), ("last_weekday", -1), ("weekday_next", 1), ("next_weekday", 1)):
        if key in groups and groups[key].lower() == "minggu" and not match.group().lower().startswith("hari"):
            return _resolved(match, _period(base, "week", direction), said)  # "minggu lalu": last week, not Sunday
        if key in groups:
            return _resolved(match, When.on(_weekday_from(base, WEEKDAY_NUMBER[groups[key].lower()], direction)), said)
    unit = _UNITS[(groups.get("unit_id") or groups["unit_en"]).lower()]
    direction = _DIRECTIONS[(groups.get("direction_id") or groups["direction_en"]).lower()]
    return _resolved(match, _period(base, unit, direction), said)


def _bare_weekday(match: re.Match, base: datetime.date, published: str | None) -> EventDate:
    weekday = WEEKDAY_NUMBER[match.group("weekday").lower()]
    day = _weekday_from(base, weekday, -1, including_base=True)
    return EventDate(match.start("weekday"), match.end("weekday"), match.group("weekday"), When.on(day),
                     DateBasis.RESOLVED,
                     f"'{match.group('weekday')}': the last {WEEKDAY_NAMES['en'][weekday]} up to the article's date ({published})")


def _resolved(match: re.Match, date: When, reason: str) -> EventDate:
    return EventDate(match.start(), match.end(), match.group(), date, DateBasis.RESOLVED, reason)


def _weekday_before(text: str, mention: DateMention) -> int | None:
    """The day of the week a date is given with: inside it ("Rabu 8 Juni", "(Rabu, 16/11/2016)")
    or just before it ("Rabu (16/11/2016)")."""
    window = text[max(0, mention.start - 12): mention.end]
    found = re.findall(rf"\b({_WEEKDAY})\b", window, re.IGNORECASE)
    return WEEKDAY_NUMBER[found[-1].lower()] if found else None


def _mismatch(mention: DateMention, year: int, weekday: int | None) -> str | None:
    if weekday is None or mention.first_day is None or mention.month is None or mention.first_day != mention.last_day:
        return None
    actual = _weekday_of(year, mention.month, mention.first_day)
    if actual is None or actual == weekday:
        return None
    return (f"the text says {WEEKDAY_NAMES['en'][weekday]}, but {mention.first_day} "
            f"{MONTH_NAMES_EN[mention.month - 1]} {year} was a {WEEKDAY_NAMES['en'][actual]}")


def _interval(mention: DateMention, year: int) -> When:
    if mention.month is None:
        return When.in_year(year)
    if mention.first_day is None:
        return When.in_month(year, mention.month)
    first = datetime.date(year, mention.month, mention.first_day)
    return When.running(first, first.replace(day=mention.last_day or mention.first_day))


def _nearest_year(base: datetime.date, month: int, day: int) -> int:
    """The year that puts day and month nearest the article's date: news reports the recent past
    and the near future, so "12 Desember" in a January article is last December."""
    def distance(year):
        try:
            return abs((datetime.date(year, month, day) - base).days)
        except ValueError:
            return 10**6
    return min((base.year - 1, base.year, base.year + 1), key=distance)


def _weekday_of(year: int, month: int, day: int) -> int | None:
    try:
        return datetime.date(year, month, day).weekday()
    except ValueError:
        return None


def _weekday_from(base: datetime.date, weekday: int, direction: int, including_base: bool = False) -> datetime.date:
    """The nearest such weekday before (direction -1) or after (+1) the base day."""
    step = datetime.timedelta(days=direction)
    day = base if including_base else base + step
    while day.weekday() != weekday:
        day += step
    return day


def _period(base: datetime.date, unit: str, direction: int) -> When:
    if unit == "year":
        return When.in_year(base.year).step(direction)
    if unit == "month":
        return When.in_month(base.year, base.month).step(direction)
    monday = base - datetime.timedelta(days=base.weekday()) + datetime.timedelta(weeks=direction)
    return When.running(monday, monday + datetime.timedelta(days=6))


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


def _day(published: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(published[:10]) if published and len(published) >= 10 else None
    except ValueError:
        return None


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)

"""Time in the question: "pada 2016", "sebelum 2017", "antara 2016 dan 2018", "sejak Juni 2016",
"tahun lalu", "terbaru", and their English forms, read into date filters and a "latest" order.

The words are those Indonesian and English use for time (prepositions of time, the relative
periods, the words for newest), not any question's. Relative periods count from today, which the
answer shows. The filters admit an article by the date of an event it states (the register's
stages) or, where it states none, by its publication date (rag.search.filters.Filters.on_events).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace

from rag.search.filters import Filters
from rag.text.dates import MONTH, MONTH_NUMBER, YEAR_PATTERN, When

_WHEN = rf"(?:(?P<{{name}}_month>{MONTH})\.?\s+)?(?P<{{name}}_year>{YEAR_PATTERN})"


def _when(name: str) -> str:
    return _WHEN.replace("{name}", name)


_BETWEEN = re.compile(rf"\b(?:antara|between|dari|from)\s+{_when('a')}\s*(?:dan|and|sampai|hingga|to|until|[-–])\s*"
                      rf"{_when('b')}\b", re.I)
_BEFORE = re.compile(rf"\b(?:sebelum|before|prior to)\s+(?:tahun\s+)?{_when('a')}\b", re.I)
_UNTIL = re.compile(rf"\b(?:sampai|hingga|until|up to|through)\s+(?:tahun\s+)?{_when('a')}\b", re.I)
_AFTER = re.compile(rf"\b(?:sesudah|setelah|selepas|after)\s+(?:tahun\s+)?{_when('a')}\b", re.I)
_SINCE = re.compile(rf"\b(?:sejak|semenjak|since|from)\s+(?:tahun\s+)?{_when('a')}\b", re.I)
_AT = re.compile(rf"(?<![\w/-]){_when('a')}(?![\w/-])", re.I)
_RELATIVE = re.compile(r"\b(?P<unit>tahun|bulan)\s+(?P<which>lalu|kemarin|ini)\b|"
                       r"\b(?P<which_en>last|this|past)\s+(?P<unit_en>year|month)\b", re.I)
# "kabar / berita / perkembangan terbaru", "latest news / developments": the whole phrase is the order.
_LATEST = re.compile(r"\b(?:(?:kabar|berita|perkembangan|informasi)\s+)?(?:terbaru|terkini|paling baru|paling akhir)\b|"
                     r"\b(?:latest|most recent|newest)(?:\s+(?:news|developments?|updates?))?\b", re.I)


@dataclass(frozen=True)
class InferredTime:
    """What the question says of time: bounds (YYYY or YYYY-MM, inclusive), or "latest first"."""

    since: str | None
    until: str | None
    latest: bool
    words: str  # the question's words it was read from
    today: str

    def filters(self, given: Filters | None) -> Filters:
        """The question's bounds on event or publication dates; bounds set by hand win."""
        given = given or Filters()
        if given.since or given.until or not (self.since or self.until):
            return given
        return replace(given, since=self.since, until=self.until, on_events=True)

    def to_json(self) -> dict:
        return {"since": self.since, "until": self.until, "latest": self.latest, "words": self.words,
                "today": self.today, "dates": "event, else publication"}

    def said(self) -> str:
        bounds = [f"since {self.since}" if self.since else "", f"until {self.until}" if self.until else "",
                  "latest first" if self.latest else ""]
        return f"{', '.join(b for b in bounds if b)} (from \u201c{self.words}\u201d; today is {self.today})"


def infer_time(question: str, today: datetime.date) -> InferredTime | None:
    """The time the question names, or None. The first reading that fits wins: a range, then
    before / until / after / since, then a relative period, then a bare year or month."""
    latest = _LATEST.search(question)
    for pattern, bounds in ((_BETWEEN, _between), (_BEFORE, _before), (_UNTIL, _until), (_AFTER, _after),
                            (_SINCE, _since)):
        match = pattern.search(question)
        if match:
            since, until = bounds(match)
            return InferredTime(since, until, bool(latest), match.group().strip(), today.isoformat())
    relative = _RELATIVE.search(question)
    if relative:
        period = _relative(relative, today)
        return InferredTime(period, period, bool(latest), relative.group(), today.isoformat())
    match = _AT.search(question)
    if match:
        period = _period(match, "a")
        return InferredTime(period, period, bool(latest), match.group(), today.isoformat())
    if latest:
        return InferredTime(None, None, True, latest.group(), today.isoformat())
    return None


def without_latest(question: str) -> str:
    """The question searched without its word for "latest": "terbaru" is an order, not a topic."""
    return " ".join(_LATEST.sub(" ", question).split())


def _period(match: re.Match, name: str) -> str:
    year, month = match.group(f"{name}_year"), match.group(f"{name}_month")
    return f"{year}-{MONTH_NUMBER[month.lower()]:02d}" if month else year


def _between(match: re.Match) -> tuple[str, str]:
    return _period(match, "a"), _period(match, "b")


def _before(match: re.Match) -> tuple[None, str]:
    """The last period before the one named: "sebelum 2017" is up to 2016, "before June 2016" up to May."""
    return None, _step(_period(match, "a"), -1)


def _until(match: re.Match) -> tuple[None, str]:
    return None, _period(match, "a")


def _after(match: re.Match) -> tuple[str, None]:
    return _step(_period(match, "a"), +1), None


def _since(match: re.Match) -> tuple[str, None]:
    return _period(match, "a"), None


def _step(period: str, by: int) -> str:
    return str(When.parse(period).step(by))


def _relative(match: re.Match, today: datetime.date) -> str:
    unit = (match.group("unit") or match.group("unit_en")).lower()
    which = (match.group("which") or match.group("which_en")).lower()
    back = which in ("lalu", "kemarin", "last", "past")
    if unit in ("tahun", "year"):
        return str(today.year - back)
    return str(When.in_month(today.year, today.month).step(-back))

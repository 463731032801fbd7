"""Restricting retrieval to articles by date range, outlet or id."""

from __future__ import annotations

from dataclasses import dataclass

from rag.errors import FilterError, RagError
from rag.limits import checked_values
from rag.text.dates import When, day_numbers, is_iso_date, iso_bounds


@dataclass(frozen=True)
class Filters:
    """`since`/`until` are YYYY, YYYY-MM or YYYY-MM-DD, inclusive. Outlets match case-insensitively
    as substrings ("antara" matches "ANTARA News Bali"). An article whose date is unknown is left
    out when a date bound is set: a fact-checker asking for 2016 must not get an undated article."""

    since: str | None = None
    until: str | None = None
    outlets: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    # Dates of events too: an article is admitted by an event it states in the range (the
    # register's stages), not only by its publication date; and one with no date at all is kept,
    # its time unknown. Set for time read from a question, which may be about what a text tells
    # rather than when it appeared; bounds set by hand stay strict.
    on_events: bool = False
    # Articles left out whatever else admits them. Not a reader's filter: `rag eval
    # --without-answers` asks each question again with the articles that hold its answer left out,
    # where the right reply is no answer (unsure, or "not in the corpus").
    excluded: frozenset[str] = frozenset()

    def __post_init__(self):
        checked_values(self.outlets, "outlet")
        checked_values(self.article_ids, "article")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise RagError(f"--{name} must be text (YYYY, YYYY-MM or YYYY-MM-DD), not {type(value).__name__}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not is_iso_date(value):
                raise FilterError(f"--{name} {value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD", name, value)
        if self.since and self.until and iso_bounds(self.since)[0] > iso_bounds(self.until)[1]:
            raise FilterError(f"--since {self.since} is after --until {self.until}: swap them", "since", self.since,
                              other=self.until)

    @classmethod
    def from_form(cls, since: str | None = None, until: str | None = None, outlets=None) -> Filters:
        """Filters as typed into a form or an API call, where a blank field means no bound."""
        def bound(value: str | None) -> str | None:
            return value.strip() or None if isinstance(value, str) else value

        return cls(since=bound(since), until=bound(until), outlets=checked_values(outlets, "outlet"))

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.outlets or self.article_ids or self.excluded)

    def admits(self, article_id: str, outlet: str | None, published: str | None, events: tuple[When, ...] = ()) -> bool:
        """`events`: dates of the events the article states, read when `on_events`."""
        if self.article_ids and article_id not in self.article_ids or article_id in self.excluded:
            return False
        if self.outlets and not (outlet and any(o.casefold() in outlet.casefold() for o in self.outlets)):
            return False
        if self.since or self.until:
            if self.on_events and not published and not events:
                return True  # a time read from a question cannot place an article nothing dates
            dates = (published, *events) if self.on_events else (published,)
            return any(self.covers(d) for d in dates)
        return True

    def covers(self, when: When | str | None) -> bool:
        """Does the date (an event's, or an article's as text: YYYY, YYYY-MM, YYYY-MM-DD) fall within the bounds?"""
        first, last = day_numbers(when)
        if not first:
            return False
        return not (self.since and last < day_numbers(self.since)[0]) and not (self.until and first > day_numbers(self.until)[1])

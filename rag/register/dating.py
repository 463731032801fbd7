"""When a sentence says a partnership's step took place: its own date, or its neighbour's where
that one speaks of the same step, and never the date a quote was said, the article's own date,
or a date of when something lasting began for another sentence's step."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.register.words import COOPERATION, status_of
from rag.text.dates import When, find_dates
from rag.text.event_dates import DateBasis, event_dates, weekday_given
from rag.text.forms import steps_in


@dataclass(frozen=True)
class Event:
    """A sentence's date of the event: had (date, basis, reason) or waiting for a year (undated)."""

    date: When | None
    basis: str | None
    reason: str | None
    undated: tuple[int, int, int] | None = None
    text: str = ""
    # Given as when something lasting began ("sejak April 2016", "since the partnership began in
    # 2005"): the date of the sentence's own step, never of a step another sentence names.
    since: bool = False

    def elsewhere(self) -> Event:
        """The same date, for a sentence of the article that gives none of its own."""
        said = f"the article gives the date elsewhere ('{self.text}')"
        return Event(self.date, self.basis, f"{said}; {self.reason}" if self.reason else said, self.undated, self.text)


# A date after the verb that attributes a quote ("…," ujarnya, Selasa (7/6/2016); "Mr X said on
# Tuesday") is when it was said, the news convention for dating a statement, not when the step was.
_SAID_ON = re.compile(r"\b(?:ujar|kata|ucap|tutur|jelas|terang|ungkap|papar|sebut|tegas|imbuh|tambah)(?:nya)?"
                      r"(?:\s+[A-Z][\w.'-]*){0,4}(?:\s+(?:di|in)\s+[A-Z][\w-]*)?,?\s*$|\bsaid(?:\s+on)?\s*$")


def sentence_event(text: str, article_date: str | None) -> Event | None:
    """The most precise date the sentence gives for an event: a day before a month before a year,
    a stated date before a resolved one. A year-less date with a day of the week, in an article with
    no date, waits for the register to place its year; a date the text does not give is None."""
    found = [d for d in event_dates(text, article_date) if not _SAID_ON.search(text[:d.start])]
    if found:
        best = min(found, key=lambda d: (-d.date.precision, list(DateBasis).index(d.basis), d.start))
        return Event(best.date, str(best.basis), best.reason, text=best.text, since=_began(text, best.start))
    mentions = find_dates(text, cued_years=True)
    for mention in mentions:
        weekday = weekday_given(text, mention)
        if mention.year is None and mention.first_day is not None and mention.month is not None and weekday is not None:
            return Event(None, None, None, (mention.first_day, mention.month, weekday), mention.text,
                          since=_began(text, mention.start))
    cued = [(m, m.year) for m in mentions if m.year is not None and m.month is None]
    if not cued:
        return None
    mention, year = cued[0]
    return Event(When.in_year(year), str(DateBasis.STATED), None, text=mention.text, since=_began(text, mention.start))


_BEGAN = re.compile(r"\b(?:sejak|semenjak|dimulai|berawal|bermula|since|began|begun|started)\b(?:\s+\S+){0,3}\s*$", re.I)


def _began(text: str, start: int) -> bool:
    return _BEGAN.search(text[:start]) is not None


def neighbouring_events(texts: list[str], article_date: str | None) -> list[Event | None]:
    """For each sentence, the date the sentence just after it (else just before) gives, where that
    one speaks of cooperation or of a step, and of the same step if it names one: "…ditandatanganinya
    surat pernyataan minat." "Penandatanganan surat dilakukan … Rabu 8 Juni." Never further away,
    never another step's date (the membership "sejak April 2016" is not the date of the agreement
    planned in the next sentence), and never the article's own date: when a story appeared is not
    when the event took place."""
    events = [sentence_event(t, article_date) if COOPERATION.search(t) or status_of(t) else None for t in texts]
    steps = [steps_in(t) for t in texts]

    def usable(i: int, j: int) -> Event | None:
        if not 0 <= j < len(texts) or (steps[i] and steps[j] and not steps[i] & steps[j]):
            return None
        event = events[j]
        return event if event is None or not event.since else None

    return [usable(i, i + 1) or usable(i, i - 1) for i in range(len(texts))]

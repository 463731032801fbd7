"""Title, outlet and publication date of an article, from front matter or from the text itself.

Front matter always wins. Without it we take only what the text states: an outlet from the
dateline or the copyright line, a date from a date line, from the lead's "(7/6/2016)" or, failing
that, the copyright year; a title from a heading or the first sentence. What cannot be found
stays empty: a guessed date would mislead a fact-checker more than a missing one.
"""

from __future__ import annotations

import re

from rag.ingest.cleaning import CleanedText, removed_lines
from rag.text.dates import DateMention, find_dates
from rag.text.sentences import split_sentences

TITLE_MAX_CHARS = 120

_BRACKETED = re.compile(r"\([^()\n]{3,40}\)")
_COPYRIGHT = re.compile(r"(?:copyright|hak cipta)?\s*©?\s*(?P<owner>.*?)\s*(?P<year>(19|20)\d{2})?\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+")


def derive_outlet(text: str, cleaned: CleanedText) -> str | None:
    if cleaned.dateline:
        return cleaned.dateline.outlet
    for line in removed_lines(text, cleaned, "copyright"):
        found = _COPYRIGHT.match(re.sub(r"(?i)^(copyright|hak cipta)\s*", "", line))
        owner = found.group("owner").strip(" ©.,") if found else ""
        if owner:
            return owner
    return None


def derive_date(text: str, cleaned: CleanedText) -> str | None:
    """ISO date (YYYY-MM-DD), or just the year (YYYY) when that is all the text gives."""
    for line in removed_lines(text, cleaned, "date line"):
        if found := _whole_date(find_dates(line)):
            return found
    for block in cleaned.blocks[:3]:
        # The lead's "(7/6/2016)", "Selasa (7/6/2016)" or "(Rabu, 16/11/2016)": the report's date,
        # in brackets. Only what stands in brackets is read (the whole lead took 0.2 ms an article).
        for bracket in _BRACKETED.finditer(text, block.start, block.end):
            if found := _whole_date(find_dates(bracket.group())):
                return found
    for line in removed_lines(text, cleaned, "copyright"):
        year = re.search(r"\b(19|20)\d{2}\b", line)
        if year:
            return year.group()
    return None


def derive_title(text: str, cleaned: CleanedText) -> str | None:
    """A heading line opening the body, else the first sentence, shortened at a word."""
    if not cleaned.blocks:
        return None
    first = cleaned.blocks[0]
    line = text[first.start:first.end]
    if _HEADING.match(line) or _looks_like_heading(line):
        return _HEADING.sub("", line).strip()
    sentences = split_sentences(text, first.start, first.end)
    sentence = text[sentences[0].start:sentences[0].end] if sentences else line
    return _shorten(sentence.strip())


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 16 and len(line) <= TITLE_MAX_CHARS and line.rstrip()[-1] not in ".!?:;,\"”"


def _shorten(sentence: str) -> str:
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    cut = sentence[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def _whole_date(mentions: list[DateMention]) -> str | None:
    """The first date with day, month and year, as YYYY-MM-DD."""
    return next((m.iso() for m in mentions if m.year and m.first_day), None)

"""Separating an article's own words from site furniture, without moving a character.

News pages copied from the web carry breadcrumbs, "Baca juga" links, share prompts, copyright and
credit lines, and sometimes the whole text twice. None of it belongs in the index, yet citations
must point into the original file. So nothing is rewritten: cleaning returns the spans of the
original text that are content (`Block`s), grouped into runs with nothing removed between them
(`sections`, which chunks never cross), plus what was removed and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text.dates import CALENDAR_DATE
from rag.text.sentences import Span

# Each rule: (reason, pattern matched against a stripped line, case-insensitive).
_FURNITURE_LINES = (
    # A trail of links has no sentence in it: a line that starts like one and runs on into the
    # article (a text pasted as one line) is content.
    ("breadcrumb", r"^(beranda|home|index|indeks|berita|news)\s*(>|›|»|/)[^.!?]{0,200}$"),
    ("breadcrumb", r"^[^.!?]{0,120}\s(>|›|»)\s*$"),
    ("share prompt", r"^cek berita dan artikel( yang)? lain(nya)? di\b.*$"),
    ("share prompt", r"^(google news|ikuti kami di google news|follow us on google news)$"),
    ("related link", r"^(baca juga|baca pula|lihat juga|simak juga|read also|also read)\s*:"),
    ("copyright", r"^(copyright|hak cipta)\b"),
    ("copyright", r"^©"),
    ("credit", r"^(pewarta|editor|reporter|penulis|redaktur|fotografer|foto|penerjemah|wartawan|"
               r"kontributor|sumber|writer|author|photo)\s*:"),
    ("credit", r"^\((\*/)?[\w\-./ ]{1,30}\)$"),
    ("date line", rf"^(?:{CALENDAR_DATE})(\s*[,|-]?\s*\d{{1,2}}[:.]\d{{2}}(\s*\w{{3,4}})?)?$"),
)
_FURNITURE_RES = tuple((reason, re.compile(pattern, re.IGNORECASE)) for reason, pattern in _FURNITURE_LINES)

# Datelines that open the first paragraph: "Bisnis.com, BOGOR -", "medcom.id, Bogor:",
# "Bogor (Antara Megapolitan) -", "JAKARTA, KOMPAS.com -".
_DATELINES = (
    re.compile(r"^(?P<outlet>[A-Za-z][\w\-]*(\.[A-Za-z]{2,})+)\s*,\s*(?P<place>[A-Z][\w .]{1,40}?)\s*(-|–|—|:)\s+"),
    re.compile(r"^(?P<place>[A-Z][\w .]{1,40}?)\s*,\s*(?P<outlet>[A-Za-z][\w\-]*(\.[A-Za-z]{2,})+)\s*(-|–|—|:)\s+"),
    re.compile(r"^(?P<place>[A-Z][\w .]{1,40}?)\s*\((?P<outlet>[A-Z][^()]{1,60})\)\s*(-|–|—|:)\s+"),
)

# A credit glued to the end of the last paragraph: '… Kisarazu. (*/Kerjasama-eto)', '… (UWA)'.
_TRAILING_CREDIT = re.compile(r"(?<=[.!?\"”])\s*\((\*/)?[\w\-./]{1,30}\)\s*$")


@dataclass(frozen=True)
class Removed(Span):
    """Text left out of the index, and why ("breadcrumb", "credit", "repeated text", ...)."""

    reason: str


@dataclass(frozen=True)
class Dateline:
    outlet: str
    place: str


@dataclass(frozen=True)
class CleanedText:
    """Content spans of an article's original text, and what was left out."""

    blocks: tuple[Span, ...]
    sections: tuple[tuple[Span, ...], ...]
    removed: tuple[Removed, ...] = field(default=())
    dateline: Dateline | None = None


def clean(text: str, body_start: int = 0, breaks: tuple[int, ...] = ()) -> CleanedText:
    """Find the content of `text[body_start:]`: every non-furniture line, each kept once.

    A section never runs across one of `breaks` (the page starts of a PDF), so a chunk, which
    stays inside a section, lies on one page and its citation can name that page.
    """
    pending_breaks = sorted(b for b in breaks if b > 0)
    blocks: list[Span] = []
    sections: list[list[Span]] = []
    removed: list[Removed] = []
    seen: set[str] = set()
    dateline: Dateline | None = None
    gap_has_removal = True

    for start, end in _lines(text, body_start):
        line = text[start:end]
        reason = _furniture_reason(line.strip())
        key = duplicate_key(line)
        if reason is None and key in seen:
            reason = "repeated text"
        if reason is not None:
            removed.append(Removed(start, end, reason))
            gap_has_removal = True
            continue
        seen.add(key)
        if not blocks:
            dateline, start = _strip_dateline(text, start, end, removed)
        block = Span(start, end)
        blocks.append(block)
        if pending_breaks and start >= pending_breaks[0]:
            while pending_breaks and start >= pending_breaks[0]:
                pending_breaks.pop(0)
            gap_has_removal = True
        if gap_has_removal or not sections:
            sections.append([])
        sections[-1].append(block)
        gap_has_removal = False

    if blocks:
        _strip_trailing_credit(text, blocks, sections, removed)
    return CleanedText(
        blocks=tuple(blocks),
        sections=tuple(tuple(section) for section in sections),
        removed=tuple(removed),
        dateline=dateline,
    )


def removed_lines(text: str, cleaned: CleanedText, reason: str) -> list[str]:
    """The stripped text of every removed line with this reason (metadata hides in some)."""
    return [text[r.start:r.end].strip() for r in cleaned.removed if r.reason == reason]


def _lines(text: str, offset: int):
    """(start, end) of every line with visible text, trimmed of surrounding whitespace."""
    for match in re.finditer(r"[^\r\n]+", text[offset:]):
        start, end = offset + match.start(), offset + match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end


def _furniture_reason(line: str) -> str | None:
    for reason, pattern in _FURNITURE_RES:
        if pattern.search(line):
            return reason
    return None


def duplicate_key(text: str) -> str:
    """Texts with the same key are the same text, up to case, spacing and punctuation: "(1934 -
    2001)" and "(1934-2001)" match. A repeated line, a passage stored once for several articles
    and a file saved twice are all found by it."""
    return _NOT_WORD.sub("", text.casefold())


_NOT_WORD = re.compile(r"[\W_]+")


def _strip_dateline(text: str, start: int, end: int, removed: list[Removed]) -> tuple[Dateline | None, int]:
    for pattern in _DATELINES:
        match = pattern.match(text, start, end)
        if match:
            removed.append(Removed(start, match.end(), "dateline"))
            return Dateline(outlet=match.group("outlet").strip(), place=match.group("place").strip()), match.end()
    return None, start


def _strip_trailing_credit(text: str, blocks: list[Span], sections: list[list[Span]], removed: list[Removed]) -> None:
    last = blocks[-1]
    match = _TRAILING_CREDIT.search(text, last.start, last.end)
    if not match:
        return
    trimmed = Span(last.start, match.start())
    removed.append(Removed(match.start(), last.end, "credit"))
    blocks[-1] = trimmed
    sections[-1][-1] = trimmed

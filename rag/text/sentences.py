"""Sentence boundaries in Indonesian (and English) news text, as character spans.

A full stop ends a sentence only when the next word starts like a sentence: abbreviations common in
Indonesian news ("PT.", "Dr.", "No.", "Jl.") and initials ("A. Rahman") do not end one, nor do dots
inside numbers and dates ("14.00", "7/6/2016"), nor a quote followed by its speaker ('…," ujarnya').
The same rule serves the chunker (as a split pattern) and the answer step (as spans).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-case forms; matched case-insensitively, only when followed by a full stop.
ABBREVIATIONS = (
    "pt", "cv", "tbk", "dr", "drs", "dra", "ir", "prof", "h", "hj", "kh", "no", "nomor", "jl", "jln",
    "st", "sdr", "bpk", "ibu", "kab", "kec", "kel", "ds", "dll", "dsb", "dkk", "tsb", "yth", "hlm",
    "telp", "tel", "mr", "mrs", "ms", "jr", "sr", "vs", "inc", "ltd", "co", "corp", "no", "kol",
    "letjen", "mayjen", "brigjen", "jend", "kompol", "akbp", "ipda", "bripka", "u.p", "a.n", "s.h",
    "s.e", "m.si", "ph.d", "e.g", "i.e", "etc",
    # Short months, as English and Indonesian news write dates ("Oct. 12, 2023", "12 Agt. 2023").
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "agu", "agt", "sep", "sept", "oct", "okt", "nov", "dec", "des",
)

_ABBREVIATION_GUARDS = "".join(
    rf"(?<!\b(?i:{re.escape(word)})\.)" for word in sorted(set(ABBREVIATIONS))
)

# A boundary: end punctuation (not after an abbreviation or a single capital initial), any closing
# quotes or brackets, whitespace, then something that can open a sentence. No capturing groups:
# langchain's splitter wraps separators in a group of its own.
SENTENCE_BOUNDARY = (
    r"(?<=[.!?…])"
    + _ABBREVIATION_GUARDS
    + r"(?<!\b[A-Z]\.)"
    + r"[\"”’')\]]*[ \t\u00a0]+(?=[\"“‘'(\[]?[A-Z0-9])"
)
_BOUNDARY_RE = re.compile(SENTENCE_BOUNDARY)
_CLOSERS = "\"”’')]"


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) in some text."""

    start: int
    end: int


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans of `text[start:end]`, in `text`'s coordinates, trimmed of whitespace.

    Line breaks always end a sentence: in news text every line is a paragraph or a heading.
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        line_start = start + line.start()
        line_text = line.group()
        cursor = 0
        for boundary in _BOUNDARY_RE.finditer(line_text):
            sentence_end = boundary.start() + _count_leading(boundary.group(), _CLOSERS)
            _append_trimmed(spans, text, line_start + cursor, line_start + sentence_end)
            cursor = boundary.end()
        _append_trimmed(spans, text, line_start + cursor, line_start + len(line_text))
    return spans


def _count_leading(value: str, characters: str) -> int:
    return len(value) - len(value.lstrip(characters))


def _append_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))

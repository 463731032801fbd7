"""Is a question English or Indonesian? Enough to answer in the asker's language."""

from __future__ import annotations

import re

_ENGLISH = frozenset(
    "the a an of and is are was were what which who whom whose when where why how did does do with "
    "for to in on at by from about this that these those has have had will would can could".split()
)
_INDONESIAN = frozenset(
    "yang dan di ke dari apa siapa kapan mana berapa bagaimana mengapa apakah dengan untuk pada "
    "ini itu adalah dalam oleh saja sejak kota".split()
)


def detect_language(text: str) -> str:
    """'en' or 'id'; Indonesian unless English function words clearly dominate."""
    words = re.findall(r"[a-z]+", text.lower())
    english = sum(w in _ENGLISH for w in words)
    indonesian = sum(w in _INDONESIAN for w in words)
    return "en" if english > indonesian else "id"

"""The names a sentence states: runs of capitalised words, without the words that name roles and
bodies ("Wali Kota", "Pemerintah") or months. What a claim or a question is about, by name."""

from __future__ import annotations

import functools
import re

from rag.text.dates import FULL_MONTH_NUMBER, WEEKDAYS_EN, WEEKDAYS_ID
from rag.text.forms import forms_in

_NAME = re.compile(r"\b[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*")
# Capitalised words that name roles and bodies, not who or where.
_TITLE_WORDS = frozenset(
    """kota kabupaten provinsi pemerintah pemkot pemkab wali walikota bupati gubernur menteri kementerian
    presiden kepala sekretaris jenderal direktur wakil ketua pernyataan minat surat kerja sama kerjasama
    forum program the of and dan di ke dari""".split()
)


# Nor are months and weekdays: they belong to a date ("Selasa (11/7)" and "Rabu (12/7)" are two
# dates of one signing, not two things the sentences are about).
_NOT_NAMES = _TITLE_WORDS | set(FULL_MONTH_NUMBER) | set(WEEKDAYS_ID) | set(WEEKDAYS_EN)


def names_in(text: str) -> list[tuple[str, ...]]:
    """Each name as its words; a sentence's first word is left out (capitalised anyway)."""
    names = []
    for match in _NAME.finditer(text):
        words = [w for w in match.group().split() if w.lower() not in _NOT_NAMES]
        if words and match.start() > 0:
            names.append(tuple(words))
    return names


def names_all_in(names: list[tuple[str, ...]], text: str) -> bool:
    """Whether `text` names every one of `names`; a name that is a partnership's form ("MoU") is
    named by any of that form's words ("nota kesepahaman", "memorandum of understanding")."""
    lowered, named_forms = text.lower(), forms_in(text)
    for name in names:
        joined = " ".join(name)
        as_form = forms_in(joined)
        if not (as_form <= named_forms if as_form else joined.lower() in lowered):
            return False
    return True


def parties_in(text: str, parties: frozenset[str]) -> frozenset[str]:
    """The parties (partners' names, as the register knows them) `text` names, each as a whole
    name: "Seoul" is not named by "Seoul National University", which is a party of its own."""
    pattern = _parties_pattern(parties)
    return frozenset(match.group() for match in pattern.finditer(text)) if pattern else frozenset()


@functools.lru_cache(maxsize=8)
def _parties_pattern(parties: frozenset[str]) -> re.Pattern | None:
    """One pattern for all the parties, longest names first, made once per register (every
    sentence of every answer is read with it)."""
    if not parties:
        return None
    names = "|".join(re.escape(p) for p in sorted(parties, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{names})(?!\w)")

"""The words a root makes, by the rules of each language's affixes, so that a list of the domain's
roots ("teken", "tanda tangan", "sign") reads every form a newsroom writes ("meneken", "diteken",
"menandatangani", "penandatanganan", "inked") without a list of forms written from articles.

Indonesian: the verb and noun affixes of Tata Bahasa Baku Bahasa Indonesia (meN-, di-, ter-, peN-…-an,
-an, -i, -kan, -nya), with meN-/peN- taking the shape the root's first sound asks for (meN- + teken
is "meneken": t, k, p and s are swallowed). English: the regular inflections (-s, -ed, -ing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_VOWELS = "aeiou"


def indonesian_forms(root: str) -> set[str]:
    """The affixed forms of an Indonesian root; a root of two words ("tanda tangan") is written as
    one word when affixed ("menandatangani") and as two when bare."""
    joined = root.replace(" ", "")
    forms = {root, joined}
    stems = {joined, joined + "i", joined + "kan"}
    for stem in stems:
        forms |= {stem, "di" + stem, "ter" + stem, _nasal("me", stem)}
    forms |= {_nasal("pe", joined), _nasal("pe", joined) + "an", joined + "an"}
    return forms | {form + "nya" for form in forms if " " not in form}


def _nasal(prefix: str, stem: str) -> str:
    """meN- or peN- before `stem`: "men" + "eken" for "teken", "mem" + "bangun", "meng" + "ajak"."""
    first = stem[0]
    if first in "lrmnwy":
        return prefix + stem
    if first in "bfv":
        return prefix + "m" + stem
    if first == "p":
        return prefix + "m" + stem[1:] if stem[1:2] in _VOWELS else prefix + "m" + stem
    if first in "cdjz":
        return prefix + "n" + stem
    if first == "t":
        return prefix + "n" + stem[1:] if stem[1:2] in _VOWELS else prefix + "n" + stem
    if first == "s":
        return prefix + "ny" + stem[1:] if stem[1:2] in _VOWELS else prefix + "n" + stem
    if first == "k":
        return prefix + "ng" + stem[1:] if stem[1:2] in _VOWELS else prefix + "ng" + stem
    return prefix + "ng" + stem  # vowels, g, h


def english_forms(root: str) -> set[str]:
    """The regular inflections of an English verb, without the bare root: a bare "sign" or "ink"
    is as often a noun ("call sign"), and "will sign" is a plan, read by its own words."""
    base = root[:-1] if root.endswith("e") else root
    return {root + "s", base + "ed", base + "ing"}


def words_pattern(words: Iterable[str]) -> str:
    """A regular expression alternation of `words`, longest first, each a whole word; a two-word
    form matches across any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=lambda w: (-len(w), w)))

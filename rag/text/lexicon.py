"""Words a question may use for the words of an article: English words' Indonesian translations
and loanwords' Indonesian spellings, each with a weight.

Learned from the language, not from questions (rag/devtools/lexicon.py builds it from the default
model's embeddings of two vocabularies and the loanword spelling rules; a judged random sample
chose which pairs to keep and gave each its weight, the precision of its score band). The
answer step counts a question's word as found in a sentence when the sentence uses the word or
one of its alternatives, in proportion to the alternative's weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon.tsv")


class Source(StrEnum):
    TRANSLATION = "translation"  # an English word and an Indonesian one, nearest to each other
    COGNATE = "cognate"  # an English word and its spelling as an Indonesian loanword


@dataclass(frozen=True)
class Alternative:
    word: str
    weight: float
    source: Source


@cache
def lexicon() -> dict[str, tuple[Alternative, ...]]:
    """English word → its Indonesian alternatives, best first. Read once a process (2,216 lines)."""
    entries: dict[str, list[Alternative]] = {}
    for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, alternative, weight, source = line.split("\t")
            entries.setdefault(word, []).append(Alternative(alternative, float(weight), Source(source)))
    return {word: tuple(sorted(found, key=lambda a: -a.weight)) for word, found in entries.items()}


def alternatives(word: str) -> tuple[Alternative, ...]:
    return lexicon().get(word, ())

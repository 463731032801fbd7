"""English → Indonesian vocabulary of news about local government and international cooperation.

The default embedding model reads English and Indonesian into one space, so retrieval finds an
Indonesian passage for an English question without help. The answer step, the abstention and the
claim checker still count the question's words in the sentences they weigh (rag/answers/extractive.py): an
English word is looked for through its Indonesian equivalents here, and the word and its
equivalents count as one concept. Measured on the cross-lingual development set (README), the
English questions' answer in answer falls from 0.79 to 0.54 without it. The list is general
vocabulary of the domain (offices, bodies, forms of cooperation, fields, countries; no names of
people or cities), meant to be extended as the corpus grows: it is the table in glossary.tsv.
"""

from __future__ import annotations

from pathlib import Path

# Phrases first: they are matched before their words.
GLOSSARY_FILE = Path(__file__).with_name("glossary.tsv")


def _read(path: Path) -> dict[str, tuple[str, ...]]:
    """English word or phrase → its Indonesian equivalents; none for a question phrase that only
    marks the kind of answer ("how many")."""
    entries: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, indonesian = line.split("\t")
            entries[english] = tuple(word for word in indonesian.split("|") if word)
    return entries


# Phrases first: they are matched before their words.
ENGLISH_TO_INDONESIAN = _read(GLOSSARY_FILE)

MAX_PHRASE_WORDS = max(len(p.split()) for p in ENGLISH_TO_INDONESIAN)

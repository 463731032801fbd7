"""Every sentence the product writes for a person to read, in Indonesian and English, in one place:
the table in messages.tsv, where each text stands beside its translation so neither is forgotten.

Indonesian is the default: a language without its own text reads Indonesian. The answers' own
words are quoted from the articles and never pass through here.
"""

from __future__ import annotations

from pathlib import Path

LANGUAGES = ("id", "en")
MESSAGES_FILE = Path(__file__).with_name("messages.tsv")
UI_LANGUAGES = {"Bahasa Indonesia": "id", "English": "en"}


def _read(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    """table → language → key → text."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            table, key, *texts = line.split("\t")
            for language, text in zip(LANGUAGES, texts, strict=True):
                tables.setdefault(table, {}).setdefault(language, {})[key] = text
    return tables


_TABLES = _read(MESSAGES_FILE)
# The app's labels, hints and status line.
UI = _TABLES["ui"]
# Source cards, the article view and the verdict badge.
CARDS = _TABLES["cards"]
# The answer as Markdown for a story, the register's summary before its quotes, an abstention,
# and why a language model's answer gave way to the quoted one.
ANSWERS = _TABLES["answers"]
# The dossier of an answer or a claim check (rag/dossier/files.py).
DOSSIER = _TABLES["dossier"]
# The register's column names and values (the JSON and CSV keep their field names).
REGISTER = _TABLES["register"]


def in_language(table: dict[str, dict[str, str]], language: str) -> dict[str, str]:
    """The table's texts for `language`, Indonesian when it has none."""
    return table.get(language, table["id"])

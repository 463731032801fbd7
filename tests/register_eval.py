"""The register measured against gold files of the records a careful reader writes
(rag/devtools/register_eval.py scores; docs/register.md has the format and the figures):

- the seeds (corpus/): tests/data/register-gold-seeds.jsonl;
- the articles written for the tests (tests/newsroom/articles.py): the development set the
  register's rules were written beside, and six articles written after those rules were frozen
  (held out).

    python -m tests.register_eval      prints the three tables
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rag.devtools.register_eval import RegisterReport, read_register_gold, report_table, score_register
from rag.ingest.corpus import load_corpus
from rag.register.extraction import Partnership, register_of
from tests.newsroom.articles import ARTICLES, HELD_OUT, write_corpus

HERE = Path(__file__).parent
SEEDS_GOLD = HERE / "data" / "register-gold-seeds.jsonl"
NEWSROOM = {"development": (ARTICLES, HERE / "newsroom" / "register-gold.jsonl"),
            "held out": (HELD_OUT, HERE / "newsroom" / "register-gold-held-out.jsonl")}


def register_of_folder(folder: Path) -> list[Partnership]:
    """The register the program builds from a corpus folder, read as `rag build` reads it."""
    return register_of(load_corpus(folder).articles)


def newsroom_report(name: str, scratch: Path) -> RegisterReport:
    articles, gold = NEWSROOM[name]
    folder = write_corpus(scratch, [a["id"] for a in articles], articles)
    return score_register(register_of_folder(folder), read_register_gold(gold))


def seeds_report() -> RegisterReport:
    return score_register(register_of_folder(HERE.parent / "corpus"), read_register_gold(SEEDS_GOLD))


if __name__ == "__main__":
    print("seeds (corpus/)\n\n" + report_table(seeds_report()) + "\n")
    for name in NEWSROOM:
        with tempfile.TemporaryDirectory() as scratch:
            print(f"test articles, {name}\n\n" + report_table(newsroom_report(name, Path(scratch))) + "\n")
    sys.exit(0)

"""What a search looked at, so that "not in the corpus" can be checked: a fact-checker must tell
"we have nothing on this" from "we looked in the wrong place" (too narrow a filter, a name no
article spells that way)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from rag.index.lexical import LexicalIndex
from rag.ingest.corpus import ArticleInfo
from rag.search.filters import Filters
from rag.search.modes import RetrieverMode
from rag.text.language import detect_language
from rag.text.messages import ANSWERS, in_language


@dataclass(frozen=True)
class Searched:
    # Articles the filters admitted, and the first and last publication date among them.
    articles: int
    first_date: str | None
    last_date: str | None
    # The filters as applied, only those set (since, until, outlets, article_ids).
    filters: dict
    retriever: str
    # The question's or claim's key words that no article uses, in any of their forms or
    # translations (as the question writes them).
    absent: tuple[str, ...]
    # The closest passages, by article id, best first (shown as the answer's "related").
    closest: tuple[str, ...]
    # The question's or claim's language, which these sentences are said in.
    language: str = "id"

    def to_json(self) -> dict:
        return {**asdict(self), "absent": list(self.absent), "closest": list(self.closest)}

    def sentences(self) -> list[str]:
        """What was searched, in the question's language: where, how, and the words no article uses."""
        words = in_language(ANSWERS, self.language)
        dates = words["searched_dates"].format(first=self.first_date, last=self.last_date) if self.first_date else ""
        shown = "; ".join(f"{name} {', '.join(v) if isinstance(v, list) else v}" for name, v in self.filters.items())
        filters = words["searched_filters"].format(filters=shown) if shown else ""
        said = [words["searched"].format(articles=self.articles, dates=dates, filters=filters, retriever=self.retriever)]
        if self.absent:
            said.append(words["absent"].format(words=", ".join(self.absent)))
        return said


def what_was_searched(text: str, articles: dict[str, ArticleInfo], lexical: LexicalIndex, filters: Filters | None,
                      mode: RetrieverMode, closest: list[str]) -> Searched:
    filters = filters or Filters()
    admitted = [a for a in articles.values() if filters.admits(a.id, a.outlet, a.date)]
    dates = sorted(a.date[:10] for a in admitted if a.date)
    set_filters = {name: value for name, value in (("since", filters.since), ("until", filters.until),
                                                   ("outlets", list(filters.outlets)),
                                                   ("article_ids", list(filters.article_ids))) if value}
    absent = [_as_written(concept.words, text) for concept in lexical.analyzer.concepts(text)
              if not any(lexical.knows(term) for term in concept.search_terms)]
    return Searched(len(admitted), dates[0] if dates else None, dates[-1] if dates else None, set_filters, str(mode),
                    tuple(dict.fromkeys(absent)), tuple(dict.fromkeys(closest)), detect_language(text))


def _as_written(words: str, text: str) -> str:
    """The words with the question's own capitals ("Busan", not "busan"), where they can be found."""
    found = re.search(r"\s+".join(re.escape(w) for w in words.split()), text, re.IGNORECASE)
    return found.group(0) if found else words

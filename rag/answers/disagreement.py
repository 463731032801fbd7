"""Sources that disagree: two dates for "kapan", two numbers for "berapa", said plainly with each
value and its citation instead of quietly picking one.

Compared are the quoted sentences of independent reports (copies count once) that name what the
question names, each by the value it gives for what the question asks. Not a disagreement: a plan against its carrying out (a
sentence that reports an intention, rag/text/reporting.py), and a report against the later one
that corrects it, which is named instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from itertools import combinations

from rag.index.copies import CopyGroups
from rag.ingest.corpus import ArticleInfo
from rag.text.answer_kinds import AnswerKind, answer_kind, typed_spans
from rag.text.dates import could_be_same_day, find_dates
from rag.text.messages import ANSWERS, in_language
from rag.text.names import names_all_in, names_in
from rag.text.numbers import find_numbers, number_key
from rag.text.reporting import is_correction, is_intention


class ItemKind(StrEnum):
    """What a claim states that evidence can state otherwise: a date, a number; or a name it must share."""

    DATE = "date"
    NUMBER = "number"
    NAME = "name"


_COMPARED = {AnswerKind.DATE: ItemKind.DATE, AnswerKind.QUANTITY: ItemKind.NUMBER, AnswerKind.MONEY: ItemKind.NUMBER}


@dataclass(frozen=True)
class Value:
    text: str
    citation: int
    article_id: str


@dataclass(frozen=True)
class Disagreement:
    kind: ItemKind  # a date or a number
    values: tuple[Value, ...]
    # Set when the later of the two reports corrects the earlier: not a disagreement, a correction.
    corrected_by: str | None = None

    def said(self, language: str) -> str:
        words = in_language(ANSWERS, language)
        values = [words["quoted_value"].format(text=v.text, n=v.citation) for v in self.values]
        if self.corrected_by:
            earlier, later = (values[::-1] if self.values[0].article_id == self.corrected_by else values)
            return words["corrected_value"].format(article=self.corrected_by, earlier=earlier, later=later)
        return words[f"sources_differ_{self.kind}"].format(values=", ".join(values))

    def to_json(self) -> dict:
        return {"kind": self.kind, "values": [asdict(v) for v in self.values], "corrected_by": self.corrected_by}


def find_disagreement(answer, articles: dict[str, ArticleInfo], copies: CopyGroups) -> Disagreement | None:
    """In an answer (rag.answers.extractive.Answer, which holds what this finds), the first two
    independent quoted sentences whose values for the question's kind cannot be the same."""
    kind = answer_kind(answer.question)
    if answer.abstained or kind not in _COMPARED:
        return None
    cited = {c.n: c.article_id for c in answer.citations}
    names = names_in(answer.question)  # both sentences must be about what the question names
    stated = [(part, cited[part.citation], values) for part in answer.parts
              if part.citation in cited and not is_intention(part.text) and names_all_in(names, part.text)
              and (values := _values(part, kind))]
    corrected = None
    for (part, article, values), (other, other_article, other_values) in combinations(stated, 2):
        if copies.origin_of(article) == copies.origin_of(other_article):
            continue
        if any(_same(kind, a, b) for _, a in values for _, b in other_values):
            continue
        found = Disagreement(_COMPARED[kind], (Value(values[0][0], part.citation, article),
                                               Value(other_values[0][0], other.citation, other_article)))
        correction = later_correction(articles.get(article), articles.get(other_article))
        if correction is None:
            return found
        corrected = corrected or replace(found, corrected_by=correction)
    return corrected


def _values(part, kind: AnswerKind) -> list[tuple[str, object]]:
    """(text, comparable value) of each date or number the sentence states."""
    if kind is AnswerKind.DATE:
        return [(d.text, d.value) for d in find_dates(part.text)]
    dates = [(d.start, d.end) for d in find_dates(part.text)]
    return [(m.group(), number_key(m.group())) for m in find_numbers(part.text)
            if not any(start <= m.start() < end for start, end in dates)
            and any(s.start <= m.start() < s.end for s in typed_spans(part.text, kind))]


def _same(kind: AnswerKind, first, second) -> bool:
    return could_be_same_day(first, second) if kind is AnswerKind.DATE else first == second


def later_correction(first: ArticleInfo | None, second: ArticleInfo | None) -> str | None:
    """The id of whichever of the two is a later correction of the other, if one is (the answer's
    disagreement and the claim checker's dispute both ask)."""
    if first is None or second is None or first.id == second.id:
        return None
    later = first if (first.date or "") >= (second.date or "") else second
    return later.id if is_correction(later.title, later.text) else None

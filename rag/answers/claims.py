"""Claim checking: is a statement supported, contradicted, partly supported, or not in the corpus?

The evidence is what the answer step would quote for the claim taken as a question: the sentences
that best cover its terms (with the sentence before each, for context). The claim's checkable items
(dates, numbers, names) are then looked up in that evidence. An item the evidence states
differently, in a sentence about the same thing, is a mismatch: the claim is contradicted, and the
mismatch names both texts and the citation. Every verdict cites its evidence; none is guessed
from retrieval scores alone.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Literal

from rag.answers.extractive import Citation, ScoredSentence, citation_to_json, make_citation, score_sentences
from rag.answers.settings import AnswerSettings
from rag.text.dates import FULL_MONTH_NUMBER, YEAR, find_dates
from rag.text.numbers import find_numbers, number_key
from rag.text.sentences import Span
from rag.search.retrieval import Hit, Query
from rag.search.searched import Searched

# Share of the claim's term weight the evidence must cover for a verdict other than not_found,
# and for "supported".
MIN_COVERAGE = 0.45
SUPPORT_COVERAGE = 0.7
EVIDENCE_SENTENCES = 3

_NAME = re.compile(r"\b[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*")
# Capitalised words that name roles and bodies, not who or where.
_TITLE_WORDS = frozenset(
    """kota kabupaten provinsi pemerintah pemkot pemkab wali walikota bupati gubernur menteri kementerian
    presiden kepala sekretaris jenderal direktur wakil ketua pernyataan minat surat kerja sama kerjasama
    forum program the of and dan di ke dari""".split()
)


class Verdict(StrEnum):
    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly_supported"
    CONTRADICTED = "contradicted"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Mismatch:
    """A date or number of the claim that the evidence states otherwise, and where."""

    kind: Literal["date", "number"]
    claim_text: str
    evidence_text: str
    citation: int


@dataclass(frozen=True)
class CheckResult:
    claim: str
    verdict: Verdict
    citations: list[Citation]
    mismatches: list[Mismatch] = field(default_factory=list)
    coverage: float = 0.0
    # For not_found: what was searched (the articles, the retriever, the words no article uses).
    searched: Searched | None = None


@dataclass(frozen=True)
class _Item:
    kind: str  # "date", "number" or "name"
    text: str
    value: tuple


def check_claim(query: Query, hits: list[Hit], articles, lexical) -> CheckResult:
    sentences = score_sentences(query, hits, articles, lexical, AnswerSettings())
    if not sentences or sentences[0].coverage < MIN_COVERAGE:
        return CheckResult(query.text, Verdict.NOT_FOUND, [], [], sentences[0].coverage if sentences else 0.0)
    evidence = [s for s in sentences[:EVIDENCE_SENTENCES] if s.coverage >= MIN_COVERAGE]
    citations: dict[str, Citation] = {}
    for sentence in evidence:
        _cite(citations, sentence, articles)
    mismatches, unmatched = [], 0
    cited_text = " ".join(articles[a].text for c in citations.values() for a in [c.article_id, *c.also_in]).lower()
    for item in claim_items(query.text):
        if item.kind == "name":
            # Names are looked up in the cited articles: a name is rarely restated in every sentence.
            unmatched += " ".join(item.value) not in cited_text
            continue
        if any(_matches(item, e) for s in evidence for e in items_of(s.text, item.kind)):
            continue
        counterpart = next(((s, e) for s in evidence for e in items_of(s.text, item.kind) if _comparable(item, e)), None)
        if counterpart is None:
            unmatched += 1
            continue
        sentence, found = counterpart
        mismatches.append(Mismatch(item.kind, item.text, found.text, _cite(citations, sentence, articles).n))
    coverage = evidence[0].coverage
    if mismatches:
        verdict = Verdict.CONTRADICTED
    elif unmatched == 0 and coverage >= SUPPORT_COVERAGE:
        verdict = Verdict.SUPPORTED
    else:
        verdict = Verdict.PARTLY_SUPPORTED
    return CheckResult(query.text, verdict, list(citations.values()), mismatches, round(coverage, 4))


def claim_items(text: str) -> list[_Item]:
    """The dates, numbers (outside those dates) and names a claim states, each once."""
    dates = items_of(text, "date")
    numbers = [n for n in items_of(text, "number") if not any(n.text in d.text for d in dates)]
    items = dates + numbers + items_of(text, "name")
    return list({(i.kind, i.value): i for i in items}.values())


def items_of(text: str, kind: str) -> list[_Item]:
    """Items of one kind in a text; numbers include those inside dates ("2016" of "April 2016")."""
    if kind == "date":
        # (first day, last day, month, year); a missing day or year is None (unknown, not wrong).
        return [_Item("date", m.text, m.value) for m in find_dates(text)]
    if kind == "number":
        return [_Item("number", m.group(), (number_key(m.group()),)) for m in find_numbers(text)]
    names = []
    for m in _NAME.finditer(text):
        words = [w for w in m.group().split() if w.lower() not in _TITLE_WORDS and w.lower() not in FULL_MONTH_NUMBER]
        if words and m.start() > 0:  # a sentence's first word is capitalised anyway
            names.append(_Item("name", " ".join(words), tuple(w.lower() for w in words)))
    return names


def _comparable(claim: _Item, evidence: _Item) -> bool:
    """A year is stated differently only by another year: "2019" is not contradicted by "7"."""
    return claim.kind != "number" or _is_year(claim.text) == _is_year(evidence.text)


def _is_year(number: str) -> bool:
    return bool(YEAR.fullmatch(number))


def _matches(claim: _Item, evidence: _Item) -> bool:
    if claim.kind == "date":
        first, last, month, year = claim.value
        e_first, e_last, e_month, e_year = evidence.value
        same_year = year is None or e_year is None or year == e_year
        same_days = first is None or e_first is None or (e_first <= first and last <= e_last)
        return month == e_month and same_year and same_days
    return claim.value == evidence.value


def _cite(citations: dict[str, Citation], sentence: ScoredSentence, articles) -> Citation:
    chunk_id = sentence.hit.chunk.id
    if chunk_id not in citations:
        citations[chunk_id] = make_citation(len(citations) + 1, sentence.hit, articles)
    quote = Span(sentence.start, sentence.end)
    if quote not in citations[chunk_id].quotes:
        citations[chunk_id] = replace(citations[chunk_id], quotes=citations[chunk_id].quotes + (quote,))
    return citations[chunk_id]


def check_to_json(result: CheckResult) -> dict:
    """The object `rag check --json` prints and the app's /check endpoint returns."""
    return {
        "claim": result.claim,
        "verdict": str(result.verdict),
        "citations": [citation_to_json(c) for c in result.citations],
        "mismatches": [asdict(m) for m in result.mismatches],
        "searched": result.searched.to_json() if result.searched else None,
    }

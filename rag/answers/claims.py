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

from rag.answers.disagreement import ItemKind, later_correction
from rag.answers.extractive import Citation, ScoredSentence, about_the_parties_asked, citation_to_json, make_citation, score_sentences
from rag.answers.settings import AnswerSettings
from rag.index.copies import CopyGroups, SourceCount
from rag.search.retrieval import Hit, Query
from rag.search.searched import Searched
from rag.text.dates import YEAR, Precision, When, find_dates
from rag.text.event_dates import event_dates
from rag.text.forms import other_stage
from rag.text.names import names_all_in, names_in
from rag.text.numbers import find_numbers, number_key
from rag.text.reporting import is_intention, restates_error
from rag.text.sentences import Span

# Share of the claim's term weight the evidence must cover for a verdict other than not_found,
# and for "supported".
MIN_COVERAGE = 0.45
SUPPORT_COVERAGE = 0.7
# Four: a form named otherwise (rag/text/forms.py) brings in other articles' sentences on the step,
# and the sentence that dates it must still find a place.
EVIDENCE_SENTENCES = 4



class Verdict(StrEnum):
    SUPPORTED = "supported"
    PARTLY_SUPPORTED = "partly_supported"
    CONTRADICTED = "contradicted"
    # Independent sources: one states the claim's date or number, another states it otherwise.
    DISPUTED = "disputed"
    NOT_FOUND = "not_found"


class _Outcome(StrEnum):
    """How evidence that states a claim's date or number stands against evidence that states it otherwise."""

    DISPUTED = "disputed"  # independent reports differ
    CORRECTED = "corrected"  # a later correction states it otherwise
    AGREED = "agreed"  # neither


@dataclass(frozen=True)
class Mismatch:
    """A date or number of the claim as one source states it, and where: otherwise (in
    `mismatches`), or as the claim does (in `supports`, the other side of a dispute)."""

    kind: ItemKind  # a date or a number
    claim_text: str
    evidence_text: str
    citation: int


Support = Mismatch


@dataclass(frozen=True)
class CheckResult:
    claim: str
    verdict: Verdict
    citations: list[Citation]
    mismatches: list[Mismatch] = field(default_factory=list)
    coverage: float = 0.0
    # For not_found: what was searched (the articles, the retriever, the words no article uses).
    searched: Searched | None = None
    # The articles that carry the evidence, and how many of them are independent reports.
    sources: SourceCount | None = None
    # For a dispute: the claim's items that a source states as the claim does.
    supports: list[Support] = field(default_factory=list)
    # A later report that corrects the one the claim agrees or disagrees with (its article id).
    corrected_by: str | None = None


@dataclass(frozen=True)
class _Item:
    kind: ItemKind
    text: str
    value: tuple


def check_claim(query: Query, hits: list[Hit], articles, lexical, copies: CopyGroups = CopyGroups(),
                parties: frozenset[str] = frozenset()) -> CheckResult:
    """`parties`: the partners the register knows; a sentence about another partner than the
    claim names is no evidence for or against it."""
    sentences = about_the_parties_asked(_scored(query, hits, articles, lexical), query.text, parties)
    if not sentences or sentences[0].coverage < MIN_COVERAGE:
        return CheckResult(query.text, Verdict.NOT_FOUND, [], [], sentences[0].coverage if sentences else 0.0)
    planned = is_intention(query.text)
    evidence = _evidence(sentences, planned)
    citations: dict[str, Citation] = {}
    for sentence in evidence:
        _cite(citations, sentence, articles)
    mismatches, supports, unmatched, corrected_by = [], [], 0, None
    cited_text = " ".join(articles[a].text for c in citations.values() for a in [c.article_id, *c.also_in])
    names = names_in(query.text)
    for item in claim_items(query.text):
        if item.kind == ItemKind.NAME:
            # Names are looked up in the cited articles: a name is rarely restated in every sentence.
            # A form is named by any of its names ("MoU" by "nota kesepahaman").
            unmatched += not names_all_in([tuple(item.text.split())], cited_text)
            continue
        # A correction's restatement of the error ("sebelumnya disebutkan … 9/2") states nothing, and
        # a plan's day says nothing of the day the step was taken, nor the reverse: a plan and its
        # carrying out are two steps, as in the register.
        said = [(s, _stated(s, item.kind, articles)) for s in evidence if not restates_error(s.text)
                and (item.kind != ItemKind.DATE or not other_stage(s.text, planned))]
        agreeing = [(s, e) for s, found in said for e in found if _comparable(item, e) and _matches(item, e)]
        differing = [(s, e) for s, found in said if not any(_matches(item, f) for f in found)
                     for e in found if _comparable(item, e)]
        if agreeing:
            outcome, (s_for, e_for), (s_against, e_against), correction = _dispute(agreeing, differing, names, articles,
                                                                                   copies)
            corrected_by = corrected_by or correction
            if outcome == _Outcome.DISPUTED:
                supports.append(Support(item.kind, item.text, e_for.text, _cite(citations, s_for, articles).n))
            if outcome in (_Outcome.DISPUTED, _Outcome.CORRECTED):
                mismatches.append(Mismatch(item.kind, item.text, e_against.text, _cite(citations, s_against, articles).n))
            continue
        if not differing:
            unmatched += 1
            continue
        sentence, found = min(differing, key=lambda pair: _distance(item, pair[1]))
        mismatches.append(Mismatch(item.kind, item.text, found.text, _cite(citations, sentence, articles).n))
    coverage = evidence[0].coverage
    if supports:
        verdict = Verdict.DISPUTED
    elif mismatches:
        verdict = Verdict.CONTRADICTED
    elif unmatched == 0 and coverage >= SUPPORT_COVERAGE:
        verdict = Verdict.SUPPORTED
    else:
        verdict = Verdict.PARTLY_SUPPORTED
    return CheckResult(query.text, verdict, list(citations.values()), mismatches, round(coverage, 4),
                       supports=supports, corrected_by=corrected_by)


def _scored(query: Query, hits: list[Hit], articles, lexical) -> list[ScoredSentence]:
    """The answer step's sentences, ranked by the whole claim (its date's words help find the
    sentences about that day), each covering the claim as well as it does with or without its
    date's words: a date is compared by its value below, so "Sabtu, 21 April 2018" is not half
    missing from a sentence that writes "21/4/2018"."""
    ranked = score_sentences(query, hits, articles, lexical, AnswerSettings())
    undated = _without_dates(query)
    if undated is query:
        return ranked
    coverage = {(s.hit.chunk.id, s.start): s.coverage
                for s in score_sentences(undated, hits, articles, lexical, AnswerSettings())}
    return [replace(s, coverage=max(s.coverage, coverage.get((s.hit.chunk.id, s.start), 0.0))) for s in ranked]


def _without_dates(query: Query) -> Query:
    dated = {word.lower() for mention in find_dates(query.text) for word in re.findall(r"\w+", mention.text)}
    kept = [c for c in query.concepts if not set(c.words.split()) <= dated]
    return replace(query, concepts=kept) if kept and len(kept) < len(query.concepts) else query


def _evidence(sentences: list[ScoredSentence], planned: bool) -> list[ScoredSentence]:
    """The best sentences that cover the claim, one per article first: a second report of the
    same event is what can confirm or dispute it. A sentence that reports a step as the claim does
    (taken, or planned) comes before one that does not ("akan menandatangani" is no evidence of
    when a letter was signed)."""
    covering = sorted((s for s in sentences if s.coverage >= MIN_COVERAGE), key=lambda s: other_stage(s.text, planned))
    firsts = list({s.hit.chunk.article_id: s for s in reversed(covering)}.values())[::-1]
    chosen = [covering[0]] + [s for s in firsts if s is not covering[0]]
    chosen += [s for s in covering if s not in chosen]
    return chosen[:EVIDENCE_SENTENCES]


def _dispute(agreeing, differing, names: list[tuple[str, ...]], articles, copies: CopyGroups):
    """(outcome, agreeing pair, differing pair, correction id) for a date or number some evidence
    states as the claim does. "disputed": independent reports state it differently, each as a fact
    (not an intention), to the day where the claim gives a day, and each about the claim (naming
    every name the claim names); "corrected": a later correction states it otherwise; "agreed":
    neither (a correction on the claim's side is named)."""
    def about(sentence: ScoredSentence) -> bool:
        return not is_intention(sentence.text) and names_all_in(names, sentence.text)

    facts = [(s, e) for s, e in agreeing if about(s) and (e.kind != ItemKind.DATE or e.value[0] == e.value[1])]
    against = [(s, e) for s, e in differing if about(s)]
    for pro in facts:
        for con in against:
            first, second = articles[pro[0].hit.chunk.article_id], articles[con[0].hit.chunk.article_id]
            if copies.origin_of(first.id) == copies.origin_of(second.id):
                continue
            correction = later_correction(first, second)
            if correction is None:
                return _Outcome.DISPUTED, pro, con, None
            return (_Outcome.CORRECTED if correction == second.id else _Outcome.AGREED), pro, con, correction
    return _Outcome.AGREED, (None, None), (None, None), None


def _stated(sentence: ScoredSentence, kind: ItemKind, articles) -> list[_Item]:
    """The dates or numbers an evidence sentence states; a date as the event's date, completed or
    counted from its article's date where the text leaves that to the reader ("Rabu (16/11)",
    "kemarin", "pekan lalu": rag/text/event_dates.py). A date it cannot place keeps its gaps."""
    if kind != ItemKind.DATE:
        return items_of(sentence.text, kind)
    calendar = {(m.start, m.end): m for m in find_dates(sentence.text)}
    items = []
    for event in event_dates(sentence.text, articles[sentence.hit.chunk.article_id].date):
        calendar.pop((event.start, event.end), None)
        items.append(_Item(ItemKind.DATE, event.text, _date_value(event.date)))
    return items + [_Item(ItemKind.DATE, m.text, m.value) for m in calendar.values()]


def _date_value(when: When) -> tuple[int | None, int | None, int | None, int]:
    """(first day, last day, month, year), as DateMention.value gives a date: a run of days into the
    next month reads to the month's end ("31")."""
    if when.precision is Precision.YEAR:
        return None, None, None, when.year
    if when.precision is Precision.MONTH:
        return None, None, when.first.month, when.year
    last_day = when.last.day if when.last.month == when.first.month else 31
    return when.first.day, last_day, when.first.month, when.year


def claim_items(text: str) -> list[_Item]:
    """The dates, numbers (outside those dates) and names a claim states, each once."""
    dates = items_of(text, ItemKind.DATE)
    numbers = [n for n in items_of(text, ItemKind.NUMBER) if not any(n.text in d.text for d in dates)]
    items = dates + numbers + items_of(text, ItemKind.NAME)
    return list({(i.kind, i.value): i for i in items}.values())


def items_of(text: str, kind: ItemKind) -> list[_Item]:
    """Items of one kind in a text; numbers include those inside dates ("2016" of "April 2016")."""
    if kind == ItemKind.DATE:
        # (first day, last day, month, year); a missing day or year is None (unknown, not wrong).
        return [_Item(ItemKind.DATE, m.text, m.value) for m in find_dates(text)]
    if kind == ItemKind.NUMBER:
        return [_Item(ItemKind.NUMBER, m.group(), (number_key(m.group()),)) for m in find_numbers(text)]
    return [_Item(ItemKind.NAME, " ".join(words), tuple(w.lower() for w in words)) for words in names_in(text)]


def _comparable(claim: _Item, evidence: _Item) -> bool:
    """A year is stated differently only by another year: "2019" is not contradicted by "7"."""
    return claim.kind != ItemKind.NUMBER or _is_year(claim.text) == _is_year(evidence.text)


def _is_year(number: str) -> bool:
    return bool(YEAR.fullmatch(number))


def _matches(claim: _Item, evidence: _Item) -> bool:
    if claim.kind == ItemKind.DATE:
        first, last, month, year = claim.value
        e_first, e_last, e_month, e_year = evidence.value
        same_year = year is None or e_year is None or year == e_year
        same_days = first is None or e_first is None or (e_first <= first and last <= e_last)
        return month == e_month and same_year and same_days
    return claim.value == evidence.value


def _distance(claim: _Item, evidence: _Item) -> tuple:
    """How far a differing value is from the claim's, to name the one most likely about the same
    event: "April 2016" before "Jumat (21/7)" against "May 2016" (same year, same precision)."""
    if claim.kind != ItemKind.DATE:
        return ()
    first, _, _, year = claim.value
    e_first, _, _, e_year = evidence.value
    return e_year != year, (first is None) != (e_first is None)


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
        "supports": [asdict(s) for s in result.supports],
        "corrected_by": result.corrected_by,
        "searched": result.searched.to_json() if result.searched else None,
        "sources": result.sources.to_json() if result.sources else None,
    }

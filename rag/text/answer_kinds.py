"""What kind of answer a question asks for, and the spans of a sentence that state one.

The question word names the kind, in Indonesian and English: siapa / who → a person; kapan / when
/ what year / what time → a date or a time of day; berapa / how many → a quantity; berapa harga /
biaya, how much money / did it cost → an amount of money; di mana / where / which city → a place;
"apa nama", "which university", "sekolah mana" → a name; what X, which Xs, X apa → often a name,
not always ("which fields", "bidang apa"). A sentence holds an
answer of that kind when it states one the question does not already: the retriever ranks
passages by it (rag/search/features.py), the answer step will not quote a sentence without one as the
answer to a typed question, and `answer_span` points at the one that answers (rag/answers/extractive.py).

These are rules of the two languages' grammar (how dates, quantities and names are written), not
of any question or article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rag.text.dates import CALENDAR_DATE, MONTH, MONTHS_EN, MONTHS_ID, WEEKDAY, YEAR_PATTERN
from rag.text.numbers import CURRENCY, CURRENCY_WORD, NUMBER, NUMBER_WORDS, SCALE


class AnswerKind(StrEnum):
    """THING is the weak kind ("what X", "X apa"): its answer is often a name, so a name is pointed
    at when a quote has one, but a sentence without one may still answer."""

    PERSON = "person"
    DATE = "date"
    QUANTITY = "quantity"
    MONEY = "money"
    PLACE = "place"
    NAME = "name"
    THING = "thing"


_KINDS = (
    (AnswerKind.MONEY, r"\bberapa(kah)? (harga|biaya|anggaran|nilai|dana|besar (biaya|anggaran|dana))\b|"
                       r"\bhow much (money|funding|did\b.*\b(cost|spend|pay|raise)|does\b.*\bcost|will\b.*\bcost)\b|"
                       r"\bhow much\b.*\b(cost|spent|spend|paid|pledged|budget|worth)\b"),
    (AnswerKind.PERSON, r"\b(siapa|siapakah|who|whom)\b"),
    (AnswerKind.DATE, r"\b(kapan|kapankah|when)\b|\b(tahun|tanggal|bulan|hari|pukul|jam) (berapa|berapakah|apa|apakah)\b|"
                      r"\bwhat (year|date|day|month|time)\b|\bsejak kapan\b"),
    (AnswerKind.QUANTITY, r"\b(berapa|berapakah|how many|how much)\b"),
    (AnswerKind.PLACE, r"\b(di ?mana|di ?manakah|ke ?mana|dari ?mana|where)\b|"
                       r"\b(kota|negara|provinsi|kabupaten|tempat|lokasi) (apa|mana)\b|"
                       r"\b(which|what) ([a-zA-Z]+ )?(city|country|province|town|venue|place|region)\b"),
    (AnswerKind.NAME, r"\b(apa|apakah|siapa) nama\b|\bnama \w+ (apa|apakah)\b|\bwhich (?!(of|one|ones)\b)[a-z]*([^s\W]|ss|us|is)\b|"
                      r"\b(?!(di|ke|dari)\b)[a-z]+ (mana|manakah)\b"),
    (AnswerKind.THING, r"\bwhich [a-z]+s\b|\bwhat (?!(does|did|do|is|are|was|were|has|have|had|will|would|can|could|should|"
                       r"else|about|if)\b)[a-z]+\b|\b[a-z]+ (apa|apakah)\b"),
)
_KIND_PATTERNS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _KINDS)

# A "when" answer: a calendar date (rag/text/dates.py's grammar), a part of a month, a year or
# years, a time of day, a day of the week.
_DATE_PATTERNS = (
    rf"(?:awal |akhir |pertengahan |early |late |mid-?)(?:{MONTH})\s+{YEAR_PATTERN}",
    CALENDAR_DATE,
    rf"(?:(?:pada )?tahun |in |since |sejak )?{YEAR_PATTERN}(?:\s*[-–/]\s*(?:{YEAR_PATTERN}|\d\d))?",
    r"(?:pada )?tahun \d{3,4}",
    r"(?:pukul|jam|at)\s+\d{1,2}[.:]\d{2}(?:\s*(?:WIB|WITA|WIT|waktu setempat|local time))?",
    r"\d{1,2}[.:]\d{2}\s*(?:WIB|WITA|WIT|a\.m\.|p\.m\.|am|pm)",
    rf"(?:{WEEKDAY})\b",
)
# Tried only where a word or a bracket starts: without that, every character position tries every
# form (a chunk's date spans took 0.7 ms, profiled on FacQA; 100 candidates a question).
_DATE = re.compile(r"(?:\b|(?=\())(?:" + "|".join(f"(?:{p})" for p in _DATE_PATTERNS) + ")", re.IGNORECASE)

_SCALE, _CURRENCY, _CURRENCY_WORD, _NUMBER, _NUMBER_WORDS = SCALE, CURRENCY, CURRENCY_WORD, NUMBER, NUMBER_WORDS
_MONEY = re.compile(
    rf"{_CURRENCY}\s?{_NUMBER}(?:\s*{_SCALE}\b)?(?:\s*{_CURRENCY_WORD}\b)?|"
    rf"\b(?:{_NUMBER}|{_NUMBER_WORDS})(?:\s*{_SCALE}\b)?\s*{_CURRENCY_WORD}\b",
    re.IGNORECASE,
)
_APPROXIMATELY = r"(?:(?:sekitar|kurang lebih|lebih dari|hampir|sedikitnya|setidaknya|sebanyak|mencapai|about|around|" \
                 r"more than|nearly|almost|over|some|at least)\s+)?"
_QUANTITY = re.compile(rf"\b{_APPROXIMATELY}(?P<number>{_NUMBER}(?:\s*(?:[-–]|sampai|hingga|to)\s*{_NUMBER})?(?:\s*{_SCALE}\b)?|"
                       rf"\b{_NUMBER_WORDS}\b)"
                       rf"(?P<unit>(?:\s+[a-z][\w-]*){{0,2}})", re.IGNORECASE)
# Inside a capitalised run these do not break it: "Universitas Gadjah Mada", "Bank of Japan", "(IAEA)".
_NAME = re.compile(r"[A-Z][\w'’.\-]*(?:\s+(?:(?:dan|of|the|de|van|der|von|bin|binti|al|el|la|&)\s+)?"
                   r"(?:[A-Z][\w'’.\-]*|\([A-Z][\w'’.\-]*\)?|\d+(?![.,/:]?\d)))*")
_STOP_UNIT = frozenset(
    "yang dan di ke dari pada untuk dengan dalam atau ini itu tersebut juga akan telah sudah adalah oleh per setiap "
    "the and of in on at to for from with or that this which who were was are is by".split()
)
# Capitalised words that open sentences or name roles rather than who or where.
_NOT_NAMES = frozenset(
    "the a an in on at to of and this that it he she they we i kata ujar menurut dalam pada di ke dari untuk dengan "
    "sementara selain namun tetapi jadi saat ini itu ia dia mereka kami kita sebelumnya kemudian setelah rp "
    "senin selasa rabu kamis jumat sabtu minggu monday tuesday wednesday thursday friday saturday sunday".split()
) | set(MONTHS_ID) | set(MONTHS_EN)


def answer_kind(question: str) -> AnswerKind | None:
    """The kind of answer the question asks for, None when its words do not say."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(question):
            return kind
    return None


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    kind: AnswerKind


def typed_spans(text: str, kind: AnswerKind | None, question_words: frozenset[str] = frozenset()) -> list[Span]:
    """Spans of `text` that state an answer of `kind` and are not already in the question, in order."""
    if kind is None:
        return []
    return [s for s in answer_spans(text, kind) if s.text and not _said_by_question(s.text, question_words)]


def answer_spans(text: str, kind: AnswerKind) -> list[Span]:
    """Every span of `text` that states an answer of `kind`, in order. Only the patterns the kind
    needs are run: the ranker asks this of each of a question's 100 candidates (the date pattern
    alone costs 0.15 ms a chunk)."""
    if kind == AnswerKind.DATE:
        return [_span(m, kind) for m in _DATE.finditer(text)]
    if kind == AnswerKind.MONEY:
        return [_span(m, kind) for m in _MONEY.finditer(text)]
    if kind == AnswerKind.QUANTITY:  # an amount of money is a quantity too; a date's numbers are not
        money = [_span(m, kind) for m in _MONEY.finditer(text)]
        taken = [(m.start(), m.end()) for m in _DATE.finditer(text)] + [(s.start, s.end) for s in money]
        counted = [_quantity(m) for m in _QUANTITY.finditer(text) if not _inside(m.start("number"), m.end("number"), taken)]
        return sorted(money + counted, key=lambda span: span.start)
    names = [s for s in (_name(m, kind) for m in _NAME.finditer(text)) if s is not None]
    return _with_region(names, text) if kind == AnswerKind.PLACE else names


def holds_answer(kind: AnswerKind | None, text: str, question_words: frozenset[str]) -> bool:
    """Does `text` state an answer of the question's kind? Always, for a question of no strong kind."""
    if kind is None or kind == AnswerKind.THING:
        return True
    return bool(typed_spans(text, kind, question_words))


def _span(match: re.Match, kind: AnswerKind) -> Span:
    return _trimmed(match.start(), match.end(), match.string, kind)


def _with_region(names: list[Span], text: str) -> list[Span]:
    """A place with the region after it, as news writes it: "Kotabumi, Lampung Utara"."""
    joined: list[Span] = []
    for span in names:
        if joined and re.fullmatch(r",\s*", text[joined[-1].end:span.start]):
            joined[-1] = Span(joined[-1].start, span.end, text[joined[-1].start:span.end], span.kind)
        else:
            joined.append(span)
    return joined


def _quantity(match: re.Match) -> Span:
    """The number with its unit ("84 penumpang", "15 pemerintah daerah"), stopping at a function word."""
    end = match.start("unit")
    for word in re.finditer(r"\s+([a-z][\w-]*)", match.group("unit"), re.IGNORECASE):
        if word.group(1).lower() in _STOP_UNIT:
            break
        end = match.start("unit") + word.end()
    return _trimmed(match.start(), end, match.string, AnswerKind.QUANTITY)


def _name(match: re.Match, kind: AnswerKind) -> Span | None:
    words = match.group().split()
    while words and words[0].lower().strip("(") in _NOT_NAMES:
        words = words[1:]
    opens_sentence = not match.string[: match.start()].strip() or match.string[: match.start()].rstrip()[-1:] in ".!?\"“"
    if not words or words[0].isdigit() or (opens_sentence and len(words) == 1 and words[0] == match.group().split()[0]):
        return None  # a sentence's first word is capitalised anyway
    start = match.start() + match.group().index(words[0])
    return _trimmed(start, match.end(), match.string, kind)


def _trimmed(start: int, end: int, text: str, kind: AnswerKind) -> Span:
    while start < end and text[start] in " ,.;:(":
        start += 1
    while end > start and text[end - 1] in " ,.;:":
        end -= 1
    if text[start:end].count("(") < text[start:end].count(")") and text[end - 1] == ")":
        end -= 1
    elif text[start:end].count("(") > text[start:end].count(")") and end < len(text) and text[end] == ")":
        end += 1
    return Span(start, end, text[start:end], kind)


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def best_span(question: str, sentences: list[str], is_question_term) -> tuple[int, Span] | None:
    """The span of the quoted `sentences` (best first) that states an answer of the question's kind
    and more than the question's own terms, with the index of its sentence. A strong one first (a
    person in two words or more, a place after "di / ke / dari / in", a date with a number), then
    the best sentence's, and in it the one nearest the question's terms: a sentence that restates
    a question puts the answer beside those words. `is_question_term` tells whether a word of a
    sentence is one of the question's (their stems and lexicon alternatives count)."""
    kind = answer_kind(question)
    words = question_words(question)
    best: tuple[tuple, int, Span] | None = None
    for rank, text in enumerate(sentences):
        terms = [(m.start(), m.end()) for m in _WORD_RE.finditer(text) if is_question_term(m.group())]
        for span in typed_spans(text, kind, words):
            if not _states_something(span, terms):
                continue
            key = (_weak(span, text), rank, _distance(span, terms))
            if best is None or key < best[0]:
                best = (key, rank, span)
    return None if best is None else (best[1], best[2])


_WORD_RE = re.compile(r"[^\W_]+")


def question_words(question: str) -> frozenset[str]:
    return frozenset(_WORD_RE.findall(question.lower()))


def _states_something(span: Span, terms: list[tuple[int, int]]) -> bool:
    """Not only the question's own terms, and, for a name, a capitalised word among the rest."""
    rest = [m for m in _WORD_RE.finditer(span.text) if (m.start() + span.start, m.end() + span.start) not in terms]
    if span.kind in (AnswerKind.PERSON, AnswerKind.PLACE, AnswerKind.NAME, AnswerKind.THING):
        return any(m.group()[0].isupper() for m in rest)
    return bool(rest)


def _weak(span: Span, text: str) -> bool:
    """A span that answers its kind only loosely: a person named in one word (more often a place
    or an outlet: "Jakarta", "Kompas"), a date that is only a weekday ("Kamis"), a place that no
    locative word introduces ("di Manila", "in Manila" are places; "Wali Kota Bogor …" is not)."""
    if span.kind == AnswerKind.PERSON:
        return len(span.text.split()) < 2
    if span.kind == AnswerKind.PLACE:
        return not _LOCATIVE.search(text[: span.start])
    return span.kind == AnswerKind.DATE and not any(ch.isdigit() for ch in span.text)


_LOCATIVE = re.compile(r"\b(di|ke|dari|dalam|in|at|to|from|near)\s+$", re.IGNORECASE)


def _distance(span: Span, terms: list[tuple[int, int]]) -> int:
    """Characters between the span and the nearest question term (0 if it holds one, since it
    states more than the question's terms: "Sekretaris Jenderal UCLG ASPAC Bernadia …")."""
    if any(span.start <= t[0] < span.end for t in terms):
        return 0
    outside = [t for t in terms if t[1] <= span.start or t[0] >= span.end]
    if not outside:
        return 10_000
    return min(span.start - t[1] if t[1] <= span.start else t[0] - span.end for t in outside)


def span_words(text: str) -> frozenset[str]:
    """The words that make a span what it is (function words left out), lower-cased."""
    return frozenset(w for w in _WORD_RE.findall(text.lower()) if w not in _STOP_UNIT)


def _said_by_question(span: str, question_words: frozenset[str]) -> bool:
    words = span_words(span)
    return bool(words) and words <= question_words


# List questions -------------------------------------------------------------------------------

# A question asking for several answers: the answer step then quotes one sentence per article.
_LIST_MARKS = re.compile(r"\b(apa|mana|siapa|kapan|di ?mana) saja\b|\bwhich (cities|countries|partners)\b|\blist\b", re.I)
# A question asking for a list of partnerships: the list word must govern a partnership noun
# ("Kerja sama apa saja …", "Which foreign cities …"), so "Which professor …" or "which fields of
# cooperation …" stay with passage search.
_PARTNERS_NOUN = (r"(kerja ?sama|kemitraan|mitra|kota(\s(luar negeri|asing|kembar|bersahabat|persahabatan))?|"
                  r"negara|organisasi|universitas|lembaga)")
_ENGLISH_NOUN = (r"((foreign|partner|sister|twin|friendship)\s)?(partnerships?|partners?|cooperations?|agreements?|"
                 r"cit(y|ies)|countr(y|ies)|organi[sz]ations?|universit(y|ies))")
# "Which city hosted …?" asks for one; "Which cities …?" for a list.
_ENGLISH_PLURAL = (r"((foreign|partner|sister|twin|friendship)\s)?(partnerships|partners|cooperations|agreements|"
                   r"cities|countries|organi[sz]ations|universities)")
_LIST_QUESTION = re.compile(
    rf"\b{_PARTNERS_NOUN}\s(\w+\s)?(apa|mana|siapa) saja\b"
    rf"|\b(apa|siapa) saja\s{_PARTNERS_NOUN}\b"
    rf"|\bdaftar\s{_PARTNERS_NOUN}\b"
    r"|\bdengan\s(siapa|mana)\ssaja\b(?=.*\b(bekerja ?sama|kerja ?sama|bermitra|menjalin)\b)"
    rf"|\b(which|what)\s{_ENGLISH_PLURAL}\b"
    rf"|\b(list|all)\s(of\s)?(the\s|its\s)?{_ENGLISH_NOUN}\b",
    re.I,
)


def asks_for_partner_list(question: str) -> bool:
    """A list of partnerships: the register answers it, not the passages."""
    return bool(_LIST_QUESTION.search(question))


def asks_for_list(question: str) -> bool:
    """Several answers, of any kind; a list of partnerships is one."""
    return bool(_LIST_MARKS.search(question)) or asks_for_partner_list(question)

"""The partnership register: who partnered with whom, when, in what form and on what, every field
traced to the sentence it came from.

Rules over Indonesian and English phrasing (rag/register/words.py), sentence by sentence:
a partner is a mention shaped like one (a "Kota X" that is not Indonesian, an international
organisation, "X University", "PPI X", "Pemerintah <country>", the second company of a
business-to-business pair) in a sentence that speaks of cooperation. A sentence that speaks of
cooperation without naming a partner ("kerja sama ini", "kedua kota ini") belongs to the partner
named last. Records of the same local party and partner merge across articles, each source kept.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import importlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from rag.errors import IndexCorruptError, repair_hint
from rag.ingest.corpus import Article
from rag.register.dating import Event, neighbouring_events, sentence_event
from rag.register.people import party_people, people_in, speakers
from rag.register.words import (
    CITY_FORMS,
    COOPERATION,
    COUNTRIES,
    FIELD_LIST,
    FIELD_LIST_END,
    FIELD_PATTERNS,
    FORM_PATTERNS,
    INDONESIAN_PLACES,
    LADDER,
    NOT_PLACES,
    ORGANISATIONS,
    STATUS_ORDER,
    TWO_WORD_PLACES,
    CityForm,
    Form,
    PartnerType,
    Status,
    status_of,
)
from rag.text.dates import WEEKDAY, When, date_order
from rag.text.event_dates import DateBasis, place_year
from rag.text.forms import DOCUMENTS, NAMED_AGREEMENT
from rag.text.reporting import is_correction, restates_error
from rag.text.sentences import split_sentences

_Named = TypeVar("_Named", Form, CityForm, Status)


@dataclass(frozen=True)
class Source:
    """A sentence of an article: what one field of a record rests on."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Mention:
    """What one sentence says of one partnership."""

    partner: str
    partner_type: PartnerType
    local_party: str
    source: Source
    form: Form | None = None
    city_form: CityForm | None = None
    status: Status | None = None
    # The event's date as the text gives it (never the article's date standing in for it), how it
    # was had (rag.text.event_dates.DateBasis) and why; and the article's own date, as its metadata
    # gives it (text: a corpus keeper's sidecar may write any date).
    date: When | None = None
    date_basis: str | None = None
    date_reason: str | None = None
    reported: str | None = None
    # A day and month given with a day of the week but no year, in an article with no date:
    # (day, month, weekday), placed in a year when the register sees the other sources' years.
    undated: tuple[int, int, int] | None = None
    fields: tuple[str, ...] = ()
    people: tuple[tuple[str, str], ...] = ()  # (name, role)
    # Said by an article that corrects an earlier report (rag/text/reporting.py).
    correction: bool = False


@dataclass(frozen=True)
class Stage:
    """One step of a partnership an article reports: a letter of interest signed, an MoU planned.
    `date` is the event's, `date_basis` and `date_reason` say how it was had, `reported` is the
    article's date."""

    form: Form
    date: When | None
    status: Status | None
    source: Source
    date_basis: str | None = None
    date_reason: str | None = None
    reported: str | None = None
    correction: bool = False
    # The article of a later correction that gives this stage another date.
    corrected_by: str | None = None


@dataclass(frozen=True)
class Conflict:
    """Sources that give different values for one field of the same stage (two signing dates of one
    MoU): each value with the sentence it rests on. A plan and its signing are two stages, and a
    value a later correction replaced is no longer a source's: neither is a conflict."""

    field: str
    stage: str
    values: tuple[Stage, ...]


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    source: Source


@dataclass
class Partnership:
    local_party: str
    partner: str
    partner_type: PartnerType
    # The furthest step taken, with what it made the two cities ("MoU (sister city)").
    form: str | None
    date: When | None
    fields: list[str]
    people: list[Person]
    status: Status | None
    # Every step reported, in date order.
    stages: list[Stage] = field(default_factory=list)
    # field name → the sentences it came from.
    sources: dict[str, list[Source]] = field(default_factory=dict)
    # The date of the article that reports the headline's stage (not the event's date).
    reported: str | None = None
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def year_or_reported(self) -> int | None:
        """The event's year, else the year of the report: what a year filter matches."""
        when = self.date or When.parsed_or_none(self.reported)
        return when.year if when else None

    @property
    def all_sources(self) -> list[Source]:
        return list(dict.fromkeys(s for group in self.sources.values() for s in group))


# Mentions ------------------------------------------------------------------------------------


def extract(article: Article) -> list[Mention]:
    """Every sentence's statement about a partnership, in text order.

    First pass: the partners, those named in a sentence that speaks of cooperation. Second pass:
    every sentence naming one of them (by the shape of its mention or by its bare name, as in a
    headline "Bogor-Kisarazu Tandatangani LoI"), or speaking of cooperation after one was named.
    """
    if not _speaks_of_cooperation(article.text):
        return []  # no sentence can name a partner: the common case in a general news archive
    sentences = [s for block in article.blocks for s in split_sentences(article.text, block.start, block.end)]
    texts = [article.text[span.start:span.end] for span in sentences]
    cooperation = [_speaks_of_cooperation(t) for t in texts]
    shaped = [_partners(t, article.text) for t in texts]
    partners: dict[str, tuple[PartnerType, str]] = {}
    for found, speaks in zip(shaped, cooperation):
        for name, kind, own_local in found if speaks else ():
            partners.setdefault(name, (kind, own_local))
    bare = _bare_names(partners)
    local = _main_local_party(article.text)
    neighbours = neighbouring_events(texts, article.date)
    correction = is_correction(article.title, article.text)
    mentions: list[Mention] = []
    last: list[str] = []
    document: dict[str, Form] = {}  # partner → the letter or MoU named last
    officials = {name: role for t in texts for name, role in people_in(t, set(partners))}
    for span, text, speaks, found, context_date in zip(sentences, texts, cooperation, shaped, neighbours):
        named = [name for name, _, _ in found if name in partners]
        named += [name for name, pattern in bare if pattern.search(text) and name not in named]
        if not named and speaks and last:
            named = last[:1]  # "kerja sama ini", "kedua kota ini": the partner named last
        if not named:
            continue
        last = named
        if correction and restates_error(text):
            continue  # "Dalam berita sebelumnya disebutkan …": the error, not a source's statement
        for partner in named:
            kind, own_local = partners[partner]
            mention = _mention(article, text, Source(article.id, span.start, span.end), partner, kind,
                               own_local or local, context_date, speaks, set(partners))
            if spoke := [p for p in speakers(text, officials) if p not in mention.people]:
                mention = replace(mention, people=mention.people + tuple(spoke))
            if mention.form in DOCUMENTS:
                document[partner] = mention.form
            elif mention.form == Form.COOPERATION_AGREEMENT and partner in document and not NAMED_AGREEMENT.search(text):
                mention = replace(mention, form=document[partner])  # "penandatanganan kerja sama" of the letter named
            mentions.append(replace(mention, correction=True) if correction else mention)
    return mentions


# One pass over the text instead of one per pattern (each keeps its own case rule).
_COOPERATION_OR_FORM = re.compile("|".join(
    f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})"
    for p in (COOPERATION, *(p for _, p in FORM_PATTERNS), *(p for _, p in CITY_FORMS))
))


def _speaks_of_cooperation(text: str) -> bool:
    return _COOPERATION_OR_FORM.search(text) is not None


def _bare_names(partners: dict[str, tuple[PartnerType, str]]) -> list[tuple[str, re.Pattern]]:
    """Patterns for partners' bare names, not where they are part of a longer name."""
    return [(name, re.compile(rf"(?<!\w){re.escape(name)}(?![\w]| National| University)"))
            for name in partners if partners[name][0] in (PartnerType.CITY, PartnerType.INTERNATIONAL_ORGANISATION,
                                                   PartnerType.STUDENTS_ASSOCIATION)]


def _mention(article: Article, text: str, source: Source, partner: str, kind: PartnerType, local: str,
             context_date: Event | None, cooperation: bool, partner_names: set[str]) -> Mention:
    # Only a step the sentence names; membership is of an organisation or network, not of a city
    # ("disaksikan anggota DPRD" in a sister-city report names no membership).
    forms = [name for name, pattern in FORM_PATTERNS if pattern.search(text)
             and (name != Form.MEMBERSHIP or kind == PartnerType.INTERNATIONAL_ORGANISATION)]
    city_form = next((name for name, pattern in CITY_FORMS if pattern.search(text)), None)
    form = max(forms, key=LADDER.index) if forms else None
    status = status_of(text) if cooperation else None
    if form == Form.MEMBERSHIP and status == Status.SIGNED:
        status = Status.ONGOING  # one joins a network and stays a member; nothing is signed
    event = sentence_event(text, article.date) or (context_date.elsewhere() if cooperation and context_date else None)
    return Mention(
        partner=partner, partner_type=kind, local_party=local, source=source, form=form, city_form=city_form,
        status=status,
        date=event.date if event else None, date_basis=event.basis if event else None,
        date_reason=event.reason if event else None, reported=article.date, undated=event.undated if event else None,
        fields=_fields(text),
        people=tuple(people_in(text, partner_names)),
    )


_CITY = re.compile(r"\b(?:Pemerintah Kota|Pemkot|Kota|Wali ?[Kk]ota|Walikota|[Cc]ity of|Mayor of)\s+([A-Z][\w-]+(?:\s[A-Z][\w-]+)?)")
# English writes a city's name before its office or after it as an apposition: "Ansan Mayor Lee",
# "Kendari City Hall", "Ansan, a city in South Korea".
_CITY_BEFORE = re.compile(r"\b([A-Z][\w-]+)(?: (?:Mayor|City (?:Government|Hall|Council)|city (?:government|administration))\b"
                          r"|, an? (?:\w+ )?city (?:in|of)\b)")
_UNIVERSITY = re.compile(r"\b(?:Universitas|Universiti|University of)(?:\s[A-Z][\w-]+)+|"
                         r"\b[A-Z][\w-]+\s(?:National\s|State\s)?University\b")
_CAPITALISED_BEFORE = re.compile(r"(?:[A-Z][\w-]+\s){1,2}$")
_STUDENTS = re.compile(r"\bPPI\s(?!di\b|dan\b)([A-Z][\w-]+)")
_GOVERNMENT = re.compile(r"\bPemerintah\s(" + "|".join(sorted(map(re.escape, COUNTRIES), key=len, reverse=True)) + r")\b")
_ORGANISATION = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, ORGANISATIONS), key=len, reverse=True)) + r")(?![\w-])")
_B2B_PAIR = re.compile(r"((?:PT\.?\s)?[A-Z][\w.-]*(?:\s[A-Z][\w.-]*){0,3})\sdengan\s([A-Z][\w-]*(?:\s[A-Z][\w-]*){0,3})")
_LOCAL = re.compile(r"\b(?:Pemerintah Kota|Pemkot|Kota|Wali ?[Kk]ota|Walikota|[Cc]ity of|Mayor of)\s([A-Z][\w-]+(?:\s[A-Z][\w-]+)?)|"
                    r"\b(Kementerian Dalam Negeri|Kemendagri|Pemerintah Indonesia)\b|"
                    r"\b([A-Z][\w-]+) (?:[Cc]ity (?:[Gg]overnment|[Aa]dministration|Hall)|Mayor)\b")


def _partners(text: str, whole: str = "") -> list[tuple[str, PartnerType, str]]:
    """(partner, type, local party if the sentence pairs it with its own) in order of appearance."""
    found: list[tuple[int, str, PartnerType, str]] = []
    for match in _ORGANISATION.finditer(text):
        found.append((match.start(), ORGANISATIONS[match.group(1)], PartnerType.INTERNATIONAL_ORGANISATION, ""))
    for match in _UNIVERSITY.finditer(text):
        found.append((match.start(), _university_name(match.group().strip(), whole or text), PartnerType.UNIVERSITY, ""))
    for match in _STUDENTS.finditer(text):
        found.append((match.start(), f"PPI {match.group(1)}", PartnerType.STUDENTS_ASSOCIATION, ""))
    for match in _GOVERNMENT.finditer(text):
        found.append((match.start(), COUNTRIES[match.group(1)], PartnerType.COUNTRY, "Pemerintah Indonesia"))
    for match in (*_CITY.finditer(text), *_CITY_BEFORE.finditer(text)):
        place = _foreign_place(match.group(1), whole or text)
        if place:
            found.append((match.start(), place, PartnerType.CITY, ""))
    if re.search(r"business to business|business-to-business|\bB2B\b", text, re.I):
        for match in _B2B_PAIR.finditer(text):
            found.append((match.start(2), match.group(2).strip(), PartnerType.COMPANY, match.group(1).strip()))
    seen, partners = set(), []
    for _, name, kind, local in sorted(found):
        if name not in seen and not any(name in other and name != other for _, other, _, _ in found):
            seen.add(name)
            partners.append((name, kind, local))
    return partners


def _university_name(core: str, whole: str) -> str:
    """"Darwin University" is "Charles Darwin University" where every mention of it in the article
    is preceded by "Charles": the capitalised words all its mentions share ("Pusat Kebijakan Seoul
    National University" and "Seoul National University" share none)."""
    if core.startswith(("Universitas", "Universiti", "University of")) or " National " in core or " State " in core:
        return core  # "Seoul National University", "Ohio State University": a place and its kind
    befores = [_CAPITALISED_BEFORE.search(whole[:m.start()]) for m in re.finditer(re.escape(core), whole)]
    words = [b.group().split() if b else [] for b in befores] or [[]]
    shared: list[str] = []
    for position in range(1, min(len(w) for w in words) + 1):
        if len({tuple(w[-position:]) for w in words}) != 1:
            break
        shared = words[0][-position:]
    return " ".join([*shared, core])


def _foreign_place(words: str, text: str) -> str | None:
    """The place a "Kota X" names if it is not Indonesian and not a nickname ("Kota Hujan"). Two
    capitalised words are one name where the first never stands without the second ("Chiang Mai";
    "Kisarazu Yoshikazu" is a place and a name)."""
    if words in TWO_WORD_PLACES:
        return words
    first = words.split()[0]
    if " " in words and first not in INDONESIAN_PLACES and not re.search(
            rf"\b{re.escape(first)}\b(?!\s{re.escape(words.split()[1])}\b)", text):
        return words
    if first in INDONESIAN_PLACES or first in NOT_PLACES or first in COUNTRIES:
        return None
    return first


def _main_local_party(text: str) -> str:
    """The Indonesian party the article is about: its most mentioned government."""
    counts: Counter[str] = Counter()
    for match in _LOCAL.finditer(text):
        place = (match.group(1) or match.group(3) or "").split()[:1]
        if match.group(2):
            counts["Kemendagri" if match.group(2) != "Pemerintah Indonesia" else "Pemerintah Indonesia"] += 1
        elif place and place[0] in INDONESIAN_PLACES and place[0] != "Indonesia":
            counts[f"Pemerintah Kota {place[0]}"] += 1
    return counts.most_common(1)[0][0] if counts else "?"


_LIST_LEAD = re.compile(r"^(?:(?:bidang|the|yakni|yaitu|seperti|antara lain|termasuk|such as|including)\s+)+", re.I)
# Not a field: "bidang lain(nya)" (other fields), a date that ends the sentence ("…, Kamis (9/2)").
_NOT_A_FIELD = re.compile(rf"^(?:lain|lainnya|other|others)$|\d|\b(?:{WEEKDAY})\b", re.I)


def _fields(text: str) -> tuple[str, ...]:
    """The fields a sentence names: the gazetteer's name for each it knows, and each item of a
    listed field it does not know in the article's own words ("ekonomi kreatif")."""
    known = [name for name, pattern in FIELD_PATTERNS if any(not _in_a_name(text, m) for m in pattern.finditer(text))]
    own = []
    for match in FIELD_LIST.finditer(text):
        listed = FIELD_LIST_END.split(match.group(1))[0]
        for item in re.split(r"[,;]\s*(?:dan|serta|and)?\s*|\s+(?:dan|serta|and|&)\s+", listed):
            item = _LIST_LEAD.sub("", item.strip()).strip(" ,")
            if (item and 1 <= len(item.split()) <= 5 and not _NOT_A_FIELD.search(item)
                    and not any(p.search(item) for _, p in FIELD_PATTERNS)):
                own.append(item)
    return tuple(dict.fromkeys(known + own))


def _in_a_name(text: str, match: re.Match) -> bool:
    """A field's word capitalised within a sentence is part of a name ("Menteri Lingkungan Hidup",
    "Program Manajemen Teknologi"), not a field the cooperation covers: both languages write
    fields in lower case."""
    return match.start() > 0 and match.group()[0].isupper()


# The register --------------------------------------------------------------------------------


def undated_last(date: When | None) -> tuple[bool, tuple[int, ...]]:
    """A sort key for event dates: in date order, those the text gives no date for after all others."""
    return date is None, date_order(date)


def register_of(articles: Iterable[Article]) -> list[Partnership]:
    """The register of these articles, read now (a build stores each article's mentions instead)."""
    return build_register(m for article in articles for m in extract(article))


def build_register(mentions: Iterable[Mention]) -> list[Partnership]:
    """One record per local party and partner, every article's mentions merged; none where no
    sentence names a step ("membahas peluang kerja sama" names a partner, not a partnership)."""
    groups: dict[tuple[str, str], list[Mention]] = {}
    for mention in mentions:
        groups.setdefault((mention.local_party, mention.partner), []).append(mention)
    records = [_record(group) for group in groups.values() if any(m.form or m.city_form for m in group)]
    return sorted(records, key=lambda r: (*undated_last(r.date), r.partner))


def _record(group: list[Mention]) -> Partnership:
    group = _years_placed(group)
    first = group[0]
    sources: dict[str, list[Source]] = {"partner": [m.source for m in group if m.form or m.city_form]
                                        or [m.source for m in group]}
    formed = [m for m in group if m.form]
    reached = [m for m in formed if _taken(m)] or formed  # "akan …" is not a step taken
    form = max((m.form for m in reached), key=LADDER.index) if reached else None
    city_form = next((m.city_form for m in group if m.city_form), None)
    shown_form = f"{form} ({city_form})" if form and city_form and form != Form.MEMBERSHIP else (form or city_form)
    primary = [m for m in group if m.form == form or (form is None and m.city_form)]
    sources["form"] = [m.source for m in group if m.form == form or m.city_form]
    stages = _corrected(sorted(
        (Stage(m.form, m.date, m.status, m.source, m.date_basis, m.date_reason, m.reported, m.correction)
         for m in group if m.form),
        key=lambda s: undated_last(s.date)))
    conflicts = _conflicts(stages)
    stages = _distinct_stages(stages)
    # The headline is one stage a source states, its date and status together: the furthest step
    # taken (signed or under way), else the furthest planned. Never one stage's date with another's status.
    headline = _headline(stages)
    reported = headline.reported if headline else first.reported
    if headline is not None:
        date, status = headline.date, headline.status
        sources["date"] = [headline.source] if headline.date else []
        sources["status"] = [headline.source] if headline.status else []
    else:
        dated = sorted((m for m in primary if m.date), key=lambda m: (-_detail(m.date), date_order(m.date)))
        date = dated[0].date if dated else None
        sources["date"] = [dated[0].source] if dated else []
        statuses = [m for m in group if m.status]
        status = max((m.status for m in statuses), key=STATUS_ORDER.index) if statuses else None
        sources["status"] = [m.source for m in statuses if m.status == status]
    fields = list(dict.fromkeys(f for m in group for f in m.fields))
    sources["fields"] = [m.source for m in group if m.fields]
    people: dict[str, Person] = {}
    for mention in group:
        for name, role in party_people(first.local_party, mention.people):
            people.setdefault(name, Person(name, role, mention.source))
    for name in list(people):  # "Bima Arya" and "Bima Arya Sugiarto" are one person: the fuller name stays
        if any(other != name and other.startswith(name + " ") for other in people):
            del people[name]
    sources["people"] = [p.source for p in people.values()]
    return Partnership(first.local_party, first.partner, first.partner_type, shown_form, date, fields,
                       list(people.values()), status, stages,
                       {k: list(dict.fromkeys(v)) for k, v in sources.items() if v}, reported, conflicts)


def _headline(stages: list[Stage]) -> Stage | None:
    stages = [s for s in stages if s.corrected_by is None]
    taken = [s for s in stages if _taken(s)]
    candidates = taken or [s for s in stages if s.status]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (LADDER.index(s.form), s.date is not None, date_order(s.date)))


def _taken(stage: Stage | Mention) -> bool:
    """A step taken: signed, or under way past exploring. Exploring is what comes before any step,
    so a letter of interest planned says more of a partnership than the exploring under way."""
    return stage.status == Status.SIGNED or (stage.status == Status.ONGOING and stage.form != Form.EXPLORATION)


def _years_placed(group: list[Mention]) -> list[Mention]:
    """A year-less date with its day of the week ("Rabu 8 Juni", in an article with no date) is
    placed in the one year, among those other articles state for the same partnership, in which
    that day fell on that weekday; the reason names the article the year came from."""
    stated: dict[int, str] = {}
    for mention in group:
        if mention.date and mention.date_basis == DateBasis.STATED and mention.source.article_id not in stated.values():
            stated.setdefault(mention.date.year, mention.source.article_id)
    placed = []
    for mention in group:
        if mention.undated and mention.date is None and (found := place_year(*mention.undated, stated)):
            year, said = found
            day, month, _ = mention.undated
            reason = f"year inferred: {said}, the year {stated[year]} gives for this partnership"
            if mention.date_reason:
                reason = f"{mention.date_reason}; {reason}"
            mention = replace(mention, date=When.on(datetime.date(year, month, day)), date_basis=str(DateBasis.INFERRED),
                              date_reason=reason)
        placed.append(mention)
    return placed


def _distinct_stages(stages: list[Stage]) -> list[Stage]:
    """One stage for each step and date: "Juni 2016" and "8 Juni 2016" of the same signing are one
    (the more precise kept); two different days are two sources' dates, both kept (a conflict). A
    sentence that names a step without its status ("MoU ini mencakup …") speaks of a step the
    articles give with one, and adds a stage only where none does; its date, if the other lacks
    one, goes to that stage when both are in one article."""
    stated = [s for s in stages if s.status]
    kept: list[Stage] = []
    for stage in sorted(stated, key=lambda s: -_detail(s.date)):
        if not any(_same_step(stage, other) and _compatible(stage.date, other.date) for other in kept):
            kept.append(stage)
    for bare in (s for s in stages if not s.status):
        same = [i for i, other in enumerate(kept) if other.form == bare.form and _compatible(bare.date, other.date)]
        if not same:
            kept.append(bare)
            continue
        undated = [i for i in same if not kept[i].date and kept[i].source.article_id == bare.source.article_id]
        if bare.date and undated:
            kept[undated[0]] = replace(kept[undated[0]], date=bare.date, date_basis=bare.date_basis,
                                       date_reason=_joined("another sentence of the article names this step and its date",
                                                           bare.date_reason))
    return sorted(kept, key=lambda s: undated_last(s.date))


def _joined(*reasons: str | None) -> str:
    return "; ".join(r for r in reasons if r)


def _same_step(first: Stage, second: Stage) -> bool:
    return first.form == second.form and first.status == second.status  # a plan and its signing are two steps


def _compatible(first: When | None, second: When | None) -> bool:
    """Dates that can be the same day: one is the other, or a part of it ("2016-06" of "2016-06-08");
    an unknown date can be any."""
    return first is None or second is None or first.could_be(second)


def _detail(date: When | None) -> int:
    return date.detail if date else 0


def _corrected(stages: list[Stage]) -> list[Stage]:
    """Each stage a later correction gives another date for, marked with the correction's article."""
    corrections = [s for s in stages if s.correction and s.date]
    marked = []
    for stage in stages:
        later = next((c for c in corrections if c.source.article_id != stage.source.article_id and not stage.correction
                      and _same_step(stage, c) and not _compatible(stage.date, c.date)
                      and _reported_order(c) >= _reported_order(stage)), None)
        marked.append(replace(stage, corrected_by=later.source.article_id) if later else stage)
    return marked


def _reported_order(stage: Stage) -> tuple[int, ...]:
    """When the stage's article came out, in the calendar's order (a date its metadata gives that is
    no ISO date, or none, comes first)."""
    return date_order(When.parsed_or_none(stage.reported))


def _conflicts(stages: list[Stage]) -> list[Conflict]:
    """Steps taken (signed, under way) whose date, or whose form on one date, differs between articles."""
    standing = [s for s in stages if s.corrected_by is None and s.status in (Status.SIGNED, Status.ONGOING) and s.date]
    conflicts = []
    for form in dict.fromkeys(s.form for s in standing):
        for status in dict.fromkeys(s.status for s in standing if s.form == form):
            dated = [s for s in standing if s.form == form and s.status == status and s.date and s.date.is_day]
            values = _one_per_value(dated, lambda s: s.date)
            if len(values) > 1 and len({s.source.article_id for s in values}) > 1:
                conflicts.append(Conflict("date", f"{form} {status}", tuple(values)))
    for date in dict.fromkeys(s.date for s in standing if s.date and s.date.is_day):
        signed = [s for s in standing if s.date == date and s.status == Status.SIGNED]
        values = _one_per_value(signed, lambda s: s.form)
        if len(values) > 1 and len({s.source.article_id for s in values}) > 1 and _articles_disjoint(values, signed):
            conflicts.append(Conflict("form", f"signed {date}", tuple(values)))
    return conflicts


def _one_per_value(stages: list[Stage], value) -> list[Stage]:
    return list({value(s): s for s in reversed(stages)}.values())[::-1]


def _articles_disjoint(values: list[Stage], stages: list[Stage]) -> bool:
    """No article states two of the values itself (one report naming both an LoI and an MoU signed
    that day says two steps were taken, not that sources differ)."""
    by_article: dict[str, set] = {}
    for stage in stages:
        by_article.setdefault(stage.source.article_id, set()).add(stage.form)
    return all(len(forms) == 1 for forms in by_article.values())


# Stored with the index --------------------------------------------------------------------------

# The modules whose rules decide what a sentence says of a partnership. Their text, not a number
# someone must remember to raise, names the rules a register was read by: any change to them reads
# every article again (a few seconds of rules, no embedding).
RULE_MODULES = ("rag.register.extraction", "rag.register.words", "rag.register.dating", "rag.register.people",
                "rag.text.forms", "rag.text.reporting", "rag.text.morphology", "rag.text.dates",
                "rag.text.event_dates", "rag.text.sentences")


@functools.cache
def extractor_version() -> str:
    digest = hashlib.sha256()
    for name in RULE_MODULES:
        digest.update(Path(importlib.import_module(name).__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def extract_corpus(articles: Iterable[Article], unchanged: set[str], stored: dict | None) -> dict:
    """Each article's mentions, by article id; articles in `unchanged` (same fingerprint as in the
    last build, whose register is `stored`) keep theirs without being read again. Articles that
    mention no partnership, most of a news archive, take no room."""
    reusable = stored["articles"] if stored and stored.get("extractor") == extractor_version() else None
    result = {}
    for article in articles:
        if reusable is not None and article.id in unchanged:
            mentions = reusable.get(article.id)
        else:
            mentions = [_mention_to_json(m) for m in extract(article)]
        if mentions:
            result[article.id] = mentions
    return {"extractor": extractor_version(), "articles": result}


def register_from_stored(stored: object) -> list[Partnership]:
    """The register from the mentions a version stored; a damaged record fails in one line."""
    try:
        if not isinstance(stored, dict):
            raise TypeError("the stored register is not an object")
        articles = stored["articles"]
        return build_register(_mention_from_json(m) for mentions in articles.values() for m in mentions)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise IndexCorruptError(f"the stored register is damaged ({type(error).__name__}: {str(error)[:80]}): "
                                f"{repair_hint()}") from None


def _mention_to_json(mention: Mention) -> dict:
    row = {k: v for k, v in asdict(mention).items() if v not in (None, (), [])}
    return {**row, "date": str(mention.date)} if mention.date else row


def _mention_from_json(row: dict) -> Mention:
    return Mention(**{**row, "source": Source(**row["source"]), "fields": tuple(row.get("fields", ())),
                      "date": When.parse(row["date"]) if row.get("date") else None,
                      "partner_type": PartnerType(row["partner_type"]), "form": _or_none(Form, row.get("form")),
                      "city_form": _or_none(CityForm, row.get("city_form")), "status": _or_none(Status, row.get("status")),
                      "people": tuple(tuple(p) for p in row.get("people", ())),
                      "undated": tuple(row["undated"]) if row.get("undated") else None})


def _or_none(kind: type[_Named], value: str | None) -> _Named | None:
    """The stored value as its enum, or None where none was stored."""
    return kind(value) if value is not None else None

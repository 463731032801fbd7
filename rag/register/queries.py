"""The partnership register in use: each record's citations, filters, the rows `rag partnerships`
prints, the app's table and timeline, and chat answers to list questions such as
"Kerja sama apa saja yang dimiliki Kota Bogor?" (rag/register/extraction.py extracts the records).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace

from rag.answers.extractive import Answer, AnswerMode, AnswerPart, Citation, citation_to_json, join_parts
from rag.errors import RagError
from rag.index.copies import CopyGroups
from rag.ingest.corpus import ArticleInfo
from rag.limits import checked_values
from rag.register.extraction import Partnership, Source
from rag.register.words import PartnerType, Status
from rag.search.filters import Filters
from rag.text.answer_kinds import asks_for_partner_list
from rag.text.dates import YEAR, When
from rag.text.language import detect_language
from rag.text.messages import ANSWERS, REGISTER, in_language
from rag.text.sentences import Span

CSV_COLUMNS = ("local_party", "partner", "partner_type", "form", "date", "fields", "people", "status", "sources")

_TYPES = (
    (PartnerType.CITY, re.compile(r"\b(kota (luar negeri|asing|mana)|foreign cit(y|ies)|cities|sister cit)", re.I)),
    (PartnerType.COUNTRY, re.compile(r"\b(negara|countr(y|ies))\b", re.I)),
    (PartnerType.INTERNATIONAL_ORGANISATION, re.compile(r"\b(organisasi|organi[sz]ations?|forum)\b", re.I)),
    (PartnerType.UNIVERSITY, re.compile(r"\b(universitas|universit(y|ies)|kampus)\b", re.I)),
)


@dataclass(frozen=True)
class RegisterFilter:
    partner: str | None = None  # part of the partner's or the local party's name, any case
    field: str | None = None
    year: int | None = None
    partner_type: PartnerType | None = None
    local: str | None = None
    # Only records whose sources disagree (`rag partnerships --conflicts`).
    conflicts: bool = False

    @classmethod
    def from_form(cls, partner: str | None = None, field: str | None = None, year: int | str | None = None,
                  conflicts: bool = False) -> RegisterFilter:
        """The filter as set in the app's form or an API call, where a blank field means any."""
        partners, fields = checked_values(partner, "partner"), checked_values(field, "field")
        return cls(partners[0] if partners else None, fields[0] if fields else None, _year(year), conflicts=conflicts)

    def admits(self, record: Partnership) -> bool:
        names = f"{record.partner} {record.local_party}".lower()
        return ((not self.partner or self.partner.lower() in names)
                and (not self.field or self.field in record.fields)
                and (self.year is None or record.year_or_reported == self.year)
                and (not self.partner_type or record.partner_type == self.partner_type)
                and (not self.local or self.local.lower() in record.local_party.lower())
                and (not self.conflicts or bool(record.conflicts)))


def _year(year: object) -> int | None:
    """A year as the one date grammar reads years (rag.text.dates.YEAR): four digits, not "00000"."""
    if year in (None, ""):
        return None
    text = str(year).strip() if isinstance(year, (int, str)) and not isinstance(year, bool) else ""
    if YEAR.fullmatch(text):
        return int(text)
    raise RagError(f"year {year!r} is not a year: e.g. 2016")


def select(records: list[Partnership], register_filter: RegisterFilter, articles: dict[str, ArticleInfo],
           filters: Filters | None = None) -> list[Partnership]:
    """Records the filter admits, and (with article filters) that rest on at least one admitted article."""
    def admitted(record: Partnership) -> bool:
        if filters is None or not filters.active:
            return True
        if filters.on_events and any(filters.covers(s.date) for s in record.stages):
            return True  # time read from a question: the dates of the steps themselves
        return any(filters.admits(a.id, a.outlet, a.date) for a in
                   (articles[s.article_id] for s in record.all_sources if s.article_id in articles))
    return [r for r in records if register_filter.admits(r) and admitted(r)]


def citations_for(record: Partnership, articles: dict[str, ArticleInfo], first: int = 1) -> tuple[list[Citation], dict[Source, int]]:
    """A citation per sentence the record rests on, numbered from `first`, as `rag ask` gives them."""
    citations: list[Citation] = []
    numbers: dict[Source, int] = {}
    for source in record.all_sources:
        numbers[source] = first + len(citations)
        citations.append(citation_of(source, numbers[source], articles))
    return citations, numbers


def citation_of(source: Source, n: int, articles: dict[str, ArticleInfo]) -> Citation:
    article = articles[source.article_id]
    return Citation(n=n, article_id=article.id, title=article.title, outlet=article.outlet, date=article.date,
                    url=article.url, snippet=article.text[source.start:source.end], start=source.start, end=source.end,
                    score=1.0, quotes=(Span(source.start, source.end),), page=article.page_at(source.start))


def rows(records: list[Partnership], articles: dict[str, ArticleInfo], copies: CopyGroups = CopyGroups()) -> list[dict]:
    """The objects `rag partnerships --json` prints: `evidence` gives, for each field, the numbers
    of the citations it rests on; `stages` every step reported, each with its citation; `conflicts`
    each field whose sources disagree, every value with its citation; `sources` the reports and
    how many of them are independent (copies counted once)."""
    out = []
    for record in records:
        citations, numbers = citations_for(record, articles)
        citations = [replace(c, copies=[a for a in copies.group_of(c.article_id) if a != c.article_id]) for c in citations]
        out.append({
            "local_party": record.local_party, "partner": record.partner, "partner_type": record.partner_type,
            "form": record.form, "date": _iso(record.date), "reported": record.reported, "fields": record.fields,
            "people": [{"name": p.name, "role": p.role} for p in record.people], "status": record.status,
            "stages": [{"form": s.form, "date": _iso(s.date), "date_basis": s.date_basis, "date_reason": s.date_reason,
                        "reported": s.reported, "status": s.status, "citation": numbers[s.source],
                        "correction": s.correction, "corrected_by": s.corrected_by}
                       for s in record.stages],
            "conflicts": [{"field": c.field, "stage": c.stage,
                           "values": [{"value": _iso(v.date) if c.field == "date" else v.form, "reported": v.reported,
                                       "article_id": v.source.article_id, "citation": numbers[v.source]}
                                      for v in c.values]}
                          for c in record.conflicts],
            "sources": copies.count(s.article_id for s in record.all_sources).to_json(),
            "evidence": {name: [numbers[s] for s in group] for name, group in record.sources.items()},
            "citations": [citation_to_json(c) for c in citations],  # as `rag ask --json` gives them
        })
    return out


TABLE_COLUMNS = ("partner", "partner_type", "local_party", "form", "date", "status", "fields")
# Shares of the table's width: every column within a 1,366-pixel page, long values wrapped.
TABLE_WIDTHS = ("13%", "10%", "16%", "17%", "13%", "13%", "18%")


def table_headers(language: str = "id") -> list[str]:
    words = in_language(REGISTER, language)
    return [words[f"col_{name}"] for name in TABLE_COLUMNS]


def table_rows(records: list[Partnership], language: str = "id") -> list[list[str]]:
    """The app's table: one row a partnership, in TABLE_COLUMNS order, its words in the interface
    language (names as the articles write them); a date its sources disagree on is marked "⚠"
    with the other values."""
    return [[r.partner, shown("type", r.partner_type, language), r.local_party, shown_form(r.form, language),
             _date_cell(r), shown("status", r.status, language) if r.status else "",
             ", ".join(shown("field", f, language) for f in r.fields)]
            for r in records]


def shown(kind: str, value: str | None, language: str) -> str:
    """A register value in the interface language; one the table has no words for (a field in an
    article's own words) as it is."""
    words = in_language(REGISTER, language)
    return words.get(f"{kind}_{value}", value or "")


def shown_form(form: str | None, language: str) -> str:
    """"MoU (sister city)" as "nota kesepahaman (MoU) (kota kembar)"."""
    if not form:
        return ""
    base, _, city = form.partition(" (")
    return shown("form", base, language) + (f" ({shown('form', city.rstrip(')'), language)})" if city else "")


def _date_cell(record: Partnership) -> str:
    others = [_iso(v.date) if c.field == "date" else v.form for c in record.conflicts for v in c.values]
    if not others:
        return _iso(record.date) or ""
    return f"⚠ {_iso(record.date) or ''} ({' / '.join(dict.fromkeys(o for o in others if o))})".replace("  ", " ")


def _iso(date: When | None) -> str | None:
    """A date as the register's JSON and table write it (ISO), None where it is unknown."""
    return str(date) if date else None


def to_csv(table: list[dict]) -> str:
    """One line a partnership, for a spreadsheet; `sources` lists article ids with character spans."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in table:
        writer.writerow([
            row["local_party"], row["partner"], row["partner_type"], row["form"] or "", row["date"] or "",
            "; ".join(row["fields"]), "; ".join(f"{p['name']} ({p['role']})" for p in row["people"]), row["status"] or "",
            "; ".join(f"{c['article_id']}@{c['start']}-{c['end']}" for c in row["citations"]),
        ])
    return out.getvalue()


# Chat ----------------------------------------------------------------------------------------


def question_filter(question: str, records: list[Partnership]) -> RegisterFilter | None:
    """A filter when the question asks for a list of partnerships and names no single partner
    ("Apa saja ruang lingkup kerja sama … Kisarazu?" is about one partnership: passages answer it)."""
    if not asks_for_partner_list(question):
        return None
    lowered = question.lower()
    if any(_names(record.partner, lowered) for record in records):
        return None
    local = next((r.local_party for r in records if _names(r.local_party.split()[-1], lowered)), None)
    kind = next((name for name, pattern in _TYPES if pattern.search(question)), None)
    year = re.search(r"\b(19|20)\d\d\b", question)
    return RegisterFilter(partner_type=kind, local=local, year=int(year.group()) if year else None)


def _names(name: str, lowered_question: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", lowered_question) is not None


def answer(question: str, records: list[Partnership], articles: dict[str, ArticleInfo],
           filters: Filters | None = None) -> Answer | None:
    """The register's answer to a list question, one quoted sentence a partnership; None if the
    question is not one or the register holds nothing for it (passages answer it then)."""
    register_filter = question_filter(question, records)
    if register_filter is None:
        return None
    chosen = select(records, register_filter, articles, filters)
    if not chosen:
        return None
    language = detect_language(question)
    citations: list[Citation] = []
    parts: list[AnswerPart] = []
    items: list[str] = []
    for record in chosen:
        marks = ""
        for source in _quoted_sources(record, articles):
            citations.append(citation_of(source, len(citations) + 1, articles))
            parts.append(AnswerPart(articles[source.article_id].text[source.start:source.end], len(citations)))
            marks += f"[{len(citations)}]"
        details = ", ".join(x for x in (record.form, _iso(record.date), record.status) if x)
        items.append(f"{record.partner} ({details}) {marks}")
    scope = f" — {register_filter.local}" if register_filter.local else ""
    lead = in_language(ANSWERS, language)["register_lead"].format(count=len(chosen), scope=scope, items="; ".join(items))
    # The lead is the register's own summary, shown above the quotes; the answer stays verbatim.
    return Answer(question, join_parts(parts), False, citations, [], language, parts, mode=AnswerMode.REGISTER, lead=lead)


def _quoted_sources(record: Partnership, articles: dict[str, ArticleInfo]) -> list[Source]:
    """The sentence of the record's main step (the form it reached, reported as done if it was),
    preceded by one naming the partner when the main one does not ("kedua pimpinan daerah")."""
    base = (record.form or "").split(" (")[0]
    stages = [s for s in record.stages if s.form == base]
    done = [s for s in stages if s.status in (Status.SIGNED, Status.ONGOING)]
    chosen = done or stages or record.stages
    main = chosen[0].source if chosen else record.all_sources[0]
    if _names(record.partner, _text(main, articles).lower()):
        return [main]
    naming = [s for s in record.all_sources if _names(record.partner, _text(s, articles).lower())]
    same_article = [s for s in naming if s.article_id == main.article_id]
    return [(same_article or naming)[0], main] if naming else [main]


def _text(source: Source, articles: dict[str, ArticleInfo]) -> str:
    return articles[source.article_id].text[source.start:source.end]

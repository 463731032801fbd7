"""The register measured against the records a careful reader writes: precision and recall per
field, and every disagreement listed, so that a rule is judged on articles, not on one example.

A gold file is JSON Lines, one partnership a line (docs/register.md has the format):

    {"local_party": "Pemerintah Kota Bogor", "partner": "Kisarazu",
     "form": "letter of interest (friendship city)", "status": "signed", "date": [null],
     "fields": ["education", ["pertukaran informasi", "information exchange"]],
     "people": [["Bima Arya Sugiarto", "Bima Arya"]],
     "stages": [{"form": "letter of interest", "status": "signed", "date": [null]}],
     "conflicts": []}

`date` lists the acceptable headline dates (null: the articles state none; two dates where the
sources disagree). A field or a person is a name or a list of names any of which counts. A stage
is a form, or a form with its status and acceptable dates; each stage the register gives must
match one of them, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path

from rag.errors import EvalFileError
from rag.jsonl import json_lines
from rag.register.extraction import Partnership, Stage
from rag.text.dates import When

ONE_VALUE_FIELDS = ("form", "status", "date")


@dataclass(frozen=True)
class GoldStage:
    form: str
    status: str | None = None  # None: any status
    dates: tuple[When | None, ...] | None = None  # None: any date

    def matches(self, stage: Stage) -> bool:
        return (stage.form == self.form and (self.status is None or stage.status == self.status)
                and (self.dates is None or stage.date in self.dates))

    def __str__(self) -> str:
        return " ".join(filter(None, (self.form, self.status, "/".join(map(str, self.dates or ())))))


@dataclass(frozen=True)
class GoldRecord:
    local_party: str
    partner: str
    form: str | None
    status: str | None
    dates: tuple[When | None, ...]
    fields: tuple[frozenset[str], ...]
    people: tuple[frozenset[str], ...]
    stages: tuple[GoldStage, ...]
    conflicts: tuple[frozenset[str], ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.local_party, self.partner


@dataclass(frozen=True)
class Score:
    correct: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


@dataclass
class RegisterReport:
    records: int
    scores: dict[str, Score]
    # Each disagreement with the gold file, readable: "Seoul: stage cooperation agreement planned not in the gold file".
    differences: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"records": self.records, "differences": self.differences,
                "scores": {name: {**asdict(s), "precision": s.precision, "recall": s.recall}
                           for name, s in self.scores.items()}}


def read_register_gold(path: Path) -> list[GoldRecord]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise EvalFileError(f"cannot read register gold file {path} ({error.strerror or error}): "
                            f"give a .jsonl file of records") from None
    records = [_gold_record(f"{path}:{line.number}", line.record, line.error) for line in json_lines(text)]
    if not records:
        raise EvalFileError(f"register gold file {path} holds no record: one JSON object a line")
    return records


def _gold_record(where: str, row: object, error: str | None) -> GoldRecord:
    if error:
        raise EvalFileError(f"{where} is not JSON ({error}): one record a line")
    if not isinstance(row, dict) or not all(isinstance(row.get(k), str) for k in ("local_party", "partner")):
        raise EvalFileError(f'{where} has no "local_party" and "partner" strings: see docs/register.md for the format')
    try:
        return GoldRecord(
            row["local_party"], row["partner"], row.get("form"), row.get("status"), _dates(row.get("date", [None])),
            _alternatives(row.get("fields", [])), _alternatives(row.get("people", [])),
            tuple(_gold_stage(s) for s in row.get("stages", [])), _alternatives(row.get("conflicts", [])))
    except (TypeError, AttributeError) as problem:
        raise EvalFileError(f"{where}: {problem}: see docs/register.md for the format") from None


def _dates(value: object) -> tuple[When | None, ...]:
    values = value if isinstance(value, list) else [value]
    texts = [v for v in values if v is None or isinstance(v, str)]
    if len(texts) < len(values):
        raise TypeError("a date is a string or null")
    try:
        return tuple(None if v is None else When.parse(v) for v in texts)
    except ValueError as problem:
        raise TypeError(str(problem)) from None


def _alternatives(values: list) -> tuple[frozenset[str], ...]:
    return tuple(frozenset([value] if isinstance(value, str) else value) for value in values)


def _gold_stage(value: str | dict) -> GoldStage:
    if isinstance(value, str):
        return GoldStage(value)
    if not isinstance(value, dict) or not isinstance(value.get("form"), str):
        raise TypeError('a stage is a form, or an object with a "form" string')
    return GoldStage(value["form"], value.get("status"), _dates(value["date"]) if "date" in value else None)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def score_register(records: Iterable[Partnership], gold: list[GoldRecord]) -> RegisterReport:
    """Per field: partner over records; form, status and date over the records found (a record
    found is a prediction its value is right or wrong in); fields, people, stages and conflicts
    over every value given and expected."""
    records = list(records)
    wanted = {g.key: g for g in gold}
    found = {(r.local_party, r.partner): r for r in records}
    matched = [(found[key], wanted[key]) for key in wanted if key in found]
    differences = [f"{p} — {q}: not in the gold file" for p, q in found if (p, q) not in wanted]
    differences += [f"{p} — {q}: missing" for p, q in wanted if (p, q) not in found]
    scores = {"partner": Score(len(matched), len(records), len(gold))}
    for name in ONE_VALUE_FIELDS:
        right = 0
        for record, expected in matched:
            got, ok = _one_value(name, record, expected)
            right += ok
            if not ok:
                differences.append(f"{record.partner}: {name} {_plain(got)}, expected {_expected_value(name, expected)}")
        scores[name] = Score(right, len(matched), len(gold))
    for name, given in (("fields", lambda r: r.fields), ("people", lambda r: [p.name for p in r.people]),
                        ("conflicts", lambda r: sorted({c.field for c in r.conflicts}))):
        score, missed = _many_values(name, [(given(r), g) for r, g in matched])
        scores[name] = score
        differences += missed
    score, missed = _stages(matched)
    scores["stages"] = score
    differences += missed
    return RegisterReport(len(gold), scores, differences)


def _one_value(name: str, record: Partnership, expected: GoldRecord) -> tuple[object, bool]:
    got = getattr(record, name)
    if name == "date":
        return got, got in expected.dates
    return got, got == getattr(expected, name)


def _plain(value: object) -> str:
    """A value as the gold file writes it: a status as 'signed', not as its enum; a date as '2016-06-08'."""
    return repr(value.value if isinstance(value, Enum) else str(value) if isinstance(value, When) else value)


def _expected_value(name: str, expected: GoldRecord) -> str:
    return " or ".join(map(_plain, expected.dates)) if name == "date" else repr(getattr(expected, name))


def _many_values(name: str, pairs: list[tuple[list[str], GoldRecord]]) -> tuple[Score, list[str]]:
    scores = [_one_to_one(f"{expected.partner}: {name}", given, getattr(expected, name),
                          lambda value, group: _folded(value) in map(_folded, group), repr,
                          lambda group: repr(sorted(group)[0]))
              for given, expected in pairs]
    return _summed(scores, [len(given) for given, _ in pairs], [len(getattr(e, name)) for _, e in pairs])


def _stages(matched: list[tuple[Partnership, GoldRecord]]) -> tuple[Score, list[str]]:
    scores = [_one_to_one(f"{record.partner}: stage", record.stages, expected.stages,
                          lambda stage, gold: gold.matches(stage),
                          lambda stage: f"{stage.form} {stage.status} {stage.date}", str)
              for record, expected in matched]
    return _summed(scores, [len(r.stages) for r, _ in matched], [len(e.stages) for _, e in matched])


def _one_to_one(label: str, given, wanted, same, shown_given, shown_wanted) -> tuple[int, list[str]]:
    """How many given values match a wanted one, each wanted value matched once; and the differences."""
    left, correct, differences = list(wanted), 0, []
    for value in given:
        hit = next((w for w in left if same(value, w)), None)
        if hit is None:
            differences.append(f"{label} {shown_given(value)} not in the gold file")
        else:
            left.remove(hit)
            correct += 1
    return correct, differences + [f"{label} {shown_wanted(w)} missing" for w in left]


def _summed(scores: list[tuple[int, list[str]]], predicted: list[int], expected: list[int]) -> tuple[Score, list[str]]:
    return (Score(sum(c for c, _ in scores), sum(predicted), sum(expected)),
            [d for _, differences in scores for d in differences])


def report_table(report: RegisterReport) -> str:
    lines = [f"{report.records} records in the gold file", "", "| field | precision | recall |", "|---|---|---|"]
    lines += [f"| {name} | {s.precision:.2f} ({s.correct}/{s.predicted}) | {s.recall:.2f} ({s.correct}/{s.expected}) |"
              for name, s in report.scores.items()]
    if report.differences:
        lines += ["", "Differences:", *(f"- {d}" for d in report.differences)]
    return "\n".join(lines)

"""The register's evaluation on articles written for the tests (tests/newsroom/): precision and
recall per field against the records a careful reader would write (tests/newsroom/expected.py).
Two sets: the articles the issue's rules were written beside (development), and six written
after those rules were frozen and measured once (held out).

    python -m tests.register_eval      prints the table the README quotes

Partner: records found / expected. Form, status, date: of the expected records found, the share
whose headline value is right (a record found is a prediction; its value is right or wrong, so
precision and recall differ only by the records missed). Fields and people: every value the
register gives against every value expected. Stages: a stage whose step no article names is
invented.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rag.register.extraction import Partnership, build_register, extract
from tests.newsroom.articles import ARTICLES, HELD_OUT
from tests.newsroom.expected import EXPECTED, HELD_OUT_EXPECTED

SETS = {"development": (ARTICLES, EXPECTED), "held out": (HELD_OUT, HELD_OUT_EXPECTED)}


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


def register_of(articles: list[dict], tmp: Path) -> list[Partnership]:
    """The register the program builds from these articles, read as `rag build` reads a corpus."""
    from rag.ingest.corpus import load_corpus
    from tests.newsroom.articles import write_corpus

    corpus = load_corpus(write_corpus(tmp, [a["id"] for a in articles], articles))
    return build_register(m for article in corpus.articles for m in extract(article))


def evaluate(records: list[Partnership], EXPECTED: dict = EXPECTED) -> tuple[dict[str, Score], list[str]]:  # noqa: N803
    """Scores per field, and the invented stages (as "partner: form")."""
    found = {(r.local_party, r.partner): r for r in records}
    matched = {key: found[key] for key in EXPECTED if key in found}
    scores = {"partner": Score(len(matched), len(records), len(EXPECTED))}
    for name, value in (("form", lambda r: r.form), ("status", lambda r: r.status), ("date", lambda r: r.date)):
        right = sum(_right(name, value(record), EXPECTED[key]) for key, record in matched.items())
        scores[name] = Score(right, len(matched), len(EXPECTED))
    scores["fields"] = _fields(matched, EXPECTED)
    people = [(set(p.name for p in record.people), EXPECTED[key]["people"]) for key, record in matched.items()]
    scores["people"] = Score(sum(len(got & want) for got, want in people), sum(len(got) for got, _ in people),
                             sum(len(e["people"]) for e in EXPECTED.values()))
    conflicts = [({c.field for c in record.conflicts}, EXPECTED[key]["conflicts"]) for key, record in matched.items()]
    scores["conflicts"] = Score(sum(len(got & want) for got, want in conflicts), sum(len(got) for got, _ in conflicts),
                                sum(len(e["conflicts"]) for e in EXPECTED.values()))
    invented = [f"{record.partner}: {stage.form}" for key, record in matched.items()
                for stage in record.stages if stage.form not in EXPECTED[key]["stages"]]
    return scores, invented


def _right(name: str, value, expected: dict) -> bool:
    return value in expected["date"] if name == "date" else value == expected[name]


def _fields(matched: dict, EXPECTED: dict) -> Score:  # noqa: N803
    correct = predicted = 0
    for key, record in matched.items():
        wanted = EXPECTED[key]["fields"]
        hit = [any(value in alternatives for value in record.fields) for alternatives in wanted]
        correct += sum(hit)
        predicted += sum(1 for value in record.fields if not any(value in a for a in wanted)) + sum(hit)
    return Score(correct, predicted, sum(len(e["fields"]) for e in EXPECTED.values()))


def table(name: str, articles: int, records: int, scores: dict[str, Score], invented: list[str]) -> str:
    lines = [f"{name}: {articles} articles, {records} expected records", "",
             "| field | precision | recall |", "|---|---|---|"]
    lines += [f"| {name} | {s.precision:.2f} ({s.correct}/{s.predicted}) | {s.recall:.2f} ({s.correct}/{s.expected}) |"
              for name, s in scores.items()]
    lines += ["", f"invented stages: {len(invented)}" + (f" ({'; '.join(invented)})" if invented else "")]
    return "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    for name, (articles, expected) in SETS.items():
        with tempfile.TemporaryDirectory() as scratch:
            print(table(name, len(articles), len(expected), *evaluate(register_of(articles, Path(scratch)), expected)))
            print()
    sys.exit(0)

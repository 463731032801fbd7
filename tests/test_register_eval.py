"""The register against gold files of the records a careful reader writes (issue 28, part 3):
the seeds, the test articles it was written beside, and six written after its rules were frozen."""

from __future__ import annotations

import json

import pytest

from rag.devtools.register_eval import GoldRecord, GoldStage, score_register
from rag.errors import EvalFileError
from rag.register.extraction import Partnership, Source, Stage
from rag.text.dates import When
from rag.text.language import detect_language
from tests.conftest import CORPUS, run_rag
from tests.register_eval import NEWSROOM, SEEDS_GOLD, newsroom_report, seeds_report

FIELDS = ("partner", "form", "status", "date", "fields", "people", "conflicts", "stages")


def _meets_the_issues_targets(report) -> bool:
    return all(report.scores[f].precision >= 0.95 and report.scores[f].recall >= 0.90 for f in FIELDS)


def test_the_seeds_register_is_what_a_careful_reader_writes():
    report = seeds_report()
    assert report.records == 7
    assert _meets_the_issues_targets(report), report.differences


def test_the_register_of_the_test_articles_holds_its_figures(tmp_path):
    articles, _ = NEWSROOM["development"]
    assert len(articles) >= 12 and {detect_language(a["text"]) for a in articles} == {"id", "en"}
    report = newsroom_report("development", tmp_path)
    scores = report.scores
    assert all(scores[f].precision == 1.0 and scores[f].recall == 1.0
               for f in ("partner", "form", "status", "date", "people", "conflicts", "stages")), report.differences
    assert scores["fields"].recall >= 0.95 and scores["fields"].precision >= 0.9, report.differences


def test_the_held_out_articles_do_no_worse_than_the_docs_say(tmp_path):
    """Written after the rules of issue 18 were frozen; Guangzhou's date (0.83) was fixed here
    with the month abbreviation the splitter now knows, so the set guards against regressions
    rather than measuring the unseen (docs/register.md)."""
    scores = newsroom_report("held out", tmp_path).scores
    assert all(scores[f].precision == 1.0 and scores[f].recall == 1.0 for f in FIELDS)


def test_the_issues_targets_on_the_held_out_articles(tmp_path):
    assert _meets_the_issues_targets(newsroom_report("held out", tmp_path))


@pytest.mark.xfail(strict=True, reason="fields 0.91 precision on the development articles: a field the Indonesian "
                   "and the English report each name in their own words is two values ('pengembangan kawasan tepi "
                   "sungai', 'riverfront development'), and 'program magang' for officials reads as education: "
                   "docs/register.md")
def test_the_issues_targets_on_the_development_articles(tmp_path):
    assert _meets_the_issues_targets(newsroom_report("development", tmp_path))


JANUARY_2ND = When.parse("2020-01-02")


def _record(**values) -> Partnership:
    source = Source("a", 0, 1)
    stages = [Stage("MoU", JANUARY_2ND, "signed", source), Stage("MoU", None, "planned", source)]
    return Partnership(**{"local_party": "Pemerintah Kota X", "partner": "Y", "partner_type": "city", "form": "MoU",
                          "date": JANUARY_2ND, "fields": ["trade", "pariwisata"], "people": [], "status": "signed",
                          "stages": stages, **values})


def test_each_field_is_scored_by_hand_counted_figures():
    """The scorer against counts made by hand on one record: a field named in either language
    counts once, a value twice is one right and one wrong, an unmatched stage is one wrong."""
    gold = GoldRecord("Pemerintah Kota X", "Y", "MoU", "signed", (JANUARY_2ND,),
                      (frozenset({"trade"}), frozenset({"tourism", "pariwisata"}), frozenset({"health"})), (),
                      (GoldStage("MoU", "signed", (JANUARY_2ND,)),), ())
    report = score_register([_record(), _record(partner="Z")], [gold])
    scores = report.scores
    assert (scores["partner"].correct, scores["partner"].predicted, scores["partner"].expected) == (1, 2, 1)
    assert (scores["fields"].correct, scores["fields"].predicted, scores["fields"].expected) == (2, 2, 3)
    assert (scores["stages"].correct, scores["stages"].predicted, scores["stages"].expected) == (1, 2, 1)
    assert scores["date"].precision == 1.0
    assert "Y: fields 'health' missing" in report.differences
    assert "Pemerintah Kota X — Z: not in the gold file" in report.differences


def test_rag_eval_register_prints_every_field_and_each_difference(tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [json.loads(line) for line in SEEDS_GOLD.read_text(encoding="utf-8").splitlines()]
    rows[0]["status"] = "planned"  # one wrong value, to be reported
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = run_rag("eval", str(gold), "--register", "--corpus", str(CORPUS), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["scores"]) == set(FIELDS)
    assert report["scores"]["status"]["correct"] == 6
    assert report["differences"] == ["Seoul: status 'signed', expected 'planned'"]


def test_a_bad_gold_file_is_named_with_its_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"local_party": "A", "partner": "B"}\n{"partner": 3}\n', encoding="utf-8")
    result = run_rag("eval", str(gold), "--register", "--corpus", str(CORPUS))
    assert result.returncode != 0 and f"{gold}:2" in result.stderr and "Traceback" not in result.stderr
    from rag.devtools.register_eval import read_register_gold
    with pytest.raises(EvalFileError, match='a stage is a form, or an object with a "form"'):
        gold.write_text('{"local_party": "A", "partner": "B", "stages": [{"status": "signed"}]}\n', encoding="utf-8")
        read_register_gold(gold)


def test_an_english_report_of_a_signing_merges_into_the_indonesian_record(tmp_path):
    """'Ansan Mayor', 'the Indonesian city of Kendari': English names the cities around their
    offices; the report joins the record its Indonesian twin made, and its fields are the same
    fields, not three more in English."""
    from tests.newsroom.articles import write_corpus
    from tests.register_eval import register_of_folder

    articles = [
        {"id": "kendari-ansan-id", "outlet": "Kendari Pos", "date": "2023-07-12", "title": "Kendari dan Ansan Teken MoU",
         "text": "KENDARI - Pemerintah Kota Kendari dan Pemerintah Kota Ansan, Korea Selatan, meneken MoU kota kembar "
                 "di Balai Kota Kendari, Selasa (11/7/2023). Kerja sama itu meliputi perikanan, pengelolaan pelabuhan, "
                 "dan pelatihan vokasi."},
        {"id": "kendari-ansan-en", "outlet": "Korea Herald", "date": "2023-07-13", "title": "Ansan inks deal with Kendari",
         "text": "Ansan, a city in South Korea, inked a sister city memorandum of understanding with the Indonesian "
                 "city of Kendari on Tuesday (July 11, 2023). The agreement covers fisheries, port management and "
                 "vocational training. Kendari Mayor Sulkarnain Kadir and Ansan Mayor Lee Min-geun signed the document "
                 "at Kendari City Hall."},
    ]
    (record,) = register_of_folder(write_corpus(tmp_path, articles=articles))
    assert (record.local_party, record.partner, record.form, record.status, str(record.date)) == (
        "Pemerintah Kota Kendari", "Ansan", "MoU (sister city)", "signed", "2023-07-11")
    assert sorted(record.fields) == ["education", "fisheries", "port management"]
    assert {s.article_id for s in record.all_sources} == {"kendari-ansan-id", "kendari-ansan-en"}

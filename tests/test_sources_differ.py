"""Sources that disagree, plans carried out and corrections (issue 18, part 2), on articles written
for the tests: two outlets giving different signing dates for one MoU are a conflict in the
register, a disagreement in the answer and a dispute in the claim check; a plan followed by its
signing, and a report followed by its correction, are not."""

from __future__ import annotations

import itertools

import pytest

from rag.answers.extractive import answer_to_json
from rag.register import queries as register
from rag.web.cards import verdict_html
from rag.web.markdown import answer_pieces
from tests.conftest import run_json, run_rag


def _record(newsroom, partner):
    (record,) = newsroom.partnerships(register.RegisterFilter(partner=partner))
    return record


def test_two_signing_dates_are_a_conflict_with_each_value_cited(newsroom, newsroom_settings):
    record = _record(newsroom, "Hamamatsu")
    (conflict,) = record.conflicts
    assert conflict.field == "date" and conflict.stage == "MoU signed"
    assert {(str(v.date), v.source.article_id) for v in conflict.values} == {
        ("2022-11-09", "bandung-hamamatsu-kompas"), ("2022-11-08", "bandung-hamamatsu-antara")}
    listed = run_json("partnerships", "--conflicts", "--index", str(newsroom_settings.index),
                      "--corpus", str(newsroom_settings.corpus), "--json")
    assert [row["partner"] for row in listed] == ["Hamamatsu"]
    (row,) = listed
    cited = {c["n"]: c["article_id"] for c in row["citations"]}
    assert {cited[v["citation"]] for v in row["conflicts"][0]["values"]} == {"bandung-hamamatsu-kompas",
                                                                             "bandung-hamamatsu-antara"}
    text = run_rag("partnerships", "--conflicts", "--index", str(newsroom_settings.index),
                   "--corpus", str(newsroom_settings.corpus)).stdout
    assert "SOURCES DIFFER on the date of MoU signed: 2022-11-08" in text
    (cells,) = register.table_rows([record])
    assert cells[4].startswith("⚠ ") and "2022-11-08" in cells[4] and "2022-11-09" in cells[4]  # the app marks the row


def test_a_plan_then_its_signing_is_two_stages_and_no_conflict(newsroom):
    record = _record(newsroom, "Brisbane")
    assert record.conflicts == [] and (str(record.date), record.status) == ("2022-06-20", "signed")
    assert {(s.status, s.source.article_id) for s in record.stages} == {
        ("planned", "semarang-brisbane-plan"), ("signed", "semarang-brisbane-signed")}
    answer = newsroom.ask("Kapan Semarang dan Brisbane menandatangani nota kesepahaman kota kembar?")
    assert answer.disagreement is None


def test_a_correction_is_no_conflict_and_the_later_report_is_marked(newsroom, newsroom_settings):
    record = _record(newsroom, "Davao")
    assert record.conflicts == [] and str(record.date) == "2023-02-10"
    by_article = {s.source.article_id: s for s in record.stages}
    assert by_article["makassar-davao-first"].corrected_by == "makassar-davao-correction"
    assert by_article["makassar-davao-correction"].correction
    answer = answer_to_json(newsroom.ask("Kapan Makassar dan Davao menandatangani surat pernyataan minat?"))
    assert answer["disagreement"] is None and answer["correction"]["corrected_by"] == "makassar-davao-correction"
    wrong = newsroom.check("Makassar dan Davao menandatangani surat pernyataan minat pada 9 Februari 2023")
    assert wrong.verdict == "contradicted" and wrong.corrected_by == "makassar-davao-correction"
    assert wrong.mismatches[0].evidence_text == "Jumat (10/2/2023)"
    right = newsroom.check("Makassar dan Davao menandatangani surat pernyataan minat pada 10 Februari 2023")
    assert right.verdict == "supported" and right.corrected_by == "makassar-davao-correction"


@pytest.mark.parametrize(("question", "said"), [
    ("Kapan Bandung dan Hamamatsu menandatangani nota kesepahaman?", "Sumber berbeda soal tanggalnya: «"),
    # "memorandum of understanding" finds "nota kesepahaman", the same form's other name (rag/text/forms.py).
    ("When did Bandung and Hamamatsu sign their memorandum of understanding?", "The sources differ on the date: "),
])
def test_an_answer_says_the_sources_differ_in_the_questions_language(newsroom, question, said):
    answer = newsroom.ask(question)
    data = answer_to_json(answer)["disagreement"]
    assert data["kind"] == "date"
    assert {v["article_id"] for v in data["values"]} == {"bandung-hamamatsu-kompas", "bandung-hamamatsu-antara"}
    cited = {c.n: c.article_id for c in answer.citations}
    assert all(cited[v["citation"]] == v["article_id"] for v in data["values"])
    sentence = answer.disagreement.said(answer.language)
    assert sentence.startswith(said) and all(f"{v['text']}" in sentence for v in data["values"])
    assert "⚠" in "".join(answer_pieces(answer))


def test_a_claim_both_sides_state_is_disputed_with_both_shown(newsroom):
    result = newsroom.check("Bandung dan Hamamatsu menandatangani nota kesepahaman pada 9 November 2022")
    assert result.verdict == "disputed"
    (support,), (mismatch,) = result.supports, result.mismatches
    cited = {c.n: c.article_id for c in result.citations}
    assert (support.evidence_text, cited[support.citation]) == ("Rabu (9/11/2022)", "bandung-hamamatsu-kompas")
    assert (mismatch.evidence_text, cited[mismatch.citation]) == ("Selasa (8/11/2022)", "bandung-hamamatsu-antara")
    shown = verdict_html(result, newsroom.index.articles, "en")
    assert "DISPUTED BY THE SOURCES" in shown and "Rabu (9/11/2022)" in shown and "Selasa (8/11/2022)" in shown


def test_one_source_stating_a_date_alone_is_not_a_dispute(assistant):
    """On the seeds, where one article gives the signing day and another the forum's days, a claim
    of the signing day is supported, not disputed."""
    result = assistant.check("Surat pernyataan minat Bogor dan Seoul ditandatangani pada 8 Juni 2016")
    assert result.verdict == "supported" and result.supports == []


def test_the_claim_checker_compares_the_events_date_not_the_words(tmp_path, embedder):
    """"kemarin" in an article of 10 May 2023 is 9 May 2023: the date the claim is checked against."""
    import json

    from rag.assistant import Assistant
    from rag.build import build_index
    from rag.config import load_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [{"id": "ambon-darwin", "date": "2023-05-10", "outlet": "Ambon Ekspres",
             "text": "Pemerintah Kota Ambon menandatangani nota kesepahaman kota kembar dengan Kota Darwin, Australia, "
                     "kemarin. Kerja sama itu meliputi perikanan dan pariwisata."},
             {"id": "other", "date": "2023-01-02", "text": "Harga ikan di pasar Mardika naik menjelang musim ombak."}]
    (corpus / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = load_settings(corpus=corpus, index=tmp_path / "index", environ={})
    build_index(settings, embedder, show_progress=False)
    assistant = Assistant.open(settings, embedder)
    right = assistant.check("Ambon menandatangani nota kesepahaman kota kembar dengan Darwin pada 9 Mei 2023")
    # Not "supported": the claim's own date words are not in the text, so its coverage stays under 0.7.
    assert right.verdict in ("supported", "partly_supported") and right.mismatches == [], right
    wrong = assistant.check("Ambon menandatangani nota kesepahaman kota kembar dengan Darwin pada 11 Mei 2023")
    assert wrong.verdict == "contradicted" and wrong.mismatches[0].evidence_text == "kemarin"


@pytest.mark.parametrize("form", ["MoU", "nota kesepahaman"])
def test_a_claim_and_a_question_naming_the_form_in_other_words_meet_the_same_dispute(newsroom, form):
    """Kompas and Antara both write "nota kesepahaman"; a claim or a question that calls it "MoU"
    is about the same step (rag/text/forms.py), so the check and the answer both see the dispute."""
    result = newsroom.check(f"Bandung dan Hamamatsu menandatangani {form} pada 9 November 2022")
    assert result.verdict == "disputed", result
    answer = newsroom.ask(f"Kapan Bandung dan Hamamatsu menandatangani {form}?")
    assert answer.disagreement is not None and {v.article_id for v in answer.disagreement.values} == {
        "bandung-hamamatsu-kompas", "bandung-hamamatsu-antara"}


def test_a_form_is_named_by_any_of_its_words_and_no_other_form():
    from rag.text.names import names_all_in

    assert names_all_in([("MoU",), ("Hamamatsu",)], "Nota kesepahaman Bandung dan Hamamatsu ditandatangani.")
    assert not names_all_in([("MoU",), ("Hamamatsu",)], "Surat pernyataan minat Bandung dan Hamamatsu ditandatangani.")
    assert not names_all_in([("LoI",)], "Nota kesepahaman ditandatangani.")


KENDARI_ANSAN = [
    {"id": "kendari-ansan-a", "outlet": "Kendari Pos", "date": "2023-07-12", "title": "Kendari dan Ansan Teken MoU Kota Kembar",
     "text": "KENDARI - Pemerintah Kota Kendari dan Pemerintah Kota Ansan, Korea Selatan, menandatangani MoU kota kembar "
             "di Balai Kota Kendari, Selasa (11/7/2023). Kerja sama itu meliputi perikanan, pengelolaan pelabuhan, dan "
             "pelatihan vokasi. Wali Kota Kendari Sulkarnain Kadir mengatakan nelayan Kendari akan belajar pengolahan "
             "hasil laut di Ansan."},
    {"id": "kendari-ansan-b", "outlet": "Antara Sultra", "date": "2023-07-13", "title": "Kendari jalin sister city dengan Ansan",
     "text": "Kendari (ANTARA) - Nota kesepahaman sister city antara Kota Kendari dan Kota Ansan ditandatangani pada Rabu "
             "(12/7/2023) oleh wali kota kedua kota. Delegasi Ansan dipimpin Wali Kota Lee Min-geun yang juga meninjau "
             "Pelabuhan Perikanan Samudera Kendari. Program pertama adalah pertukaran pegawai dinas kelautan mulai tahun depan."},
]


@pytest.fixture(scope="module")
def kendari_ansan(tmp_path_factory, embedder):
    """Two independent reports of one signing a day apart, one writing "MoU kota kembar", the other
    "nota kesepahaman sister city" (issue 28)."""
    from rag.assistant import Assistant
    from rag.build import build_index
    from rag.config import load_settings
    from tests.newsroom.articles import write_corpus

    root = tmp_path_factory.mktemp("kendari-ansan")
    settings = load_settings(corpus=write_corpus(root / "corpus", articles=KENDARI_ANSAN), index=root / "index",
                             environ={})
    build_index(settings, embedder, show_progress=False)
    return Assistant.open(settings, embedder)


def _claims():
    """The claim in each form's name, each city form's, four date formats and two word orders."""
    forms = ("MoU", "nota kesepahaman", "memorandum of understanding")
    dates = ("11 Juli 2023", "11/7/2023", "Selasa (11/7/2023)", "Selasa, 11 Juli 2023")
    for form, city, date in itertools.product(forms, ("kota kembar", "sister city"), dates):
        yield form, city, f"Kendari dan Ansan menandatangani {form} {city} pada {date}"
        yield form, city, f"{form[0].upper()}{form[1:]} {city} Kendari dan Ansan ditandatangani pada {date}"


@pytest.mark.parametrize("form, city, claim", list(_claims()))
def test_one_signing_reported_in_other_words_is_disputed_by_check_and_answer_alike(kendari_ansan, form, city, claim):
    result = kendari_ansan.check(claim)
    assert result.verdict == "disputed", result
    assert {c.article_id for c in result.citations} == {"kendari-ansan-a", "kendari-ansan-b"}
    answer = kendari_ansan.ask(f"Kapan Kendari dan Ansan menandatangani {form} {city}?")
    assert answer.disagreement is not None


@pytest.mark.parametrize("claim", ["Kendari and Ansan signed a sister city memorandum of understanding on July 11, 2023",
                                   "Kendari and Ansan signed a sister city MoU on 11 July 2023"])
def test_the_same_dispute_in_an_english_claim(kendari_ansan, claim):
    assert kendari_ansan.check(claim).verdict == "disputed"


def test_every_alias_of_a_form_is_read_as_that_form_by_the_register():
    from rag.text.forms import FORM_ALIASES, forms_in

    for form, aliases in FORM_ALIASES.items():
        for alias in aliases:
            assert form in forms_in(f"Kedua kota menandatangani {alias} kemarin."), (form, alias)

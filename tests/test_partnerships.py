"""The partnership register: rules tried on articles written for these tests (not in corpus/),
the seed register against the list a journalist would expect, the CLI and the chat."""

import csv
import io

import pytest

from rag.ingest.corpus import load_corpus
from rag.register.extraction import register_from_stored, register_of as register_of_articles
from tests.conftest import run_json, run_rag

SURABAYA = """SURABAYA, Kabar Kota - Pemerintah Kota Surabaya dan Pemerintah Kota Busan, Korea Selatan, menandatangani nota kesepahaman kota kembar (sister city) di Busan pada 12 Maret 2019.
Wali Kota Surabaya Tri Rismaharini mengatakan kerja sama ini meliputi bidang pendidikan, pariwisata dan pengelolaan air bersih.
Wali Kota Busan Oh Keo-don menyambut baik kerja sama tersebut.
Pewarta: Andi Wijaya
Editor: Budi Santoso"""

MAKASSAR = """Makassar City Government will sign a memorandum of understanding with the University of Melbourne in June 2025 on health and education cooperation, the city's spokesperson said on Monday."""

SEMARANG = """Kota Semarang resmi bergabung dengan jaringan CityNet sejak Januari 2018.
Keanggotaan itu membuka akses pelatihan penanggulangan bencana bagi pegawai Pemkot Semarang."""

NOT_PARTNERS = """JAKARTA, KOMPAS.com - Pemerintah Kota Bandung menjajaki kerja sama dengan Kota Hamamatsu, Jepang, di bidang kebudayaan.
Hal itu disampaikan kepada Kompas.com, Senin (3/2/2020).
Penulis: Rina Ayu Lestari | Editor: Dimas Prasetyo"""


def register_of(tmp_path, **texts):
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return {record.partner: record for record in register_of_articles(load_corpus(tmp_path).articles)}


@pytest.mark.parametrize("sentence", [
    "Pemerintah Kota Bandung dan Kota Hamamatsu menargetkan penandatanganan nota kesepahaman kerja sama pada akhir tahun ini.",
    "Penandatanganan nota kesepahaman kerja sama Kota Bandung dengan Kota Hamamatsu dijadwalkan pada Desember.",
    "Bandung City and the City of Hamamatsu aim to sign a memorandum of understanding on cooperation next year.",
    "Bandung expects to sign a cooperation agreement with the City of Hamamatsu in December.",
])
def test_a_target_plan_or_schedule_is_never_signed(tmp_path, sentence):
    (record,) = register_of(tmp_path, bandung=sentence).values()
    assert record.status == "planned" and all(s.status != "signed" for s in record.stages), record


@pytest.mark.parametrize("sentence", [
    "Pemerintah Kota Bitung meneken nota kesepahaman kerja sama dengan Kota Kaohsiung, Taiwan, Senin (5/6/2023).",
    "Nota kesepahaman kerja sama Kota Bitung dan Kota Kaohsiung, Taiwan, diteken Senin (5/6/2023).",
    "Wali Kota Bitung membubuhkan tanda tangan pada nota kesepahaman dengan Kota Kaohsiung, Taiwan, Senin (5/6/2023).",
    "Bitung City inked a memorandum of understanding with the City of Kaohsiung, Taiwan, on Monday (June 5, 2023).",
])
def test_a_signing_in_the_newsrooms_words_is_signed_on_its_date(tmp_path, sentence):
    """"Meneken", "diteken", "membubuhkan tanda tangan", "inked": forms of the signing roots made by
    the affix rules (rag/text/morphology.py). The next year's plan does not become the headline."""
    text = sentence + " Kedua kota akan menyusun program pertukaran pegawai tahun depan."
    (record,) = register_of(tmp_path, bitung=text).values()
    assert (record.status, str(record.date)) == ("signed", "2023-06-05"), record


def test_two_officials_joined_by_dan_are_two_people_each_with_their_role():
    from rag.register.people import people_in

    said = "Nota kesepahaman ditandatangani Wali Kota Bogor Bima Arya dan Wali Kota Kisarazu Yoshikuni Watanabe."
    assert list(people_in(said, {"Kisarazu"})) == [("Bima Arya", "Wali Kota Bogor"),
                                                 ("Yoshikuni Watanabe", "Wali Kota Kisarazu")]


def test_an_indonesian_sister_city_mou(tmp_path):
    register = register_of(tmp_path, surabaya=SURABAYA)
    assert list(register) == ["Busan"]
    busan = register["Busan"]
    assert (busan.local_party, busan.partner_type, busan.form) == ("Pemerintah Kota Surabaya", "city", "MoU (sister city)")
    assert (str(busan.date), busan.status) == ("2019-03-12", "signed")
    assert {"education", "tourism", "clean water"} <= set(busan.fields)
    people = {p.name: p.role for p in busan.people}
    assert people == {"Tri Rismaharini": "Wali Kota Surabaya", "Oh Keo-don": "Wali Kota Busan"}
    article = (tmp_path / "surabaya.txt").read_text(encoding="utf-8")
    date_source = busan.sources["date"][0]
    assert "12 Maret 2019" in article[date_source.start:date_source.end]  # every field carries its sentence


def test_an_english_mou_with_a_university(tmp_path):
    register = register_of(tmp_path, makassar=MAKASSAR)
    melbourne = register["University of Melbourne"]
    assert (melbourne.local_party, melbourne.partner_type, melbourne.form) == ("Pemerintah Kota Makassar", "university", "MoU")
    assert (str(melbourne.date), melbourne.status) == ("2025-06", "planned")
    assert {"health", "education"} <= set(melbourne.fields)


def test_a_membership_of_a_network(tmp_path):
    citynet = register_of(tmp_path, semarang=SEMARANG)["CityNet"]
    assert (citynet.local_party, citynet.partner_type, citynet.form, str(citynet.date)) == (
        "Pemerintah Kota Semarang", "international organisation", "membership", "2018-01")
    assert "disaster management" in citynet.fields  # "Keanggotaan itu …": the partner named last


def test_news_sites_and_reporters_are_never_partners(tmp_path):
    register = register_of(tmp_path, bandung=NOT_PARTNERS)
    assert list(register) == ["Hamamatsu"]
    assert register["Hamamatsu"].form == "exploration" and register["Hamamatsu"].people == []


# The seed corpus, as a journalist would list it: partner → (form, year of the event, fields, articles).
# The year is the headline stage's event, as a text gives it: Kisarazu's letter is reported signed
# (2016-11-19) on no stated day, UCLG ASPAC's agreement on a "Kamis" in an article dated only 2017.
EXPECTED = {
    "Seoul": ("letter of interest", 2016, {"smart city", "transport"}, {"000_9156ad8b8e089001", "001_2d6a8a213c43a204"}),
    "UCLG ASPAC": ("cooperation agreement", None, set(), {"002_f3feb7890c547006"}),
    "Kisarazu": ("letter of interest (friendship city)", None,
                 {"education", "culture", "tourism", "agriculture", "health"}, {"003_fcff50e6fce6b534"}),
    "PPI Jepang": ("MoU", None, set(), {"003_fcff50e6fce6b534"}),
    "Seoul National University": ("exploration", 2024, {"smart city"}, {"004_a696b740d2fb54b0"}),  # "menjajaki … pada 2-6 September 2024"
}


def test_bogor_seoul_is_a_letter_signed_on_8_june_2016_after_a_plan_reported_the_day_before(assistant):
    """Issue 18: 001 says "Rabu 8 Juni" with no year; 000 gives 2016 for the same forum, in which 8
    June was a Wednesday. The plan 000 reported on 7 June is a stage of its own."""
    (seoul,) = [r for r in register_from_stored(assistant.index.register) if r.partner == "Seoul"]
    assert (seoul.form, str(seoul.date), seoul.status) == ("letter of interest", "2016-06-08", "signed")
    signed = next(s for s in seoul.stages if s.form == "letter of interest" and s.status == "signed")
    assert (signed.source.article_id, signed.date_basis) == ("001_2d6a8a213c43a204", "inferred")
    assert "8 June was a Wednesday in 2016, the year 000_9156ad8b8e089001 gives" in signed.date_reason
    planned = next(s for s in seoul.stages if s.form == "letter of interest" and s.status == "planned")
    assert (planned.source.article_id, planned.reported, str(planned.date)) == ("000_9156ad8b8e089001", "2016-06-07",
                                                                         "2016-06-07/2016-06-10")
    assert seoul.sources["date"] == seoul.sources["status"] == [signed.source]  # one stage, date and status


def test_no_record_states_a_date_no_stage_states(assistant):
    for record in register_from_stored(assistant.index.register):
        assert record.date is None or record.date in {s.date for s in record.stages}, record.partner
        for stage in record.stages:
            assert (stage.date is None) == (stage.date_basis is None), (record.partner, stage)
            if stage.date_basis in ("resolved", "inferred") or (stage.date_reason or "").startswith("the article"):
                assert stage.date_reason, (record.partner, stage)


def test_the_seed_register_holds_the_expected_partnerships_with_their_sources(assistant):
    index = assistant.index
    register = {r.partner: r for r in register_from_stored(index.register)}
    for partner, (form, year, fields, articles) in EXPECTED.items():
        record = register[partner]
        assert (record.form, record.year) == (form, year), partner
        assert fields <= set(record.fields), partner
        assert {s.article_id for s in record.all_sources} == articles, partner
    assert register["Seoul National University"].local_party == "Kemendagri"
    uclg = register["UCLG ASPAC"].stages
    assert {"form": "membership", "date": "2016-04"} in [{"form": s.form, "date": str(s.date)} for s in uclg]
    for record in register_from_stored(index.register):  # every partner is named in a sentence it cites; none is a site or reporter
        cited = [index.articles[s.article_id].text[s.start:s.end] for s in record.sources["partner"]]
        assert any(record.partner in sentence for sentence in cited), record.partner
        assert not {"Bisnis.com", "medcom.id", "Antara", "Laily Rahmawati", "Rio Feisal"} & {record.partner, record.local_party}


def test_a_list_question_is_answered_from_the_register_with_quotes(assistant):
    answer = assistant.ask("Kerja sama apa saja yang dimiliki Kota Bogor?")
    assert answer.mode == "register" and not answer.abstained
    assert {"Seoul", "Kisarazu", "UCLG ASPAC", "PPI Jepang"} <= {word for word in EXPECTED if word in answer.lead}
    assert len({c.article_id for c in answer.citations}) >= 3
    for part in answer.parts:  # quotes stay verbatim
        citation = answer.citations[part.citation - 1]
        assert assistant.index.articles[citation.article_id].text[citation.start:citation.end] == part.text
    cities = assistant.ask("Kota luar negeri mana saja yang menjalin kerja sama dengan Kota Bogor?")
    assert "Seoul" in cities.lead and "Kisarazu" in cities.lead and "UCLG" not in cities.lead
    one = assistant.ask("Apa saja ruang lingkup kerja sama kota bersahabat antara Bogor dan Kisarazu?")
    assert one.mode == "extractive"  # about one partnership: the passages answer it
    follow_up = assistant.ask("Kapan itu ditandatangani?", history=["Kerja sama apa saja yang dimiliki Kota Bogor?"])
    assert follow_up.mode == "extractive"  # searched with the list question, but not one itself


def test_a_build_reads_again_only_articles_whose_fingerprint_changed(tmp_path):
    from rag.register.extraction import extract_corpus

    def article(text):
        (tmp_path / "a.txt").write_text(text, encoding="utf-8")
        return load_corpus(tmp_path).articles[0]

    first = extract_corpus([article(SEMARANG)], set(), None)
    assert [r.partner for r in register_from_stored(first)] == ["CityNet"]
    # Unchanged: the stored mentions are kept, the text is not read again.
    assert extract_corpus([article(SURABAYA)], {"a"}, first) == first
    changed = extract_corpus([article(SURABAYA)], set(), first)
    assert [r.partner for r in register_from_stored(changed)] == ["Busan"]
    older_rules = {**first, "extractor": "rules of an older program"}
    assert register_from_stored(extract_corpus([article(SURABAYA)], {"a"}, older_rules))[0].partner == "Busan"
    assert extract_corpus([article("Harga cabai naik di pasar.")], set(), None)["articles"] == {}  # no room taken


@pytest.mark.slow
def test_an_incremental_build_updates_the_register(tmp_path, embedder):
    import shutil

    from rag.build import build_index
    from rag.config import load_settings
    from rag.index.store import load_index
    from tests.conftest import CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = load_settings(corpus=corpus, index=tmp_path / "index", environ={})
    build_index(settings, embedder, show_progress=False)
    (corpus / "surabaya.txt").write_text(SURABAYA, encoding="utf-8")
    (corpus / "003_fcff50e6fce6b534.txt").unlink()
    build_index(settings, embedder, show_progress=False)
    partners = {r.partner for r in register_from_stored(load_index(settings.index).register)}
    assert {"Busan", "Seoul", "UCLG ASPAC"} <= partners and "Kisarazu" not in partners


@pytest.mark.parametrize("question, is_list", [
    ("Kerja sama apa saja yang dimiliki Kota Surabaya?", True),
    ("Negara mana saja yang bekerja sama dengan Makassar?", True),
    ("Dengan siapa saja Semarang bekerja sama?", True),
    ("Daftar kemitraan Kota Bandung", True),
    ("Which foreign cities does Surabaya cooperate with?", True),
    ("List all partnerships of Semarang", True),
    ("Which mayor signed the cooperation with Busan?", False),  # asks for a person
    ("What fields of cooperation did Makassar discuss?", False),
    ("Apa saja ruang lingkup kerja sama Surabaya?", False),
    ("Dengan siapa saja wali kota bertemu?", False),
])
def test_only_questions_asking_for_a_list_of_partnerships_go_to_the_register(question, is_list):
    from rag.register.queries import question_filter

    assert (question_filter(question, []) is not None) == is_list


def test_cli_prints_the_register_as_json_csv_and_text(cli_index):
    rows = run_json("partnerships", "--index", str(cli_index), "--json")
    keys = {"local_party", "partner", "partner_type", "form", "date", "fields", "people", "status", "citations"}
    assert all(keys <= set(row) for row in rows)
    seoul = next(row for row in rows if row["partner"] == "Seoul")
    assert {"article_id", "start", "end", "snippet", "quotes"} <= set(seoul["citations"][0])
    assert all(n <= len(seoul["citations"]) for group in seoul["evidence"].values() for n in group)
    only = run_json("partnerships", "--index", str(cli_index), "--json", "--field", "agriculture")
    assert [row["partner"] for row in only] == ["Kisarazu"]
    table = list(csv.DictReader(io.StringIO(run_rag("partnerships", "--index", str(cli_index), "--csv").stdout)))
    assert {row["partner"] for row in table} == {row["partner"] for row in rows}
    assert "003_fcff50e6fce6b534@" in next(row for row in table if row["partner"] == "Kisarazu")["sources"]
    text = run_rag("partnerships", "--index", str(cli_index), "--year", "2024")
    assert text.returncode == 0 and "Seoul National University" in text.stdout and "Kisarazu" not in text.stdout

"""Claim checking on the seed corpus: verdicts, mismatches and the evidence they cite."""

import pytest

from rag.answers.claims import ItemKind, claim_items, items_of
from tests.conftest import run_json, run_rag

SEOUL_LOI = "Surat pernyataan minat Bogor dan Seoul ditandatangani pada {} 2016"


def test_a_wrong_date_is_contradicted_with_the_mismatch_and_its_source(assistant):
    result = assistant.check(SEOUL_LOI.format("9 Juni"))
    assert result.verdict == "contradicted"
    (mismatch,) = result.mismatches
    assert (mismatch.claim_text, mismatch.evidence_text) == ("9 Juni 2016", "Rabu 8 Juni")
    cited = result.citations[mismatch.citation - 1]
    assert cited.article_id == "001_2d6a8a213c43a204"
    assert "8 Juni" in cited.snippet


def test_the_right_date_is_supported(assistant):
    result = assistant.check(SEOUL_LOI.format("8 Juni"))
    assert result.verdict == "supported"
    assert result.mismatches == []
    assert result.citations[0].article_id == "001_2d6a8a213c43a204"


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("Bogor menjalin kota kembar dengan Osaka", "not_found"),
        ("Presiden Amerika Serikat mengunjungi Jakarta", "not_found"),
        ("Kota Bogor resmi bergabung dengan UCLG ASPAC sejak Mei 2015", "contradicted"),
        ("Bogor menjadi salah satu dari 20 pemerintah daerah yang bergabung dengan UCLG ASPAC", "contradicted"),
        ("Wali Kota Kisarazu adalah Yushikuni Watanabe", "supported"),
        ("Wali Kota Kisarazu Yushikuni Watanabe berkunjung ke Bogor bersama Gubernur Hokkaido Naomichi", "partly_supported"),
    ],
)
def test_verdicts(assistant, claim, verdict):
    result = assistant.check(claim)
    assert result.verdict == verdict, (result.verdict, result.mismatches)
    if result.verdict == "not_found":
        assert result.citations == []
    else:
        assert result.citations


@pytest.mark.parametrize(
    ("claim", "verdict", "mismatch"),
    [
        # English claims are checked against the Indonesian articles like Indonesian ones.
        ("The mayor of Kisarazu visited Bogor on 6 November 2016", "contradicted", ("6 November 2016", "6 Oktober 2016")),
        ("The mayor of Kisarazu visited Bogor on 6 October 2016", "supported", None),
        ("Bogor officially joined UCLG ASPAC in May 2016", "contradicted", ("May 2016", "April 2016")),
        ("Bogor is one of 20 Indonesian local governments in UCLG ASPAC", "contradicted", ("20", "15")),
        ("Bogor signed a letter of interest with Seoul in 2019", "contradicted", ("2019", "2016")),
    ],
)
def test_english_claims_are_checked_like_indonesian_ones(assistant, claim, verdict, mismatch):
    result = assistant.check(claim)
    assert result.verdict == verdict, (result.verdict, result.mismatches)
    assert result.citations
    if mismatch:
        assert (result.mismatches[0].claim_text, result.mismatches[0].evidence_text) == mismatch


def test_a_year_is_contradicted_only_by_a_year():
    from rag.answers.claims import _comparable

    year, day = items_of("pada 2019", ItemKind.NUMBER)[0], items_of("7 orang", ItemKind.NUMBER)[0]
    assert not _comparable(year, day) and _comparable(year, items_of("tahun 2016", ItemKind.NUMBER)[0])


def test_dates_numbers_and_names_are_read_from_a_claim():
    items = {(i.kind, i.text) for i in claim_items("Pada 7-10 Juni 2016, 15 pemerintah daerah dan Kota Bogor bergabung sejak April 2016")}
    assert ("date", "7-10 Juni 2016") in items and ("date", "April 2016") in items
    assert ("number", "15") in items and ("number", "2016") not in items
    assert ("name", "Bogor") in items
    assert [i.text for i in items_of("Rabu 8 Juni pukul 14.00", ItemKind.DATE)] == ["Rabu 8 Juni"]


def test_check_cli_json_shape_and_errors(seed_settings, seed_index):
    result = run_json("check", SEOUL_LOI.format("9 Juni"), "--index", str(seed_settings.index), "--json")
    assert set(result) == {"claim", "verdict", "citations", "mismatches", "searched", "sources", "supports",
                           "corrected_by"} and result["searched"] is None
    assert result["verdict"] == "contradicted"
    assert result["mismatches"][0] == {"kind": "date", "claim_text": "9 Juni 2016", "evidence_text": "Rabu 8 Juni", "citation": 1}
    assert result["citations"][0]["article_id"] == "001_2d6a8a213c43a204"
    empty = run_rag("check", " ", "--index", str(seed_settings.index))
    assert empty.returncode == 2 and "empty" in empty.stderr

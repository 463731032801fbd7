"""Copies that repeat (issue 18, part 3; issue 28, part 1): a press release reposted three times
with edits is one group, its earliest article the origin, cited first and counted once; found by
MinHash/LSH candidates scored exactly, with the work of a build proportional to what changed; and
measured on a generated population of reposts and look-alikes (tests/reposts.py).

    python -m tests.reposts     prints the population's curve THRESHOLD was chosen on
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.index import copies
from rag.web.cards import sources_html
from tests.conftest import SHARED, run_json
from tests.newsroom.articles import ARTICLES, PRESS_RELEASE
from tests.reposts import Doc, curve, highest_negative, in_selection_half, population

FACQA = SHARED / "data" / "facqa" / "passages.jsonl"
GROUP = ("malang-chiangmai-pr", "malang-chiangmai-post", "malang-chiangmai-radar", "malang-chiangmai-jatim")


def _docs(rows) -> list[Doc]:
    return [Doc(r["id"], r["text"], r.get("date")) for r in rows]


def test_a_press_release_and_three_reposts_are_one_group_with_the_earliest_first():
    found = copies.find_copies(_docs(ARTICLES))
    assert found.groups.groups == (GROUP,)  # origin (14 March) first, then by date
    assert found.groups.count(GROUP).to_json() == {"reports": 4, "independent": 1}
    # Two outlets' own reports of one signing are not copies, nor a report and its correction.
    for first, second in (("bandung-hamamatsu-kompas", "bandung-hamamatsu-antara"),
                          ("makassar-davao-first", "makassar-davao-correction")):
        assert found.groups.origin_of(first) != found.groups.origin_of(second)


def test_lsh_finds_what_brute_force_finds():
    """Every pair the signatures put at or above THRESHOLD + 0.1 is found through the bands, and
    every pair found is at or above THRESHOLD: the LSH against all pairs compared one by one."""
    docs = _docs(json.loads(line) for line in FACQA.read_text(encoding="utf-8").splitlines()) + _docs(ARTICLES)
    found = copies.find_copies(docs)
    values = found.signatures.values
    brute = set()
    for i in range(len(values)):
        similar = np.nonzero((values[i + 1:] == values[i]).mean(axis=1) >= copies.THRESHOLD + 0.1)[0]
        brute.update((docs[i].id, docs[i + 1 + j].id) for j in similar)
    pairs = {(p.first, p.second) for p in found.pairs}
    assert len(brute) > 20  # FacQA repeats passages: the reference is not empty
    assert {tuple(sorted(pair)) for pair in brute} <= pairs
    assert all(p.similarity >= copies.THRESHOLD for p in found.pairs)


def test_a_new_article_is_signed_and_compared_alone():
    first = copies.find_copies(_docs(ARTICLES[1:]))  # the press release comes later
    assert first.computed == len(ARTICLES) - 1
    again = copies.find_copies(_docs(ARTICLES), first)
    assert again.computed == 1 and again.groups.groups == (GROUP,)
    assert again.signatures.values.shape == (len(ARTICLES), copies.NUM_PERM)
    without_origin = copies.find_copies(_docs(a for a in ARTICLES if a["id"] != GROUP[0]), again)
    assert without_origin.computed == 0 and without_origin.groups.groups == (GROUP[1:],)


def test_the_build_stores_the_groups_and_signs_only_what_changed(newsroom_settings, tmp_path, hash_embedder):
    from rag.build import build_index
    from rag.config import load_settings

    info = run_json("info", "--index", str(newsroom_settings.index), "--json")
    assert info["copy_groups"] == [{"origin": GROUP[0], "copies": list(GROUP[1:])}]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "articles.jsonl").write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES[4:]), encoding="utf-8")
    settings = load_settings(corpus=corpus, index=tmp_path / "index", environ={})
    assert build_index(settings, hash_embedder, show_progress=False).copy_groups == 0
    (corpus / "repost.txt").write_text("Surabaya, Warta — " + PRESS_RELEASE.replace("Selasa", "Selasa lalu"), encoding="utf-8")
    (corpus / "press.txt").write_text(PRESS_RELEASE, encoding="utf-8")
    summary = build_index(settings, hash_embedder, show_progress=False)
    assert (summary.signatures_made, summary.copy_groups) == (2, 1)
    assert build_index(settings, hash_embedder, show_progress=False).signatures_made == 0


def test_an_answer_cites_the_origin_once_and_counts_one_independent_source(newsroom):
    answer = newsroom.ask("Kapan Malang dan Chiang Mai menandatangani MoU?")
    assert not answer.abstained and answer.citations[0].article_id == GROUP[0]
    assert {a for c in answer.citations for a in (c.article_id, *c.also_in, *c.copies)} == set(GROUP)
    assert answer.sources.to_json() == {"reports": 4, "independent": 1}
    assert len({p.text for p in answer.parts}) == len(answer.parts)  # the shared sentence is quoted once
    origin = newsroom.index.articles[GROUP[0]].text
    for part in answer.parts:  # the quotes' offsets are the origin's
        assert origin[part.start:part.start + len(part.text)] == part.text
    assert "4 laporan, 1 di antaranya independen" in answer.sources.said("id")
    cards = sources_html(answer, newsroom.index.articles)  # the app's source cards
    # The Jatim repost words the sentence with one word more ("... lalu."): the same sentence, carried too.
    assert "juga di malang-chiangmai-jatim" in cards and "4 laporan" in cards


def test_a_claim_check_and_the_register_count_the_copies_once(newsroom):
    from rag.register import queries as register

    result = newsroom.check("Malang dan Chiang Mai menandatangani nota kesepahaman pada 14 Maret 2023")
    assert result.verdict in ("supported", "partly_supported") and result.citations[0].article_id == GROUP[0]
    assert result.sources.to_json() == {"reports": 4, "independent": 1}
    (row,) = register.rows(newsroom.partnerships(register.RegisterFilter(partner="Chiang Mai")),
                           newsroom.index.articles, newsroom.index.copies)
    assert row["sources"] == {"reports": 4, "independent": 1}


def _measured_on_the_report_half() -> dict:
    generated = population()
    return {"selection": [p for p in generated if in_selection_half(p)],
            "curve": curve([p for p in generated if not in_selection_half(p)])}


@pytest.mark.slow
def test_generated_reposts_at_the_detectors_measured_figures():
    """No same-event or same-template pair is taken for a copy, and reposts are found at least as
    often as measured when THRESHOLD was last set (docs/copies.md): a guard, not the goal."""
    measured = _measured_on_the_report_half()
    assert highest_negative(measured["selection"]) < copies.THRESHOLD
    curve_ = measured["curve"]
    assert curve_["pairs"] >= 1_900 and sum(curve_["negatives"].values()) >= 350
    assert curve_["false_positives"] == {} and curve_["precision_syndication"] == 1.0
    syndication = curve_["recall"]["syndication"]
    assert syndication["0.05"] >= 0.70 and syndication["0.25"] >= 0.45 and syndication["0.40"] >= 0.30


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 28's recall targets: Word 4-shingles scored by their Ochiai "
                   "coefficient meet them on this population but cost 23% of the 100,000-article build "
                   "(docs/copies.md); the shipped detector does not")
def test_generated_reposts_meet_the_issues_recall_targets():
    syndication = _measured_on_the_report_half()["curve"]["recall"]["syndication"]
    assert all(syndication[share] >= 0.95 for share in ("0.05", "0.10", "0.15", "0.20", "0.25"))
    assert all(syndication[share] >= 0.80 for share in ("0.30", "0.35", "0.40"))


def test_the_threshold_separates_a_repost_from_the_same_event_told_again():
    """The test articles: the reposts of the press release above THRESHOLD, two outlets' reports
    of one signing and a report and its correction far below it."""
    signed = {a["id"]: copies.signature(a["text"]) for a in ARTICLES}
    for repost in GROUP[1:]:
        assert copies.similarity(signed[GROUP[0]], signed[repost]) >= copies.THRESHOLD
    assert copies.similarity(signed["bandung-hamamatsu-kompas"], signed["bandung-hamamatsu-antara"]) < 0.1
    assert copies.similarity(signed["makassar-davao-first"], signed["makassar-davao-correction"]) < 0.1


def test_one_sentence_two_articles_carry_is_quoted_once(tmp_path, embedder):
    """A background paragraph another outlet copied into a report of its own (the two are not
    copies): the sentence is quoted once, and its citation names the other article too."""
    from rag.assistant import Assistant
    from rag.build import build_index
    from rag.config import load_settings
    from tests.newsroom.articles import write_corpus

    shared = ("Pemerintah Kota Ambon dan Pemerintah Kota Darwin, Australia, menandatangani nota kesepahaman "
              "kota kembar pada Rabu (12/5/2021) di Balai Kota Ambon.")
    articles = [
        {"id": "ambon-darwin", "outlet": "Humas Ambon", "date": "2021-05-12", "title": "Ambon dan Darwin Teken MoU",
         "text": shared + " Kerja sama itu meliputi perikanan dan pendidikan vokasi. Wali Kota Ambon Richard "
                          "Louhenapessy mengatakan nelayan Ambon akan belajar pengolahan ikan di Darwin."},
        {"id": "ambon-festival", "outlet": "Siwalima", "date": "2022-08-02", "title": "Festival Musik Ambon",
         "text": "Festival musik tahunan Kota Ambon dibuka Selasa malam di Lapangan Merdeka dan dihadiri ribuan "
                 "warga. Panitia mengundang musisi dari Darwin sebagai tamu kehormatan tahun ini. " + shared +
                 " Sejak itu, pertukaran budaya kedua kota rutin digelar. Festival berlangsung hingga Minggu "
                 "dengan dua puluh panggung di seluruh kota. Dinas Pariwisata mencatat jumlah pengunjung naik "
                 "dibanding tahun lalu, terutama dari Maluku Tengah dan Seram Bagian Barat. Pedagang kuliner di "
                 "sekitar lapangan mengaku omzet mereka berlipat selama pekan festival. Panitia juga menyiapkan "
                 "lomba paduan suara anak dan pameran alat musik tradisional tifa dan totobuang."},
    ]
    settings = load_settings(corpus=write_corpus(tmp_path / "corpus", articles=articles), index=tmp_path / "index",
                             environ={})
    build_index(settings, embedder, show_progress=False)
    assistant = Assistant.open(settings, embedder)
    assert assistant.index.copies.groups == ()  # not copies: each tells its own story
    answer = assistant.ask("Kapan Ambon dan Darwin menandatangani nota kesepahaman kota kembar?")
    assert not answer.abstained
    assert [p.text for p in answer.parts].count(shared) == 1
    carrying = [c for c in answer.citations if shared in c.snippet or any(
        assistant.index.articles[c.article_id].text[q.start:q.end] == shared for q in c.quotes)]
    assert {a for c in carrying for a in (c.article_id, *c.also_in)} == {"ambon-darwin", "ambon-festival"}

"""Copies that repeat (issue 18, part 3; issue 28, part 1): a press release reposted three times
with edits is one group, its earliest article the origin, cited first and counted once; found by
MinHash/LSH candidates, estimated and where needed counted exactly, with the work of a build
proportional to what changed; and measured on a generated population of reposts and look-alikes
(tests/reposts.py).

    python -m tests.reposts     prints the population's curve THRESHOLD was chosen on
"""

from __future__ import annotations

import json
import re

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
    """Against every pair counted exactly (one sparse matrix product): each pair found is at or
    above THRESHOLD and shares more than a sentence, and each pair clearly so (THRESHOLD + 0.1,
    half as much again as a sentence) is found through the bands and the estimate."""
    from scipy import sparse

    docs = _docs(json.loads(line) for line in FACQA.read_text(encoding="utf-8").splitlines()) + _docs(ARTICLES)
    found = copies.find_copies(docs)
    shingled = [np.unique(copies.shingle_hashes(d.content)) for d in docs]
    longest = np.array([copies.longest_sentence(d.content) for d in docs])
    columns, compact = np.unique(np.concatenate(shingled), return_inverse=True)
    lengths = np.array([len(h) for h in shingled])
    matrix = sparse.csr_matrix((np.ones(len(compact)), compact, np.r_[0, np.cumsum(lengths)]),
                               shape=(len(docs), len(columns)))
    common = (matrix @ matrix.T).toarray()
    ochiai = common / np.sqrt(np.outer(lengths, lengths))
    beyond = np.minimum.outer(longest, longest)
    exact = {tuple(sorted((docs[i].id, docs[j].id))): (ochiai[i, j], common[i, j] > beyond[i, j])
             for i, j in zip(*np.nonzero(np.triu(common, 1)))}
    clear = {pair for (pair, (score, _)), (i, j) in zip(exact.items(), zip(*np.nonzero(np.triu(common, 1))))
             if score >= copies.THRESHOLD + 0.1 and common[i, j] > 1.5 * beyond[i, j]}
    pairs = {(p.first, p.second) for p in found.pairs}
    assert len(clear) > 20  # FacQA repeats passages: the reference is not empty
    assert clear <= pairs
    assert all(exact[pair][0] >= copies.THRESHOLD - 1e-9 and exact[pair][1] for pair in pairs)


def test_shingles_made_for_many_texts_at_once_are_each_texts_own():
    """The batched shingling against its definition, text by text: the distinct runs of four
    words (fewer for a shorter text), and the longest sentence's runs."""
    texts = [json.loads(line)["text"] for line in FACQA.read_text(encoding="utf-8").splitlines()[:300]]
    texts += ["", "Satu", "dua kata", "Ini. Tiga kata lagi. Empat kata di sini ya!", "Sama sama sama sama sama sama"]
    sets, longest = copies.shingle_sets(texts)
    for text, hashes, most in zip(texts, sets, longest):
        words = re.findall(r"\w+", text.lower())
        assert len(hashes) == len({" ".join(words[i:i + 4]) for i in range(max(1, len(words) - 3))})
        assert np.array_equal(hashes, np.unique(hashes)) and np.array_equal(hashes, copies.shingle_hashes(text))
        sentences = re.split(r"(?<=[.!?])\s+", text)
        assert most == max(max(1, len(re.findall(r"\w+", s)) - 3) for s in sentences)
    signatures = copies.minhashes(sets)
    for row in (0, 1, 150, len(texts) - 1):
        assert np.array_equal(signatures[row], copies.minhashes([sets[row]])[0])


def test_signatures_made_another_way_are_not_reused():
    found = copies.find_copies(_docs(ARTICLES))
    data, arrays = copies.to_json(found), copies.signature_arrays(found)
    assert copies.from_stored(data, arrays) is not None
    assert copies.from_stored({**data, "signature": "crc32 of the shingle's text"}, arrays) is None
    assert copies.from_stored({k: v for k, v in data.items() if k != "signature"}, arrays) is None


def test_two_articles_sharing_one_sentence_are_not_copies():
    """One quote, or one long sentence, is what two reports of one event share; however short the
    articles (here it is most of each), that makes no copy. Two of their sentences do."""
    quote = ("Kerja sama ini membuka peluang pertukaran pelajar, pelatihan guru dan promosi wisata kedua kota "
             "dalam lima tahun ke depan kata wali kota")
    first = Doc("a", f"Wali kota hadir di balai kota. {quote}.", "2023-01-01")
    second = Doc("b", f"Delegasi tiba pagi hari. {quote}.", "2023-01-02")
    assert copies.similarity(first.content, second.content) >= copies.THRESHOLD  # by the coefficient alone, a copy
    assert copies.find_copies([first, second]).pairs == ()
    third = Doc("c", f"Delegasi tiba pagi hari. {quote}. Wali kota hadir di balai kota.", "2023-01-03")
    assert [(p.first, p.second) for p in copies.find_copies([first, third]).pairs] == [("a", "c")]


def test_a_new_article_is_signed_and_compared_alone():
    first = copies.find_copies(_docs(ARTICLES[1:]))  # the press release comes later
    assert first.computed == len(ARTICLES) - 1
    again = copies.find_copies(_docs(ARTICLES), first)
    assert again.computed == 1 and again.groups.groups == (GROUP,)
    assert again.signatures.values.shape == (len(ARTICLES), copies.NUM_PERM)
    without_origin = copies.find_copies(_docs(a for a in ARTICLES if a["id"] != GROUP[0]), again)
    assert without_origin.computed == 0 and without_origin.groups.groups == (GROUP[1:],)


def test_the_bands_are_stored_so_adding_an_article_reads_them_instead_of_choosing_them(tmp_path):
    """Choosing the bands imports datasketch and integrates its error curves (0.5 s of a build that
    adds one article): a stored index gives them back, one from before they were stored gets them chosen."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    first = copies.find_copies(_docs(ARTICLES[1:]))
    assert first.bands == copies.lsh_bands() and first.bands[0] * first.bands[1] <= copies.NUM_PERM
    stored = copies.to_json(first)
    (tmp_path / "copies.json").write_text(json.dumps(stored), encoding="utf-8")
    np.savez(tmp_path / "signatures.npz", **copies.signature_arrays(first))
    older = {k: v for k, v in stored.items() if k != "candidates"}
    assert copies.from_stored(older, np.load(tmp_path / "signatures.npz")).bands == first.bands
    probe = (
        "import json, sys\n"
        "import numpy as np\n"
        "from rag.index import copies\n"
        "from tests.newsroom.articles import ARTICLES\n"
        "from tests.reposts import Doc\n"
        "folder = sys.argv[1]\n"
        "previous = copies.from_stored(json.load(open(folder + '/copies.json')), np.load(folder + '/signatures.npz'))\n"
        "again = copies.find_copies([Doc(r['id'], r['text'], r.get('date')) for r in ARTICLES], previous)\n"
        "print(again.computed, len(again.groups.groups), 'datasketch' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1", "False"]  # the press release signed and grouped, datasketch never loaded


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


@pytest.fixture(scope="module")
def measured() -> dict:
    generated = population()
    return {"selection": [p for p in generated if in_selection_half(p)],
            "curve": curve([p for p in generated if not in_selection_half(p)])}


@pytest.mark.slow
def test_generated_reposts_meet_the_issues_targets(measured):
    """Issue 28: on at least 2,000 generated pairs (the report half: the other half may choose
    THRESHOLD), reposts found ≥ 0.95 of the time up to 25% changed words and ≥ 0.80 up to 40%, and
    no same-event or same-template pair taken for a copy (docs/copies.md has the curve)."""
    assert highest_negative(measured["selection"]) < copies.THRESHOLD
    curve_ = measured["curve"]
    assert curve_["pairs"] >= 1_900 and sum(curve_["negatives"].values()) >= 350
    assert curve_["false_positives"] == {} and curve_["precision_syndication"] >= 0.99
    syndication = curve_["recall"]["syndication"]
    assert all(syndication[share] >= 0.95 for share in ("0.05", "0.10", "0.15", "0.20", "0.25")), syndication
    assert all(syndication[share] >= 0.80 for share in ("0.30", "0.35", "0.40")), syndication


def test_the_threshold_separates_a_repost_from_the_same_event_told_again():
    """The test articles: the reposts of the press release above THRESHOLD, two outlets' reports
    of one signing and a report and its correction far below it."""
    content = {a["id"]: Doc(a["id"], a["text"]).content for a in ARTICLES}
    for repost in GROUP[1:]:
        assert copies.similarity(content[GROUP[0]], content[repost]) >= copies.THRESHOLD
    assert copies.similarity(content["bandung-hamamatsu-kompas"], content["bandung-hamamatsu-antara"]) < 0.1
    assert copies.similarity(content["makassar-davao-first"], content["makassar-davao-correction"]) < 0.1


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


def test_copies_form_groups_around_an_origin_not_chains():
    """B carries half of A and half of C; A and C share nothing. B is A's copy (A is earlier), and
    C, unlike A, starts no group of its own with B already taken: a chain of likenesses (A like B,
    B like C) is not one story. Brute force on the three pairs says the same."""
    paragraphs = [". ".join(" ".join(f"kata{n}x{i}{j}" for j in range(10)) for i in range(6)) + "." for n in range(4)]
    texts = {"a": paragraphs[0] + "\n" + paragraphs[1], "b": paragraphs[1] + "\n" + paragraphs[2],
             "c": paragraphs[2] + "\n" + paragraphs[3]}
    dates = {"a": "2023-01-01", "b": "2023-01-02", "c": "2023-01-03"}
    assert copies.similarity(texts["a"], texts["b"]) >= copies.THRESHOLD
    assert copies.similarity(texts["b"], texts["c"]) >= copies.THRESHOLD
    assert copies.similarity(texts["a"], texts["c"]) == 0.0
    found = copies.find_copies([Doc(i, t, dates[i]) for i, t in texts.items()])
    assert {(p.first, p.second) for p in found.pairs} == {("a", "b"), ("b", "c")}
    assert found.groups.groups == (("a", "b"),)
    assert found.groups.count(["a", "b", "c"]).independent == 2

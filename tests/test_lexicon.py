"""The lexicon a question is read through (rag/text/lexicon.py), the rules that build it
(rag/devtools/lexicon.py), and how a question's words carry it (rag/index/lexical.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rag.devtools.lexicon import (REQUIRED_PRECISION, Band, base_forms, chosen_band, decile_weights, deciles,
                                  loanword_spellings, looks_alike)
from rag.index.lexical import Analyzer, LexicalSettings, nasal_variants
from rag.text.lexicon import LEXICON_FILE, Source, alternatives, lexicon

JUDGED = Path(__file__).resolve().parent.parent / "docs" / "lexicon"


def _shipped_rows() -> list[list[str]]:
    return [line.split("\t") for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def test_the_shipped_lexicon_is_well_formed_and_says_where_it_comes_from():
    header = [line for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any("judged" in line for line in header) and any("regenerate" in line for line in header)
    rows = _shipped_rows()
    assert len(rows) > 1000
    for word, alternative, weight, source in rows:
        assert word != alternative and word.isalpha() and alternative.isalpha()
        assert REQUIRED_PRECISION - 0.15 <= float(weight) <= 1.0 and Source(source)
    assert len({(w, a) for w, a, *_ in rows}) == len(rows)


def test_the_judged_pairs_the_lexicon_kept_are_right_at_the_precision_it_claims():
    """The bands were chosen on these judgements; the kept ones must hold what was claimed."""
    kept = {(w, a) for w, a, *_ in _shipped_rows()}
    judged = [row for name in ("judged.tsv", "judged-kept.tsv")
              for row in csv.DictReader((JUDGED / name).open(encoding="utf-8"), delimiter="\t")]
    assert len(judged) >= 300 and all(row["right"] in ("0", "1") for row in judged)
    inside = [row["right"] == "1" for row in judged if (row["word"], row["alternative"]) in kept]
    assert len(inside) >= 50 and sum(inside) / len(inside) >= REQUIRED_PRECISION


def test_a_word_brings_its_kept_alternatives_and_an_unknown_word_none():
    assert "sebelum" in {a.word for a in alternatives("before")}
    assert "organisasi" in {a.word for a in alternatives("organisation")}
    assert alternatives("no-such-word") == ()
    assert {a.source for found in lexicon().values() for a in found} == set(Source)


@pytest.mark.parametrize(("english", "indonesian"), [
    ("university", "universitas"), ("organisation", "organisasi"), ("technology", "teknologi"),
    ("alliances", "aliansi"), ("capacity", "kapasitas"), ("management", "manajemen"), ("democracy", "demokrasi"),
    ("banking", "bank"), ("psychology", "psikologi"), ("system", "sistem"),
])
def test_loanwords_are_spelt_as_indonesian_spells_them(english, indonesian):
    assert indonesian in loanword_spellings(english)


def test_no_spelling_rule_makes_a_word_out_of_nothing():
    assert loanword_spellings("kick") == set() and "syar" not in loanword_spellings("shore")
    assert all(len(form) >= 4 for form in loanword_spellings("ace"))


def test_inflections_and_british_spellings_find_their_dictionary_form():
    assert {"visit"} <= set(base_forms("visited")) and "city" in base_forms("cities")
    assert "organization" in base_forms("organisation") and "larg" in base_forms("largest")


def test_words_spelt_alike_but_not_by_the_rules_are_told_apart():
    assert looks_alike("papaya", "papanya", "papanya") and looks_alike("sill", "sil", "sil")
    assert not looks_alike("agreement", "perjanjian", "janji")


def test_deciles_are_equal_and_best_first():
    rows = [{"word": f"w{i}", "alternative": "a", "score": str(i / 100)} for i in range(95)]
    parts = deciles(rows)
    assert len(parts) == 10 and {len(p) for p in parts} <= {9, 10}
    assert float(parts[0][0]["score"]) == 0.94 and float(parts[-1][-1]["score"]) == 0.0


def test_the_widest_band_above_the_required_precision_is_chosen():
    bands = [Band(Source.TRANSLATION, d, 1.0 - d / 10, precisions, 10 * d)
             for d, precisions in enumerate([(1.0,), (1.0, 0.8), (1.0, 0.8, 0.9), (1.0, 0.8, 0.9, 0.5)], start=1)]
    assert chosen_band(bands).decile == 3  # 0.90; the fourth falls to 0.80
    assert chosen_band([Band(Source.COGNATE, 1, 0.1, (0.5,), 10)]) is None


def test_weights_never_rise_down_the_scores():
    band = Band(Source.COGNATE, 5, 0.0, (1.0, 0.8, 1.0, 0.9, 0.95), 50)
    weights = decile_weights(band)
    assert weights == sorted(weights, reverse=True) and weights[0] == 1.0
    assert sum(weights) == pytest.approx(sum(band.precisions), abs=0.01)  # pooled, not invented


@pytest.mark.parametrize(("word", "restored"), [
    ("menandatangani", "tandatangan"), ("mengunjungi", "kunjung"), ("penulis", "tulis"),
    ("ditandatangani", "andatangan"), ("dikunjungi", "unjung"),
])
def test_a_word_matches_its_other_voice(word, restored):
    analyzer = Analyzer(LexicalSettings())
    (concept,) = analyzer.concepts(word)
    assert restored in concept.terms and concept.own == 1


def test_nasal_variants_leave_other_words_alone():
    assert nasal_variants("bergabung", "gabung") == [] and nasal_variants("mengajar", "ajar") == ["kajar"]
    assert nasal_variants("di", "") == []


def test_a_concept_is_found_as_much_as_its_best_term_weighs():
    analyzer = Analyzer(LexicalSettings())
    (concept,) = analyzer.concepts("students")
    weights = dict(zip(concept.terms, concept.weights))
    assert weights["students"] == 1.0 and 0.5 < weights["siswa"] < 1.0
    assert concept.found({"siswa", "kota"}) == weights["siswa"] and concept.found({"kota"}) == 0.0
    assert concept.found({"students", "siswa"}) == 1.0


def test_possessives_and_compounds_are_looked_up_by_their_parts():
    analyzer = Analyzer(LexicalSettings())
    (concept,) = analyzer.concepts("organisation's")
    assert "organisasi" in concept.terms

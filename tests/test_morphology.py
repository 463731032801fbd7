"""The affix rules that make a root's forms (rag/text/morphology.py), against forms found in the
Kamus Besar Bahasa Indonesia and in the corpus."""

import json
import re

import pytest

from rag.text.forms import SIGNING_WORDS
from rag.text.morphology import english_forms, indonesian_forms
from tests.conftest import CORPUS, SHARED


@pytest.mark.parametrize("root, form", [
    ("teken", "meneken"), ("teken", "diteken"), ("tanda tangan", "menandatangani"),
    ("tanda tangan", "penandatanganan"), ("tanda tangan", "ditandatanganinya"), ("kunjung", "mengunjungi"),
    ("bangun", "membangun"), ("pakai", "memakai"), ("sapa", "menyapa"), ("ajak", "mengajak"), ("jalin", "menjalin"),
    ("lawat", "melawat"), ("resmi", "diresmikan"),
])
def test_a_roots_affixed_forms_follow_the_nasal_rules(root, form):
    assert form in indonesian_forms(root)


def test_no_form_keeps_a_swallowed_letter_or_a_bare_english_noun():
    made = indonesian_forms("teken") | indonesian_forms("tanda tangan")
    assert not {"menteken", "mentandatangani", "penteken", "pentandatanganan"} & made
    assert english_forms("sign") == {"signs", "signed", "signing"}


def test_every_signing_word_the_corpora_use_is_made_by_the_rules():
    """The signing words of the seeds and FacQA's passages, found by their roots' letters (the t
    swallowed or not), are all among the forms the rules make: the rules are not narrower than the
    language in use."""
    texts = [p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")]
    texts += [json.loads(line)["text"] for line in (SHARED / "data/facqa/passages.jsonl").open(encoding="utf-8")]
    used = {w.lower() for t in texts for w in re.findall(r"\w*(?:andatangan|teken|neken)\w*", t, re.I)}
    assert len(used) >= 5 and used <= SIGNING_WORDS, used - SIGNING_WORDS

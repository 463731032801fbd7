"""The kind of answer a question asks for, and the spans of a sentence that state one (both languages)."""

import pytest

from rag.text.answer_kinds import AnswerKind, answer_kind, holds_answer, typed_spans


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Siapa Wali Kota Surabaya?", AnswerKind.PERSON),
        ("Who signed the agreement for Medan?", AnswerKind.PERSON),
        ("Kapan nota kesepahaman itu ditandatangani?", AnswerKind.DATE),
        ("Pada tanggal berapakah kunjungan itu berlangsung?", AnswerKind.DATE),
        ("What time did the delegation arrive?", AnswerKind.DATE),
        ("Berapa pelajar yang ikut pertukaran?", AnswerKind.QUANTITY),
        ("How many nurses will be sent?", AnswerKind.QUANTITY),
        ("Berapa biaya kunjungan delegasi itu?", AnswerKind.MONEY),
        ("How much did the city spend on the trip?", AnswerKind.MONEY),
        ("Di mana forum itu berlangsung?", AnswerKind.PLACE),
        ("Which country did the mayor visit?", AnswerKind.PLACE),
        ("Which company won the contract?", AnswerKind.NAME),
        ("Universitas mana yang diajak bekerja sama?", AnswerKind.NAME),
        ("Which fields does the agreement cover?", AnswerKind.THING),  # a plural: often not names
        ("Bidang apa yang dibahas?", AnswerKind.THING),
        ("Apa itu Bogor Green Room?", None),
        ("Why did the talks stall?", None),
    ],
)
def test_the_question_word_names_the_kind_of_answer(question, kind):
    assert answer_kind(question) == kind


SENTENCE = (
    "Sebelumnya, Jumat (3/5), Wali Kota Medan Rahmat Hidayat menerima rombongan dari Kota Ichikawa, Jepang, "
    "pada 2-4 Mei 2019 pukul 09.30 WIB bersama 12 pelajar dan ribuan warga, dengan anggaran Rp 1,5 miliar."
)


def test_dates_and_times_are_found_whole_in_both_ways_of_writing_them():
    dates = [s.text for s in typed_spans(SENTENCE, AnswerKind.DATE)]
    assert dates == ["Jumat (3/5)", "2-4 Mei 2019", "pukul 09.30 WIB"]
    assert [s.text for s in typed_spans("It was signed on June 8, 2016 in Seoul.", AnswerKind.DATE)] == ["June 8, 2016"]


def test_a_quantity_keeps_its_unit_and_is_never_a_date_s_number():
    quantities = [s.text for s in typed_spans(SENTENCE, AnswerKind.QUANTITY)]
    assert "12 pelajar" in quantities and "ribuan warga" in quantities and "Rp 1,5 miliar" in quantities
    assert not any(q.startswith(("3", "2", "4", "2019", "09")) for q in quantities)
    assert typed_spans("Kunjungan berlangsung pada 7-10 Juni 2016.", AnswerKind.QUANTITY) == []


def test_money_is_an_amount_with_its_currency():
    assert [s.text for s in typed_spans(SENTENCE, AnswerKind.MONEY)] == ["Rp 1,5 miliar"]
    assert [s.text for s in typed_spans("The city paid 3 million dollars for it.", AnswerKind.MONEY)] == ["3 million dollars"]


def test_names_skip_the_word_that_opens_a_sentence_and_a_place_keeps_its_region():
    names = [s.text for s in typed_spans(SENTENCE, AnswerKind.PERSON)]
    assert "Sebelumnya" not in names and "Jumat" not in names and "Wali Kota Medan Rahmat Hidayat" in names
    places = [s.text for s in typed_spans(SENTENCE, AnswerKind.PLACE)]
    assert "Kota Ichikawa, Jepang" in places


def test_a_span_the_question_already_says_is_no_answer():
    words = frozenset("siapa wali kota medan rahmat hidayat".split())
    assert "Wali Kota Medan Rahmat Hidayat" not in [s.text for s in typed_spans(SENTENCE, AnswerKind.PERSON, words)]


def test_only_a_strong_kind_can_say_a_sentence_does_not_answer():
    no_date = "Kedua kota sepakat bekerja sama di bidang pendidikan."
    assert not holds_answer(AnswerKind.DATE, no_date, frozenset())
    assert not holds_answer(AnswerKind.MONEY, "Biaya perjalanan ditanggung tuan rumah.", frozenset())
    assert holds_answer(AnswerKind.THING, no_date, frozenset())  # "bidang apa": its answer is not a name
    assert holds_answer(None, no_date, frozenset())


@pytest.mark.parametrize(("question", "several", "partnerships"), [
    ("Kerja sama apa saja yang dimiliki Kota Surabaya?", True, True),
    ("Which foreign cities does Surabaya cooperate with?", True, True),
    ("Siapa saja yang hadir dalam penandatanganan itu?", True, False),
    ("Apa saja ruang lingkup kerja sama Surabaya?", True, False),
    ("Which mayor signed the cooperation with Busan?", False, False),
    ("Kapan nota kesepahaman itu ditandatangani?", False, False),
])
def test_one_list_question_test_serves_the_answer_step_and_the_register(question, several, partnerships):
    from rag.text.answer_kinds import asks_for_list, asks_for_partner_list

    assert (asks_for_list(question), asks_for_partner_list(question)) == (several, partnerships)

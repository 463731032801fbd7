from rag.text.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [text[s.start:s.end] for s in split_sentences(text)]


def test_abbreviations_initials_times_and_dates_do_not_end_sentences():
    text = "Kerja sama dengan PT. INTI dan Dr. Budi pukul 14.00 WIB. Lalu A. Rahman datang pada 7/6/2016. Selesai."
    assert texts(text) == [
        "Kerja sama dengan PT. INTI dan Dr. Budi pukul 14.00 WIB.",
        "Lalu A. Rahman datang pada 7/6/2016.",
        "Selesai.",
    ]


def test_a_quote_followed_by_its_speaker_stays_one_sentence():
    text = '"Jadi kerja sama tidak cukup." katanya. “Ya,” ujarnya. Lalu pergi!'
    assert texts(text) == ['"Jadi kerja sama tidak cukup." katanya.', "“Ya,” ujarnya.", "Lalu pergi!"]


def test_spans_are_offsets_into_the_given_text_and_lines_end_sentences():
    text = "  Judul Berita\nKalimat satu. Kalimat dua.\n"
    spans = split_sentences(text, 2)
    assert [text[s.start:s.end] for s in spans] == ["Judul Berita", "Kalimat satu.", "Kalimat dua."]
    assert spans[0].start == 2

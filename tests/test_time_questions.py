"""Time in the question (issue 19, part 1): 20 questions written for the tests, in Indonesian and
English, over the seeds and the test articles. Each gets the expected `inferred_filters` and an
answer from the right period; the filter is shown and can be turned off."""

from __future__ import annotations

import datetime

import pytest

from rag.answers.extractive import answer_to_json
from rag.assistant import Request
from rag.search.time_question import infer_time

TODAY = datetime.date(2026, 12, 1)
SEEDS_2016 = {"000_9156ad8b8e089001", "001_2d6a8a213c43a204", "002_f3feb7890c547006", "003_fcff50e6fce6b534"}
MALANG = {"malang-chiangmai-pr", "malang-chiangmai-post", "malang-chiangmai-radar", "malang-chiangmai-jatim"}

# question, today, (since, until, latest), the articles of the right period the answer may cite
SEED_QUESTIONS = [
    ("Kerja sama apa yang ditandatangani Bogor pada 2016?", TODAY, ("2016", "2016", False), SEEDS_2016),
    ("What did Bogor sign in 2016?", TODAY, ("2016", "2016", False), SEEDS_2016),
    ("Kerja sama apa yang dijajaki Kemendagri pada 2024?", TODAY, ("2024", "2024", False), {"004_a696b740d2fb54b0"}),
    pytest.param("Who did the Ministry of Home Affairs explore cooperation with in 2024?", TODAY, ("2024", "2024", False),
                 {"004_a696b740d2fb54b0"}, marks=pytest.mark.xfail(
                     strict=True, reason="'home affairs', 'explore' and 'cooperation' reached the article only through "
                                         "the hand glossary, deleted; the learned lexicon has no pair for them at 0.90 "
                                         "precision, so too few of the question's concepts are found (docs/lexicon.md)")),
    ("Apa yang ditandatangani Bogor sebelum 2017?", TODAY, (None, "2016", False), SEEDS_2016),
    ("What did Bogor join after 2016?", TODAY, ("2017", None, False), {"002_f3feb7890c547006", "004_a696b740d2fb54b0"}),
    ("Forum apa yang diikuti Bogor sejak 2017?", TODAY, ("2017", None, False),
     {"002_f3feb7890c547006", "004_a696b740d2fb54b0"}),
    ("What is the latest on Bogor and Seoul?", TODAY, (None, None, True), {"000_9156ad8b8e089001", "001_2d6a8a213c43a204"}),
    ("Apa kabar terbaru kerja sama Bogor dan Kisarazu?", TODAY, (None, None, True), {"003_fcff50e6fce6b534"}),
    ("What did Bogor agree with Kisarazu in November 2016?", TODAY, ("2016-11", "2016-11", False),
     {"003_fcff50e6fce6b534"}),
]
NEWSROOM_QUESTIONS = [
    ("Kapan Malang menandatangani nota kesepahaman pada Maret 2023?", TODAY, ("2023-03", "2023-03", False), MALANG),
    ("Which sister city agreements were signed between 2021 and 2022?", TODAY, ("2021", "2022", False),
     {"pontianak-kuching", "denpasar-citynet", "semarang-brisbane-plan", "semarang-brisbane-signed",
      "bandung-hamamatsu-kompas", "bandung-hamamatsu-antara"}),
    ("Kerja sama apa yang ditandatangani tahun lalu?", datetime.date(2024, 6, 1), ("2023", "2023", False),
     MALANG | {"makassar-davao-first", "makassar-davao-correction", "balikpapan-mcallen-en"}),
    ("What did Denpasar join in 2021?", TODAY, ("2021", "2021", False), {"denpasar-citynet", "pontianak-kuching"}),
    ("Apa kabar terbaru surat pernyataan minat Makassar dan Davao?", TODAY, (None, None, True),
     {"makassar-davao-correction"}),
    ("When did Semarang sign with Brisbane after May 2022?", TODAY, ("2022-06", None, False),
     {"semarang-brisbane-plan", "semarang-brisbane-signed"}),
    ("Kerja sama kota kembar Pontianak sebelum 2022?", TODAY, (None, "2021", False), {"pontianak-kuching"}),
    ("Which city did Balikpapan talk to last year?", datetime.date(2024, 3, 1), ("2023", "2023", False),
     {"balikpapan-mcallen-en"}),
    ("Kapan Bandung dan Hamamatsu menandatangani nota kesepahaman pada November 2022?", TODAY,
     ("2022-11", "2022-11", False), {"bandung-hamamatsu-kompas", "bandung-hamamatsu-antara"}),
    ("What is the most recent news on Yogyakarta and Kyoto?", TODAY, (None, None, True), {"yogyakarta-kyoto-target"}),
]


def _check(assistant, question, today, expected, articles):
    *_, reply = assistant.run(Request(question, today=today))
    answer = answer_to_json(reply.answer)
    inferred = answer["inferred_filters"]
    assert (inferred["since"], inferred["until"], inferred["latest"]) == expected, inferred
    assert inferred["today"] == today.isoformat()
    assert not answer["abstained"], answer["answer"]
    cited = [c["article_id"] for c in answer["citations"]]
    assert set(cited) <= articles, cited
    return answer


@pytest.mark.parametrize(("question", "today", "expected", "articles"), SEED_QUESTIONS)
def test_time_questions_over_the_seeds(assistant, question, today, expected, articles):
    _check(assistant, question, today, expected, articles)


@pytest.mark.parametrize(("question", "today", "expected", "articles"), NEWSROOM_QUESTIONS)
def test_time_questions_over_the_test_articles(newsroom, question, today, expected, articles):
    _check(newsroom, question, today, expected, articles)


def test_latest_ranks_by_date_among_relevant_passages_not_the_newest_article(newsroom):
    """The newest article of the corpus (Yogyakarta, 2024-05-20) is not the answer to the latest on
    Makassar and Davao: the newest passage about them is (the correction of 2023-02-11)."""
    answer = newsroom.ask("Apa kabar terbaru surat pernyataan minat Makassar dan Davao?")
    assert answer.citations[0].article_id == "makassar-davao-correction"


def test_the_inference_can_be_turned_off_and_hand_set_dates_win(assistant):
    from rag.search.filters import Filters

    answer = assistant.ask("Kerja sama apa yang dijajaki Kemendagri pada 2024?", infer_time=False)
    assert answer_to_json(answer)["inferred_filters"] is None
    set_by_hand = assistant.ask("Apa yang ditandatangani Bogor pada 2024?", Filters(since="2016", until="2016"))
    assert all(c.article_id != "004_a696b740d2fb54b0" for c in set_by_hand.citations)


@pytest.mark.parametrize(("question", "expected"), [
    ("Siapa Wali Kota Kisarazu?", None),
    ("Kerja sama antara 2016 dan 2018", ("2016", "2018")),
    ("sesudah Juni 2016", ("2016-07", None)),
    ("before January 2017", (None, "2016-12")),
    ("bulan lalu", ("2026-11", "2026-11")),
    ("this year", ("2026", "2026")),
    ("sampai 2020", (None, "2020")),
])
def test_the_time_grammar(question, expected):
    found = infer_time(question, TODAY)
    assert (None if found is None else (found.since, found.until)) == expected

"""A "not in the corpus" that shows its work: what was searched, with which retriever and filters,
and which of the question's words no article uses (issue 18, part 4)."""

from rag.answers.claims import Verdict, check_to_json
from rag.answers.extractive import answer_to_json
from rag.search.filters import Filters
from rag.web.cards import verdict_html
from rag.web.markdown import answer_pieces

BUSAN = "Kota Bogor menandatangani perjanjian kota kembar dengan Kota Busan pada 2019"


def test_an_abstention_says_what_was_searched_and_which_words_no_article_uses(assistant):
    answer = assistant.ask(BUSAN, infer_time=False)
    assert answer.abstained
    searched = answer_to_json(answer)["searched"]
    assert searched["articles"] == len(assistant.index.articles) == 5
    assert searched["retriever"] == "hybrid" and searched["filters"] == {}
    assert "Busan" in searched["absent"] and "Bogor" not in searched["absent"]
    assert searched["closest"] == list(dict.fromkeys(c.article_id for c in answer.related))
    shown = "".join(answer_pieces(answer))
    assert "Busan" in shown and "Dicari di 5 artikel" in shown


def test_a_claim_not_found_says_what_was_searched(assistant):
    result = assistant.check(BUSAN)
    assert result.verdict is Verdict.NOT_FOUND
    assert "Busan" in check_to_json(result)["searched"]["absent"]
    assert "Tidak ada di artikel mana pun: " in verdict_html(result, assistant.index.articles)


def test_the_time_read_from_the_question_is_part_of_what_was_searched(assistant):
    """"pada 2019" limits the search to 2019, and the report says so: no article is dated 2019 or
    tells of a step in 2019; the one article nothing dates is searched too."""
    searched = answer_to_json(assistant.ask(BUSAN))["searched"]
    assert searched["filters"]["since"] == searched["filters"]["until"] == "2019"
    undated = [a for a in assistant.index.articles.values() if not a.date]
    assert searched["articles"] == len(undated) == 1 and "Busan" in searched["absent"]


def test_the_filters_and_the_dates_searched_are_those_applied(assistant):
    answer = assistant.ask("Kapan Kota Surabaya menandatangani kerja sama dengan Busan?", Filters(since="2016-11"))
    assert answer.abstained
    searched = answer.searched
    admitted = [a for a in assistant.index.articles.values() if a.date and a.date[:7] >= "2016-11"]
    assert searched.articles == len(admitted) < 5
    assert searched.filters == {"since": "2016-11"} and searched.first_date >= "2016-11"
    assert searched.sentences()[0].startswith(f"Dicari di {len(admitted)} artikel terbitan {searched.first_date}")
    assert "(saringan: since 2016-11)" in searched.sentences()[0]
    assert searched.absent == ("Surabaya", "Busan")


def test_an_english_question_hears_its_search_in_english(assistant):
    from rag.search.modes import RetrieverMode
    from rag.search.searched import what_was_searched

    index = assistant.index
    searched = what_was_searched("Did Bogor sign a letter of interest with Busan in 2019?", index.articles, index.lexical,
                                 None, RetrieverMode.HYBRID, [])
    said = searched.sentences()
    assert said[0].startswith("Searched 5 articles published ") and said[1].startswith("In no article: ")
    assert "Busan" in searched.absent and "2019" in searched.absent
    assert not {"Bogor", "letter", "interest"} & set(searched.absent)  # found, in English or Indonesian
    # Words the articles use only in translation are found through the lexicon: "share" → "berbagi",
    # "experience" → "pengalaman".
    found = what_was_searched("Did Busan share its experience with Bogor in 2019?", index.articles, index.lexical, None,
                              RetrieverMode.HYBRID, [])
    assert found.absent == ("Busan", "2019")


def test_an_answer_carries_no_search_report(assistant):
    answer = assistant.ask("Siapa Wali Kota Kisarazu?")
    assert not answer.abstained and answer_to_json(answer)["searched"] is None

"""What reaches the browser: article and user text shown as text, never as markup."""

import re
from html.parser import HTMLParser

from rag.answers.extractive import Answer, AnswerPart, AnswerSpan, Citation
from rag.web.cards import Mark, highlight, sources_html, verdict_html
from rag.answers.claims import CheckResult, Mismatch
from rag.web.markdown import answer_pieces, escape, story_markdown
from rag.ingest.corpus import ArticleInfo
from rag.text.sentences import Span

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> [klik](javascript:alert(1)) ![x](http://evil.example/p.png) <form action="http://evil.example">'
CARD_TAGS = {"div", "h3", "details", "summary", "strong", "blockquote", "span", "mark", "a", "em", "p", "ul", "li", "del"}


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser's parser would see them."""

    def __init__(self, markup: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def hostile_citation(**changes) -> Citation:
    fields = dict(n=1, article_id="evil", title=HOSTILE, outlet="<b>Outlet</b>", date="2024", url="javascript:alert(1)",
                  snippet=HOSTILE, start=0, end=len(HOSTILE), score=1.0, quotes=(Span(0, len(HOSTILE)),))
    return Citation(**{**fields, **changes})


def test_escape_neutralises_html_and_markdown_links_and_images():
    out = escape(HOSTILE)
    assert "<" not in out and ">" not in out
    assert "](" not in out.replace("\\](", "")
    assert "![" not in out.replace("\\!\\[", "")


def test_hostile_text_in_the_chat_answer_is_escaped_and_markers_are_bold():
    answer = Answer("q", f"{HOSTILE} [1]", False, [hostile_citation()], parts=[AnswerPart(HOSTILE, 1)])
    rendered = "".join(answer_pieces(answer))
    assert "<script" not in rendered and "<img" not in rendered and "<form" not in rendered
    assert re.search(r"(?<!\\)[\[\]]", rendered) is None  # every bracket escaped: no link, no image
    assert rendered.endswith(" **\\[1\\]**")


def test_answer_pieces_stream_one_sentence_at_a_time_and_join_to_the_answer():
    parts = [AnswerPart("Kalimat satu.", 1), AnswerPart("Kalimat dua.", 2)]
    answer = Answer("q", "Kalimat satu. [1] Kalimat dua. [2]", False, [], parts=parts, notice="Catatan")
    assert answer_pieces(answer) == ["_Catatan_\n\n", "Kalimat satu. **\\[1\\]**", " Kalimat dua. **\\[2\\]**"]


def test_the_answer_span_is_bold_in_the_chat_and_marked_in_its_card():
    text = "Awal berita. Wali Kota Kisarazu Yushikuni Watanabe berkunjung ke Bogor. Akhir."
    sentence = "Wali Kota Kisarazu Yushikuni Watanabe berkunjung ke Bogor."
    start = text.index(sentence)
    name = text.index("Yushikuni Watanabe")
    span = AnswerSpan("Yushikuni Watanabe", name, name + len("Yushikuni Watanabe"), 1, "person")
    citation = Citation(1, "003", "Judul", None, None, None, text, 0, len(text), 1.0,
                        quotes=(Span(start, start + len(sentence)),))
    answer = Answer("Who is the mayor of Kisarazu?", f"{sentence} [1]", False, [citation], language="en",
                    parts=[AnswerPart(sentence, 1, start=start)], answer_span=span)
    assert "".join(answer_pieces(answer)) == "Wali Kota Kisarazu **Yushikuni Watanabe** berkunjung ke Bogor. **\\[1\\]**"
    article = ArticleInfo("003", "003.txt", "Judul", None, None, None, "h", text)
    markup = sources_html(answer, {"003": article})
    assert markup.count('rag-answer">Yushikuni Watanabe</mark>') == 2  # in the snippet and in the opened article


def test_hostile_article_text_in_cards_stays_text():
    text = "Awal. " + HOSTILE + " Akhir."
    article = ArticleInfo("evil", "evil.md", HOSTILE, "<b>Outlet</b>", "2024", "javascript:alert(1)", "h", text)
    citation = hostile_citation(start=6, end=6 + len(HOSTILE), quotes=(Span(6, 6 + len(HOSTILE)),))
    markup = sources_html(Answer("q", "x [1]", False, [citation]), {"evil": article})
    elements = Elements(markup).found
    assert {tag for tag, _ in elements} <= CARD_TAGS
    assert all(not name.startswith("on") for _, attrs in elements for name in attrs)
    assert not any(tag == "a" for tag, _ in elements)  # a javascript: url is shown, never linked
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    linked = sources_html(Answer("q", "x [1]", False, [replace_url(citation, 'https://x.id/a"onmouseover="b')]), {})
    anchors = [attrs for tag, attrs in Elements(linked).found if tag == "a"]
    assert anchors == [{"href": 'https://x.id/a"onmouseover="b', "target": "_blank", "rel": "noopener noreferrer nofollow"}]


def replace_url(citation: Citation, url: str) -> Citation:
    from dataclasses import replace

    return replace(citation, url=url)


def test_opening_a_card_shows_the_whole_article_with_the_cited_sentence_marked():
    text = "Paragraf pertama.\n\nKalimat pertama. Kalimat kedua dikutip. Kalimat ketiga.\n\nPenutup."
    start = text.index("Kalimat pertama")
    snippet = text[start: text.index("\n\nPenutup")]
    quote = Span(text.index("Kalimat kedua"), text.index(" Kalimat ketiga"))
    citation = Citation(1, "a", "T", "Outlet", "2016-06-08", None, snippet, start, start + len(snippet), 0.5, (quote,))
    article = ArticleInfo("a", "a.txt", "T", "Outlet", "2016-06-08", None, "h", text)
    markup = sources_html(Answer("q", "Kalimat kedua dikutip. [1]", False, [citation]), {"a": article})
    summary, view = markup.split("</summary>")
    assert '<mark class="rag-quote">Kalimat kedua dikutip.</mark>' in summary
    assert "Paragraf pertama." not in summary and "Paragraf pertama." in view and "Penutup." in view
    assert '<mark class="rag-chunk rag-cited">Kalimat kedua dikutip.</mark>' in view


def test_highlight_is_well_formed_when_marks_overlap_and_matches_the_text():
    text = "abcdefghij"
    out = highlight(text, 100, [Mark(101, 106, "x"), Mark(104, 109, "y"), Mark(90, 102, "z")])
    assert out == ('<mark class="z">a</mark><mark class="x z">b</mark><mark class="x">cd</mark>'
                   '<mark class="x y">ef</mark><mark class="y">ghi</mark>j')
    assert re.sub(r"<[^>]+>", "", out) == text


def test_a_verdict_is_a_badge_with_the_mismatch_marked_in_its_evidence():
    citation = Citation(1, "a", "T", None, None, None, "Rabu 8 Juni.", 0, 12, 1.0, (Span(0, 12),))
    result = CheckResult("<b>klaim</b> 9 Juni", "contradicted", [citation], [Mismatch("date", "9 Juni <i>", "8 Juni", 1)])
    rendered = verdict_html(result, {}, "id")
    assert '<span class="rag-badge rag-contradicted">BERTENTANGAN</span>' in rendered
    assert "<del>9 Juni &lt;i&gt;</del>" in rendered and "<i>" not in rendered
    assert '<mark class="rag-quote rag-mismatch">8 Juni</mark>' in rendered
    assert ">CONTRADICTED<" in verdict_html(result, {}, "en")


def test_the_story_markdown_carries_quotes_outlet_date_and_link():
    snippet = "Kalimat pertama. Kalimat kedua dikutip."
    citation = Citation(1, "a", "Judul", "Medcom", "2016-06-08", "https://medcom.id/a", snippet, 100, 100 + len(snippet),
                        0.5, (Span(117, 139),))
    story = story_markdown(Answer("Kapan?", "Kalimat kedua dikutip. [1]", False, [citation]))
    assert story.startswith("**Pertanyaan:** Kapan?\n\nKalimat kedua dikutip. [1]\n")
    assert "1. Judul, Medcom, 2016-06-08 — <https://medcom.id/a>\n   > \u201cKalimat kedua dikutip.\u201d" in story

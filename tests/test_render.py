"""What reaches the browser: article and user text shown as text, never as markup."""

import re

from rag.answer import Answer, Citation
from rag.render import answer_markdown, check_markdown, escape, sources_markdown

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> [klik](javascript:alert(1)) ![x](http://evil.example/p.png) <form action="http://evil.example">'


def test_escape_neutralises_html_and_markdown_links_and_images():
    out = escape(HOSTILE)
    assert "<" not in out and ">" not in out
    assert "](" not in out.replace("\\](", "")
    assert "![" not in out.replace("\\!\\[", "")


def test_hostile_article_text_is_escaped_in_answers_and_sources():
    citation = Citation(1, "evil", HOSTILE, "<b>Outlet</b>", "2024", "javascript:alert(1)", HOSTILE, 0, len(HOSTILE), 1.0,
                        [{"start": 0, "end": len(HOSTILE)}])
    answer = Answer("q", f"{HOSTILE} [1]", False, [citation])
    rendered = answer_markdown(answer) + sources_markdown(answer)
    assert "<script" not in rendered and "<img" not in rendered and "<form" not in rendered and "<b>" not in rendered
    assert re.search(r"(?<!\\)[\[\]]", rendered) is None  # every bracket escaped: no link, no image
    assert "](<javascript" not in rendered  # a non-http url never becomes a link
    assert "**\\[1\\]**" in rendered


def test_the_quoted_sentence_is_bold_in_its_snippet():
    snippet = "Kalimat pertama. Kalimat kedua dikutip. Kalimat ketiga."
    citation = Citation(1, "a", "T", None, None, None, snippet, 100, 100 + len(snippet), 0.5,
                        [{"start": 117, "end": 139}])
    assert "**Kalimat kedua dikutip.**" in sources_markdown(Answer("q", "Kalimat kedua dikutip. [1]", False, [citation]))


def test_a_verdict_renders_as_a_badge_with_escaped_mismatches():
    from rag.check import CheckResult, Mismatch

    citation = Citation(1, "a", "T", None, None, None, "Rabu 8 Juni.", 0, 12, 1.0, [])
    result = CheckResult("<b>klaim</b> 9 Juni", "contradicted", [citation], [Mismatch("9 Juni <i>", "8 Juni", 1)])
    rendered = check_markdown(result, "id")
    assert rendered.startswith("## BERTENTANGAN")
    assert "~~9 Juni &lt;i&gt;~~" in rendered and "**8 Juni**" in rendered and "<i>" not in rendered
    assert check_markdown(result, "en").startswith("## CONTRADICTED")

"""Source cards and verdicts as HTML for the app, with every character from an article escaped.

A card is a `<details>` element: closed, it shows the title, outlet, date, link and the snippet
with the quoted sentences marked, and in bold the words that answer the question (`answer_span`);
opened, the whole article with the cited span marked (the app's
script scrolls it into view). Gradio's HTML component sanitises nothing, so this module builds
all markup itself and escapes all text and attributes; the only links are http(s) URLs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answers.claims import CheckResult
from rag.answers.extractive import Answer, Citation
from rag.ingest.corpus import ArticleInfo
from rag.text.messages import CARDS, in_language

# An article longer than this is shown as a window of this many characters around the citation:
# a 50 MB export must not be pushed to the browser once per card.
ARTICLE_VIEW_CHARS = 40_000


# Run by the app once the cards' container is in the page: opening a card scrolls its article
# box to the cited span. `toggle` does not bubble, hence the capturing listener.
SCROLL_TO_CITATION_JS = """
element.addEventListener('toggle', (event) => {
  const card = event.target;
  if (!card.open || !card.classList || !card.classList.contains('rag-card')) return;
  const box = card.querySelector('.rag-article');
  const cited = box && box.querySelector('.rag-cited');
  if (!cited) return;
  box.scrollTop = cited.offsetTop - box.clientHeight / 3;
  card.scrollIntoView({block: 'nearest'});
}, true);
"""

CSS = """
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin: 8px 0; }
.rag-card > summary { cursor: pointer; list-style: none; }
.rag-card > summary::-webkit-details-marker { display: none; }
.rag-where, .rag-meta { font-size: 0.85em; opacity: 0.8; }
.rag-snippet { margin: 6px 0; padding-left: 8px; border-left: 3px solid var(--border-color-primary); }
.rag-open { font-size: 0.85em; text-decoration: underline; }
.rag-card[open] .rag-open, .rag-card[open] .rag-snippet { display: none; }
.rag-article { position: relative; max-height: 22em; overflow-y: auto; white-space: pre-wrap;
               margin-top: 8px; padding: 6px; border-top: 1px solid var(--border-color-primary); }
.rag-chunk { background: rgba(255, 220, 0, 0.12); }
mark.rag-cited, mark.rag-quote { background: #ffe066; color: inherit; }
mark.rag-mismatch { background: #ff8a80; color: inherit; }
mark.rag-answer { background: #ffb300; color: inherit; font-weight: bold; text-decoration: underline; }
.rag-badge { display: inline-block; padding: 4px 12px; border-radius: 12px; font-weight: bold; color: #fff; }
.rag-supported { background: #2e7d32; } .rag-contradicted { background: #c62828; }
.rag-partly_supported { background: #ef6c00; } .rag-not_found { background: #616161; }
.rag-disputed { background: #6a1b9a; }
.rag-dot { cursor: default; } .rag-dot:focus { outline: none; }
.rag-dot:focus circle, .rag-dot:hover circle { stroke: #1f2328; stroke-width: 2px; }
.rag-dot .rag-dot-label { display: none; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.rag-dot:hover .rag-dot-label, .rag-dot:focus .rag-dot-label { display: inline; }
.rag-detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
.rag-detail dt { font-weight: 600; }
"""


@dataclass(frozen=True)
class Mark:
    """A span of an article's text (in its own coordinates) to highlight with a CSS class."""

    start: int
    end: int
    css: str


def sources_html(answer: Answer, articles: dict[str, ArticleInfo]) -> str:
    words = in_language(CARDS, answer.language)
    if answer.citations:
        heading, citations = words["sources"], answer.citations
    elif answer.related:
        heading, citations = words["related"], answer.related
    else:
        return ""
    span = answer.answer_span
    cards = "".join(
        card_html(c, articles.get(c.article_id), words,
                  answer_span=Mark(span.start, span.end, "rag-answer") if span and span.citation == c.n else None)
        for c in citations
    )
    count = answer.sources.said(answer.language) if answer.sources and answer.citations else None
    said = f'<p class="rag-reports">{_text(count)}</p>' if count else ""
    return f'<div class="rag-cards"><h3>{heading}</h3>{said}{cards}</div>'


def detail_html(title: str, rows: list[tuple[str, str]]) -> str:
    """A record's every column, one under another: what a narrow screen shows of a table row."""
    items = "".join(f"<dt>{_text(name)}</dt><dd>{_text(value) or '—'}</dd>" for name, value in rows)
    return f'<div class="rag-detail"><h3>{_text(title)}</h3><dl>{items}</dl></div>'


def citations_html(citations: list[Citation], articles: dict[str, ArticleInfo], language: str = "id") -> str:
    """Cards for citations that are not an answer's (a register record's sources)."""
    words = in_language(CARDS, language)
    cards = "".join(card_html(c, articles.get(c.article_id), words) for c in citations)
    return f'<div class="rag-cards"><h3>{words["sources"]}</h3>{cards}</div>' if citations else ""


def verdict_html(result: CheckResult, articles: dict[str, ArticleInfo], language: str = "id") -> str:
    """The verdict as a badge, the mismatching items, then the evidence cards with those items marked."""
    words = in_language(CARDS, language)
    parts = [f'<p><span class="rag-badge rag-{result.verdict}">{words[result.verdict]}</span></p>']
    if result.searched:
        parts += [f'<p class="rag-searched">{_text(sentence)}</p>' for sentence in result.searched.sentences()]
    if result.sources and (said := result.sources.said(language)):
        parts.append(f'<p class="rag-reports">{_text(said)}</p>')
    if result.corrected_by:
        parts.append(f'<p class="rag-corrected">{words["corrected_by"]} {_text(result.corrected_by)}</p>')
    if result.supports:
        parts.append("<ul>" + "".join(
            f"<li><strong>{words['agrees']}:</strong> {words['claim']} {_text(s.claim_text)} → "
            f"{words['source']} [{s.citation}] <mark class=\"rag-agrees\">{_text(s.evidence_text)}</mark></li>"
            for s in result.supports) + "</ul>")
    if result.mismatches:
        items = "".join(
            f"<li><strong>{words['mismatch']}:</strong> {words['claim']} <del>{_text(m.claim_text)}</del> → "
            f"{words['source']} [{m.citation}] <mark class=\"rag-mismatch\">{_text(m.evidence_text)}</mark></li>"
            for m in result.mismatches
        )
        parts.append(f"<ul>{items}</ul>")
    for citation in result.citations:
        wrong = [m.evidence_text for m in result.mismatches if m.citation == citation.n]
        parts.append(card_html(citation, articles.get(citation.article_id), words, wrong))
    return f'<div class="rag-cards">{"".join(parts)}</div>'


def card_html(citation: Citation, article: ArticleInfo | None, words: dict, mismatching: Sequence[str] = (),
              answer_span: Mark | None = None) -> str:
    quotes = [Mark(q.start, q.end, "rag-quote") for q in citation.quotes]
    wrong = _find(citation.snippet, citation.start, mismatching, quotes)
    marks = wrong + ([answer_span] if answer_span else [])
    title = _text(citation.title or citation.article_id)
    meta = " · ".join(_text(x) for x in (citation.outlet, citation.date) if x)
    link = ""
    if citation.url and re.match(r"https?://", citation.url):
        href = html.escape(citation.url, quote=True)
        link = f' · <a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{_text(citation.url)}</a>'
    where = f"{_text(citation.article_id)}, {words['chars']} {citation.start}–{citation.end}"
    if citation.page:
        where += f" · {words['page']} {citation.page}"
    if citation.also_in:
        where += f" · {words['also_in']} " + ", ".join(_text(a) for a in citation.also_in)
    if citation.copies:
        where += f" · {words['carried_by']} " + ", ".join(_text(a) for a in citation.copies)
    if citation.copy_of:
        where += f" · {words['copy_of']} {_text(citation.copy_of)}"
    snippet = highlight(citation.snippet, citation.start, quotes + marks)
    summary = (
        f'<summary><strong>[{citation.n}] {title}</strong>'
        f'<div class="rag-meta">{meta}{link}</div><div class="rag-where">{where}</div>'
        f'<blockquote class="rag-snippet">{snippet}</blockquote><span class="rag-open">{words["open"]}</span></summary>'
    )
    return f'<details class="rag-card" data-n="{citation.n}">{summary}{_article_view(citation, article, quotes, marks, words)}</details>'


def _article_view(citation: Citation, article: ArticleInfo | None, quotes: list[Mark], marks: list[Mark], words: dict) -> str:
    if article is None:
        return ""
    cited = [Mark(q.start, q.end, "rag-cited") for q in quotes] or [Mark(citation.start, citation.end, "rag-cited")]
    marks = [Mark(citation.start, citation.end, "rag-chunk"), *cited, *marks]
    text, offset = article.text, 0
    if len(text) > ARTICLE_VIEW_CHARS:
        offset = max(0, min(citation.start - ARTICLE_VIEW_CHARS // 2, len(text) - ARTICLE_VIEW_CHARS))
        text = text[offset: offset + ARTICLE_VIEW_CHARS]
    body = highlight(text, offset, marks)
    cut = f"<em>[… {words['cut']}]</em>"
    before = cut if offset > 0 else ""
    after = cut if offset + len(text) < len(article.text) else ""
    return f'<div class="rag-article">{before}{body}{after}</div>'


def highlight(text: str, offset: int, marks: list[Mark]) -> str:
    """`text` (which starts at `offset` of its article) escaped, each piece wrapped in the marks over it.

    Marks may nest or overlap: the text is cut at every mark boundary and each piece carries the
    classes of all marks covering it, so the output is always well-formed.
    """
    end = offset + len(text)
    cuts = sorted({offset, end, *(max(offset, min(end, p)) for m in marks for p in (m.start, m.end))})
    out = []
    for left, right in zip(cuts, cuts[1:]):
        piece = _text(text[left - offset: right - offset])
        classes = " ".join(dict.fromkeys(m.css for m in marks if m.start <= left and right <= m.end))
        if not classes:
            out.append(piece)
        elif classes == "rag-chunk":
            out.append(f'<span class="rag-chunk">{piece}</span>')
        else:
            out.append(f'<mark class="{classes}">{piece}</mark>')
    return "".join(out)


def _find(snippet: str, offset: int, needles: Sequence[str], within: list[Mark]) -> list[Mark]:
    """Marks for each needle's first occurrence inside a quoted sentence (else anywhere) of the snippet."""
    found = []
    for needle in needles:
        starts = [m.start() + offset for m in re.finditer(re.escape(needle), snippet)]
        inside = [s for s in starts if any(q.start <= s < q.end for q in within)]
        if starts:
            start = (inside or starts)[0]
            found.append(Mark(start, start + len(needle), "rag-mismatch"))
    return found


def _text(value: str) -> str:
    return html.escape(value, quote=True)

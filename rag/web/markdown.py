"""Answers as Markdown for the browser, with every character from an article or a user shown as text.

Article text comes from the web and may hold HTML or Markdown that would run, load or link in a
reader's browser; Gradio sanitises only part of that, and only client-side. So everything that
did not come from this module is escaped before it is rendered.
"""

from __future__ import annotations

import html
import re

from rag.answers.extractive import Answer
from rag.text.messages import ANSWERS, CARDS, in_language

# Inline syntax that can format, link or load (brackets make links and images); and what opens a
# block at the start of a line (headings, lists, quotes, numbered lists).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]!|~$])")
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))", re.MULTILINE)


def escape(text: str) -> str:
    """Plain text, safe inside Markdown: HTML entities escaped, Markdown syntax neutralised."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    # The colon as an entity: it still reads "http://", but the Markdown renderer no longer turns
    # a bare address from an article into a clickable link.
    return html.escape(escaped, quote=False).replace("://", "&#58;//").replace("www.", "www&#46;")


def answer_pieces(answer: Answer) -> list[str]:
    """The answer's Markdown in the order it is streamed: the notice, then one piece per sentence.

    Joined, they are the whole answer: its sentences escaped, their citation markers in bold.
    """
    pieces = [f"_{escape(answer.notice)}_\n\n"] if answer.notice else []
    if answer.inferred_time:
        pieces.append(f"_{escape(time_said(answer.inferred_time, answer.language))}_\n\n")
    if answer.lead:
        pieces.append(f"{escape(answer.lead)}\n\n")
    if answer.abstained or not answer.parts:
        searched = answer.searched.sentences() if answer.searched else []
        return pieces + [escape(answer.answer)] + [f"\n\n_{escape(sentence)}_" for sentence in searched]
    for i, part in enumerate(answer.parts):
        pieces.append(("" if i == 0 else " ") + f"{_with_answer_marked(part, answer)} **\\[{part.citation}\\]**")
    if answer.disagreement:
        pieces.append(f"\n\n**⚠ {escape(answer.disagreement.said(answer.language))}**")
    return pieces


def time_said(inferred, language: str) -> str:
    """The time read from the question, as the reader sees it above the answer."""
    words = in_language(ANSWERS, language)
    bounds = [words["time_since"].format(when=inferred.since) if inferred.since else "",
              words["time_until"].format(when=inferred.until) if inferred.until else "",
              words["time_latest"] if inferred.latest else ""]
    return words["time_from_question"].format(bounds=", ".join(b for b in bounds if b), words=inferred.words,
                                              today=inferred.today)


def _with_answer_marked(part, answer: Answer) -> str:
    """The sentence escaped, the answer span in it (if it is this sentence's) in bold: a reader who
    knows no Indonesian still finds the name, date or number that answers."""
    span = answer.answer_span
    if span is None or part.start is None or span.citation != part.citation:
        return escape(part.text)
    start, end = span.start - part.start, span.end - part.start
    if not (0 <= start < end <= len(part.text)):
        return escape(part.text)
    return f"{escape(part.text[:start])}**{escape(part.text[start:end])}**{escape(part.text[end:])}"


def story_markdown(answer: Answer) -> str:
    """The answer and its sources as plain Markdown to paste into a story: quotes, outlet, date, link.

    Not escaped: it goes to the clipboard of a journalist's editor, never into our page.
    """
    words = in_language(ANSWERS, answer.language)
    lines = [f"**{words['story_question']}:** {answer.question}", ""] + ([answer.lead, ""] if answer.lead else []) + [answer.answer]
    if answer.notice:
        lines += ["", f"_{answer.notice}_"]
    if answer.disagreement:
        lines += ["", answer.disagreement.said(answer.language)]
    if answer.sources and (said := answer.sources.said(answer.language)):
        lines += ["", said]
    if answer.citations:
        lines += ["", f"**{words['story_sources']}**", ""]
    for citation in answer.citations:
        page = f"{words['story_page']} {citation.page}" if citation.page else None
        source = ", ".join(x for x in (citation.title or citation.article_id, citation.outlet, citation.date, page) if x)
        lines.append(f"{citation.n}. {source}" + (f" — <{citation.url}>" if citation.url else ""))
        if citation.also_in or citation.copies:
            lines.append(f"   ({in_language(CARDS, answer.language)['carried_by']}: {', '.join(citation.also_in + citation.copies)})")
        for quote in citation.quotes:
            sentence = citation.snippet[quote.start - citation.start: quote.end - citation.start]
            lines.append(f"   > \u201c{_one_line(sentence)}\u201d")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text).strip()

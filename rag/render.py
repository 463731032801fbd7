"""Answers as Markdown for the browser, with every character from an article or a user shown as text.

Article text comes from the web and may hold HTML or Markdown that would run, load or link in a
reader's browser; Gradio sanitises only part of that, and only client-side. So everything that
did not come from this module is escaped before it is rendered.
"""

from __future__ import annotations

import html
import re

from rag.answer import Answer, Citation

# Inline syntax that can format, link or load (brackets make links and images); and what opens a
# block at the start of a line (headings, lists, quotes, numbered lists).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]!|~$])")
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+(?=[.)]))", re.MULTILINE)
_MARKER = re.compile(r" \[(\d+)\]")

LABELS = {
    "id": {"sources": "Sumber", "related": "Mungkin terkait (bukan kutipan)", "chars": "karakter", "also_in": "juga di"},
    "en": {"sources": "Sources", "related": "Possibly related (not citations)", "chars": "characters", "also_in": "also in"},
}


def escape(text: str) -> str:
    """Plain text, safe inside Markdown: HTML entities escaped, Markdown syntax neutralised."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return html.escape(escaped, quote=False)


def answer_markdown(answer: Answer) -> str:
    """The answer's sentences, escaped, with their citation markers in bold; a notice above."""
    notice = f"_{escape(answer.notice)}_\n\n" if answer.notice else ""
    if answer.abstained:
        return notice + escape(answer.answer)
    pieces = _MARKER.split(answer.answer)
    # split() alternates text and marker numbers: text, n, text, n, ...
    out = []
    for i, piece in enumerate(pieces):
        out.append(escape(piece) if i % 2 == 0 else f" **\\[{piece}\\]**")
    return notice + "".join(out)


def sources_markdown(answer: Answer) -> str:
    labels = LABELS.get(answer.language, LABELS["id"])
    if answer.citations:
        heading, items = labels["sources"], answer.citations
    elif answer.related:
        heading, items = labels["related"], answer.related
    else:
        return ""
    return f"### {heading}\n\n" + "\n\n".join(_citation_markdown(c, labels) for c in items)


def _citation_markdown(citation: Citation, labels: dict) -> str:
    title = escape(citation.title or citation.article_id)
    details = " · ".join(escape(x) for x in (citation.outlet, citation.date) if x)
    link = ""
    if citation.url and re.match(r"https?://", citation.url):
        link = f" · [{escape(citation.url)}](<{citation.url.replace('>', '%3E').replace(' ', '%20')}>)"
    where = f"{escape(citation.article_id)}, {labels['chars']} {citation.start}–{citation.end}"
    if citation.also_in:
        where += f" · {labels['also_in']} " + ", ".join(escape(a) for a in citation.also_in)
    header = f"**\\[{citation.n}\\] {title}**" + (f" — {details}" if details else "") + link
    return f"{header}  \n{where}\n\n> {_snippet_markdown(citation)}"


def _snippet_markdown(citation: Citation) -> str:
    """The snippet with each quoted sentence in bold."""
    snippet, offset = citation.snippet, citation.start
    out, cursor = [], 0
    for quote in sorted(citation.quotes, key=lambda q: q["start"]):
        start, end = quote["start"] - offset, quote["end"] - offset
        out.append(escape(_one_line(snippet[cursor:start])))
        out.append(f"**{escape(_one_line(snippet[start:end]))}**")
        cursor = end
    out.append(escape(_one_line(snippet[cursor:])))
    return "".join(out)


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)


VERDICTS = {
    "id": {"supported": "DIDUKUNG", "contradicted": "BERTENTANGAN", "partly_supported": "SEBAGIAN DIDUKUNG",
           "not_found": "TIDAK DITEMUKAN DI KORPUS", "mismatch": "Tidak cocok", "claim": "klaim", "source": "sumber"},
    "en": {"supported": "SUPPORTED", "contradicted": "CONTRADICTED", "partly_supported": "PARTLY SUPPORTED",
           "not_found": "NOT FOUND IN THE CORPUS", "mismatch": "Mismatch", "claim": "claim", "source": "source"},
}


def check_markdown(result, language: str = "id") -> str:
    """A claim's verdict as a badge, its mismatching items, then its evidence as source cards."""
    words = VERDICTS.get(language, VERDICTS["id"])
    lines = [f"## {words[result.verdict]}"]
    for mismatch in result.mismatches:
        lines.append(
            f"- **{words['mismatch']}:** {words['claim']} ~~{escape(mismatch.claim_text)}~~ → "
            f"{words['source']} \\[{mismatch.citation}\\] **{escape(mismatch.evidence_text)}**"
        )
    labels = LABELS.get(language, LABELS["id"])
    cards = "\n\n".join(_citation_markdown(c, labels) for c in result.citations)
    return "\n".join(lines) + ("\n\n" + cards if cards else "")

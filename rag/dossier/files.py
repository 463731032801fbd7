"""A dossier of one answer or one claim check: a self-contained HTML file and its Markdown twin.

Made from the JSON that `rag ask --json` / `rag check --json` print, so the CLI and the app file
the same record: the question or claim, the answer or verdict, each quoted sentence with the cited
words marked, each source's title, outlet, date, URL, article id and offsets, the disagreements,
corrections and copies reported, and which index version answered, built when, asked when, by
which program version.

The HTML opens offline and loads nothing: no script, no font, no image; its Content-Security-Policy
forbids every fetch, so even a mistake in escaping could not run or load anything. Every character
from an article or a question is escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from rag.errors import DossierError
from rag.text.messages import DOSSIER, in_language

_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
blockquote { margin: .4rem 0; padding: .4rem .8rem; border-left: 3px solid #8c959f; background: #f6f8fa; }
mark { background: #fff3b0; } .meta { color: #57606a; font-size: .9rem; } .warn { color: #9a6700; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { font-weight: 600; }
"""
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True)
class Provenance:
    """Which index answered, built when; when the question was asked; by which program."""

    index_version: str
    built_at: str
    asked_at: str
    program: str

    @classmethod
    def now(cls, index_version: str, built_at: str) -> Provenance:
        try:
            version = metadata.version("kerjasama-rag")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return cls(index_version, built_at, datetime.now(UTC).isoformat(timespec="seconds"),
                   f"kerjasama-rag {version}")


def dossier_html(judged: dict, provenance: Provenance, language: str = "id") -> str:
    words = in_language(DOSSIER, language)
    is_claim = "claim" in judged
    parts = [f"<h1>{_e(words['title'])}</h1>",
             f"<h2>{_e(words['claim' if is_claim else 'question'])}</h2><p>{_e(judged.get('claim') or judged.get('question') or '')}</p>",
             f"<h2>{_e(words['verdict' if is_claim else 'answer'])}</h2>"]
    parts += [f"<p>{_e(line)}</p>" for line in _said(judged, words)]
    reported = _reported(judged, words)
    if reported:
        parts.append(f"<h2>{_e(words['reported'])}</h2>" + "".join(f'<p class="warn">{_e(r)}</p>' for r in reported))
    parts.append(f"<h2>{_e(words['sources'])}</h2>")
    for citation in judged.get("citations") or []:
        parts.append(_source_html(citation, words))
    parts.append(f"<h2>{_e(words['provenance'])}</h2><dl>" + "".join(
        f"<dt>{_e(words[key])}</dt><dd>{_e(value)}</dd>" for key, value in _provenance_rows(provenance)) + "</dl>")
    title = _e(f"{words['title']}: {judged.get('claim') or judged.get('question') or ''}"[:120])
    return (f'<!DOCTYPE html>\n<html lang="{_e(language)}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
            f'<meta name="referrer" content="no-referrer"><title>{title}</title><style>{_CSS}</style></head>'
            f"<body>{''.join(parts)}</body></html>\n")


def dossier_markdown(judged: dict, provenance: Provenance, language: str = "id") -> str:
    words = in_language(DOSSIER, language)
    is_claim = "claim" in judged
    lines = [f"# {words['title']}", "", f"**{words['claim' if is_claim else 'question']}:** "
             f"{_line(judged.get('claim') or judged.get('question') or '')}", "",
             f"**{words['verdict' if is_claim else 'answer']}:**", ""]
    lines += [_line(line) for line in _said(judged, words)]
    reported = _reported(judged, words)
    if reported:
        lines += ["", f"**{words['reported']}:**", ""] + [f"- {_line(r)}" for r in reported]
    lines += ["", f"## {words['sources']}", ""]
    for citation in judged.get("citations") or []:
        lines += _source_markdown(citation, words)
    lines += ["", f"## {words['provenance']}", ""] + [f"- {words[key]}: {value}" for key, value in _provenance_rows(provenance)]
    return "\n".join(lines) + "\n"


def _said(judged: dict, words: dict) -> list[str]:
    if "claim" in judged:
        said = [words.get(f"verdict_{judged.get('verdict')}", str(judged.get("verdict")))]
        said += [f"{words['mismatch']}: {m['claim_text']} → [{m['citation']}] {m['evidence_text']}"
                 for m in judged.get("mismatches") or []]
        said += [f"{words['agrees']}: {m['claim_text']} → [{m['citation']}] {m['evidence_text']}"
                 for m in judged.get("supports") or []]
        return said
    return [x for x in (judged.get("lead"), judged.get("answer")) if x]


def _reported(judged: dict, words: dict) -> list[str]:
    """Disagreements, corrections and copies, as the answer or check reported them."""
    reported = []
    for key in ("disagreement", "correction"):
        found = judged.get(key)
        if found:
            values = "; ".join(f"«{v['text']}» [{v['citation']}] ({v['article_id']})" for v in found["values"])
            reported.append(words[key].format(values=values, article=found.get("corrected_by") or ""))
    if judged.get("corrected_by"):
        reported.append(words["corrected_by"].format(article=judged["corrected_by"]))
    sources = judged.get("sources")
    if sources and sources["reports"] != sources["independent"]:
        reported.append(words["reports"].format(**sources))
    return reported


def _source_html(citation: dict, words: dict) -> str:
    url = citation.get("url") or ""
    link = (f'<a href="{_e(url)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'
            if url.startswith(("http://", "https://")) else _e(url))
    meta = " · ".join(_e(x) for x in (citation.get("outlet"), citation.get("date")) if x)
    where = f"{_e(citation['article_id'])}, {_e(words['chars'])} {citation['start']}–{citation['end']}"
    if citation.get("page"):
        where += f", {_e(words['page'])} {citation['page']}"
    carried = citation.get("also_in", []) + citation.get("copies", [])
    if carried:
        where += f"; {_e(words['carried_by'])} " + ", ".join(_e(a) for a in carried)
    return (f"<section><p><strong>[{citation['n']}] {_e(citation.get('title') or citation['article_id'])}</strong><br>"
            f'<span class="meta">{meta}{" · " if meta and link else ""}{link}<br>{where}</span></p>'
            f"<blockquote>{_marked(citation)}</blockquote></section>")


def _source_markdown(citation: dict, words: dict) -> list[str]:
    details = ", ".join(x for x in (citation.get("title") or citation["article_id"], citation.get("outlet"),
                                    citation.get("date")) if x)
    where = f"{citation['article_id']}, {words['chars']} {citation['start']}–{citation['end']}"
    carried = citation.get("also_in", []) + citation.get("copies", [])
    lines = [f"{citation['n']}. {_line(details)}" + (f" — <{citation['url']}>" if citation.get("url") else ""),
             f"   ({_line(where)}" + (f"; {words['carried_by']} {', '.join(carried)}" if carried else "") + ")"]
    for quote in citation.get("quotes") or [{"start": citation["start"], "end": citation["end"]}]:
        lines.append(f"   > “{_line(_quoted(citation, quote))}”")
    return lines


def _marked(citation: dict) -> str:
    """The snippet escaped, with the quoted sentences in <mark>."""
    snippet, offset = citation.get("snippet") or "", citation["start"]
    spans = sorted((q["start"] - offset, q["end"] - offset) for q in citation.get("quotes") or [])
    out, at = [], 0
    for start, end in spans:
        if 0 <= at <= start <= end <= len(snippet):
            out += [_e(snippet[at:start]), f"<mark>{_e(snippet[start:end])}</mark>"]
            at = end
    return "".join(out) + _e(snippet[at:])


def _quoted(citation: dict, quote: dict) -> str:
    return (citation.get("snippet") or "")[quote["start"] - citation["start"]: quote["end"] - citation["start"]]


def _provenance_rows(provenance: Provenance) -> list[tuple[str, str]]:
    return [("index_version", provenance.index_version), ("built_at", provenance.built_at),
            ("asked_at", provenance.asked_at), ("program", provenance.program)]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _line(text: str) -> str:
    return " ".join(str(text).split())


def write_dossier(path: Path, judged: dict, provenance: Provenance, language: str = "id") -> tuple[Path, Path]:
    """The HTML dossier at `path` (".html" added if it has no such suffix) and its Markdown twin beside it."""
    page = path if path.suffix.lower() in (".html", ".htm") else path.with_name(path.name + ".html")
    twin = page.with_suffix(".md")
    try:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(dossier_html(judged, provenance, language), encoding="utf-8")
        twin.write_text(dossier_markdown(judged, provenance, language), encoding="utf-8")
    except OSError as error:
        raise DossierError(f"cannot write the dossier {page}: {error.strerror}; choose a writable path") from None
    return page, twin

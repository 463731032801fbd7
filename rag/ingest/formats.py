"""Reading each file format the corpus keepers have into plain text plus metadata.

    .txt, .md    text (UTF-8; Windows-1252 read too, with a note); `.md` may open with YAML front matter
    .html, .htm  a saved web page: main text, title, date, outlet and URL by trafilatura
    .pdf         a text PDF (MoUs, press releases) by pypdf: pages joined, each page's start kept
    .jsonl       an export, one article a line: `id`, `text`, optional `title`, `outlet`, `date`, `url`

A reader returns `Document`s and `Problem`s: what it could read, and what it could not and why.
Offsets in the rest of the project point into `Document.text`, which for HTML and PDF is the
extracted text (stored in the index, so citations still resolve without the original file).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rag.jsonl import json_lines


@dataclass(frozen=True)
class Problem:
    """Something in the corpus worth a keeper's attention; `indexed` says whether it was used anyway."""

    source: str
    reason: str
    indexed: bool = False


@dataclass(frozen=True)
class Document:
    id: str
    source: str
    text: str
    metadata: dict = field(default_factory=dict)
    # Offset in `text` where each page starts (PDF only): page n starts at pages[n - 1].
    pages: tuple[int, ...] = ()


@dataclass
class Reading:
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Unreadable(Exception):
    """A file that holds no text this project can read; the message says why and what to do."""


PAGE_SEPARATOR = "\n\n"


def read(path: Path, article_id: str, source: str) -> Reading:
    """Everything readable in one corpus file."""
    reader = READERS[path.suffix.lower()]
    reading = Reading()
    try:
        reader(path, article_id, source, reading)
    except Unreadable as error:
        reading.problems.append(Problem(source, str(error)))
    return reading


def decode_text(data: bytes) -> tuple[str, str | None]:
    """The text of a file's bytes, and a note when it was not UTF-8 but still readable."""
    if not data.strip():
        raise Unreadable("empty file: nothing to index")
    if b"\x00" in data[:8192]:
        raise Unreadable("binary data, not text (NUL bytes): export the article as text, .html or .pdf")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise Unreadable(f"not UTF-8 text (byte {utf8_error.start}) nor Windows-1252: save it as UTF-8") from None
    return text, "not UTF-8: read as Windows-1252; save it as UTF-8 to be sure of every character"


def _read_text(path: Path, article_id: str, source: str, reading: Reading) -> None:
    text, note = decode_text(path.read_bytes())
    if note:
        reading.problems.append(Problem(source, note, indexed=True))
    reading.documents.append(Document(article_id, source, text))


def _read_html(path: Path, article_id: str, source: str, reading: Reading) -> None:
    import trafilatura

    markup, note = decode_text(path.read_bytes())
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs what it cannot find, as errors
    extracted = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False, include_tables=True)
    text = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not text:
        raise Unreadable("web page with no article text found: save the article's own page, not an index page")
    if note:
        reading.problems.append(Problem(source, note, indexed=True))
    metadata = {
        "title": getattr(extracted, "title", None),
        "outlet": getattr(extracted, "sitename", None) or getattr(extracted, "hostname", None),
        "date": getattr(extracted, "date", None),
        "url": getattr(extracted, "url", None),
    }
    reading.documents.append(Document(article_id, source, text, {k: v for k, v in metadata.items() if v}))


def _read_pdf(path: Path, article_id: str, source: str, reading: Reading) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        pdf = PdfReader(path)
        if pdf.is_encrypted:
            raise Unreadable("encrypted PDF: save an unprotected copy")
        pages = [(page.extract_text() or "").strip() for page in pdf.pages]
        title = pdf.metadata.get("/Title") if pdf.metadata else None
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise Unreadable(f"not a readable PDF ({error}): re-export it from the original document") from error
    if not any(pages):
        raise Unreadable("PDF without a text layer (a scan?): run OCR on it first, then add the result")
    starts, text = [], ""
    for number, page in enumerate(pages):
        if number:
            text += PAGE_SEPARATOR
        starts.append(len(text))
        text += page
    metadata = {"title": str(title).strip()} if title and str(title).strip() else {}
    reading.documents.append(Document(article_id, source, text, metadata, tuple(starts)))


def _read_jsonl(path: Path, article_id: str, source: str, reading: Reading) -> None:
    """One article a line; ids from the `id` field, else `<file id>-<line>`."""
    text, note = decode_text(path.read_bytes())
    if note:
        reading.problems.append(Problem(source, note, indexed=True))
    seen: set[str] = set()
    for line in json_lines(text):
        where, number, record = f"{source}:{line.number}", line.number, line.record
        if line.error:
            reading.problems.append(Problem(where, f"not JSON ({line.error})"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            reading.problems.append(Problem(where, 'no "text" field with the article text'))
            continue
        line_id = str(record.get("id") or f"{article_id}-{number}")
        if line_id in seen:
            reading.problems.append(Problem(where, f"repeats id '{line_id}' of an earlier line: give each line its own id"))
            continue
        seen.add(line_id)
        reading.documents.append(Document(line_id, where, record["text"], record))


READERS: dict[str, Callable[[Path, str, str, Reading], None]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".jsonl": _read_jsonl,
}

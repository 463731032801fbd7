"""The corpus: every article under a folder (or in one file), with what could not be used reported.

An article's id is its path under the corpus folder without the extension (for the seeds, the file
name without `.txt`), or the `id` field of a JSONL line. Offsets everywhere in the project point
into `Article.text`: the file's text exactly as stored (newlines untranslated), or for HTML and
PDF the text extracted from it (rag/ingest/formats.py).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from rag.errors import CorpusError, is_utf8, undecodable_shown
from rag.ingest.cleaning import CleanedText, clean, duplicate_key
from rag.ingest.formats import READERS, Document, Problem, read
from rag.ingest.metadata import derive_date, derive_outlet, derive_title
from rag.text.sentences import Span

ARTICLE_SUFFIXES = tuple(READERS)
METADATA_FIELDS = ("title", "outlet", "date", "url")
# A news article is a few kB; a file this large is an archive or a mistake, and would stall a build.
MAX_FILE_MB = 20.0
MAX_FILE_MB_LIMIT = 10_000
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Article:
    id: str
    source: str
    text: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    content_hash: str
    cleaned: CleanedText
    # Where each page starts in `text` (PDF articles only).
    pages: tuple[int, ...] = ()

    @property
    def blocks(self) -> tuple[Span, ...]:
        return self.cleaned.blocks

    @property
    def content(self) -> str:
        """The article's own words, without site furniture: what copies are compared on."""
        return "\n".join(self.text[block.start:block.end] for block in self.blocks)


@dataclass(frozen=True)
class CorpusReading:
    """How a corpus folder was read. Recorded in the index's manifest, so that `rag verify` and the
    next `rag build` read the corpus as the build did (an article a link brought in is not
    "removed" because a later command was not told to follow links)."""

    max_file_mb: float = MAX_FILE_MB
    follow_symlinks: bool = False

    def overridden(self, max_file_mb: float | None = None, follow_symlinks: bool | None = None) -> CorpusReading:
        """These settings with what a command's flags say instead, where they say anything."""
        return CorpusReading(self.max_file_mb if max_file_mb is None else max_file_mb,
                             self.follow_symlinks if follow_symlinks is None else follow_symlinks)


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    reading: CorpusReading = CorpusReading()



@dataclass(frozen=True)
class ArticleInfo:
    """What a citation needs of an article, kept in the index so no file is read per question."""

    id: str
    source: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    content_hash: str
    text: str
    # Where each page starts in `text` (PDF articles), so a citation can name its page.
    pages: tuple[int, ...] = ()
    # The article's chunk spans before duplicates were merged: reused by the next build when the
    # article has not changed, so it is not chunked (tokenized) again.
    chunk_spans: tuple[tuple[int, int], ...] = ()

    def page_at(self, offset: int) -> int | None:
        if not self.pages:
            return None
        return sum(1 for start in self.pages if start <= offset) or 1

def load_corpus(path: Path, reading: CorpusReading = CorpusReading()) -> Corpus:
    """Every readable article under `path` (subfolders too); anything else is listed in `problems`.

    A link to a file outside `path` is reported and skipped unless `reading.follow_symlinks`: a
    corpus folder must not make /etc/passwd citable."""
    max_file_mb, follow_symlinks = reading.max_file_mb, reading.follow_symlinks
    if not (0 < max_file_mb <= MAX_FILE_MB_LIMIT):  # also refuses nan
        raise CorpusError(f"--max-file-mb {max_file_mb} is outside 0-{MAX_FILE_MB_LIMIT}: e.g. --max-file-mb 20")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        root = path
    elif path.is_file() and path.suffix.lower() in READERS:
        files, root = [path], path.parent
    elif path.exists():
        raise CorpusError(f"corpus {path} is neither a folder nor a {'/'.join(READERS)} file: pass --corpus FOLDER")
    else:
        raise CorpusError(f"corpus {path} does not exist: pass --corpus with a folder of articles")
    files, outside = _inside(files, root) if not follow_symlinks else (files, [])
    corpus = _load_files(files, root, max_file_mb)
    corpus = Corpus(corpus.articles, corpus.problems + tuple(outside), reading)
    if not corpus.articles:
        details = "; ".join(f"{p.source}: {p.reason}" for p in corpus.problems[:3])
        raise CorpusError(
            f"corpus {path} holds no readable article ({', '.join(READERS)})"
            + (f" ({details})" if details else "")
            + ": add articles, or point --corpus at the right folder"
        )
    return corpus


def _load_files(files: list[Path], root: Path, max_file_mb: float) -> Corpus:
    articles: list[Article] = []
    problems: list[Problem] = []
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in files:
        source = path.relative_to(root).as_posix()
        if not is_utf8(source):
            # Its id could not be stored, cited or shown: the file is reported, with its name escaped.
            problems.append(Problem(undecodable_shown(source), "file name is not UTF-8: rename it (e.g. with convmv) to index it"))
            continue
        size_mb = path.stat().st_size / 1e6
        if size_mb > max_file_mb:
            problems.append(Problem(source, f"{size_mb:.1f} MB, over the {max_file_mb:g} MB limit for one file: "
                                            "split it into articles, or raise --max-file-mb"))
            continue
        reading = read(path, path.relative_to(root).with_suffix("").as_posix(), source)
        problems.extend(reading.problems)
        for document in reading.documents:
            problem = _admit(document, ids, texts, articles)
            if problem:
                problems.append(problem)
    return Corpus(tuple(articles), tuple(problems))


def _inside(files: list[Path], root: Path) -> tuple[list[Path], list[Problem]]:
    """The files that are in the corpus folder once links are resolved, and a problem for each other."""
    real_root = root.resolve()
    kept, outside = [], []
    for path in files:
        if path.resolve().is_relative_to(real_root):
            kept.append(path)
        else:
            outside.append(Problem(undecodable_shown(path.relative_to(root).as_posix()),
                                   "a link to a file outside the corpus folder: skipped (`rag build --follow-symlinks` indexes it)"))
    return kept, outside


def _admit(document: Document, ids: dict[str, str], texts: dict[str, str], articles: list[Article]) -> Problem | None:
    """Add the document as an article, or say why not (same id, no text, bad front matter)."""
    if document.id in ids:
        return Problem(document.source, f"same id '{document.id}' as {ids[document.id]}: rename one of them")
    try:
        article = make_article(document.id, document.source, document.text, document.metadata, document.pages)
    except CorpusError as error:
        return Problem(document.source, str(error))
    if not article.blocks:
        return Problem(document.source, "no article text (only site furniture or blank lines)")
    ids[document.id] = document.source
    articles.append(article)
    # A wire story in two outlets, or one file saved twice: kept (both names stay citable), its
    # passages stored once with both names (`Chunk.also_in`), and reported.
    text_key = hashlib.sha256(duplicate_key(document.text).encode()).hexdigest()
    if text_key in texts:
        return Problem(document.source, f"same text as {texts[text_key]}: its passages are stored once and cite both",
                       indexed=True)
    texts[text_key] = document.source
    return None


def make_article(
    article_id: str, source: str, text: str, metadata: dict | None = None, pages: tuple[int, ...] = ()
) -> Article:
    """An article from its text; `metadata` (front matter, JSONL fields) overrides what is derived."""
    metadata = {k: v for k, v in (metadata or {}).items() if k in METADATA_FIELDS and v not in (None, "")}
    front = _FRONT_MATTER.match(text)
    body_start = 0
    if front:
        metadata = {**_front_matter_fields(front.group(1), source), **metadata}
        body_start = front.end()
    cleaned = clean(text, body_start, pages)
    return Article(
        id=article_id,
        source=source,
        text=text,
        title=_text_or(metadata.get("title"), derive_title(text, cleaned)),
        outlet=_text_or(metadata.get("outlet"), derive_outlet(text, cleaned)),
        date=_text_or(metadata.get("date"), derive_date(text, cleaned)),
        url=_text_or(metadata.get("url"), None),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        cleaned=cleaned,
        pages=pages,
    )


def _front_matter_fields(raw: str, source: str) -> dict:
    try:
        fields = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        first_line = str(error).splitlines()[0]
        raise CorpusError(f"front matter is not valid YAML ({first_line}): fix or remove it") from error
    if not isinstance(fields, dict):
        return {}
    return {k: str(v) for k, v in fields.items() if k in METADATA_FIELDS and v not in (None, "")}


def _text_or(value: object, fallback: str | None) -> str | None:
    return str(value).strip() if value not in (None, "") else fallback

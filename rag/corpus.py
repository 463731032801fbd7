"""Reading the corpus: a folder of `.txt`/`.md` articles, or a `.jsonl` file of articles.

An article's id is its path under the corpus folder without the extension (for the seeds, the file
name without `.txt`), or the `id` field of a JSONL line. Offsets everywhere in the project point
into `Article.text`, the file's text exactly as stored (newlines untranslated).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from rag.cleaning import CleanedText, clean
from rag.errors import CorpusError
from rag.metadata import derive_date, derive_outlet, derive_title
from rag.sentences import Span

ARTICLE_SUFFIXES = (".txt", ".md")
METADATA_FIELDS = ("title", "outlet", "date", "url")
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

    @property
    def blocks(self) -> tuple[Span, ...]:
        return self.cleaned.blocks


@dataclass(frozen=True)
class Problem:
    """Something in the corpus that could not be used, reported instead of silently dropped."""

    source: str
    reason: str


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]


def load_corpus(path: Path) -> Corpus:
    """Every readable article under `path`; anything unreadable is listed in `problems`."""
    if path.is_dir():
        corpus = _load_folder(path)
    elif path.is_file() and path.suffix == ".jsonl":
        corpus = _load_jsonl(path)
    elif path.exists():
        raise CorpusError(f"corpus {path} is neither a folder nor a .jsonl file: pass --corpus FOLDER or FILE.jsonl")
    else:
        raise CorpusError(f"corpus {path} does not exist: pass --corpus with a folder of .txt/.md articles")
    if not corpus.articles:
        details = "; ".join(f"{p.source}: {p.reason}" for p in corpus.problems[:3])
        raise CorpusError(
            f"corpus {path} holds no readable article ({', '.join(ARTICLE_SUFFIXES)} or .jsonl)"
            + (f" ({details})" if details else "")
            + ": add articles, or point --corpus at the right folder"
        )
    return corpus


def make_article(article_id: str, source: str, text: str, metadata: dict | None = None) -> Article:
    """An article from its text; `metadata` (front matter, JSONL fields) overrides what is derived."""
    metadata = {k: v for k, v in (metadata or {}).items() if k in METADATA_FIELDS and v not in (None, "")}
    front = _FRONT_MATTER.match(text)
    body_start = 0
    if front:
        metadata = {**_front_matter_fields(front.group(1), source), **metadata}
        body_start = front.end()
    cleaned = clean(text, body_start)
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
    )


def _load_folder(root: Path) -> Corpus:
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES):
        source = path.relative_to(root).as_posix()
        article_id = path.relative_to(root).with_suffix("").as_posix()
        if article_id in seen:
            problems.append(Problem(source, f"same id '{article_id}' as {seen[article_id]}: rename one of them"))
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(Problem(source, f"not UTF-8 text (byte {error.start}): save it as UTF-8"))
            continue
        try:
            article = make_article(article_id, source, text)
        except CorpusError as error:
            problems.append(Problem(source, str(error)))
            continue
        _add(articles, problems, article)
        seen[article_id] = source
    return Corpus(tuple(articles), tuple(problems))


def _load_jsonl(path: Path) -> Corpus:
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            source = f"{path.name}:{number}"
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(Problem(source, f"not JSON ({error.msg})"))
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                problems.append(Problem(source, 'no "text" field'))
                continue
            article_id = str(record.get("id") or f"{path.stem}-{number}")
            if article_id in seen:
                problems.append(Problem(source, f"repeats id '{article_id}'"))
                continue
            seen.add(article_id)
            _add(articles, problems, make_article(article_id, source, record["text"], record))
    return Corpus(tuple(articles), tuple(problems))


def _add(articles: list[Article], problems: list[Problem], article: Article) -> None:
    if article.blocks:
        articles.append(article)
    else:
        problems.append(Problem(article.source, "no article text (empty, or only site furniture)"))


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

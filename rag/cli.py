"""`rag`: build, inspect, ask and evaluate from the command line.

A thin adapter over the library: parse flags, call, print. A mistake the user can fix (a missing
index, an empty question, a bad file) prints one line saying what to do and exits 2.
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import click

from rag.config import ENV_CORPUS, ENV_INDEX, ENV_MODEL, Settings, load_settings
from rag.errors import RagError

USER_ERROR = 2

corpus_option = click.option(
    "--corpus", type=click.Path(path_type=Path), default=None,
    help=f"Folder of .txt/.md articles, or a .jsonl file of articles. [env {ENV_CORPUS}; default ./corpus]",
)
index_option = click.option(
    "--index", type=click.Path(path_type=Path), default=None,
    help=f"Index folder. [env {ENV_INDEX}; default ./index]",
)
model_option = click.option(
    "--model", default=None,
    help=f"sentence-transformers model name or local path. [env {ENV_MODEL}; default: bundled all-MiniLM-L6-v2]",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


class RagGroup(click.Group):
    """Turns the library's errors into one line and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RagError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(USER_ERROR)


@click.group(cls=RagGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kerjasama-rag", prog_name="rag")
def cli() -> None:
    """Cited answers about Indonesian cities' international partnerships, from news articles."""


@cli.command()
@corpus_option
@index_option
@model_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build(corpus: Path | None, index: Path | None, model: str | None, quiet: bool) -> None:
    """Build the index from the corpus (chunk, embed, index), replacing the old one when done."""
    from rag.corpus import load_corpus
    from rag.embedding import load_embedder
    from rag.store import build_index

    settings = load_settings(corpus, index, model)
    articles = load_corpus(settings.corpus)  # a bad corpus fails before seconds go into loading the model
    summary = build_index(settings, load_embedder(settings.model), articles, show_progress=False if quiet else None)
    for problem in summary.problems:
        click.echo(f"skipped {problem.source}: {problem.reason}", err=True)
    click.echo(
        f"Built {summary.index}: {summary.articles} articles, {summary.chunks} chunks "
        f"in {summary.seconds:.1f} s ({len(summary.problems)} skipped)."
    )


@cli.command()
@corpus_option
@index_option
@json_option
def info(corpus: Path | None, index: Path | None, as_json: bool) -> None:
    """Show what the index holds: counts, model, settings, build time."""
    from rag.store import read_manifest

    settings = load_settings(corpus, index)
    manifest = read_manifest(settings.index)
    if as_json:
        data = manifest.to_json()
        data.update(index=str(settings.index), articles=manifest.counts["articles"], chunks=manifest.counts["chunks"],
                    article_list=manifest.articles)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"index:     {settings.index}")
    click.echo(f"built:     {manifest.built_at} from {manifest.corpus}")
    click.echo(f"articles:  {manifest.counts['articles']}")
    click.echo(f"chunks:    {manifest.counts['chunks']}")
    click.echo(f"model:     {manifest.model['name']} ({manifest.model['dimension']} dimensions)")
    click.echo(f"chunking:  at most {manifest.chunking['max_tokens']} tokens, {manifest.chunking['overlap_tokens']} overlap")
    click.echo(f"fusion:    {manifest.fusion}")


@cli.command()
@click.argument("question")
@corpus_option
@index_option
@model_option
@json_option
def ask(question: str, corpus: Path | None, index: Path | None, model: str | None, as_json: bool) -> None:
    """Answer QUESTION with quoted sentences and numbered sources."""
    from rag.answer import answer_to_json
    from rag.pipeline import Assistant, validate_question

    validate_question(question)
    answer = Assistant.open(load_settings(corpus, index, model)).ask(question)
    if as_json:
        click.echo(json.dumps(answer_to_json(answer), ensure_ascii=False, indent=2))
        return
    click.echo(answer.answer)
    sources = answer.citations or answer.related
    if sources:
        click.echo("\nSources:" if answer.citations else "\nPossibly related (not citations):")
    for citation in sources:
        click.echo(f"[{citation.n}] {_describe(citation)}")
        click.echo(f"    {' '.join(citation.snippet.split())}")


@cli.command(name="eval")
@click.argument("file", type=click.Path(path_type=Path))
@corpus_option
@index_option
@model_option
@json_option
def eval_command(file: Path, corpus: Path | None, index: Path | None, model: str | None, as_json: bool) -> None:
    """Run an evaluation FILE (.jsonl of question/answers/sources) and print the figures.

    With --corpus, that corpus is indexed first, into --index or a temporary folder.
    """
    from rag.evaluate import evaluate, read_eval_file

    questions = read_eval_file(file)
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as scratch:
        settings = load_settings(corpus, index or (Path(scratch) / "index" if corpus else None), model)
        assistant = _open_for_eval(settings, build=corpus is not None)
        report = evaluate(assistant.ask_and_rank, questions, _progress(questions, "questions"))
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        return
    click.echo(_report_table(report))


def _open_for_eval(settings: Settings, build: bool):
    from rag.corpus import load_corpus
    from rag.embedding import load_embedder
    from rag.pipeline import Assistant
    from rag.store import build_index, check_model, read_manifest

    if not build:
        check_model(read_manifest(settings.index), settings.model, settings.index)
        return Assistant.open(settings)
    articles = load_corpus(settings.corpus)
    embedder = load_embedder(settings.model)
    build_index(settings, embedder, articles)
    return Assistant.open(settings, embedder)


def _progress(items: list, unit: str):
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, unit=f" {unit}", file=sys.stderr, leave=False)


def _describe(citation) -> str:
    details = ", ".join(x for x in (citation.outlet, citation.date) if x)
    where = f"{citation.article_id}, characters {citation.start}–{citation.end}"
    link = f" <{citation.url}>" if citation.url else ""
    return f"{citation.title or citation.article_id}" + (f" — {details}" if details else "") + f" ({where}){link}"


def _report_table(report) -> str:
    rows = [
        ("questions", f"{report.questions} ({report.answerable} answerable, {report.unanswerable} not)"),
        *((f"source recall@{k}", f"{v:.3f}") for k, v in report.source_recall.items()),
        ("answer in citations", f"{report.answer_in_citations:.3f}"),
        ("answer in answer", f"{report.answer_in_answer:.3f}"),
        ("abstained, unanswerable", "—" if report.abstained_unanswerable is None else f"{report.abstained_unanswerable:.3f}"),
        ("abstained, answerable", f"{report.abstained_answerable:.3f}"),
        ("latency p50 / p95", f"{report.latency_ms['p50']:.0f} / {report.latency_ms['p95']:.0f} ms"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main() -> None:
    cli(prog_name="rag")

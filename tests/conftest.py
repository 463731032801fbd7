"""Shared fixtures: the real model, loaded once; the real corpus, indexed once into a temp folder."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import traceback
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEED_QUESTIONS = SHARED / "eval" / "seed-questions.jsonl"
CROSSLINGUAL_QUESTIONS = SHARED / "eval" / "crosslingual-questions.jsonl"


@pytest.fixture(scope="session")
def embedder():
    from rag.index.models import DEFAULT_MODEL
    from rag.index.embedding import load_embedder

    return load_embedder(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def hash_embedder():
    """For tests of builds, versions and locks, which do not measure the model (tests/hash_embedder.py)."""
    from tests.hash_embedder import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory):
    from rag.config import load_settings

    return load_settings(corpus=CORPUS, index=tmp_path_factory.mktemp("seed") / "index", environ={})


@pytest.fixture(scope="session")
def seed_index(seed_settings, embedder):
    from rag.build import build_index

    return build_index(seed_settings, embedder, show_progress=False)


@pytest.fixture(scope="session")
def cli_index(seed_settings, seed_index):
    """The seed index the session built, for tests that run `rag` on it; they only read it."""
    return seed_settings.index


@pytest.fixture(scope="session")
def assistant(seed_settings, seed_index, embedder):
    from rag.assistant import Assistant

    return Assistant.open(seed_settings, embedder)


@pytest.fixture(scope="session")
def newsroom_settings(tmp_path_factory, embedder):
    """An index of the articles written for the tests (tests/newsroom/articles.py), built with the real model."""
    from rag.build import build_index
    from rag.config import load_settings
    from tests.newsroom.articles import write_corpus

    root = tmp_path_factory.mktemp("newsroom")
    settings = load_settings(corpus=write_corpus(root / "corpus"), index=root / "index", environ={})
    build_index(settings, embedder, show_progress=False)
    return settings


@pytest.fixture(scope="session")
def newsroom(newsroom_settings, embedder):
    from rag.assistant import Assistant

    return Assistant.open(newsroom_settings, embedder)


@pytest.fixture(scope="session")
def seed_questions():
    from rag.devtools.evaluate import read_eval_file

    if not SEED_QUESTIONS.is_file():
        pytest.fail(f"{SEED_QUESTIONS} is missing: ../shared must sit beside the repository")
    return read_eval_file(SEED_QUESTIONS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_app(assistant):
    """The real app on a free loopback port, launched as `python app.py` launches it: yields
    (its address, the NewsroomApp whose methods are its handlers)."""
    from rag.web.app import CONCURRENT_QUESTIONS, NewsroomApp, launch_options

    app = NewsroomApp(assistant)
    demo = app.blocks()
    demo.queue(default_concurrency_limit=CONCURRENT_QUESTIONS)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_options())
    try:
        yield f"http://127.0.0.1:{port}/", app
    finally:
        with redirect_stdout(io.StringIO()):  # "Closing server running on port …", even when quiet
            demo.close()


def run_rag(*args: str, cwd: Path = ROOT, timeout: int = 300, process: bool = False) -> subprocess.CompletedProcess:
    """The CLI as a user runs it: exit code, stdout and stderr, with no RAG_ variable set.

    In this process through click's CliRunner (the model loads in 0.1 s, not a whole interpreter
    with it); with `process`, in a child process, as `rag` itself runs. An exception the CLI let
    through shows as its traceback on stderr, as it would in a terminal.
    """
    if process:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
        return subprocess.run(
            [sys.executable, "-m", "rag", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    from click.testing import CliRunner

    from rag.cli import cli

    unset = {k: None for k in os.environ if k.startswith("RAG_")}
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args), prog_name="rag", env=unset)
    finally:
        os.chdir(before)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["rag", *args], result.exit_code, result.stdout, stderr)


def run_json(*args: str, **kwargs) -> dict:
    result = run_rag(*args, **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)

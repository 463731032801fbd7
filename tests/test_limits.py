"""What a request may carry, refused with a message naming the limit: the CLI, the app and its
API all go through rag/limits.py."""

import shutil
import os
import time

import pytest

from rag.errors import QuestionError, RagError
from rag.limits import MAX_HISTORY_TURNS, checked_history, checked_text, checked_values
from rag.register.queries import RegisterFilter
from rag.search.filters import Filters
from rag.web.app import NewsroomApp
from tests.conftest import CORPUS, run_rag


def test_a_history_item_over_the_limit_is_refused_at_once_and_old_turns_are_dropped():
    started = time.perf_counter()
    with pytest.raises(QuestionError, match="history item 2 is 10000000 characters, the limit is 2000"):
        checked_history(["Siapa?", "x" * 10_000_000])
    assert time.perf_counter() - started < 0.5
    turns = [f"Pertanyaan {n}?" for n in range(25)]
    assert checked_history(turns) == tuple(turns[-MAX_HISTORY_TURNS:])
    assert checked_history("Satu pertanyaan?") == ("Satu pertanyaan?",)


def test_the_api_refuses_a_huge_history_with_a_message(assistant):
    app = NewsroomApp(assistant)
    started = time.perf_counter()
    refused = app.ask("Kapan itu ditandatangani?", ["x" * 10_000_000])
    assert time.perf_counter() - started < 0.5
    assert "history item 1 is 10000000 characters" in refused["error"]
    assert "history must be a list of texts" in app.ask("Siapa?", [1, 2])["error"]


@pytest.mark.parametrize(("value", "what", "phrase"), [
    (None, "claim", "empty claim"), (42, "question", "must be text, not int"), ("a" * 2001, "claim", "claim is 2001 characters"),
])
def test_a_question_or_claim_names_what_is_wrong_with_it(value, what, phrase):
    with pytest.raises(QuestionError, match=phrase):
        checked_text(value, what)


def test_a_filter_takes_one_string_as_one_value_and_limits_the_rest():
    assert Filters.from_form(outlets="ANTARA News Bali").outlets == ("ANTARA News Bali",)
    assert checked_values(["a", " ", "b"], "outlet") == ("a", "b")
    with pytest.raises(QuestionError, match="21 outlet values, the limit is 20"):
        Filters.from_form(outlets=[f"o{n}" for n in range(21)])
    with pytest.raises(QuestionError, match="the limit is 200"):
        Filters.from_form(outlets=["x" * 201])
    with pytest.raises(RagError, match="--since must be text"):
        Filters.from_form(since=2016)
    with pytest.raises(RagError, match="is not a date"):
        Filters.from_form(since="٢٠١٦")  # Arabic-Indic digits
    with pytest.raises(RagError, match="year 'dua ribu' is not a year"):
        RegisterFilter.from_form(year="dua ribu")
    assert RegisterFilter.from_form(partner="Seoul", year="2016") == RegisterFilter("Seoul", None, 2016)


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_is_built(tmp_path, cli_index):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(cli_index, tmp_path / "index")  # its embedding cache holds the seeds' chunks
    with open(os.path.join(os.fsencode(corpus), b"caf\xe9.txt"), "w", encoding="utf-8") as handle:
        handle.write("Kota Bogor menjalin kerja sama dengan Kota Busan.\n")
    result = run_rag("build", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 0, result.stderr
    assert "caf\\xe9.txt" in result.stdout + result.stderr and "not UTF-8" in result.stdout + result.stderr
    assert "5 articles" in result.stdout


def test_a_link_out_of_the_corpus_is_skipped_unless_asked_for(tmp_path):
    from rag.ingest.corpus import CorpusReading, load_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bogor.txt").write_text("Kota Bogor menjalin kerja sama dengan Kota Seoul.\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(secret)
    (corpus / "inside.txt").symlink_to(corpus / "bogor.txt")  # a link within the corpus is an article
    loaded = load_corpus(corpus)
    assert sorted(a.id for a in loaded.articles) == ["bogor", "inside"]
    assert [p.source for p in loaded.problems if "outside the corpus" in p.reason] == ["passwd.txt"]
    assert not any("root:x" in a.text for a in loaded.articles)
    followed = load_corpus(corpus, CorpusReading(follow_symlinks=True))
    assert "passwd" in {a.id for a in followed.articles}


def test_verify_and_the_next_build_read_the_corpus_as_the_build_did(tmp_path, cli_index):
    """A link followed at the build is not "removed" for a command that was not told to follow it."""
    import json

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(cli_index, index)  # its embedding cache holds the seeds' chunks
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("Kota Makassar menjalin kerja sama kota kembar dengan Kota Quezon di Filipina.\n", encoding="utf-8")
    (corpus / "makassar.txt").symlink_to(elsewhere)
    args = ("--corpus", str(corpus), "--index", str(index))
    assert run_rag("build", *args, "--follow-symlinks", "--max-file-mb", "5").returncode == 0
    verified = run_rag("verify", *args)
    assert verified.returncode == 0, verified.stdout
    again = json.loads(run_rag("build", *args, "--json").stdout)
    assert again["up_to_date"] and again["articles"] == 6
    dropped = json.loads(run_rag("build", *args, "--no-follow-symlinks", "--json").stdout)
    assert (dropped["removed"], dropped["articles"]) == (1, 5)
    assert json.loads(run_rag("info", *args, "--json").stdout)["corpus_reading"] == {"max_file_mb": 5.0,
                                                                                   "follow_symlinks": False}


@pytest.mark.parametrize("value", ["0", "nan", "-1", "1e9"])
def test_a_file_size_limit_must_be_a_size(tmp_path, value):
    result = run_rag("build", "--corpus", str(CORPUS), "--index", str(tmp_path / "index"), "--max-file-mb", value)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "--max-file-mb" in result.stderr and "is outside" in result.stderr

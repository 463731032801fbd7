"""Settings: flags over environment over defaults, and a clear error for a value out of range."""

import pytest

from rag.config import load_settings
from rag.errors import RagError
from tests.conftest import SEED_QUESTIONS, run_json


def test_flags_win_over_the_environment_which_wins_over_the_defaults():
    assert (load_settings(environ={}).top_k, load_settings(environ={}).answer.min_coverage) == (8, 0.35)
    env = {"RAG_TOP_K": "5", "RAG_MIN_COVERAGE": "0.5", "RAG_LLM_URL": "http://127.0.0.1:9/v1", "RAG_LLM_MODEL": "m",
           "RAG_LLM_TIMEOUT": "4"}
    from_env = load_settings(environ=env)
    assert (from_env.top_k, from_env.answer.min_coverage, from_env.llm.timeout) == (5, 0.5, 4.0)
    flagged = load_settings(environ=env, top_k=3, min_coverage=0.2, llm_timeout=9)
    assert (flagged.top_k, flagged.answer.min_coverage, flagged.llm.timeout) == (3, 0.2, 9)


@pytest.mark.parametrize(("kwargs", "environ", "phrase"), [
    ({"top_k": 0}, {}, "--top-k 0 is outside 1-50"),
    ({"min_coverage": float("nan")}, {}, "--min-coverage nan is outside"),
    ({}, {"RAG_MIN_COVERAGE": "abc"}, "RAG_MIN_COVERAGE='abc' is not a number"),
    ({}, {"RAG_TOP_K": "2.5"}, "RAG_TOP_K='2.5' is not a whole number"),
])
def test_a_bad_value_names_itself_and_an_example(kwargs, environ, phrase):
    with pytest.raises(RagError, match=phrase.replace("(", r"\(")):
        load_settings(environ=environ, **kwargs)


def test_a_stricter_abstention_threshold_refuses_more(cli_index):
    # With the default threshold no answerable seed question is refused (tests/test_cli.py).
    strict = run_json("eval", str(SEED_QUESTIONS), "--index", str(cli_index), "--json", "--min-coverage", "1")
    assert strict["abstained_answerable"] > 0.0

"""Property-based hostile input (hypothesis): whatever a careless or hostile user sends, the result is
an answer or a `RagError`, never another exception; whatever happens to an index version's files,
loading it gives a one-line error or the index, the app keeps answering, and a plain build repairs it.

Each property runs twice: a bounded number of examples in the fast tier, on the real model, and the
deep profile (`slow`): 2,000 inputs per parser (with the stand-in embedder, plus 300 questions on the
real model), 200 index corruptions and 200 bad commands. The counts are printed
(`pytest -s -m slow tests/test_hostile.py`) and asserted.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.errors import RagError
from rag.text import dates
from rag.text.event_dates import event_dates
from tests.conftest import CORPUS, run_rag

FAST_EXAMPLES, DEEP_EXAMPLES, DEEP_REAL_MODEL = 12, 2000, 300
FAST_CORRUPTIONS, DEEP_CORRUPTIONS = 6, 200
FAST_CLI, DEEP_CLI = 5, 200
NEW_ARTICLE = "Kota Makassar menjalin kerja sama kota kembar dengan Kota Quezon di Filipina pada 8 Juni 2016.\n"


def _run(strategy, check, examples: int) -> int:
    """Runs `check` on `examples` generated values; returns how many it ran."""
    seen = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def property_holds(value):
        seen.append(1)
        check(value)

    property_holds()
    return len(seen)


# Inputs -----------------------------------------------------------------------------------

def _corpus_words() -> list[str]:
    """Words of the seed articles and of the date grammar: the language the parsers read, so that
    generated text reaches past the first refusal into dates, numbers and names."""
    words = set()
    for path in CORPUS.glob("*.txt"):
        words.update(re.findall(r"[\w'/().,:-]+", path.read_text(encoding="utf-8"))[:400])
    words.update(dates.MONTH_NUMBER)
    words.update(dates.WEEKDAYS_ID + dates.WEEKDAYS_EN)
    return sorted(words)


WORDS = _corpus_words()
# Any Unicode, lone surrogates included (what Python makes of invalid UTF-8 in argv), any length
# around the limit, and sentences of the corpus's words mixed with numbers, dates and noise.
ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=50),
    st.text(min_size=1990, max_size=2010),
    st.lists(st.one_of(st.sampled_from(WORDS), st.from_regex(r"\(?\d{1,4}[/.-]\d{1,2}([/.-]\d{1,4})?\)?", fullmatch=True),
                       st.integers(-10**12, 10**12).map(str), st.text(max_size=4)), max_size=40).map(" ".join),
)
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                          max_leaves=8)
A_DATE = st.one_of(JSON_VALUE, st.from_regex(r"\d{4}(-\d{2}(-\d{2})?)?", fullmatch=True), st.just(""))


def _answered_or_refused(call):
    try:
        return call()
    except RagError as error:
        assert "\n" not in str(error), f"a two-line error: {error!r}"
        return None


def _parsers(assistant, app) -> dict:
    """name → (strategy, check). Every check passes unless something raised other than RagError."""
    from rag.register.queries import RegisterFilter
    from rag.search.filters import Filters

    def question(text):
        _answered_or_refused(lambda: assistant.ask(text))

    def claim(text):
        _answered_or_refused(lambda: assistant.check(text))

    def history(value):
        _answered_or_refused(lambda: assistant.ask("Kapan itu ditandatangani?", history=value))

    def filters(values):
        since, until, outlets = values
        made = _answered_or_refused(lambda: Filters.from_form(since, until, outlets))
        if made is not None:
            _answered_or_refused(lambda: assistant.ask("Siapa Wali Kota Kisarazu?", made))

    def register_filter(values):
        made = _answered_or_refused(lambda: RegisterFilter.from_form(*values))
        if made is not None:
            assistant.partnerships(made)

    def api(values):
        answer = app.ask(*values)  # the /ask API: an error is a field of the answer, never an exception
        assert isinstance(answer, dict) and ("error" in answer or "answer" in answer)

    def date_grammar(text):
        for mention in dates.find_dates(text) + dates.find_dates(text, cued_years=True):
            assert text[mention.start:mention.end] == mention.text
        for published, years in ((None, ()), ("2016-11-17", ()), (None, (2016, 2017)), ("9999-12-31", ()), ("0001-01-01", ())):
            for found in event_dates(text, published, years):
                assert text[found.start:found.end] == found.text and found.date

    return {
        "question": (ANY_TEXT, question),
        "claim": (ANY_TEXT, claim),
        "history": (st.one_of(JSON_VALUE, st.lists(ANY_TEXT, max_size=14)), history),
        "filters": (st.tuples(A_DATE, A_DATE, st.one_of(JSON_VALUE, st.lists(ANY_TEXT, max_size=25))), filters),
        "register filter": (st.tuples(JSON_VALUE, JSON_VALUE, st.one_of(JSON_VALUE, st.integers())), register_filter),
        "api /ask": (st.tuples(JSON_VALUE, JSON_VALUE, A_DATE, A_DATE, JSON_VALUE), api),
        "dates": (ANY_TEXT, date_grammar),
    }


PARSER_NAMES = ("question", "claim", "history", "filters", "register filter", "api /ask", "dates")


def _parser_property(assistant, name: str, examples: int) -> None:
    from rag.web.app import NewsroomApp

    strategy, check = _parsers(assistant, NewsroomApp(assistant))[name]
    ran = _run(strategy, check, examples)
    print(f"{name}: {ran} generated inputs, 0 exceptions other than RagError")
    assert ran >= examples


@pytest.mark.parametrize("name", PARSER_NAMES)
def test_any_input_gives_an_answer_or_a_one_line_error(assistant, name):
    _parser_property(assistant, name, FAST_EXAMPLES)


@pytest.fixture(scope="module")
def hash_assistant(tmp_path_factory, hash_embedder):
    """The seeds read with the stand-in embedder: the same code around the embedding at a tenth of
    the cost, for the deep profile; the real model reads its own share of generated questions."""
    from rag.assistant import Assistant
    from rag.build import build_index
    from rag.config import load_settings

    settings = load_settings(corpus=CORPUS, index=tmp_path_factory.mktemp("hash") / "index", model=hash_embedder.name,
                             environ={})
    build_index(settings, hash_embedder, show_progress=False)
    return Assistant.open(settings, hash_embedder)


@pytest.mark.slow
@pytest.mark.parametrize("name", PARSER_NAMES)
def test_any_input_gives_an_answer_or_a_one_line_error_deep(hash_assistant, name):
    _parser_property(hash_assistant, name, DEEP_EXAMPLES)


@pytest.mark.slow
def test_any_question_gives_the_real_model_an_answer_or_a_one_line_error_deep(assistant):
    """The model's own reading of any text (a lone surrogate once crashed its tokenizer's input)."""
    _parser_property(assistant, "question", DEEP_REAL_MODEL)


# Index corruptions -----------------------------------------------------------------------

RETYPED = [None, 0, -1, 1.5, "x", "", [], {}, True, {"x": 1}, ["x"]]


def _json_paths(value, prefix=()) -> list[tuple]:
    """Every key of every object in the manifest (and the first item of each list), as paths."""
    paths = []
    if isinstance(value, dict):
        for key, inner in value.items():
            paths.append(prefix + (key,))
            paths += _json_paths(inner, prefix + (key,))
    elif isinstance(value, list) and value:
        paths.append(prefix + (0,))
        paths += _json_paths(value[0], prefix + (0,))
    return paths


@st.composite
def corruptions(draw, files: list[str], manifest_paths: list[tuple]):
    """One or two things done to the new version: a file truncated, removed, garbled (same size),
    emptied, swapped with another, or made a folder; or a manifest field removed or retyped."""
    damage = []
    for _ in range(draw(st.integers(1, 2))):
        if draw(st.booleans()):
            path = draw(st.sampled_from(manifest_paths))
            damage.append(("field", path, draw(st.one_of(st.just("remove"), st.sampled_from(RETYPED)))))
        else:
            name = draw(st.sampled_from(files))
            how = draw(st.sampled_from(["truncate", "remove", "garble", "empty", "swap", "folder"]))
            damage.append(("file", name, how, draw(st.floats(0, 1)), draw(st.sampled_from(files)),
                           draw(st.binary(min_size=1, max_size=64))))
    return damage


def _apply(folder: Path, damage) -> None:
    for item in damage:
        if item[0] == "field":
            _, path, value = item
            manifest_file = folder / "manifest.json"
            try:
                data = json.loads(manifest_file.read_text(encoding="utf-8"))
                target = data
                for key in path[:-1]:
                    target = target[key]
                if value == "remove":
                    del target[path[-1]]
                else:
                    target[path[-1]] = value
            except (KeyError, IndexError, TypeError, ValueError, OSError):
                continue  # an earlier damage took the field (or the file) away
            manifest_file.write_text(json.dumps(data), encoding="utf-8")
            continue
        _, name, how, where, other, noise = item
        path = folder / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if how == "truncate":
            path.write_bytes(data[: int(len(data) * where)])
        elif how == "remove":
            path.unlink()
        elif how == "garble" and data:
            start = int(len(data) * where) % len(data)
            garbled = (data[:start] + noise + data[start + len(noise):])[: len(data)]
            path.write_bytes(garbled if garbled != data else bytes(b ^ 0xFF for b in data))
        elif how == "empty":
            path.write_bytes(b"")
        elif how == "swap" and (folder / other).is_file():
            path.write_bytes((folder / other).read_bytes())
            (folder / other).write_bytes(data)
        elif how == "folder":
            path.unlink()
            path.mkdir()


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, hash_embedder):
    """An index whose live version A answers, and a version B beside it (one more article), not yet
    live: each example damages a copy of B, then makes it live, as a build would."""
    from rag.build import build_index
    from rag.config import load_settings
    from rag.index.store import CURRENT, live_version

    root = tmp_path_factory.mktemp("corruptions")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = load_settings(corpus=corpus, index=root / "index", model=hash_embedder.name, environ={})
    build_index(settings, hash_embedder, show_progress=False)
    version_a = (settings.index / CURRENT).read_text(encoding="utf-8")
    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build_index(settings, hash_embedder, show_progress=False)
    version_b = live_version(settings.index).name
    (settings.index / CURRENT).write_text(version_a, encoding="utf-8")
    manifest = json.loads((settings.index / version_b / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(manifest["files"]) + ["manifest.json"]
    return settings, version_b, files, _json_paths(manifest)


def _corruption_property(two_versions, hash_embedder, tmp_path, examples: int) -> None:
    from dataclasses import replace

    from rag.assistant import Assistant
    from rag.build import build_index
    from rag.index.store import CURRENT, load_index
    from rag.integrity import verify_index

    pristine, version_b, files, manifest_paths = two_versions
    outcomes = {"refused": 0, "loaded": 0}
    numbers = itertools.count()

    def check(damage):
        root = tmp_path / f"example-{next(numbers)}"
        shutil.copytree(pristine.index, root)
        settings = replace(pristine, index=root)
        assistant = Assistant.open(settings, hash_embedder)
        serving = assistant.index.version
        _apply(root / version_b, damage)
        (root / CURRENT).write_text(version_b + "\n", encoding="utf-8")  # the damaged version goes live
        try:
            load_index(root)
            outcomes["loaded"] += 1
        except RagError as error:
            assert "\n" not in str(error)
            outcomes["refused"] += 1
        assistant.refresh()
        assert assistant.ask("Siapa Wali Kota Kisarazu?").citations  # the app answers, whatever was loaded
        if assistant.reload_error:
            assert assistant.index.version == serving
        info = run_rag("info", "--index", str(root))
        assert info.returncode in (0, 1, 2) and "Traceback" not in info.stderr, info.stderr
        assert len(info.stderr.strip().splitlines()) <= 1, info.stderr
        build_index(settings, hash_embedder, show_progress=False)  # a plain build repairs it
        report = verify_index(settings)
        assert report.ok, (damage, report.lines())
        assert Assistant.open(settings, hash_embedder).ask("Siapa Wali Kota Makassar?").question
        shutil.rmtree(root)

    ran = _run(corruptions(files, manifest_paths), check, examples)
    print(f"index corruptions: {ran} ({outcomes['refused']} refused with one line, {outcomes['loaded']} harmless), "
          "each served through and repaired by a plain build")
    assert ran >= examples


def test_a_damaged_version_is_refused_in_one_line_served_through_and_repaired(two_versions, hash_embedder, tmp_path):
    _corruption_property(two_versions, hash_embedder, tmp_path, FAST_CORRUPTIONS)


@pytest.mark.slow
def test_a_damaged_version_is_refused_in_one_line_served_through_and_repaired_deep(two_versions, hash_embedder,
                                                                                  tmp_path):
    _corruption_property(two_versions, hash_embedder, tmp_path, DEEP_CORRUPTIONS)


# The CLI -----------------------------------------------------------------------------------

TOO_LONG = st.text(min_size=2001, max_size=2100)
NOT_A_DATE = ANY_TEXT.filter(lambda t: not re.fullmatch(r"\s*\d{4}(-\d{2}(-\d{2})?)?\s*", t))
BLANK = st.text(alphabet=" \t\n\u00a0\u3000", max_size=5)


@st.composite
def bad_commands(draw, index: str, afile: str):
    """A command with at least one input it must refuse: an empty or overlong question or claim,
    a date that is not one, an overlong filter value or history item, a number out of range,
    an index that is a file, a corpus that does not exist."""
    question = draw(st.one_of(ANY_TEXT, st.just("Siapa Wali Kota Kisarazu?")))
    where = ["--index", index]
    choices = [
        ["ask", draw(st.one_of(BLANK, TOO_LONG)), *where],
        ["ask", question, "--since", draw(NOT_A_DATE), *where],
        ["ask", question, "--until", draw(NOT_A_DATE), *where],
        ["ask", question, "--outlet", draw(st.text(min_size=201, max_size=260)), *where],
        ["ask", question, "--history", draw(TOO_LONG), *where],
        ["ask", question, "--top-k", draw(st.one_of(st.integers(max_value=0).map(str), NOT_A_DATE)), *where],
        ["ask", question, "--min-coverage", draw(st.one_of(st.floats(min_value=1.01), st.floats(max_value=-0.01),
                                                          st.just(float("nan"))).map(str)), *where],
        ["ask", question, "--index", afile],
        ["check", draw(st.one_of(BLANK, TOO_LONG)), *where],
        ["check", question, "--index", afile],
        ["partnerships", "--year", draw(NOT_A_DATE.filter(lambda t: t.strip())), *where],
        ["partnerships", "--partner", draw(st.text(min_size=201, max_size=260)), *where],
        ["info", "--index", afile],
        ["build", "--corpus", str(Path(afile).parent / "nowhere" / draw(st.text(min_size=1, max_size=8).filter(
            lambda t: "/" not in t and "\x00" not in t and t not in (".", "..")))), "--index", str(Path(afile).parent / "new")],
        ["build", "--corpus", str(CORPUS), "--index", str(Path(afile).parent / "new"), "--max-file-mb",
         draw(st.one_of(st.floats(max_value=0), st.floats(min_value=10_001), st.just(float("nan"))).map(str))],
    ]
    return draw(st.sampled_from(choices))


def _cli_property(cli_index, tmp_path, examples: int) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not an index", encoding="utf-8")
    commands = {}

    def check(args):
        result = run_rag(*args)
        commands[args[0]] = commands.get(args[0], 0) + 1
        assert result.returncode == 2, (args[:3], result.returncode, result.stdout[-300:], result.stderr[-300:])
        assert "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines() or [""]
        assert line.startswith("Error: "), line

    ran = _run(bad_commands(str(cli_index), str(afile)), check, examples)
    print(f"CLI: {ran} bad commands ({', '.join(f'{n} {c}' for n, c in sorted(commands.items()))}), "
          "each exit 2 with one line")
    assert ran >= examples


def test_every_command_refuses_bad_input_in_one_line(cli_index, tmp_path):
    _cli_property(cli_index, tmp_path, FAST_CLI)


@pytest.mark.slow
def test_every_command_refuses_bad_input_in_one_line_deep(cli_index, tmp_path):
    _cli_property(cli_index, tmp_path, DEEP_CLI)

"""Feedback (issue 19, part 2): thumbs and a note on answers and claim checks, appended whole to
a file beside the index versions, safe under concurrent users and a killed app, listed escaped by
`rag feedback`, and exported as evaluation lines that `rag eval` runs."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.errors import FeedbackError
from rag.feedback.records import FEEDBACK_FILE, append, make_record, read
from tests.conftest import ROOT, run_rag, served_app

HOSTILE_NOTE = "<script>alert('x')</script> salah tanggal \x1b[31mmerah"


def _judged(question: str = "Siapa Wali Kota Kisarazu?") -> dict:
    return {"question": question, "answer": "Yushikuni Watanabe [1]", "language": "id",
            "citations": [{"n": 1, "article_id": "003_fcff50e6fce6b534", "start": 0, "end": 90}]}


def test_a_record_holds_what_was_judged_and_is_read_back(tmp_path):
    record = make_record("answer", _judged(), "down", HOSTILE_NOTE, "v-1", ["Dengan kota mana?"])
    append(tmp_path, record)
    (back,) = read(tmp_path).records
    assert back == record and back.note == HOSTILE_NOTE.strip()  # stored as text, unchanged
    assert (back.text, back.rating, back.index_version, back.history) == ("Siapa Wali Kota Kisarazu?", "down",
                                                                          "v-1", ["Dengan kota mana?"])
    assert back.citations == [{"n": 1, "article_id": "003_fcff50e6fce6b534", "start": 0, "end": 90}]
    assert read(tmp_path, since="2999").records == []


@pytest.mark.parametrize(("kind", "judged", "rating", "said"), [
    ("answer", _judged(), "meh", "neither 'up' nor 'down'"),
    ("essay", _judged(), "up", "neither 'answer' nor 'claim'"),
    ("answer", None, "up", "no answer to give feedback on"),
])
def test_bad_feedback_is_refused_in_one_line(tmp_path, kind, judged, rating, said):
    with pytest.raises(FeedbackError, match=said):
        make_record(kind, judged, rating, "", "v-1")
    assert not (tmp_path / FEEDBACK_FILE).exists()


def test_rag_feedback_lists_the_notes_escaped_and_exports_lines_rag_eval_runs(cli_index, tmp_path):
    append(tmp_path, make_record("answer", _judged(), "down", HOSTILE_NOTE, "v-1"))
    append(tmp_path, make_record("answer", _judged("Kapan Bima Arya ke Kisarazu?"), "up", "", "v-1"))
    append(tmp_path, make_record("claim", {"claim": "Bogor bergabung dengan UCLG ASPAC", "verdict": "supported"},
                                 "up", "", "v-1"))
    listed = run_rag("feedback", "--index", str(tmp_path))
    assert listed.returncode == 0 and "<script>alert('x')</script>" in listed.stdout
    assert "\x1b" not in listed.stdout and "\\x1b[31mmerah" in listed.stdout  # a terminal escape is shown, not run
    as_json = json.loads(run_rag("feedback", "--index", str(tmp_path), "--json").stdout)
    assert [r["rating"] for r in as_json] == ["down", "up", "up"] and as_json[0]["note"] == HOSTILE_NOTE.strip()
    exported = tmp_path / "to-complete.jsonl"
    said = run_rag("feedback", "--index", str(tmp_path), "--export-eval", str(exported))
    assert said.returncode == 0 and "1 claim check(s) left out" in said.stdout
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [line["sources"] for line in lines] == [[], ["003_fcff50e6fce6b534"]]  # a thumbs-down starts empty
    evaluated = run_rag("eval", str(exported), "--index", str(cli_index), "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    assert json.loads(evaluated.stdout)["questions"] == 2
    assert run_rag("feedback", "--index", str(tmp_path), "--since", "kemarin").returncode == 2


def test_thirty_users_at_once_leave_thirty_whole_records(assistant, tmp_path):
    """Thirty API calls at once on the real app, each recomputing its answer: thirty whole lines."""
    from gradio_client import Client

    before = len(read(assistant.settings.index).records)
    with served_app(assistant) as (url, _):
        def send(number: int) -> dict:
            client = Client(url, analytics_enabled=False, verbose=False)
            return client.predict("answer", "Siapa Wali Kota Kisarazu?", "down", f"catatan {number}", None,
                                  api_name="/feedback")

        with ThreadPoolExecutor(max_workers=30) as pool:
            results = list(pool.map(send, range(30)))
    assert all("error" not in r for r in results), results[:3]
    found = read(assistant.settings.index)
    assert found.damaged == [] and len(found.records) == before + 30
    assert {r.note for r in found.records[before:]} == {f"catatan {n}" for n in range(30)}
    assert all(r.citations and r.index_version == assistant.index.version for r in found.records[before:])


def test_a_rebuild_keeps_the_feedback(tmp_path, hash_embedder):
    from rag.build import build_index
    from rag.config import load_settings

    settings = load_settings(corpus=ROOT / "corpus", index=tmp_path / "index", environ={})
    build_index(settings, hash_embedder, show_progress=False)
    append(settings.index, make_record("answer", _judged(), "up", "", "v-1"))
    build_index(settings, hash_embedder, show_progress=False, rebuild=True)
    assert len(read(settings.index).records) == 1


WRITER = """
import sys
from pathlib import Path
from rag.feedback.records import append, make_record
judged = {"question": "Siapa Wali Kota Kisarazu?", "answer": "x", "citations": []}
for number in range(100000):
    append(Path(sys.argv[1]), make_record("answer", judged, "up", f"catatan {number} " + "x" * 500, "v-1"))
    print(number, flush=True)
"""


@pytest.mark.slow
def test_a_killed_writer_loses_no_record_it_confirmed(tmp_path):
    """SIGKILL while appending: every record whose append returned is in the file, whole."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(2.0)
    writer.send_signal(signal.SIGKILL)
    confirmed = writer.communicate()[0].split()
    found = read(tmp_path)
    assert len(confirmed) > 10 and len(found.damaged) <= 1  # at most the write the kill cut
    assert len(found.records) >= len(confirmed)
    assert [r.note.split()[1] for r in found.records[: len(confirmed)]] == confirmed


@pytest.mark.slow
def test_a_sigkilled_app_loses_no_feedback_it_confirmed(cli_index):
    """`python app.py` takes feedback over HTTP, is killed with SIGKILL, and every record it
    answered for is in the file, whole."""
    import httpx
    from gradio_client import Client

    from tests.conftest import free_port

    before = len(read(cli_index).records)
    port = free_port()
    app = subprocess.Popen([sys.executable, "app.py", "--index", str(cli_index), "--port", str(port)], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = None
        for _ in range(120):
            try:
                client = Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
                break
            except (httpx.HTTPError, OSError, ValueError):  # not listening yet
                time.sleep(0.5)
        assert client is not None, "the app did not start"
        confirmed = [client.predict("answer", "Siapa Wali Kota Kisarazu?", "up", f"sebelum kill {n}", None,
                                    api_name="/feedback") for n in range(5)]
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
    assert app.returncode == -signal.SIGKILL and all("error" not in c for c in confirmed)
    found = read(cli_index)
    assert found.damaged == [] and [r.note for r in found.records[before:]] == [f"sebelum kill {n}" for n in range(5)]

"""A new index version that cannot load: the version serving keeps answering, the failure is said
once (not retried on every question), and the CLI says what to run, in one line."""

import json
import shutil

import pytest

from rag.assistant import Assistant
from rag.build import build_index
from rag.config import load_settings
from rag.index.store import CURRENT, MANIFEST, live_version
from tests.conftest import CORPUS, run_rag

NEW_ARTICLE = "Kota Makassar menjalin kerja sama kota kembar dengan Kota Quezon di Filipina.\n"


def _manifest(index, change):
    path = live_version(index) / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _swap_current(index, replace_with):
    pointer = index / CURRENT
    pointer.unlink()
    replace_with(pointer)


DAMAGES = {
    "manifest without counts": lambda index: _manifest(index, lambda m: m.pop("counts")),
    "counts not an object": lambda index: _manifest(index, lambda m: m.update(counts="many")),
    "model not an object": lambda index: _manifest(index, lambda m: m.update(model=[])),
    "CURRENT not UTF-8": lambda index: _swap_current(index, lambda p: p.write_bytes(b"v-\xff\xfe")),
    "CURRENT a folder": lambda index: _swap_current(index, lambda p: p.mkdir()),
    "vectors emptied": lambda index: (live_version(index) / "vectors.faiss").write_bytes(b""),
}


@pytest.fixture
def serving(tmp_path, hash_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = load_settings(corpus=corpus, index=tmp_path / "index", model=hash_embedder.name, environ={})
    build_index(settings, hash_embedder, show_progress=False)
    assistant = Assistant.open(settings, hash_embedder)
    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build_index(settings, hash_embedder, show_progress=False)  # the new version, about to be damaged
    return assistant, settings


@pytest.mark.parametrize("damage", DAMAGES)
def test_the_version_serving_keeps_answering_through_a_new_version_that_cannot_load(serving, damage, monkeypatch):
    import rag.assistant

    assistant, settings = serving
    serving_version = assistant.index.version
    DAMAGES[damage](settings.index)
    loads = []
    real = rag.assistant.read_manifest
    monkeypatch.setattr(rag.assistant, "read_manifest", lambda index: loads.append(index) or real(index))
    for _ in range(3):
        answer = assistant.ask("Siapa Wali Kota Kisarazu?")
        assert answer.question == "Siapa Wali Kota Kisarazu?"
    assert assistant.index.version == serving_version
    assert "rag build --rebuild" in assistant.reload_error, assistant.reload_error
    assert len(loads) == 1  # not retried on every question


@pytest.mark.parametrize("damage", DAMAGES)
def test_the_cli_says_in_one_line_what_to_run(serving, damage):
    _, settings = serving
    DAMAGES[damage](settings.index)
    result = run_rag("info", "--index", str(settings.index))
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "rag build --rebuild" in line, line


def test_a_lock_that_is_a_folder_or_an_index_that_is_a_file_is_one_line(tmp_path, hash_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = load_settings(corpus=corpus, index=tmp_path / "index", model=hash_embedder.name, environ={})
    build_index(settings, hash_embedder, show_progress=False)
    (settings.index / "build.lock").unlink()
    (settings.index / "build.lock").mkdir()
    (tmp_path / "afile").write_text("not an index", encoding="utf-8")
    for command, phrase in ((("build", "--corpus", str(corpus), "--index", str(settings.index)), "build lock"),
                            (("ask", "Siapa?", "--index", str(tmp_path / "afile")), "is a file, not an index folder"),
                            (("info", "--index", str(tmp_path / "afile")), "is a file, not an index folder")):
        result = run_rag(*command)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("Error: ") and phrase in line, line

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
    # A manifest that lost its list of files would check none: the emptied file is still found.
    "no list of files, chunks emptied": lambda index: (_manifest(index, lambda m: m.pop("files")),
                                                       (live_version(index) / "chunks.npy").write_bytes(b"")),
    # Found by the deep corruption property (tests/test_hostile.py): the list loses a file, and the
    # file goes too; neither check would see it without the files every build writes.
    "chunks gone from the list and the disk": lambda index: (
        _manifest(index, lambda m: m["files"].pop("chunks.npy")), (live_version(index) / "chunks.npy").unlink()),
    # The same for a file of the lexical index (the deep property found this one too).
    "lexical vocabulary gone from the list and the disk": lambda index: (
        _manifest(index, lambda m: m["files"].pop("lexical/vocab.index.json")),
        (live_version(index) / "lexical" / "vocab.index.json").unlink()),
}


def test_every_file_the_lexical_index_is_said_to_write_is_written(serving):
    """The files a build is checked for are the files a build writes (rag/index/lexical.py FILES)."""
    from rag.index.lexical import LexicalIndex

    _, settings = serving
    written = {p.name for p in (live_version(settings.index) / "lexical").iterdir()}
    assert set(LexicalIndex.FILES) <= written


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
    monkeypatch.setattr(rag.assistant, "read_manifest", lambda index, *rest: loads.append(index) or real(index, *rest))
    for _ in range(3):
        answer = assistant.ask("Siapa Wali Kota Kisarazu?")
        assert answer.question == "Siapa Wali Kota Kisarazu?"
    assert assistant.index.version == serving_version
    assert "rag build --index" in assistant.reload_error, assistant.reload_error
    assert len(loads) == 1  # not retried on every question


@pytest.mark.parametrize("damage", DAMAGES)
def test_the_cli_says_in_one_line_what_to_run(serving, damage):
    _, settings = serving
    DAMAGES[damage](settings.index)
    result = run_rag("info", "--index", str(settings.index))
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "rag build --index" in line, line


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


def _garble(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


# Damage a plain build must find and repair, beyond DAMAGES (which it also repairs).
FILE_DAMAGES = {
    "chunks truncated": lambda index: (live_version(index) / "chunks.npy").write_bytes(b"\x93NUMPY"),
    "articles removed": lambda index: (live_version(index) / "articles.jsonl").unlink(),
    "register garbled, same size": lambda index: _garble(live_version(index) / "partnerships.json"),
    "lexical postings garbled, same size": lambda index: _garble(live_version(index) / "lexical" / "data.csc.index.npy"),
}


@pytest.mark.parametrize("damage", [*DAMAGES, *FILE_DAMAGES])
def test_a_plain_build_repairs_a_damaged_live_version_and_never_says_up_to_date(serving, damage):
    from rag.integrity import verify_index

    assistant, settings = serving
    {**DAMAGES, **FILE_DAMAGES}[damage](settings.index)
    assert not verify_index(settings).ok
    summary = build_index(settings, assistant.embedder, show_progress=False)
    assert not summary.up_to_date
    assert summary.embedded == 0  # the embedding cache holds every chunk, whatever the version's damage
    assert verify_index(settings).ok, verify_index(settings).lines()
    assert Assistant.open(settings, assistant.embedder).ask("Siapa Wali Kota Kisarazu?").citations
    if damage in FILE_DAMAGES:
        assert summary.repaired and all(" " in problem for problem in summary.repaired)
    assert build_index(settings, assistant.embedder, show_progress=False).up_to_date


def test_rag_build_says_what_it_repaired(tmp_path, cli_index):
    index = tmp_path / "index"
    shutil.copytree(cli_index, index)
    vectors = live_version(index) / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    result = run_rag("build", "--corpus", str(CORPUS), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert "The live version was damaged (vectors.faiss truncated or resized): this build replaced it." in result.stderr
    assert "up to date" not in result.stdout and "0 embedded" in result.stdout
    assert run_rag("verify", "--corpus", str(CORPUS), "--index", str(index)).returncode == 0


def _versions(index):
    return sorted(p.name for p in index.glob("v-*"))


def test_a_disk_that_refuses_a_write_ends_the_build_in_one_line_and_keeps_the_live_version(tmp_path, cli_index,
                                                                                          monkeypatch):
    """The disk stood in for by a write that fails with ENOSPC half-way through the new version."""
    import errno

    from rag.index.dense import DenseIndex

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(cli_index, index)
    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    before, live = _versions(index), (index / CURRENT).read_text()

    def full(self, path):
        path.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(DenseIndex, "save", full)
    result = run_rag("build", "--corpus", str(corpus), "--index", str(index))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: cannot write to {index} (") and "No space left on device" in line, line
    assert "The live version is unchanged" in line
    assert _versions(index) == before and (index / CURRENT).read_text() == live
    assert run_rag("verify", "--corpus", str(CORPUS), "--index", str(index)).returncode == 0


class SmallDisk:
    """A real filesystem of its own (tmpfs, 8 MB), which a test can fill or make read-only."""

    SIZE = 8 * 1024 * 1024

    def __init__(self, mount_point):
        self.path = mount_point

    def read_only(self):
        import subprocess

        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)

    def fill(self, leave: int):
        import os

        free = os.statvfs(self.path)
        (self.path / "ballast").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - leave))


@pytest.fixture
def small_disk(tmp_path):
    """Skipped where this process may not mount a tmpfs (it needs root): the ENOSPC stand-in test
    above covers the same code path there."""
    import subprocess

    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SmallDisk.SIZE}", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield SmallDisk(mount_point)
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.mark.parametrize("disk", ["full", "read-only"])
def test_a_full_or_read_only_disk_ends_the_build_in_one_line_and_keeps_the_live_version(tmp_path, cli_index,
                                                                                       small_disk, disk):
    corpus, index = tmp_path / "corpus", small_disk.path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(cli_index, index)
    (corpus / "makassar.md").write_text(NEW_ARTICLE, encoding="utf-8")
    if disk == "full":
        small_disk.fill(leave=100_000)  # room for the cache's new rows and part of a version, not all of one
    else:
        small_disk.read_only()
    before, live = _versions(index), (index / CURRENT).read_text()
    result = run_rag("build", "--corpus", str(corpus), "--index", str(index))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: cannot write"), line
    assert _versions(index) == before and (index / CURRENT).read_text() == live
    assert run_rag("verify", "--corpus", str(CORPUS), "--index", str(index)).returncode == 0


def test_a_register_read_by_older_rules_is_read_again_not_up_to_date(serving, monkeypatch):
    import rag.build
    import rag.register.extraction as extraction
    from rag.index.store import read_register

    assistant, settings = serving
    assert build_index(settings, assistant.embedder, show_progress=False).up_to_date
    newer = "rules of a newer program"
    monkeypatch.setattr(extraction, "extractor_version", lambda: newer)
    monkeypatch.setattr(rag.build, "extractor_version", lambda: newer)
    summary = build_index(settings, assistant.embedder, show_progress=False)
    assert not summary.up_to_date and summary.embedded == 0
    assert read_register(live_version(settings.index))["extractor"] == newer

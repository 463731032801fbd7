"""CURRENT: the file in an index folder that names the live version, replaced in one atomic step."""

from __future__ import annotations

import os
from pathlib import Path

from rag.errors import IndexCorruptError

CURRENT = "CURRENT"


def live_version_name(index: Path) -> str | None:
    """The name CURRENT holds, unchecked (what a build must not delete)."""
    try:
        return (index / CURRENT).read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def version_stamp(index: Path) -> str | None:
    """Changes whenever a build switches CURRENT: a stat, not a read, so it is cheap to poll."""
    try:
        status = os.stat(index / CURRENT)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return f"{status.st_ino}:{status.st_mtime_ns}"


def switch_to(index: Path, folder: Path) -> None:
    """Make `folder` the live version: one rename of the pointer file. An empty folder where the
    pointer belongs is in the way of nothing and goes; anything else in its place is not ours to remove."""
    pointer = index / CURRENT
    if pointer.is_dir():
        try:
            pointer.rmdir()
        except OSError:
            raise IndexCorruptError(f"{pointer} is a folder with files in it, where the name of the live version "
                                    f"belongs: move it out of {index}, then run `rag build` again") from None
    write_atomically(pointer, folder.name + "\n")


def write_atomically(path: Path, text: str | bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as out:
        out.write(text.encode("utf-8") if isinstance(text, str) else text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    fsync(path.parent)


def fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

"""Every error a user can fix, in one place.

Commands and the app catch `RagError` and print its message: a message names the bad value and
says what to do, so no traceback ever reaches a user for a mistake they can correct.
"""


def repair_hint(index: object = None) -> str:
    """The fix for a damaged, unreadable or outdated index: a plain build replaces whatever of the
    live version it cannot trust (rag/build.py), keeping the embeddings it has cached."""
    return f"run `rag build --index {index}`" if index is not None else "run `rag build`"


def one_line(message: str) -> str:
    """A message as a terminal shows it: one line whatever it quotes. A file name or value with a
    line break, another control character or a lone surrogate (undecodable bytes) is escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in message)


def is_utf8(text: str) -> bool:
    """Can the text be written as UTF-8? Bytes a terminal or file system could not decode arrive
    as lone surrogates, which no model, file or page can take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def undecodable_shown(text: str) -> str:
    """The text with each undecodable byte shown as the byte it was ("caf\\xe9"), and a surrogate
    that stands for no byte as its code ("\\ud800")."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class RagError(Exception):
    """A problem the user can fix: bad input, a missing or stale index, a bad setting."""


class CorpusError(RagError):
    """The corpus cannot be read or holds nothing to index."""


class IndexMissingError(RagError):
    """No index where one was expected."""


class IndexMismatchError(RagError):
    """The index on disk was built with settings that differ from the configured ones."""


class IndexCorruptError(RagError):
    """An index file is unreadable, truncated or inconsistent with the manifest."""


class QuestionError(RagError):
    """A question that cannot be asked (empty, too long)."""


class FilterError(RagError):
    """A date bound that is not a date, or bounds in the wrong order. It keeps which bound and what
    was typed, so the app can name its own form field where the CLI names its flag."""

    def __init__(self, message: str, bound: str, value: str, other: str | None = None):
        super().__init__(message)
        self.bound, self.value, self.other = bound, value, other


class EvalFileError(RagError):
    """An evaluation file that cannot be read or has a malformed line."""


class ModelError(RagError):
    """The configured embedding model cannot be loaded."""


class BuildLockedError(RagError):
    """Another build holds the index's lock."""


class FeedbackError(RagError):
    """Feedback that cannot be recorded or read: a bad rating, nothing judged, an unwritable file."""


class DossierError(RagError):
    """A dossier that cannot be written where asked."""


class StoreUnavailableError(RagError):
    """The configured vector store (Milvus) cannot be reached or did not answer."""


class IndexWriteError(RagError):
    """The disk refused a build's writes (full, read-only, a file too large). The live version is
    left as it was and the partial one removed."""

"""What one request may carry, checked in one place for the CLI, the app and its API.

A request over a limit is refused with a message naming the limit, before any work is done on it:
a 10 MB history item costs its length check, not an analysis of 10 MB.
"""

from __future__ import annotations

from collections.abc import Iterable

from rag.errors import QuestionError, is_utf8, undecodable_shown

MAX_QUESTION_CHARS = 2000  # a question, a claim, or one earlier question of the conversation
# Earlier questions a follow-up is read with; older ones are dropped (a follow-up reads the last).
MAX_HISTORY_TURNS = 10
MAX_FILTER_VALUES = 20  # outlets or article ids in one filter
MAX_FILTER_CHARS = 200  # one outlet, article id, partner or field name
# One HTTP request to the app, read before Gradio parses it. The largest request the limits above
# admit is about 0.15 MB (a browser's chat turn also sends the conversation shown, some 3 KB a
# turn), so this is a wall against memory, not a limit a user meets.
MAX_REQUEST_BYTES = 1_000_000
_EXAMPLES = {
    "question": 'ask something, e.g. "Siapa Wali Kota Kisarazu?"',
    "claim": 'give a sentence to check, e.g. "Wali Kota Kisarazu adalah Yushikuni Watanabe"',
}


def checked_text(text: object, what: str = "question", allow_empty: bool = False) -> str:
    """The text, stripped; refused when too long, not text, or (unless `allow_empty`) empty."""
    if text is not None and not isinstance(text, str):
        raise QuestionError(f"the {what} must be text, not {type(text).__name__}")
    text = (text or "").strip()
    if not text and allow_empty:
        return text
    if not text:
        raise QuestionError(f"empty {what}: {_EXAMPLES.get(what, _EXAMPLES['question'])}")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"{what} is {len(text)} characters, the limit is {MAX_QUESTION_CHARS}: shorten it to its key point")
    return _unicode(text, f"the {what}")


def checked_history(history: object) -> tuple[str, ...]:
    """The conversation's last MAX_HISTORY_TURNS earlier questions; an item over the question limit
    is refused, wherever it stands."""
    items = _as_values(history, "history")
    for number, item in enumerate(items, start=1):
        if len(item) > MAX_QUESTION_CHARS:
            raise QuestionError(f"history item {number} is {len(item)} characters, the limit is {MAX_QUESTION_CHARS}: "
                                "send the earlier questions as asked")
        _unicode(item, f"history item {number}")
    return tuple(item for item in items if item.strip())[-MAX_HISTORY_TURNS:]


def checked_values(values: object, what: str) -> tuple[str, ...]:
    """A filter's values: one string is one value; at most MAX_FILTER_VALUES, each at most
    MAX_FILTER_CHARS long."""
    items = tuple(v.strip() for v in _as_values(values, what) if v.strip())
    if len(items) > MAX_FILTER_VALUES:
        raise QuestionError(f"{len(items)} {what} values, the limit is {MAX_FILTER_VALUES}: filter by fewer")
    for item in items:
        if len(item) > MAX_FILTER_CHARS:
            raise QuestionError(f"a {what} value is {len(item)} characters, the limit is {MAX_FILTER_CHARS}")
        _unicode(item, f"a {what} value")
    return items


def _as_values(values: object, what: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    if not isinstance(values, Iterable) or isinstance(values, (bytes, dict)):
        raise QuestionError(f"{what} must be a list of texts, not {type(values).__name__}")
    items = tuple(values)
    if any(not isinstance(item, str) for item in items):
        raise QuestionError(f"{what} must be a list of texts")
    return items


def _unicode(text: str, what: str) -> str:
    """Text that can be written as UTF-8 (see rag.errors.is_utf8)."""
    if is_utf8(text):
        return text
    at = next(i for i, c in enumerate(text) if not is_utf8(c))
    raise QuestionError(f"{what} holds bytes that are not UTF-8 ({undecodable_shown(text[at])} at character {at + 1}): "
                        "retype it, or set the terminal to UTF-8")

"""Feedback records: one JSON line each in `index/feedback.jsonl`, appended whole.

Each record holds what the reader judged (the question or claim, the answer or verdict, its
citations, its language, the index version that answered) and the judgement (up or down, a note,
the time). A line is written with one `write` under an exclusive lock and flushed to disk before
the lock is released, so concurrent users (threads or processes) never interleave, and an app
killed at any moment leaves every record it confirmed whole: at worst a torn last line of a write
in progress, which reading reports and skips.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, cast

import orjson

from rag.errors import FeedbackError
from rag.jsonl import json_lines
from rag.limits import checked_text

FEEDBACK_FILE = "feedback.jsonl"
RATINGS = ("up", "down")


FeedbackKind = Literal["answer", "claim"]
Rating = Literal["up", "down"]


@dataclass(frozen=True)
class FeedbackRecord:
    kind: FeedbackKind
    text: str  # the question or the claim
    answer: str  # the answer as shown, or the verdict
    rating: Rating
    note: str = ""
    citations: list[dict] = field(default_factory=list)  # {"n", "article_id", "start", "end"}
    language: str = "id"
    index_version: str = ""
    time: str = ""
    # Earlier questions of the conversation, for a follow-up ("Kapan itu ditandatangani?").
    history: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def make_record(kind: str, judged: dict, rating: str, note: str | None, index_version: str,
                history: Iterable[str] = ()) -> FeedbackRecord:
    """A record of a reader's judgement of `judged` (the JSON of `rag ask` or `rag check`)."""
    if kind not in ("answer", "claim"):
        raise FeedbackError(f"feedback kind {kind!r} is neither 'answer' nor 'claim'")
    if rating not in RATINGS:
        raise FeedbackError(f"rating {rating!r} is neither 'up' nor 'down': say up or down")
    if not isinstance(judged, dict):
        raise FeedbackError("there is no answer to give feedback on: ask a question or check a claim first")
    text = judged.get("question") if kind == "answer" else judged.get("claim")
    answer = judged.get("answer") if kind == "answer" else judged.get("verdict")
    citations = [{k: c.get(k) for k in ("n", "article_id", "start", "end")} for c in judged.get("citations") or []
                 if isinstance(c, dict)]
    return FeedbackRecord(
        kind=cast(FeedbackKind, kind), text=checked_text(text, "question" if kind == "answer" else "claim"),
        answer=str(answer or ""), rating=cast(Rating, rating), note=checked_text(note or "", "note", allow_empty=True),
        citations=citations, language=str(judged.get("language") or "id"), index_version=index_version,
        time=datetime.now(UTC).isoformat(timespec="seconds"),
        history=[checked_text(h, "history item") for h in history],
    )


def append(index: Path, record: FeedbackRecord) -> Path:
    """Add the record to the index's feedback file, whole, and on disk before returning."""
    path = index / FEEDBACK_FILE
    line = orjson.dumps(record.to_json()) + b"\n"
    try:
        index.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as error:
        raise FeedbackError(f"cannot write feedback to {path}: {error.strerror}; make {index} writable") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        written = 0
        while written < len(line):
            written += os.write(descriptor, line[written:])
        os.fsync(descriptor)
    except OSError as error:
        raise FeedbackError(f"cannot write feedback to {path}: {error.strerror}; free some space") from None
    finally:
        os.close(descriptor)  # releases the lock
    return path


@dataclass(frozen=True)
class Feedback:
    records: list[FeedbackRecord]
    # Lines that are not a whole record (a write cut short by a killed process), by line number.
    damaged: list[int]


def read(index: Path, since: str | None = None) -> Feedback:
    """Every record in the index's feedback file (those from `since`, a date, on)."""
    path = index / FEEDBACK_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Feedback([], [])
    except OSError as error:
        raise FeedbackError(f"cannot read {path}: {error.strerror}") from None
    records, damaged = [], []
    for line in json_lines(data):
        try:
            record = FeedbackRecord(**line.record) if line.error is None else None
        except TypeError:
            record = None
        if record is None:
            damaged.append(line.number)
        elif since is None or record.time[: len(since)] >= since:
            records.append(record)
    return Feedback(records, damaged)


def evaluation_lines(records: Iterable[FeedbackRecord]) -> list[dict]:
    """Answer records as `rag eval` lines for a keeper to complete: a thumbs-up answer keeps its
    cited articles as the expected sources; a thumbs-down one starts empty, which `rag eval` reads
    as "the corpus cannot answer" until the keeper writes the answers and sources it should give.
    Claim checks are not questions and have no evaluation line."""
    lines = []
    for record in records:
        if record.kind != "answer":
            continue
        sources = list(dict.fromkeys(c["article_id"] for c in record.citations if c.get("article_id")))
        lines.append({
            "question": record.text, "answers": [], "sources": sources if record.rating == "up" else [],
            "history": record.history,
            "feedback": {"rating": record.rating, "note": record.note, "answer": record.answer,
                         "time": record.time, "index_version": record.index_version},
            "keeper": "write in answers the words the right answer must hold, and in sources the articles "
                      "that hold it; leave both empty if the corpus cannot answer",
        })
    return lines


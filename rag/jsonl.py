"""JSON Lines, read one way everywhere: corpus files, evaluation files, the index's article table.

A line that is not JSON is reported with its number and why, not raised: a corpus file keeps its
good lines, an evaluation file stops at the first bad one, the index calls itself damaged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class JsonLine:
    number: int  # 1-based, blank lines counted
    record: Any = None
    # Why the line is not JSON ("unexpected character, column 3"); None when it is.
    error: str | None = None


def json_lines(text: str | bytes) -> Iterator[JsonLine]:
    """Every line of `text` that is not blank, parsed."""
    lines: list[str | bytes] = list(text.splitlines())
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield JsonLine(number, orjson.loads(line))
        except orjson.JSONDecodeError as error:
            yield JsonLine(number, error=f"{error.msg}, column {error.colno}")

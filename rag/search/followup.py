"""Follow-up questions: "Kapan itu ditandatangani?" means nothing without the turn before it.

A question that points back ("itu", "tersebut", "dia", "it", "they", …) or names almost nothing
of its own is searched together with the previous question of the conversation. The question
the user asked is still the one shown and answered.
"""

from __future__ import annotations

import re

_POINTS_BACK = re.compile(
    r"\b(itu|tersebut|ini|dia|ia|beliau|mereka|keduanya|sana|situ|it|its|that|this|those|they|them|their|he|she|"
    r"his|her|there)\b",
    re.IGNORECASE,
)
# A question with this many key concepts or fewer is too thin to stand alone.
THIN_QUESTION = 1


def contextual_question(question: str, history: list[str] | None, concepts_of) -> str:
    """The text to search for: the question, with the previous question when it is a follow-up."""
    previous = next((turn.strip() for turn in reversed(history or []) if turn and turn.strip()), None)
    if previous is None:
        return question
    if _POINTS_BACK.search(question) or len(concepts_of(question)) <= THIN_QUESTION:
        return f"{question} {previous}"
    return question

"""Where the register's word lists stand against the language (issue 28, part 4): each field's,
form's and status's words counted in FacQA's 1,369 news passages (how often news uses them, with
examples to read), and each field's words placed by the model: which field's name a word embeds
nearest to, so that a word filed under the wrong field, or one the model does not know as the
field, shows. docs/register.md quotes the figures.

    python -m tests.vocabulary_check [PASSAGES]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

from rag.register.words import FIELDS, STATUS_PATTERNS
from rag.text.forms import CITY_FORMS, FORM_PATTERNS

PASSAGES = Path(__file__).parent.parent.parent / "shared" / "data" / "facqa" / "passages.jsonl"


def plain_words(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern that are plain words or phrases ("air bersih"),
    not regex (nor the pieces of a group: "pengelolaan" of "(?:pengelolaan|…) pelabuhan")."""
    alternatives, depth, current = [], 0, ""
    for char in pattern:
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            alternatives.append(current)
            current = ""
        else:
            current += char
    return [w for w in [*alternatives, current] if re.fullmatch(r"[a-z ]+", w)]


def passages(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def usage(texts: list[str]) -> list[tuple[str, str, int, str]]:
    """(list, entry, passages matching, first example) for every entry of every list."""
    lists = ([("form", n, p) for n, p in FORM_PATTERNS] + [("city form", n, p) for n, p in CITY_FORMS]
             + [("status", n, p) for n, p in STATUS_PATTERNS]
             + [("field", n, re.compile(rf"\b({p})\b", re.I)) for n, p in FIELDS])
    rows = []
    for kind, name, pattern in lists:
        hits = [m for m in (pattern.search(t) for t in texts) if m]
        example = ""
        if hits:
            text, match = hits[0].string, hits[0]
            example = "…" + text[max(0, match.start() - 40):match.end() + 40].replace("\n", " ") + "…"
        rows.append((kind, name, len(hits), example))
    return rows


def nearest_fields() -> tuple[int, int, list[str]]:
    """Each plain word of each field, embedded, against every field's name: (words placed under
    their own field, words, the others as "word → nearest field (own field)")."""
    from rag.index.embedding import load_embedder
    from rag.index.models import DEFAULT_MODEL

    embedder = load_embedder(DEFAULT_MODEL)
    names = [name for name, _ in FIELDS]
    words = [(word, name) for name, pattern in FIELDS for word in plain_words(pattern)]
    label = embedder.encode_queries([f"bidang kerja sama: {n}" for n in names])
    vectors = embedder.encode_queries([f"bidang kerja sama: {w}" for w, _ in words])
    nearest = np.argmax(vectors @ label.T, axis=1)
    placed = [names[i] == own for i, (_, own) in zip(nearest, words)]
    wrong = [f"{w} → {names[i]} ({own})" for i, (w, own), ok in zip(nearest, words, placed) if not ok]
    return sum(placed), len(words), wrong


if __name__ == "__main__":
    texts = passages(Path(sys.argv[1]) if len(sys.argv) > 1 else PASSAGES)
    print(f"| list | entry | FacQA passages (of {len(texts)}) | first example |\n|---|---|---|---|")
    for kind, name, count, example in usage(texts):
        print(f"| {kind} | {name} | {count} | {example} |")
    right, total, wrong = nearest_fields()
    print(f"\nfield words the model places nearest their own field's name: {right} of {total}")
    for line in wrong:
        print(f"- {line}")

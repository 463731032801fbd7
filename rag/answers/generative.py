"""Optional generative answers from an OpenAI-compatible chat endpoint, with verified citations.

The model sees only the numbered passages the extractive step retrieved and is asked to mark
every sentence with the passages it uses. Nothing it writes is trusted: each sentence must end in
markers that exist, and must be supported by a passage it cites, measured as the share of its
terms found in that passage (numbers must all be there). Sentences that fail are removed and
reported. Any failure of the endpoint (timeout, HTTP error, malformed reply) leaves the
extractive answer in place, with a notice saying so.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from rag.answers.settings import LLMSettings
from rag.errors import RagError
from rag.text.numbers import find_numbers
from rag.text.sentences import split_sentences

# A sentence is supported by a passage holding at least this share of its terms (and all its numbers).
MIN_SUPPORT = 0.6
_MARKERS = re.compile(r"\s*((?:\[\d+\]\s*)+)[.!?]?\s*$")

SYSTEM_PROMPT = (
    "You answer questions about news articles using only the numbered passages given. "
    "End every sentence with the number of the passage it comes from in square brackets, e.g. [2]. "
    "Use no knowledge outside the passages. If they do not answer the question, say so. "
    "Answer in the language of the question, in at most three sentences."
)


class GenerationError(RagError):
    """The chat endpoint failed; the extractive answer stands."""


@dataclass(frozen=True)
class GeneratedSentence:
    text: str
    passage: int  # 1-based number among the passages sent
    support: float


@dataclass(frozen=True)
class Generation:
    sentences: list[GeneratedSentence]
    removed: list[dict]


def chat(settings: LLMSettings, messages: list[dict]) -> str:
    """One chat completion; every failure becomes a GenerationError naming it."""
    url = settings.base_url.rstrip("/") + "/chat/completions"
    body = json.dumps({"model": settings.model, "messages": messages, "temperature": 0}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:
            reply = json.loads(response.read().decode("utf-8"))
        return str(reply["choices"][0]["message"]["content"])
    except urllib.error.HTTPError as error:
        raise GenerationError(f"the model endpoint answered HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise GenerationError(f"the model endpoint did not answer ({reason})") from error
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise GenerationError("the model endpoint sent a reply that is not a chat completion") from error


def prompt(question: str, passages: list[str]) -> list[dict]:
    numbered = "\n\n".join(f"[{i}] {' '.join(p.split())}" for i, p in enumerate(passages, start=1))
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {question}"},
    ]


def keep_supported_sentences(text: str, passages: list[str], terms_of) -> Generation:
    """Keep the sentences whose markers exist and whose cited passage supports them."""
    passage_terms = [set(terms_of(p)) for p in passages]
    passage_numbers = [{m.group() for m in find_numbers(p)} for p in passages]
    kept, removed = [], []
    for span in split_sentences(text):
        sentence = text[span.start:span.end]
        markers = _MARKERS.search(sentence)
        if not markers:
            removed.append({"text": sentence, "reason": "no citation marker"})
            continue
        claim = sentence[: markers.start()].strip()
        numbers = [int(n) for n in re.findall(r"\d+", markers.group(1))]
        if any(not 1 <= n <= len(passages) for n in numbers):
            removed.append({"text": sentence, "reason": f"cites a passage that does not exist ({markers.group(1).strip()})"})
            continue
        terms = set(terms_of(claim))
        scored = [
            (_support(terms, {m.group() for m in find_numbers(claim)}, passage_terms[n - 1], passage_numbers[n - 1]), n)
            for n in numbers
        ]
        support, best = max(scored)
        if support < MIN_SUPPORT:
            removed.append({"text": sentence, "reason": f"not supported by the passage it cites (overlap {support:.2f})"})
            continue
        kept.append(GeneratedSentence(claim if claim[-1:] in ".!?" else claim + ".", best, round(support, 3)))
    return Generation(kept, removed)


def _support(terms: set[str], numbers: set[str], passage_terms: set[str], passage_numbers: set[str]) -> float:
    if numbers - passage_numbers:
        return 0.0  # a number the passage does not state is the commonest invention
    return len(terms & passage_terms) / len(terms) if terms else 0.0

"""A generated population of copies and of look-alikes that are not copies (issue 28, part 1), on
which the copy detector's curve is measured and a representation and threshold can be chosen.

Seeded, no network. Originals are real articles: the seeds, the test articles, and FacQA's news
passages joined eight at a time into articles. Each original gets:

- **reposts** with the edits syndication makes, at a controlled share of changed words (5-40%):
  a new title and dateline with an outlet tag, a boilerplate footer, dropped sentences, a sentence
  or quote added from elsewhere, a quote shortened, two sentences merged or one split, paragraphs
  reordered, truncation to the first half, the gazetteers' synonyms ("nota kesepahaman" for "MoU",
  "Tiongkok" for "China"), and word rewrites (runs of one to four words replaced by words of the
  same corpus) until the share is reached;
- **same-event reports**: another article's wording carrying this one's names and dates, sometimes
  with one of its quotes (two outlets at one press conference quote the same mayor), and the test
  articles' real pairs (two outlets on one signing; a report and its correction);
- **same-template articles**: two different articles under one outlet's title, dateline and footer.

The share of changed words is measured, not assumed: the share of the copy's words that are not
among the original's (as multisets), the measure of "97% of its words are in the release".

    python -m tests.reposts     prints the detector's curve (on the half of the originals that did
                                not choose its threshold, and on all) and the selection half's
                                highest-scoring pair that is not a copy
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from rag.index import copies
from rag.ingest.cleaning import clean
from rag.register.words import COUNTRIES, ORGANISATIONS
from rag.text.dates import find_dates
from tests.conftest import CORPUS, SHARED
from tests.newsroom.articles import ARTICLES, HELD_OUT

FACQA = SHARED / "data" / "facqa" / "passages.jsonl"
SHARES = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40)
PASSAGES_PER_ARTICLE = 8

Kind = Literal["repost", "same_event", "same_template"]
Family = Literal["syndication", "rewording"]
FAMILIES: tuple[Family, ...] = ("syndication", "rewording")

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
# Synonyms a rewriting editor uses, from the register's gazetteers and the forms' own alternatives.
_FORM_SYNONYMS = (
    ("MoU", "nota kesepahaman", "memorandum of understanding"),
    ("kota kembar", "sister city", "kota bersaudara"),
    ("Wali Kota", "Walikota"),
    ("Pemerintah Kota", "Pemkot"),
    ("surat pernyataan minat", "letter of interest", "LoI"),
    ("kerja sama", "kerjasama", "kemitraan"),
    ("menandatangani", "meneken", "meneken"),
    ("ditandatangani", "diteken"),
    ("mengatakan", "menyebut", "menuturkan", "ujar"),
    ("Selasa", "Selasa lalu"),
)
OUTLETS = ("ANTARA", "Kompas.com", "Tribunnews", "detikcom", "Suara Merdeka", "Warta Kota", "Radar", "Okezone")
FOOTERS = (
    "Baca juga: {title}\nEditor: {editor}\nIkuti berita terkini {outlet} di Google News, klik di sini.",
    "(Editor: {editor})",
    "Simak berita dan artikel lainnya di Google News {outlet}. Copyright © {outlet}. All rights reserved.",
    "Pewarta: {editor}\nEditor: {editor}\nCOPYRIGHT © {outlet} 2023",
    "Dapatkan update berita pilihan dan breaking news setiap hari dari {outlet}. Mari bergabung di Grup "
    "Telegram {outlet}, caranya klik link berikut, kemudian join. Anda harus instal aplikasi Telegram terlebih dulu.",
)
EDITORS = ("Rina Kusuma", "Agus Salim", "Dewi Lestari", "Budi Santoso", "Siti Aminah")


@dataclass(frozen=True)
class Original:
    id: str
    title: str
    text: str
    language: str


@dataclass(frozen=True)
class GeneratedPair:
    kind: Kind
    original: str  # the original's id
    first: str
    second: str
    changed: float  # share of the second text's words that are not among the first's
    target: float | None = None  # the share the reposter aimed at
    edits: tuple[str, ...] = ()
    family: Family | None = None

    @property
    def is_copy(self) -> bool:
        return self.kind == "repost"


def originals() -> list[Original]:
    seeds = [Original(p.stem, p.read_text(encoding="utf-8").split("\n", 1)[0], p.read_text(encoding="utf-8"), "id")
             for p in sorted(CORPUS.glob("*.txt"))]
    tests = [Original(a["id"], a["title"], a["text"], "en" if a["id"].endswith("-en") or a["outlet"] == "Jakarta Globe"
                      else "id") for a in ARTICLES + HELD_OUT]
    passages = [json.loads(line)["text"] for line in FACQA.read_text(encoding="utf-8").splitlines()]
    joined = []
    for start in range(0, len(passages) - PASSAGES_PER_ARTICLE + 1, PASSAGES_PER_ARTICLE):
        chunk = passages[start:start + PASSAGES_PER_ARTICLE]
        joined.append(Original(f"facqa-article-{start // PASSAGES_PER_ARTICLE:03d}", _words(chunk[0], 8),
                               "\n".join(chunk), "id"))
    return seeds + tests + joined


def changed_share(original: str, copy: str) -> float:
    """The share of `copy`'s words that are not among `original`'s, counted as multisets."""
    source, words = Counter(_tokens(original)), _tokens(copy)
    kept = sum((Counter(words) & source).values())
    return 1 - kept / max(1, len(words))


def population(seed: int = 28) -> list[GeneratedPair]:
    """Every original's reposts at each share, its same-event reports and same-template pairs, and the
    test articles' real different reports of one event."""
    rng = random.Random(seed)
    articles = originals()
    vocabulary = {language: [w for a in articles if a.language == language for w in a.text.split()]
                  for language in ("id", "en")}
    pairs: list[GeneratedPair] = []
    for article in articles:
        others = [a for a in articles if _story(a) != _story(article) and a.language == article.language] or \
            [a for a in articles if _story(a) != _story(article)]
        for family in FAMILIES:
            for share in SHARES:
                pairs.append(repost(article, share, rng, others, vocabulary[article.language], family))
        for _ in range(3):
            pairs.append(same_event(article, rng.choice(others), rng))
        pairs.append(same_template(article, rng.choice(others), rng))
    pairs.extend(_real_same_event_pairs())
    return pairs


def repost(article: Original, share: float, rng: random.Random, others: list[Original],
           vocabulary: list[str], family: Family = "syndication") -> GeneratedPair:
    """A repost aiming at `share` changed words. Syndication: a random subset of the edits outlets
    make (each kept only while the share stays under the target), then material added (sentences and
    quotes from the outlet's other reports, a longer footer) until the target is reached. Rewording,
    the harder family: the same edits, then runs of one to four words replaced by other words of
    the same language, as an editor rewording every sentence a little."""
    text, edits = article.text, []
    for name, edit in rng.sample(_STRUCTURAL, k=rng.randint(2, len(_STRUCTURAL))):
        candidate = edit(text, rng, article, others)
        if candidate != text and changed_share(article.text, candidate) <= share:
            text = candidate
            edits.append(name)
    if family == "syndication":
        text, added = _add_until(article.text, text, share, rng, others)
        edits.extend(added)
    else:
        text = _rewrite_until(article.text, text, share, rng, vocabulary)
        edits.append("rewritten words")
    return GeneratedPair("repost", article.id, article.text, text, round(changed_share(article.text, text), 3),
                         share, tuple(edits), family)


def same_event(article: Original, other: Original, rng: random.Random) -> GeneratedPair:
    """`other`'s wording with `article`'s names and dates: another outlet's report of the same event;
    half the time it also carries one sentence of `article` (the same quote heard at one press conference)."""
    names = _names(article.text)
    replacement = {}
    for i, name in enumerate(_names(other.text)):
        if names:
            replacement[name] = names[i % len(names)]
    text = other.text
    for old, new in sorted(replacement.items(), key=lambda item: -len(item[0])):
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    dates = [m.text for m in find_dates(article.text)]
    if dates:
        for mention in find_dates(text):
            text = text.replace(mention.text, rng.choice(dates))
    edits = ["names and dates of the original"]
    if rng.random() < 0.5:
        sentences = _sentences(article.text)
        quoted = [s for s in sentences if re.search(r"[\"“”]|\b(kata|ujar|said|mengatakan)\b", s)] or sentences
        text = _insert_sentence(text, rng.choice(quoted), rng)
        edits.append("one shared sentence")
    return GeneratedPair("same_event", article.id, article.text, text, round(changed_share(article.text, text), 3),
                         edits=tuple(edits))


def same_template(article: Original, other: Original, rng: random.Random) -> GeneratedPair:
    """Two different articles under one outlet's title line, dateline and footer."""
    outlet, editor = rng.choice(OUTLETS), rng.choice(EDITORS)
    footer = rng.choice(FOOTERS[:1] + FOOTERS[2:])

    def dressed(item: Original) -> str:
        return (f"{item.title} - {outlet}\nJAKARTA, {outlet} - {item.text}\n"
                + footer.format(title=f"{outlet} Hari Ini", editor=editor, outlet=outlet))

    first, second = dressed(article), dressed(other)
    return GeneratedPair("same_template", article.id, first, second, round(changed_share(first, second), 3),
                         edits=("one outlet's template",))


def _real_same_event_pairs() -> list[GeneratedPair]:
    """The test articles' own different reports of one event."""
    texts = {a["id"]: a["text"] for a in ARTICLES}
    pairs = (("bandung-hamamatsu-kompas", "bandung-hamamatsu-antara"), ("makassar-davao-first", "makassar-davao-correction"),
             ("semarang-brisbane-plan", "semarang-brisbane-signed"))
    return [GeneratedPair("same_event", a, texts[a], texts[b], round(changed_share(texts[a], texts[b]), 3),
                          edits=("written by the tests",)) for a, b in pairs]


# Structural edits: (name, edit(text, rng, article, others) -> text).
def _new_title_and_dateline(text, rng, article, others):
    outlet = rng.choice(OUTLETS)
    title = _words(article.title, rng.randint(4, 9))
    return f"{title} - {outlet}\n{rng.choice(('JAKARTA', 'SURABAYA', 'BANDUNG', 'KOTA'))}, ({outlet}) - {text}"


def _footer(text, rng, article, others):
    outlet = rng.choice(OUTLETS)
    return text + "\n" + rng.choice(FOOTERS).format(title=rng.choice(others).title, editor=rng.choice(EDITORS),
                                                    outlet=outlet)


def _drop_sentence(text, rng, article, others):
    sentences = _sentences(text)
    if len(sentences) < 3:
        return text
    return _without(text, sentences[rng.randrange(1, len(sentences))])


def _add_sentence(text, rng, article, others):
    return _insert_sentence(text, rng.choice(_sentences(rng.choice(others).text)), rng)


def _shorten_quote(text, rng, article, others):
    sentences = [s for s in _sentences(text) if len(s.split()) > 12]
    if not sentences:
        return text
    sentence = rng.choice(sentences)
    words = sentence.split()
    return text.replace(sentence, " ".join(words[: len(words) * 2 // 3]).rstrip(",;") + ".", 1)


def _merge_sentences(text, rng, article, others):
    sentences = _sentences(text)
    if len(sentences) < 2:
        return text
    i = rng.randrange(len(sentences) - 1)
    first, second = sentences[i], sentences[i + 1]
    joined = f"{first.rstrip('.!?')}, {rng.choice(('dan', 'sementara', 'and'))} {second[:1].lower()}{second[1:]}"
    return text.replace(f"{first} {second}", joined, 1) if f"{first} {second}" in text else text


def _split_sentence(text, rng, article, others):
    sentences = [s for s in _sentences(text) if ", " in s]
    if not sentences:
        return text
    sentence = rng.choice(sentences)
    head, tail = sentence.split(", ", 1)
    return text.replace(sentence, f"{head}. {tail[:1].upper()}{tail[1:]}", 1)


def _reorder_paragraphs(text, rng, article, others):
    paragraphs = text.split("\n")
    if len(paragraphs) < 3:
        return text
    i = rng.randrange(1, len(paragraphs) - 1)
    paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    return "\n".join(paragraphs)


def _truncate(text, rng, article, others):
    sentences = _sentences(text)
    if len(sentences) < 4:
        return text
    last = sentences[len(sentences) // 2 - 1]
    return text[: text.index(last) + len(last)]


def _synonyms(text, rng, article, others):
    groups = list(_FORM_SYNONYMS) + _alias_groups()
    rng.shuffle(groups)
    for group in groups:
        present = [w for w in group if re.search(rf"\b{re.escape(w)}\b", text)]
        if present:
            old = present[0]
            text = re.sub(rf"\b{re.escape(old)}\b", rng.choice([w for w in group if w != old]), text)
    return text


_STRUCTURAL = (
    ("new title and dateline", _new_title_and_dateline), ("footer", _footer), ("dropped sentence", _drop_sentence),
    ("added sentence", _add_sentence), ("shortened quote", _shorten_quote), ("merged sentences", _merge_sentences),
    ("split sentence", _split_sentence), ("reordered paragraphs", _reorder_paragraphs), ("truncated", _truncate),
    ("synonyms", _synonyms),
)


def _add_until(original: str, text: str, share: float, rng: random.Random,
               others: list[Original]) -> tuple[str, list[str]]:
    """Sentences of the outlet's other reports added until `share` is reached (the last one cut to fit)."""
    added = []
    for _ in range(200):
        now = changed_share(original, text)
        if now >= share:
            break
        sentence = rng.choice(_sentences(rng.choice(others).text))
        words = len(_tokens(text))
        needed = max(1, round((share * words - now * words) / (1 - share)))
        if len(_tokens(sentence)) > needed:
            sentence = " ".join(sentence.split()[:needed]).rstrip(",;") + "."
        text = _insert_sentence(text, sentence, rng)
        added.append("added sentence")
    return text, added[:1] * bool(added)


def _rewrite_until(original: str, text: str, share: float, rng: random.Random, vocabulary: list[str]) -> str:
    """Runs of one to four words replaced by words of the same language until `share` is reached."""
    words = text.split(" ")
    for _ in range(len(words) * 2):
        if changed_share(original, " ".join(words)) >= share:
            break
        start, length = rng.randrange(len(words)), rng.randint(1, 4)
        for i in range(start, min(len(words), start + length)):
            if "\n" not in words[i]:
                words[i] = rng.choice(vocabulary)
    return " ".join(words)


def _story(article: Original) -> str:
    """The test articles' press release and its reposts are one story: never another's negative."""
    return "malang-chiangmai" if article.id.startswith("malang-chiangmai-") else article.id


def _alias_groups() -> list[tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for alias, name in {**COUNTRIES, **ORGANISATIONS}.items():
        groups.setdefault(name, []).append(alias)
    return [tuple(g) for g in groups.values() if len(g) > 1]


def _names(text: str) -> list[str]:
    """Capitalised runs not at a sentence's start, in order of first appearance."""
    found = re.findall(r"(?<![.!?\n]\s)(?<!^)\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)*)", text)
    return list(dict.fromkeys(found))


def _sentences(text: str) -> list[str]:
    return [s for line in text.split("\n") for s in _SENTENCE_END.split(line) if s.strip()]


def _insert_sentence(text: str, sentence: str, rng: random.Random) -> str:
    sentences = _sentences(text)
    anchor = sentences[rng.randrange(len(sentences))]
    return text.replace(anchor, f"{anchor} {sentence}", 1)


def _without(text: str, sentence: str) -> str:
    return re.sub(r"[ \t]{2,}", " ", text.replace(sentence, "", 1)).strip()


def _words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Doc:
    """A text as the build reads it: its content is what cleaning keeps (rag/ingest/cleaning.py)."""

    id: str
    text: str
    date: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()  # the same in every process, as the build's

    @property
    def content(self) -> str:
        return "\n".join(self.text[b.start:b.end] for b in clean(self.text).blocks)


def in_selection_half(pair: GeneratedPair) -> bool:
    """Half the originals choose the threshold; the curve is reported on the other half."""
    return zlib.crc32(pair.original.encode()) % 2 == 0


def score(pair: GeneratedPair) -> float:
    """The detector's score of the pair's contents: their shingle sets' Ochiai coefficient."""
    return copies.similarity(Doc("a", pair.first).content, Doc("b", pair.second).content)


def highest_negative(pairs: list[GeneratedPair]) -> float:
    """The threshold must stand above this: the best-scoring pair that is not a copy."""
    return max(score(p) for p in pairs if not p.is_copy)


def detected(pair: GeneratedPair) -> bool:
    """Whether the build's copy detector (LSH candidates, then the exact score) groups the pair."""
    return bool(copies.find_copies([Doc("a", pair.first), Doc("b", pair.second)]).pairs)


def curve(pairs: list[GeneratedPair]) -> dict:
    """Recall by family and share of changed words; false positives and precision on the negatives."""
    found = [detected(p) for p in pairs]
    recall: dict[str, dict[str, float]] = {}
    for family in FAMILIES:
        for share in SHARES:
            hits = [f for p, f in zip(pairs, found) if p.is_copy and p.family == family and p.target == share]
            recall.setdefault(family, {})[f"{share:.2f}"] = round(sum(hits) / len(hits), 3)
    negatives = Counter(p.kind for p in pairs if not p.is_copy)
    false = Counter(p.kind for p, f in zip(pairs, found) if f and not p.is_copy)
    true_syndication = sum(f for p, f in zip(pairs, found) if p.is_copy and p.family == "syndication")
    return {"pairs": len(pairs), "reposts": sum(p.is_copy for p in pairs), "negatives": dict(negatives),
            "recall": recall, "false_positives": dict(false),
            "precision_syndication": round(true_syndication / max(1, true_syndication + sum(false.values())), 4)}


if __name__ == "__main__":
    generated = population()
    selection = [p for p in generated if in_selection_half(p)]
    print(json.dumps({"selection_half_highest_negative": round(highest_negative(selection), 3),
                      "threshold": copies.THRESHOLD,
                      "report_half": curve([p for p in generated if not in_selection_half(p)]),
                      "all": curve(generated)}, indent=2))

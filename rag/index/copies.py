"""Copies: one story carried by several articles (a press release reposted by three outlets, a wire
story with light edits), so that three reports of it are counted as one independent source.

Two articles are copies when their content (the article without its site furniture: dateline,
credits, "Baca juga", copyright) shares enough word 4-shingles: their Ochiai coefficient
|A ∩ B| / sqrt(|A|·|B|) is at least THRESHOLD. Ochiai rather than Jaccard because a repost is often
cut short or lengthened by an outlet's own sentences, and Jaccard punishes the size difference
twice. Candidate pairs come from banding MinHash signatures of the shingles (LSH, bands chosen to
find pairs from a Jaccard similarity of CANDIDATE_JACCARD); the signatures and each article's
shingle count estimate a candidate's coefficient in one vectorised pass, and only those the
estimate cannot settle are counted exactly, all at once as sparse row products. A new or changed
article is compared with every other; pairs between unchanged articles are kept from the last build.

A group forms around its origin, the earliest article (by publication date, then id; undated ones
last): an article joins the group of the earliest origin it is itself a copy of, so that copies
never chain (A like B, B like C, C unlike A) into one group.

The representation and threshold were chosen on a generated population (tests/reposts.py:
reposts with syndication's edits at 5-40% changed words, and same-event reports and same-template
articles that are not copies); `python -m tests.reposts` prints the curve, docs/copies.md has it.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from rag.text.messages import ANSWERS, in_language

# Word 4-shingles: on the population, 2- and 3-shingles let same-event reports through at the
# threshold that keeps reposts (names, dates and stock phrases are shared in 2- and 3-word runs);
# 5-shingles lose more reposts to rewording.
SHINGLE_WORDS = 4
NUM_PERM = 128
# Ochiai coefficient from which two articles are copies: the lowest that admits none of the
# population's 787 same-event and same-template pairs (their highest: 0.346, two 40-word English
# reports sharing one quoted sentence), measured with `python -m tests.reposts`.
THRESHOLD = 0.35
# How far from THRESHOLD the estimate must put a pair to settle it without an exact count: two
# standard errors of the estimate near THRESHOLD with 128 permutations.
ESTIMATE_MARGIN = 0.1
# Candidates' lowest Jaccard similarity: a pair at THRESHOLD with one text four times the other.
CANDIDATE_JACCARD = 0.16
LSH_WEIGHTS = (0.2, 0.8)
# A band key shared by more articles than this (boilerplate, empty texts) links them in a chain
# instead of every pair: the work stays linear.
_BUCKET_PAIRS_LIMIT = 64
_WORD = re.compile(r"\w+")
# How a shingle is hashed and signed: stored with the signatures, so that a build never compares a
# signature made one way with one made another (the next build signs every article again).
SIGNATURE_SCHEME = "word crc32 mixed by place; multiply-add-shift minhash"


class Readable(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def date(self) -> str | None: ...

    @property
    def content_hash(self) -> str: ...

    @property
    def content(self) -> str: ...


@dataclass(frozen=True)
class SourceCount:
    """How many articles carry what was cited, and how many of them are independent reports."""

    reports: int
    independent: int

    def to_json(self) -> dict:
        return {"reports": self.reports, "independent": self.independent}

    def said(self, language: str) -> str | None:
        """"From 4 reports, 1 of them independent", when copies make the two differ; else nothing to say."""
        if self.reports == self.independent:
            return None
        return in_language(ANSWERS, language)["reports"].format(reports=self.reports, independent=self.independent)


@dataclass(frozen=True)
class CopyGroups:
    """Groups of copies, each origin first then the others by date; an article in none stands alone."""

    groups: tuple[tuple[str, ...], ...] = ()
    _group_of: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._group_of.update({member: group for group in self.groups for member in group})

    def group_of(self, article_id: str) -> tuple[str, ...]:
        return self._group_of.get(article_id, (article_id,))

    def origin_of(self, article_id: str) -> str:
        return self.group_of(article_id)[0]

    def count(self, article_ids: Iterable[str]) -> SourceCount:
        """These articles as reports, and as independent reports: one per group of copies."""
        ids = set(article_ids)
        return SourceCount(len(ids), len({self.origin_of(a) for a in ids}))

    def to_json(self) -> list[list[str]]:
        return [list(group) for group in self.groups]

    @classmethod
    def from_json(cls, rows: object) -> CopyGroups:
        if not isinstance(rows, list) or not all(isinstance(r, list) and all(isinstance(a, str) for a in r) for r in rows):
            raise ValueError("copy groups are not lists of article ids")
        return cls(tuple(tuple(r) for r in rows))


@dataclass(frozen=True)
class Signatures:
    """One MinHash signature per article, rows in `ids` order, with the text hash each was made from."""

    ids: list[str]
    hashes: list[str]
    values: np.ndarray  # (articles, NUM_PERM) uint32
    sizes: np.ndarray  # (articles,) int64: how many distinct shingles each article has
    # (articles,) int64: the shingles of each article's longest sentence; two articles that share
    # no more than that may share one sentence (a quote), which makes no copy.
    longest: np.ndarray

    @classmethod
    def empty(cls) -> Signatures:
        return cls([], [], np.zeros((0, NUM_PERM), dtype=np.uint32), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    similarity: float


@dataclass(frozen=True)
class CopyIndex:
    """What a build stores and the next one reuses: the signatures, and the copy pairs found."""

    signatures: Signatures
    pairs: tuple[Pair, ...]
    groups: CopyGroups
    # The LSH bands and rows per band the pairs were found with (lsh_bands), kept for the next build.
    bands: tuple[int, int]
    # Signatures computed by this build (the others were reused).
    computed: int = 0


def shingle_hashes(text: str) -> np.ndarray:
    """The text's distinct word shingles' hashes, sorted."""
    return shingle_sets([text])[0][0]


def longest_sentence(text: str) -> int:
    """How many shingles the text's longest sentence has."""
    return int(shingle_sets([text])[1][0])


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A shingle's hash: its words' CRC-32s weighed by one odd 64-bit constant per place (so that word
# order counts), summed, the top 32 bits kept. A text shorter than a shingle is one shingle of what it has.
_PLACES = np.random.default_rng(20161118).integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)


def shingle_sets(texts: Sequence[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Each text's distinct shingle hashes (sorted uint32) and its longest sentence's shingle count.
    Words are hashed once each (a text's words recur across its shingles), and the shingles of
    all texts are made, and made distinct, in one numpy pass."""
    if not texts:
        return [], np.zeros(0, dtype=np.int64)
    hashed, counts, longest = _word_hashes(texts)
    # Each text's word hashes, then zeros to the end of its last shingle (a text with no word has one).
    segments = np.maximum(counts, 1) + SHINGLE_WORDS - 1
    starts = np.r_[0, np.cumsum(segments)[:-1]]
    padded = np.zeros(int(segments.sum()), dtype=np.uint64)
    padded[_runs(starts, counts)] = hashed
    shingles = np.maximum(1, counts - SHINGLE_WORDS + 1)
    first = _runs(starts, shingles)
    mixed = sum((padded[first + place] * _PLACES[place] for place in range(SHINGLE_WORDS)), np.zeros(len(first), dtype=np.uint64))
    owner = np.repeat(np.arange(len(texts), dtype=np.uint64), shingles)
    keys = _sorted_distinct((owner << np.uint64(32)) | (mixed >> np.uint64(32)))
    sizes = np.bincount((keys >> np.uint64(32)).astype(np.int64), minlength=len(texts))
    return np.split((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), np.cumsum(sizes)[:-1]), longest


def _word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All texts' words' CRC-32s in one array (never 0, which pads), each text's word count, and
    each text's longest sentence's shingle count."""
    known: dict[str, int] = {}
    hashed: list[int] = []
    counts, longest = np.zeros(len(texts), dtype=np.int64), np.ones(len(texts), dtype=np.int64)
    for row, text in enumerate(texts):
        sentences = [_WORD.findall(sentence) for sentence in _SENTENCE_END.split(text.lower())]
        for words in sentences:
            hashed.extend(known.get(w) or known.setdefault(w, zlib.crc32(w.encode("utf-8")) or 1) for w in words)
            counts[row] += len(words)
        longest[row] = max(1, max(len(words) for words in sentences) - SHINGLE_WORDS + 1)
    return np.array(hashed, dtype=np.uint64), counts, longest


def _runs(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """starts[i], starts[i] + 1, …, starts[i] + lengths[i] - 1 for every i, in one array."""
    return np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths) + np.arange(int(lengths.sum()))


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy 2's hashed unique is ten times slower on millions of integers."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


# NUM_PERM hash functions h -> (a·h + b) >> 32 (multiply-add-shift, a odd): the minimum of each over
# a text's shingles is its signature. Drawn once from a fixed seed, so signatures keep across builds.
_A = np.random.default_rng(20161116).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = np.random.default_rng(20161117).integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
# Shingles hashed in one step: a few thousand, so that the (shingles, NUM_PERM) products stay in the
# processor's cache (three times faster than a thousand texts a step).
_STEP_SHINGLES = 2_048


def minhashes(shingled: list[np.ndarray]) -> np.ndarray:
    """(texts, NUM_PERM) uint32 signatures of many texts' shingle hashes, a few texts a step."""
    out = np.full((len(shingled), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    lengths = np.array([len(h) for h in shingled], dtype=np.int64)
    filled = np.nonzero(lengths)[0]
    if not len(filled):
        return out
    cumulative = np.cumsum(lengths[filled])
    ends = np.searchsorted(cumulative, np.arange(_STEP_SHINGLES, cumulative[-1], _STEP_SHINGLES), side="right")
    for rows in np.split(filled, np.unique(ends)):
        if len(rows):
            values = np.concatenate([shingled[i] for i in rows]).astype(np.uint64)
            permuted = ((values[:, None] * _A + _B) >> np.uint64(32)).astype(np.uint32)
            out[rows] = np.minimum.reduceat(permuted, np.r_[0, np.cumsum(lengths[rows])[:-1]], axis=0)
    return out


def similarity(first: str, second: str) -> float:
    """The Ochiai coefficient of the two texts' shingle sets."""
    a, b = shingle_hashes(first), shingle_hashes(second)
    return len(np.intersect1d(a, b, assume_unique=True)) / float(np.sqrt(len(a) * len(b))) if len(a) and len(b) else 0.0


def find_copies(articles: Sequence[Readable], previous: CopyIndex | None = None) -> CopyIndex:
    """The copy groups of `articles`; signatures and pairs of articles whose text is unchanged
    since `previous` are reused, and only new or changed articles are compared with the rest."""
    signatures, fresh, shingles = _signatures(articles, previous.signatures if previous else None)
    hashes = {a.id: a.content_hash for a in articles}
    kept = [p for p in (previous.pairs if previous else ()) if p.first not in fresh and p.second not in fresh
            and p.first in hashes and p.second in hashes]
    banding = previous.bands if previous is not None else lsh_bands()
    bands = _band_keys(signatures.values, banding)
    if previous is None or len(fresh) * 4 > len(articles):
        blocks = list(_candidate_pairs(bands))
        kept = []
    else:
        rows = {article_id: row for row, article_id in enumerate(signatures.ids)}
        blocks = list(_pairs_with(bands, sorted(rows[a] for a in fresh)))
    candidates = _unique_pairs(blocks, len(articles))
    estimate, common = _estimated(signatures, candidates)
    beyond = np.minimum(signatures.longest[candidates[:, 0]], signatures.longest[candidates[:, 1]]) if len(candidates) \
        else np.zeros(0)
    sure = (estimate >= THRESHOLD + ESTIMATE_MARGIN) & (common > 1.5 * beyond)
    unsure = ~sure & (estimate >= THRESHOLD - ESTIMATE_MARGIN)
    counted, shared = _exact(candidates[unsure], lambda rows: _shingles_of(rows, shingles, articles))
    settled = (counted >= THRESHOLD) & (shared > beyond[unsure])
    found = {(p.first, p.second): p for p in kept}
    for (a, b), score in [*zip(candidates[sure].tolist(), estimate[sure].tolist()),
                          *zip(candidates[unsure][settled].tolist(), counted[settled].tolist())]:
        first, second = sorted((signatures.ids[a], signatures.ids[b]))
        found[(first, second)] = Pair(first, second, round(float(score), 3))
    pairs = tuple(sorted(found.values(), key=lambda p: (p.first, p.second)))
    return CopyIndex(signatures, pairs, _groups(pairs, {a.id: a.date for a in articles}), banding, len(fresh))


def _estimated(signatures: Signatures, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's Ochiai coefficient and common shingles, estimated from the signatures' Jaccard
    similarity J and the shingle counts (|A ∩ B| = J (|A| + |B|) / (1 + J)), in blocks to bound memory."""
    estimates, commons = np.zeros(len(pairs)), np.zeros(len(pairs))
    for start in range(0, len(pairs), 200_000):
        block = pairs[start:start + 200_000]
        jaccard = (signatures.values[block[:, 0]] == signatures.values[block[:, 1]]).mean(axis=1)
        first, second = signatures.sizes[block[:, 0]], signatures.sizes[block[:, 1]]
        common = jaccard * (first + second) / (1 + jaccard)
        commons[start:start + len(block)] = common
        estimates[start:start + len(block)] = common / np.sqrt(np.maximum(first * second, 1))
    return estimates, commons


def _shingles_of(rows: np.ndarray, known: dict[int, np.ndarray], articles: Sequence[Readable]) -> list[np.ndarray]:
    """The rows' shingle sets: those this build made, the others (unchanged articles) made now, in one batch."""
    missing = [int(row) for row in rows if int(row) not in known]
    made = dict(zip(missing, shingle_sets([articles[row].content for row in missing])[0]))
    return [known[int(row)] if int(row) in known else made[int(row)] for row in rows]


def _exact(pairs: np.ndarray, shingles_of: Callable[[np.ndarray], list[np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's Ochiai coefficient and common shingles, counted on the shingle sets: the articles
    involved as rows of one sparse matrix (a column per shingle), all pairs' common shingles as row products."""
    if not len(pairs):
        return np.zeros(0), np.zeros(0)
    from scipy import sparse

    rows = _sorted_distinct(pairs.ravel())
    shingled = shingles_of(rows)
    columns, compact = np.unique(np.concatenate(shingled), return_inverse=True)
    lengths = np.array([len(h) for h in shingled])
    matrix = sparse.csr_matrix((np.ones(len(compact), dtype=np.float32), compact, np.r_[0, np.cumsum(lengths)]),
                               shape=(len(rows), len(columns)))
    where = np.searchsorted(rows, pairs)
    scores, commons = np.zeros(len(pairs)), np.zeros(len(pairs))
    for start in range(0, len(pairs), 100_000):
        block = where[start:start + 100_000]
        common = np.asarray(matrix[block[:, 0]].multiply(matrix[block[:, 1]]).sum(axis=1)).ravel()
        sizes = lengths[block[:, 0]] * lengths[block[:, 1]]
        commons[start:start + len(block)] = common
        scores[start:start + len(block)] = common / np.sqrt(np.maximum(sizes, 1))
    return scores, commons


def _signatures(articles: Sequence[Readable],
                previous: Signatures | None) -> tuple[Signatures, set[str], dict[int, np.ndarray]]:
    """Each article's signature, reused where the same article had the same text; the ids made
    anew; and their shingles, by row, for the exact counts that may follow."""
    known = {(i, h): row for row, (i, h) in enumerate(zip(previous.ids, previous.hashes))} if previous else {}
    values = np.zeros((len(articles), NUM_PERM), dtype=np.uint32)
    sizes, longest = np.zeros(len(articles), dtype=np.int64), np.zeros(len(articles), dtype=np.int64)
    fresh_rows = []
    for row, article in enumerate(articles):
        old = known.get((article.id, article.content_hash))
        if old is not None and previous is not None:
            values[row], sizes[row], longest[row] = previous.values[old], previous.sizes[old], previous.longest[old]
        else:
            fresh_rows.append(row)
    made, longest[fresh_rows] = shingle_sets([articles[row].content for row in fresh_rows])
    sizes[fresh_rows] = [len(h) for h in made]
    values[fresh_rows] = minhashes(made)
    fresh, shingles = {articles[row].id for row in fresh_rows}, dict(zip(fresh_rows, made))
    return (Signatures([a.id for a in articles], [a.content_hash for a in articles], values, sizes, longest),
            fresh, shingles)


@functools.cache
def lsh_bands() -> tuple[int, int]:
    """Bands and rows per band, as datasketch chooses them for CANDIDATE_JACCARD, a missed pair
    weighed four times a needless candidate (a candidate costs a vectorised estimate). Stored with
    the copy index: importing datasketch and integrating its error curves took 0.5 s of a build
    that adds one article."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


_MIX = np.random.default_rng(20161116).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)


def _band_keys(values: np.ndarray, banding: tuple[int, int]) -> np.ndarray:
    """(articles, bands) 64-bit keys: equal keys mean (but for a rare collision, checked later) an equal band."""
    bands, rows = banding
    mixed = values[:, : bands * rows].astype(np.uint64) * _MIX[: bands * rows]
    return mixed.reshape(len(values), bands, rows).sum(axis=2, dtype=np.uint64)


def _candidate_pairs(bands: np.ndarray) -> Iterator[np.ndarray]:
    """Blocks of (pairs, 2) rows that share a band key: each band sorted once, runs of equal keys
    read off, and the pairs of all runs of one length made in one step. A pair may recur."""
    for column in bands.T:
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        starts = np.nonzero(np.r_[True, ordered[1:] != ordered[:-1]])[0]
        lengths = np.diff(np.r_[starts, len(ordered)])
        for length in np.unique(lengths[lengths > 1]):
            members = np.sort(order[starts[lengths == length][:, None] + np.arange(length)], axis=1)
            if length > _BUCKET_PAIRS_LIMIT:
                first, second = np.arange(length - 1), np.arange(1, length)
            else:
                first, second = np.triu_indices(length, 1)
            yield np.stack([members[:, first].ravel(), members[:, second].ravel()], axis=1)


def _pairs_with(bands: np.ndarray, rows: list[int]) -> Iterator[np.ndarray]:
    """Blocks of (pairs, 2): each of `rows` with every row sharing one of its band keys."""
    for row in rows:
        others = np.nonzero((bands == bands[row]).any(axis=1))[0]
        others = others[others != row]
        yield np.stack([np.minimum(others, row), np.maximum(others, row)], axis=1)


def _unique_pairs(blocks: list[np.ndarray], rows: int) -> np.ndarray:
    """The distinct pairs, each (smaller row, larger row), sorted: unique as one 64-bit key each."""
    if not blocks:
        return np.zeros((0, 2), dtype=np.int64)
    keys = _sorted_distinct(np.concatenate([block[:, 0].astype(np.int64) * rows + block[:, 1] for block in blocks]))
    return np.stack([keys // rows, keys % rows], axis=1)


def _groups(pairs: Iterable[Pair], dates: dict[str, str | None]) -> CopyGroups:
    """Groups around origins: in date order, an article joins the group of the earliest origin it
    is a copy of, or is an origin itself. A copy of a copy that is unlike the origin starts its own
    group (the story has moved on), so no chain of small likenesses makes one group."""
    partners: dict[str, set[str]] = {}
    for pair in pairs:
        partners.setdefault(pair.first, set()).add(pair.second)
        partners.setdefault(pair.second, set()).add(pair.first)

    def when(article_id: str) -> tuple:
        return dates.get(article_id) is None, dates.get(article_id) or "", article_id

    members: dict[str, list[str]] = {}
    for article_id in sorted(partners, key=when):
        origins = [other for other in partners[article_id] if other in members]
        members[min(origins, key=when)].append(article_id) if origins else members.setdefault(article_id, [article_id])
    return CopyGroups(tuple(sorted(tuple(group) for group in members.values() if len(group) > 1)))


def to_json(index: CopyIndex) -> dict:
    """copies.json: the parameters, the groups (what readers load) and the pairs (what the next build reuses)."""
    return {"shingle_words": SHINGLE_WORDS, "num_perm": NUM_PERM, "threshold": THRESHOLD, "measure": "ochiai, more than one sentence",
            "signature": SIGNATURE_SCHEME, "candidates": _candidates_json(index.bands),
            "groups": index.groups.to_json(), "pairs": [[p.first, p.second, p.similarity] for p in index.pairs]}


def signature_arrays(index: CopyIndex) -> dict[str, np.ndarray]:
    """signatures.npz: each article's id, text hash and signature (in one binary file: 100,000 of
    them would make megabytes of JSON that every reader of copies.json would parse)."""
    signatures = index.signatures
    return {"ids": np.asarray(signatures.ids, dtype=str), "hashes": np.asarray(signatures.hashes, dtype=str),
            "values": signatures.values, "sizes": signatures.sizes, "longest": signatures.longest}


def from_stored(data: dict, arrays) -> CopyIndex | None:
    """The stored copy index, or None if it was made with other parameters (the next build starts afresh)."""
    if (data.get("shingle_words"), data.get("num_perm"), data.get("threshold"), data.get("measure"), data.get("signature")) != (
            SHINGLE_WORDS, NUM_PERM, THRESHOLD, "ochiai, more than one sentence", SIGNATURE_SCHEME) or "longest" not in arrays:
        return None
    ids, hashes, values = arrays["ids"].tolist(), arrays["hashes"].tolist(), arrays["values"]
    sizes, longest = arrays["sizes"], arrays["longest"]
    if values.shape != (len(ids), NUM_PERM) or len(hashes) != len(ids) or sizes.shape != longest.shape != (len(ids),):
        return None
    pairs = tuple(Pair(str(a), str(b), float(s)) for a, b, s in data["pairs"])
    return CopyIndex(Signatures(ids, hashes, values.astype(np.uint32), sizes.astype(np.int64), longest.astype(np.int64)),
                     pairs, CopyGroups.from_json(data["groups"]), _stored_bands(data.get("candidates")))


def _candidates_json(bands: tuple[int, int]) -> dict:
    return {"jaccard": CANDIDATE_JACCARD, "weights": list(LSH_WEIGHTS), "bands": bands[0], "rows": bands[1]}


def _stored_bands(stored: object) -> tuple[int, int]:
    """The bands stored with the copy index where they were chosen for today's candidate settings;
    chosen anew otherwise (an index from before they were stored)."""
    if not isinstance(stored, dict) or (stored.get("jaccard"), stored.get("weights")) != (CANDIDATE_JACCARD, list(LSH_WEIGHTS)):
        return lsh_bands()
    bands, rows = stored.get("bands"), stored.get("rows")
    if not (isinstance(bands, int) and isinstance(rows, int) and bands > 0 and rows > 0 and bands * rows <= NUM_PERM):
        return lsh_bands()
    return bands, rows

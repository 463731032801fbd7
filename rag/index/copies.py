"""Copies: one story carried by several articles (a press release reposted by three outlets, a wire
story with light edits), so that three reports of it are counted as one independent source.

Each article's content (its text without site furniture: dateline, credits, "Baca juga",
copyright) is summarised by a MinHash signature of its word shingles (datasketch); two
articles are copies when their signatures estimate a Jaccard similarity of at least THRESHOLD.
Candidate pairs come from banding the signatures (LSH, with datasketch's choice of bands for the
threshold), so the work grows with the number of articles, not with the number of pairs: a new
or changed article is compared with every other in one vectorised pass, and pairs between
unchanged articles are kept from the last build. Copies are grouped transitively; the earliest
article of a group (by publication date, then id; undated ones last) is its origin.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from rag.text.messages import ANSWERS, in_language

# Word 3-shingles: an edited word breaks three shingles, so a copy with one word in ten changed
# keeps about 0.73 of them; two different reports of the same event share few three-word runs.
SHINGLE_WORDS = 3
NUM_PERM = 128
# Estimated Jaccard similarity from which two articles are copies, measured (`python -m
# tests.test_copies`): different reports of the same events (the seeds, the test articles) reach
# 0.05; of FacQA's 940,000 passage pairs, 14 score 0.1-0.3 (passages sharing a list of names, a
# headline and its article) and none 0.3-0.4, while the 9 between 0.4 and 1 are one passage
# repeated with other tokenisation. A copy with a dateline and footer added, a sentence dropped
# and one word in twenty replaced scores 0.44 at the 5th percentile (median 0.70); a rewrite of
# one word in ten (median 0.49, 5th percentile 0.28) is partly missed: by then it is arguably a
# report of its own.
THRESHOLD = 0.4
# A band key shared by more articles than this (boilerplate, empty texts) links them in a chain
# instead of every pair: the groups are the same, the work stays linear.
_BUCKET_PAIRS_LIMIT = 64
_WORD = re.compile(r"\w+")


class Readable(Protocol):
    id: str
    date: str | None
    content_hash: str

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

    @classmethod
    def empty(cls) -> Signatures:
        return cls([], [], np.zeros((0, NUM_PERM), dtype=np.uint32))


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
    # Signatures computed by this build (the others were reused).
    computed: int = 0


def signature(text: str) -> np.ndarray:
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = [" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8")
                for i in range(max(1, len(words) - SHINGLE_WORDS + 1))]
    minhash = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=_permutations(), scheme="affine32")
    minhash.update_batch(shingles)
    return minhash.hashvalues.astype(np.uint32)


@functools.cache
def _permutations():
    """The seed's permutations, drawn once: drawing them anew for each article took 40% of its signature."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, scheme="affine32").permutations


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The signatures' estimate of the two texts' Jaccard similarity."""
    return float(np.mean(first == second))


def find_copies(articles: Sequence[Readable], previous: CopyIndex | None = None) -> CopyIndex:
    """The copy groups of `articles`; signatures and pairs of articles whose text is unchanged
    since `previous` are reused, and only new or changed articles are compared with the rest."""
    signatures, fresh = _signatures(articles, previous.signatures if previous else None)
    hashes = {a.id: a.content_hash for a in articles}
    kept = [p for p in (previous.pairs if previous else ()) if p.first not in fresh and p.second not in fresh
            and p.first in hashes and p.second in hashes]
    bands = _band_keys(signatures.values)
    rows = {article_id: row for row, article_id in enumerate(signatures.ids)}
    if previous is None or len(fresh) * 4 > len(articles):
        candidates = _candidate_pairs(bands)
        kept = []
    else:
        candidates = set()
        for article_id in fresh:
            row = rows[article_id]
            for other in np.nonzero((bands == bands[row]).any(axis=1))[0]:
                if other != row:
                    candidates.add((min(row, int(other)), max(row, int(other))))
    found = {(p.first, p.second): p for p in kept}
    for a, b in candidates:
        score = similarity(signatures.values[a], signatures.values[b])
        if score >= THRESHOLD:
            first, second = sorted((signatures.ids[a], signatures.ids[b]))
            found[(first, second)] = Pair(first, second, round(score, 3))
    pairs = tuple(sorted(found.values(), key=lambda p: (p.first, p.second)))
    return CopyIndex(signatures, pairs, _groups(pairs, {a.id: a.date for a in articles}), len(fresh))


def _signatures(articles: Sequence[Readable], previous: Signatures | None) -> tuple[Signatures, set[str]]:
    """Each article's signature, reused where the same article had the same text; and the ids made anew."""
    known = {(i, h): row for row, (i, h) in enumerate(zip(previous.ids, previous.hashes))} if previous else {}
    values = np.zeros((len(articles), NUM_PERM), dtype=np.uint32)
    fresh = set()
    for row, article in enumerate(articles):
        old = known.get((article.id, article.content_hash))
        if old is not None:
            values[row] = previous.values[old]
        else:
            values[row] = signature(article.content)
            fresh.add(article.id)
    return Signatures([a.id for a in articles], [a.content_hash for a in articles], values), fresh


@functools.cache
def _bands() -> tuple[int, int]:
    """Bands and rows per band, as datasketch chooses them for THRESHOLD (false negatives and
    positives weighed equally)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


_MIX = np.random.default_rng(20161116).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)


def _band_keys(values: np.ndarray) -> np.ndarray:
    """(articles, bands) 64-bit keys: equal keys mean (but for a rare collision, checked later) an equal band."""
    bands, rows = _bands()
    mixed = values[:, : bands * rows].astype(np.uint64) * _MIX[: bands * rows]
    return mixed.reshape(len(values), bands, rows).sum(axis=2, dtype=np.uint64)


def _candidate_pairs(bands: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of rows that share a band key: each band sorted once, then runs of equal keys read off."""
    candidates: set[tuple[int, int]] = set()
    for column in bands.T:
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        starts = np.nonzero(np.r_[True, ordered[1:] != ordered[:-1]])[0]
        ends = np.r_[starts[1:], len(ordered)]
        for start, end in zip(starts[ends - starts > 1], ends[ends - starts > 1]):
            members = sorted(int(r) for r in order[start:end])
            if len(members) > _BUCKET_PAIRS_LIMIT:
                candidates.update(zip(members, members[1:]))
            else:
                candidates.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    return candidates


def _groups(pairs: Iterable[Pair], dates: dict[str, str | None]) -> CopyGroups:
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    members: dict[str, list[str]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    by_date = [sorted(group, key=lambda a: (dates.get(a) is None, dates.get(a) or "", a)) for group in members.values()]
    return CopyGroups(tuple(tuple(group) for group in sorted(by_date)))


def to_json(index: CopyIndex) -> dict:
    """copies.json: the parameters, the groups (what readers load) and the pairs (what the next build reuses)."""
    return {"shingle_words": SHINGLE_WORDS, "num_perm": NUM_PERM, "threshold": THRESHOLD, "compared": "content",
            "groups": index.groups.to_json(), "pairs": [[p.first, p.second, p.similarity] for p in index.pairs]}


def signature_arrays(index: CopyIndex) -> dict[str, np.ndarray]:
    """signatures.npz: each article's id, text hash and signature (in one binary file: 100,000 of
    them would make megabytes of JSON that every reader of copies.json would parse)."""
    signatures = index.signatures
    return {"ids": np.asarray(signatures.ids, dtype=str), "hashes": np.asarray(signatures.hashes, dtype=str),
            "values": signatures.values}


def from_stored(data: dict, arrays) -> CopyIndex | None:
    """The stored copy index, or None if it was made with other parameters (the next build starts afresh)."""
    if (data.get("shingle_words"), data.get("num_perm"), data.get("threshold"), data.get("compared")) != (
            SHINGLE_WORDS, NUM_PERM, THRESHOLD, "content"):
        return None
    ids, hashes, values = arrays["ids"].tolist(), arrays["hashes"].tolist(), arrays["values"]
    if values.shape != (len(ids), NUM_PERM) or len(hashes) != len(ids):
        return None
    pairs = tuple(Pair(str(a), str(b), float(s)) for a, b, s in data["pairs"])
    return CopyIndex(Signatures(ids, hashes, values.astype(np.uint32)), pairs, CopyGroups.from_json(data["groups"]))

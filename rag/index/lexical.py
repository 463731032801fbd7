"""Lexical search: BM25 (bm25s) over Indonesian-aware terms.

Words carry as much signal as meaning on Indonesian news (FacQA R@1: BM25 0.73, e5 dense 0.69,
MiniLM dense 0.34), and each finds questions the other misses, so this index is half of
retrieval, not a fallback. Terms are
lower-cased words and numbers (dates stay findable as "7", "6", "2016"), function and question
words dropped, stemmed with Snowball's Indonesian stemmer. The analysis settings are saved with
the index, so a query is always analysed the way its index was.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rag.text.forms import form_names_in
from rag.text.lexicon import alternatives

# Function words and question words of Indonesian and English. Question words matter most: "siapa"
# or "kapan" in a question say what kind of answer is wanted, not which passage holds it.
STOPWORDS = frozenset(
    """
    ada adalah adanya agar akan akankah aku anda antara apa apakah apabila atau atas bagai bagaimana
    bagaimanakah bagi bahwa baik banyak beberapa begitu belum berapa berapakah bersama beserta bila
    bisa boleh bukan bukankah dalam dan dapat dari daripada dengan di dia diri dimana dimanakah
    dua ia ialah ini itu jadi jika juga kah kalau kami kamu kapan kapankah karena ke kemudian kenapa
    kepada ketika kita lagi lain lalu maka mana manakah masih melalui mengapa menjadi menurut
    mereka merupakan namun nya oleh pada para pun saat saja sama sebagai sebelum sedang sejak
    sekitar selain seperti serta sesuatu setelah siapa siapakah suatu sudah supaya tahun tak
    tanpa telah tentang tersebut tetapi untuk walau yaitu yakni yang
    a about after all also an and any are as at be been before being besides both but by can could
    did do does for from had has have he her his how i if in into is it its many me much of on or
    our she so than that the their them then there these they this those to too was we were what
    when where which while who whom whose why will with would you
    """.split()
)

# Spelling variants of one word in Indonesian news, folded before stemming.
_VARIANTS = (
    (re.compile(r"\bkerja\s*-?\s*sama\b"), "kerjasama"),
    (re.compile(r"\bwali\s*-?\s*kota\b"), "walikota"),
    (re.compile(r"\bpemkot\b"), "pemerintah kota"),
    (re.compile(r"\bpemkab\b"), "pemerintah kabupaten"),
)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class LexicalSettings:
    """Saved beside the index: changing any of these needs a rebuild."""

    stemmer: str = "indonesian"
    k1: float = 0.9
    b: float = 0.4
    method: str = "lucene"


@dataclass(frozen=True)
class Concept:
    """A key word of a question: its own terms (weight 1) and its lexicon alternatives' terms,
    each weighing how surely it says the same (the judged precision of the pair's band)."""

    words: str  # as the question writes it, lower-cased
    terms: tuple[str, ...]  # the word's own stems first
    weights: tuple[float, ...]
    own: int = 1  # how many of `terms` are the word's own stems
    # Other names of the same form, each as its terms, found only whole: "kembar" is in "sister
    # city", not in "city" alone.
    phrases: tuple[tuple[str, ...], ...] = ()

    def found(self, present: set[str] | frozenset[str]) -> float:
        """How much of the concept a text with these terms holds: its best term's weight, 0 if none."""
        if any(all(t in present for t in phrase) for phrase in self.phrases):
            return 1.0
        return max((w for t, w in zip(self.terms, self.weights) if t in present), default=0.0)

    @property
    def search_terms(self) -> tuple[str, ...]:
        """Every term lexical search looks for: the concept's and its phrases'."""
        return tuple(dict.fromkeys((*self.terms, *(t for phrase in self.phrases for t in phrase))))

    def rarity(self, index: LexicalIndex) -> float:
        """The concept's weight in a question: the idf of the word's own stems where the corpus uses
        them, else of its commonest alternative (an English word no Indonesian article uses must not
        outweigh the Indonesian word that translates it)."""
        known = [t for t in self.terms[: self.own] if index.knows(t)]
        return min(index.idf(t) for t in (known or self.terms))


class Analyzer:
    """Text to BM25 terms."""

    def __init__(self, settings: LexicalSettings):
        import Stemmer

        self._stemmer = Stemmer.Stemmer(settings.stemmer) if settings.stemmer else None

    def concepts(self, question: str) -> list[Concept]:
        """The question's key words, each with its terms and its lexicon alternatives' (rag/text/lexicon.py).

        A concept is found in a text that uses any of its terms, to the extent of that term's
        weight; lexical search uses them all. A word the analysis drops (a function word) is none.
        A word of a partnership form's name ("MoU", "surat pernyataan minat") is also found by any
        whole other name of the form ("nota kesepahaman"; "letter of interest", "LoI"): two reports
        of one step in other words are read alike (rag/text/forms.py).
        """
        concepts: dict[frozenset[str], Concept] = {}
        folded = _fold_variants(question.lower())
        other_names = {word: others for name, others in form_names_in(folded) for word in name.split()}
        for word in re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", folded):
            own = self.terms(word)
            if not own:
                continue
            weights = dict.fromkeys(own, 1.0)
            weights.update((v, 1.0) for term in own for v in nasal_variants(word, term) if v not in weights)
            # "ministry's", "capacity-building": each part is looked up, without the possessive.
            parts = [p for p in re.split(r"['’-]", word) if p and p != "s"]
            for alternative in (a for part in parts for a in alternatives(part)):
                for term in self.terms(alternative.word):
                    weights[term] = max(weights.get(term, 0.0), alternative.weight)
            phrases = tuple(tuple(self.terms(other)) for other in other_names.get(word, ()) if self.terms(other))
            concept = Concept(word, tuple(weights), tuple(weights.values()), len(own), phrases)
            concepts.setdefault(frozenset(concept.terms), concept)
        return list(concepts.values())

    def terms(self, text: str) -> list[str]:
        lowered = _fold_variants(text.lower())
        words = [w for w in _TOKEN.findall(lowered) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
        if self._stemmer is None:
            return words
        return [w if w.isdigit() else stem for w, stem in zip(words, self._stemmer.stemWords(words))]


_VOWEL = "aeiou"


def nasal_variants(word: str, stem: str) -> list[str]:
    """The stems the same word takes in its other voice. The meN- / peN- prefixes swallow a root's
    first t or k ("menandatangani", "pengunjung"), which Snowball's stemmer does not give back:
    it stems "ditandatangani" to "tandatangan" but "menandatangani" to "andatangan", "dikunjungi" to
    "kunjung" but "mengunjungi" to "unjung". So a question's word matches the other forms too: its
    stem with the letter put back, or without it (only question words get variants; an index is
    analysed as it always was)."""
    if len(stem) > 3 and stem[0] in "tk" and stem[1] in _VOWEL:
        return [stem[1:]]
    if stem[:1] and stem[0] in _VOWEL:
        if re.match(rf"(meng|peng)[{_VOWEL}]", word):
            return ["k" + stem]
        if re.match(rf"(men|pen)[{_VOWEL}]", word):
            return ["t" + stem]
    return []


def _fold_variants(lowered: str) -> str:
    for pattern, replacement in _VARIANTS:
        lowered = pattern.sub(replacement, lowered)
    return lowered


class LexicalIndex:
    SETTINGS_FILE = "analysis.json"
    # What every save writes and every load reads: the settings, and bm25s's matrix and vocabulary.
    FILES = (SETTINGS_FILE, "params.index.json", "vocab.index.json", "data.csc.index.npy", "indices.csc.index.npy",
             "indptr.csc.index.npy")

    def __init__(self, bm25, settings: LexicalSettings):
        self._bm25 = bm25
        self.settings = settings
        self.analyzer = Analyzer(settings)
        self._document_frequency = np.diff(np.asarray(bm25.scores["indptr"]))
        self._documents = int(bm25.scores["num_docs"])
        self._analysed: _AnalysedChunks | None = None  # written beside the index by a build

    @classmethod
    def build(cls, texts: list[str], settings: LexicalSettings, keys: list[str] | None = None,
              previous: Path | None = None) -> LexicalIndex:
        """Index chunk texts, in chunk order.

        With `keys` (each text's `text_key`) and `previous` (the lexical folder of the version
        before, built with the same settings), a chunk analysed then keeps its term ids and only new
        texts are analysed: adding one article to 10,000 re-analysed them all in 0.7 s.
        """
        analyzer = Analyzer(settings)
        known = _AnalysedChunks.load(previous) if previous is not None and keys is not None else _AnalysedChunks.empty()
        vocabulary = known.vocabulary
        ids = []
        for position, text in enumerate(texts):
            reused = known.ids_of(keys[position]) if keys is not None else None
            ids.append(reused if reused is not None else [vocabulary.setdefault(t, len(vocabulary)) for t in analyzer.terms(text)])
        index = cls.from_token_ids(ids, vocabulary, settings)
        index._analysed = _AnalysedChunks(keys, ids, vocabulary) if keys is not None else None
        return index

    @classmethod
    def from_token_ids(cls, ids: list[list[int]], vocabulary: dict[str, int], settings: LexicalSettings) -> LexicalIndex:
        """The fastest way in: bm25s takes ids and vocabulary as they are, and scores them in numpy."""
        from bm25s.tokenization import Tokenized

        bm25 = _vectorised_bm25()(k1=settings.k1, b=settings.b, method=settings.method)
        bm25.index(Tokenized(ids=ids, vocab=vocabulary), show_progress=False)
        return cls(bm25, settings)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        (folder / self.SETTINGS_FILE).write_text(json.dumps(asdict(self.settings), indent=2), encoding="utf-8")
        if self._analysed is not None:
            self._analysed.save(folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        settings = LexicalSettings(**json.loads((folder / cls.SETTINGS_FILE).read_text(encoding="utf-8")))
        return cls(_SavedScores(folder), settings)

    def __len__(self) -> int:
        return self._documents

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every chunk for already-analysed query terms (zeros when none is known)."""
        ids = self._bm25.get_tokens_ids(terms)
        if not ids:
            return np.zeros(self._documents, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def term_ids(self, terms: list[str]) -> list[int]:
        """The ids of the query terms some chunk uses: a query's sparse vector (each weighing 1)."""
        return list(self._bm25.get_tokens_ids(terms))

    def chunk_weights(self) -> list[dict[int, float]]:
        """Each chunk's BM25 weight per term id: a sparse vector whose inner product with a query's
        term ids (each 1) is the chunk's BM25 score, so a vector database scores as `scores` does."""
        stored = self._bm25.scores
        data, indices, indptr = ((stored["data"], stored["indices"], stored["indptr"]) if "data" in stored
                                 else (self._bm25.data, self._bm25.indices, self._bm25.indptr))
        terms = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        order = np.argsort(indices, kind="stable")
        bounds = np.searchsorted(indices[order], np.arange(self._documents + 1))
        by_chunk_terms, by_chunk_weights = terms[order].tolist(), data[order].tolist()
        return [dict(zip(by_chunk_terms[start:end], by_chunk_weights[start:end]))
                for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist())]

    def knows(self, term: str) -> bool:
        """Does any chunk use the term?"""
        token_id = self._bm25.vocab_dict.get(term)
        return token_id is not None and int(self._document_frequency[token_id]) > 0

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses gets the highest value."""
        token_id = self._bm25.vocab_dict.get(term)
        frequency = 0 if token_id is None else int(self._document_frequency[token_id])
        return math.log(1 + (self._documents - frequency + 0.5) / (frequency + 0.5))


class _SavedScores:
    """The BM25 matrix bm25s saved (one column of precomputed document scores per term, CSC),
    scored with numpy alone as bm25s scores it.

    A question only adds up a few columns; importing bm25s for that imports scipy, 0.3-0.4 s of a
    cold `rag ask` whose model loads in 0.1 s. Builds still index with bm25s;
    tests/test_retrieval.py checks these scores against bm25s's own.
    """

    MATRIX = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy")

    def __init__(self, folder: Path):
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method") not in ("lucene", "robertson", "atire"):  # these need no non-occurrence term
            raise ValueError(f"BM25 method {params.get('method')!r} is not read here")
        self.data, self.indices, self.indptr = (np.load(folder / name, allow_pickle=False) for name in self.MATRIX)
        self.scores = {"indptr": self.indptr, "num_docs": int(params["num_docs"])}
        self.vocab_dict: dict[str, int] = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        if problem := self._shape_problem():
            raise ValueError(f"the BM25 matrix in {folder} is inconsistent ({problem})")

    def _shape_problem(self) -> str | None:
        """Sizes alone do not catch two of these files swapped (data and indices are both 4 bytes an
        entry): a question would then index with floats. Checked once, at load, in milliseconds."""
        data, indices, indptr = self.data, self.indices, self.indptr
        if data.ndim != 1 or indices.ndim != 1 or indptr.ndim != 1 or data.dtype.kind != "f":
            return "the scores are not a vector of numbers"
        if indices.dtype.kind not in "iu" or indptr.dtype.kind not in "iu" or len(indptr) < 1:
            return "the positions are not whole numbers"
        if len(data) != len(indices) or indptr[-1] != len(data) or (len(indptr) > 1 and np.any(np.diff(indptr) < 0)):
            return "the columns do not add up"
        if len(indices) and (indices.min() < 0 or indices.max() >= self.scores["num_docs"]):
            return "a position names no chunk"
        # bm25s gives the empty term the id after the last column; no other term may name none.
        if any(not isinstance(i, int) or not 0 <= i < len(indptr) for i in self.vocab_dict.values()):
            return "a term names no column"
        return None

    def get_tokens_ids(self, terms: list[str]) -> list[int]:
        columns = len(self.indptr) - 1
        return [self.vocab_dict[t] for t in terms if self.vocab_dict.get(t, columns) < columns]

    def get_scores_from_ids(self, ids: list[int]) -> np.ndarray:
        scores = np.zeros(self.scores["num_docs"], dtype=np.float32)
        for token in ids:
            start, end = self.indptr[token], self.indptr[token + 1]
            scores[self.indices[start:end]] += self.data[start:end]  # a document appears once a column
        return scores


class _AnalysedChunks:
    """Each chunk's term ids by its text's key, saved beside the index for the next build.

    The ids index the bm25s vocabulary of the same folder; a build that reuses them extends that
    vocabulary, so they stay valid (a term no chunk uses any more keeps its id and scores nothing).
    """

    FILE = "terms.npz"

    def __init__(self, keys: list[str] | None, ids: list[list[int]], vocabulary: dict[str, int]):
        self.keys, self.ids, self.vocabulary = keys, ids, vocabulary
        self._rows: dict[bytes, int] = {}
        self._flat = np.zeros(0, dtype=np.int32)
        self._offsets = np.zeros(1, dtype=np.int64)

    @classmethod
    def empty(cls) -> _AnalysedChunks:
        return cls(None, [], {})

    def save(self, folder: Path) -> None:
        lengths = np.fromiter((len(row) for row in self.ids), dtype=np.int64, count=len(self.ids))
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        flat = np.fromiter((i for row in self.ids for i in row), dtype=np.int32, count=int(offsets[-1]))
        keys = np.array([bytes.fromhex(k) for k in self.keys or ()], dtype="S32")
        with (folder / self.FILE).open("wb") as out:
            np.savez(out, keys=keys, flat=flat, offsets=offsets)

    @classmethod
    def load(cls, folder: Path) -> _AnalysedChunks:
        """What the folder holds; nothing (so everything is analysed again) if it cannot be read."""
        try:
            with np.load(folder / cls.FILE, allow_pickle=False) as stored:
                keys, flat, offsets = stored["keys"], stored["flat"], stored["offsets"]
            vocabulary = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError):
            return cls.empty()
        vocabulary.pop("", None)  # bm25s's own entry for unknown words, added again at indexing
        known = cls(None, [], vocabulary)
        known._rows = {key: row for row, key in enumerate(keys.tolist())}
        known._flat, known._offsets = flat, offsets
        return known

    def ids_of(self, key: str) -> list[int] | None:
        row = self._rows.get(bytes.fromhex(key))
        if row is None:
            return None
        return self._flat[self._offsets[row]: self._offsets[row + 1]].tolist()


@functools.cache
def _vectorised_bm25() -> type:
    """bm25s.BM25 with its scoring step (`build_index_from_ids`, which bm25s offers to override)
    done for all chunks at once in numpy instead of one chunk at a time in Python: the same
    scores, matrix and files (tests/test_retrieval.py checks them against bm25s's own), in a
    tenth of the time; adding one article to 10,000 spent 0.4 s there."""
    import bm25s

    class VectorisedBM25(bm25s.BM25):
        def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
            if self.method != "lucene" or self.idf_method != "lucene" or self.csc_backend != "numpy":
                return super().build_index_from_ids(unique_token_ids, corpus_token_ids, show_progress, leave_progress)
            self.nonoccurrence_array = None  # as bm25s sets it for a method that has none (save writes it)
            documents, vocabulary = len(corpus_token_ids), len(unique_token_ids)
            lengths = np.fromiter(map(len, corpus_token_ids), dtype=np.int64, count=documents)
            tokens = np.fromiter(itertools.chain.from_iterable(corpus_token_ids), dtype=np.int64, count=int(lengths.sum()))
            pairs = np.sort(np.repeat(np.arange(documents, dtype=np.int64), lengths) * vocabulary + tokens)
            starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]]) if len(pairs) else np.zeros(0, dtype=np.int64)
            distinct = pairs[starts]
            frequency = np.diff(np.r_[starts, len(pairs)]).astype(np.float64)
            document, token = distinct // vocabulary, distinct % vocabulary
            frequencies = np.bincount(token, minlength=vocabulary)
            # Lucene's idf, rounded to float32 as bm25s keeps it; 0 for a term no chunk has.
            idf = np.where(frequencies > 0, np.log(1 + (documents - frequencies + 0.5) / (frequencies + 0.5)), 0.0).astype(np.float32)
            average = lengths.mean() if documents else 0.0
            saturation = frequency / (self.k1 * ((1 - self.b) + self.b * lengths[document] / average) + frequency)
            scores = (idf[token] * saturation).astype(self.dtype)
            data, indices, indptr = self._np_csc(data=scores, rows=document.astype(self.int_dtype),
                                                 cols=token.astype(self.int_dtype), shape=(documents, vocabulary))
            return {"data": data.astype(self.dtype), "indices": indices, "indptr": indptr, "num_docs": documents}

    return VectorisedBM25

"""`rag bench`: build cost, incremental cost, query speed and memory at scale, and cold start, in one run.

    ingest_ratio      full build throughput / plain model.encode throughput, same chunks, same run
    incremental_s     adding one article to a 10,000-article corpus, above a no-change build
    copies            copy detection's share of a build of 100,000 articles (one in a hundred a
                      lightly edited repost), and its cost when one article is added
    sizes             per index size: index type, p50/p95 of the whole ask path, recall@10 of
                      the vector index against exact search, peak RSS of the serving process
    cold_start_s      process start to the first answer of `rag ask` on the 100,000-chunk index
    cold_start_floor_s  process start to the first query embedding of a bare script that loads the model
    query_embedding   p50/p95 of one question's embedding alone, among 30 users, beside a build,
                      and of a question asked again (remembered)

Corpora larger than FacQA are synthetic, as the issue allows: chunks of three real FacQA
sentences, analysed with the real analyzer; vectors are the real vectors of those sentences'
chunks, summed, with noise. The ask path is timed in a separate process that loads the index as
the app does, so its peak memory is the serving process's and not the generator's.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np

from rag.build import build_index
from rag.config import Settings, load_settings
from rag.devtools.evaluate import read_eval_file
from rag.index.chunking import Chunk, chunk_articles, token_budget
from rag.index.copies import find_copies
from rag.index.dense import DenseIndex, exact_top, recall_at
from rag.index.embedding import Embedder
from rag.index.embedding_cache import EmbeddingCache, text_key
from rag.index.lexical import Analyzer, LexicalIndex, LexicalSettings
from rag.index.manifest import ArticleEntry, ChunkingRecord, Counts, Manifest
from rag.index.store import FORMAT_VERSION, VECTORS, load_index, new_version_folder, switch_to, write_version
from rag.ingest.corpus import ArticleInfo, load_corpus
from rag.search.retrieval import shipped_ranker
from rag.text.sentences import split_sentences

DEFAULT_SIZES = (1_000, 100_000, 1_000_000)
CHUNKS_PER_ARTICLE = 10
SENTENCES_PER_CHUNK = 3
NOISE = 0.02
COLD_START_SIZE = 100_000
# The memory bound: twice the raw float32 vectors, plus this for the model and runtime.
RSS_ALLOWANCE_MB = 1_500


@dataclass(frozen=True)
class BenchConfig:
    passages: Path
    questions: Path
    sizes: tuple[int, ...] = DEFAULT_SIZES
    queries: int = 100
    incremental_articles: int = 10_000
    copies_articles: int = 100_000
    trials: int = 3
    cold_start_size: int = COLD_START_SIZE


@dataclass(frozen=True)
class Material:
    """Real FacQA sentences, their analysed terms and a real vector each, to make corpora of any size."""

    sentences: list[str]
    term_ids: list[list[int]]
    vocabulary: dict[str, int]
    vectors: np.ndarray
    questions: list[str]


def run(config: BenchConfig, settings: Settings, embedder: Embedder, say: Callable[[str], None]) -> dict:
    with tempfile.TemporaryDirectory(prefix="rag-bench-") as scratch:
        root = Path(scratch)
        say("ingest: full build of the FacQA passages, then plain encode of the same chunks")
        ingest, material = _ingest(config, settings, embedder, root)
        say(f"incremental: one article added to {config.incremental_articles:,} articles")
        incremental = _incremental(config, settings, embedder, material, root)
        say(f"copies: build of {config.copies_articles:,} articles, then one added")
        copy_detection = _copies(config, settings, embedder, material, root)
        sizes, indexes = {}, {}
        for size in config.sizes:
            say(f"size {size:,}: synthetic index, then {config.queries} questions in a serving process")
            indexes[size] = root / f"index-{size}"
            sizes[str(size)] = _size(size, config, settings, embedder, material, indexes[size])
        cold_size = config.cold_start_size
        if cold_size not in indexes:
            indexes[cold_size] = root / f"index-{cold_size}"
            _synthetic_index(cold_size, settings, embedder, material, indexes[cold_size])
        say(f"cold start: `rag ask` on the {cold_size:,}-chunk index, and a bare script that loads the model")
        cold = _cold_start(settings, indexes[cold_size], material.questions[0], config.trials)
        say("query embedding: alone, among 30 users asking at once, and beside a build")
        embedding = query_embedding(embedder, material.questions, config.passages, root)
    return {**ingest, **incremental, "copies": copy_detection, "sizes": sizes, **cold, "query_embedding": embedding}


def _ingest(config: BenchConfig, settings: Settings, embedder: Embedder, root: Path) -> tuple[dict, Material]:
    target = load_settings(corpus=config.passages, index=root / "facqa", model=settings.model, environ={})
    started = time.perf_counter()
    summary = build_index(target, embedder, show_progress=False, rebuild=True)
    build_seconds = time.perf_counter() - started
    index = load_index(target.index)
    texts = [c.text for c in index.chunks]
    started = time.perf_counter()
    embedder.encode_passages(texts)
    encode_seconds = time.perf_counter() - started
    build_rate, encode_rate = summary.chunks / build_seconds, len(texts) / encode_seconds
    ingest = {
        "ingest_ratio": round(build_rate / encode_rate, 3),
        "ingest": {"chunks": summary.chunks, "build_s": round(build_seconds, 2), "encode_s": round(encode_seconds, 2),
                   "build_chunks_per_s": round(build_rate, 1), "encode_chunks_per_s": round(encode_rate, 1)},
    }
    return ingest, _material(index, config)


def _material(index, config: BenchConfig) -> Material:
    analyzer = Analyzer(LexicalSettings())
    vectors_by_chunk = index.dense.vectors()
    sentences: list[str] = []
    vectors: list[np.ndarray] = []
    term_ids: list[list[int]] = []
    vocabulary: dict[str, int] = {}
    for position, chunk in enumerate(index.chunks):
        for span in split_sentences(chunk.text):
            sentence = chunk.text[span.start:span.end]
            if 30 <= len(sentence) <= 300:
                sentences.append(sentence)
                vectors.append(vectors_by_chunk[position])
                term_ids.append([vocabulary.setdefault(t, len(vocabulary)) for t in analyzer.terms(sentence)])
    questions = [q.question for q in read_eval_file(config.questions)][: config.queries]
    return Material(sentences, term_ids, vocabulary, np.asarray(vectors, dtype=np.float32), questions)


def _incremental(config: BenchConfig, settings: Settings, embedder: Embedder, material: Material, root: Path) -> dict:
    corpus = root / "incremental-corpus"
    corpus.mkdir()
    rng = np.random.default_rng(7)
    with (corpus / "articles.jsonl").open("w", encoding="utf-8") as out:
        for number in range(config.incremental_articles):
            picks = rng.choice(len(material.sentences), 4, replace=False)
            text = " ".join(material.sentences[i] for i in picks)
            out.write(json.dumps({"id": f"synthetic-{number}", "text": text, "outlet": "Sintetis"}) + "\n")
    target = load_settings(corpus=corpus, index=root / "incremental-index", model=settings.model, environ={})
    _prefill_cache(target, embedder, rng)
    build_index(target, embedder, show_progress=False)
    unchanged, added = [], []
    for trial in range(config.trials):
        started = time.perf_counter()
        build_index(target, embedder, show_progress=False)
        unchanged.append(time.perf_counter() - started)
        text = " ".join(material.sentences[i] for i in rng.choice(len(material.sentences), 4, replace=False))
        (corpus / f"new-{trial}.txt").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        summary = build_index(target, embedder, show_progress=False)
        added.append(time.perf_counter() - started)
        if summary.added != 1 or summary.embedded < 1:
            raise RuntimeError(f"adding one article built {summary}: expected one added article, embedded")
    return {
        "incremental_s": round(statistics.median(added) - statistics.median(unchanged), 3),
        "incremental": {"articles": config.incremental_articles, "no_change_s": [round(x, 3) for x in unchanged],
                        "add_one_s": [round(x, 3) for x in added]},
    }


def _copies(config: BenchConfig, settings: Settings, embedder: Embedder, material: Material, root: Path) -> dict:
    """Copy detection's seconds within a whole build, and within the build that adds one article.
    Embeddings come from a prefilled cache, so the build's time is everything but the model: the
    share measured is the largest it can be (a build that embeds takes far longer)."""
    corpus = root / "copies-corpus"
    corpus.mkdir()
    rng = np.random.default_rng(11)
    text = ""
    for first in range(0, config.copies_articles, 10_000):  # files of 10,000: under the size limit
        with (corpus / f"articles-{first // 10_000:03d}.jsonl").open("w", encoding="utf-8") as out:
            for number in range(first, min(first + 10_000, config.copies_articles)):
                if number % 100 == 1:  # the article before, reposted with a dateline and a footer
                    text = f"KOTA, Warta {number} — {text} (Editor: Redaksi)"
                else:
                    text = " ".join(material.sentences[i] for i in rng.choice(len(material.sentences), 4, replace=False))
                out.write(json.dumps({"id": f"article-{number}", "text": text, "outlet": "Sintetis"}) + "\n")
    target = load_settings(corpus=corpus, index=root / "copies-index", model=settings.model, environ={})
    _prefill_cache(target, embedder, rng)
    whole = build_index(target, embedder, show_progress=False)
    text = " ".join(material.sentences[i] for i in rng.choice(len(material.sentences), 4, replace=False))
    (corpus / "added.txt").write_text(text, encoding="utf-8")
    added = build_index(target, embedder, show_progress=False)
    return {"articles": config.copies_articles, "build_s": round(whole.seconds, 2), "copies_s": round(whole.copies_s, 2),
            "share": round(whole.copies_s / whole.seconds, 3), "groups": whole.copy_groups,
            "add_one": {"build_s": round(added.seconds, 2), "copies_s": round(added.copies_s, 2),
                        "signatures_made": added.signatures_made}}


def _prefill_cache(target: Settings, embedder: Embedder, rng: np.random.Generator) -> None:
    """Synthetic vectors for the synthetic articles' chunks: embedding 10,000 of them would take
    minutes and says nothing about the cost of adding one more."""
    corpus = load_corpus(target.corpus)
    chunks = chunk_articles(corpus.articles, embedder.count_tokens,
                            token_budget(embedder.record, target.chunking.max_tokens), target.chunking.overlap_tokens)
    target.index.mkdir(parents=True, exist_ok=True)
    vectors = rng.standard_normal((len(chunks), embedder.dimension), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cache = EmbeddingCache(target.index, embedder.name)
    try:
        cache.put([text_key(c.text) for c in chunks], vectors)
    finally:
        cache.close()


def _size(size: int, config: BenchConfig, settings: Settings, embedder: Embedder, material: Material, index: Path) -> dict:
    dense = _synthetic_index(size, settings, embedder, material, index)
    stored_vectors = dense.vectors() if dense.kind == "ivf" else None
    queries = embedder.encode_queries(material.questions)
    if stored_vectors is None:
        recall = 1.0  # exact search is its own reference
    else:
        exact = exact_top(stored_vectors, queries, 10)
        found = np.full((len(queries), 10), -1, dtype=np.int64)
        for row, query in enumerate(queries):
            positions = dense.search(query, 10)[0]
            found[row, : len(positions)] = positions
        recall = recall_at(found, exact)
    del stored_vectors
    probe = _probe(settings, index, config.questions, config.queries)
    return {"index_type": dense.settings.type, "dense": msgspec.to_builtins(dense.settings), "p50_ms": probe["p50_ms"],
            "p95_ms": probe["p95_ms"], "recall_at_10": round(recall, 4), "rss_mb": probe["rss_mb"],
            "vector_mb": round(size * embedder.dimension * 4 / 1e6, 1),
            "rss_limit_mb": round(2 * size * embedder.dimension * 4 / 1e6 + RSS_ALLOWANCE_MB)}


def _synthetic_index(size: int, settings: Settings, embedder: Embedder, material: Material, index: Path) -> DenseIndex:
    """An index version of `size` chunks made of real sentences, written with the store's own code."""
    rng = np.random.default_rng(size)
    picks = rng.integers(0, len(material.sentences), (size, SENTENCES_PER_CHUNK))
    vectors = material.vectors[picks].sum(axis=1)
    vectors += rng.standard_normal(vectors.shape, dtype=np.float32) * NOISE
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dense = DenseIndex.build(vectors)
    del vectors
    lexical = LexicalIndex.from_token_ids(
        [sum((material.term_ids[i] for i in row), []) for row in picks.tolist()], material.vocabulary, LexicalSettings())
    articles, chunks = _articles_and_chunks(picks, material)
    index.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        format_version=FORMAT_VERSION, built_at=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        corpus=f"synthetic: {size} chunks of FacQA sentences",
        model=embedder.record,
        chunking=ChunkingRecord("synthetic", settings.chunking.max_tokens, settings.chunking.overlap_tokens),
        lexical=LexicalSettings(), retrieval=shipped_ranker(embedder.name),
        counts=Counts(len(articles), len(chunks)),
        articles=[ArticleEntry(a.id, a.content_hash, len(a.chunk_spans), a.source, content_hash=a.content_hash)
                  for a in articles],
    )
    folder = new_version_folder(index)
    dense.save(folder / VECTORS)  # as FaissFiles.put stores them, from the index built above
    # No register and no copy detection: these versions time search, not a build.
    write_version(folder, manifest, articles, chunks, dense.settings, lexical, {"extractor": 0, "articles": {}},
                  find_copies([]))
    switch_to(index, folder)
    return dense


def _articles_and_chunks(picks: np.ndarray, material: Material) -> tuple[list[ArticleInfo], list[Chunk]]:
    articles: list[ArticleInfo] = []
    chunks: list[Chunk] = []
    for first in range(0, len(picks), CHUNKS_PER_ARTICLE):
        article_id = f"synthetic-{first // CHUNKS_PER_ARTICLE}"
        texts = [" ".join(material.sentences[i] for i in row) for row in picks[first: first + CHUNKS_PER_ARTICLE]]
        text, spans = "", []
        for piece in texts:
            start = len(text) + (2 if text else 0)
            text = f"{text}\n\n{piece}" if text else piece
            spans.append((start, start + len(piece)))
        for start, end in spans:
            chunks.append(Chunk(f"{article_id}@{start}-{end}", article_id, start, end, text[start:end]))
        articles.append(ArticleInfo(article_id, f"synthetic.jsonl:{len(articles) + 1}", None, "Sintetis", "2020-01-01",
                                    None, text_key(text), text, (), tuple(spans)))
    return articles, chunks


def _probe(settings: Settings, index: Path, questions: Path, count: int) -> dict:
    """The ask path timed in a fresh process that loads the index the way the app does."""
    result = subprocess.run(
        [sys.executable, "-m", "rag.devtools.bench", str(index), settings.model, str(questions), str(count)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench probe failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _cold_start(settings: Settings, index: Path, question: str, trials: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    ask = [sys.executable, "-m", "rag", "ask", question, "--index", str(index), "--model", settings.model, "--json"]
    floor = [sys.executable, "-c", FLOOR_SCRIPT, settings.model]
    asks = [_timed(ask, env) for _ in range(trials)]
    floors = [_timed(floor, env) for _ in range(trials)]
    return {"cold_start_s": round(statistics.median(asks), 2), "cold_start_floor_s": round(statistics.median(floors), 2),
            "cold_start": {"ask_s": [round(x, 2) for x in asks], "floor_s": [round(x, 2) for x in floors]}}


FLOOR_SCRIPT = """
import sys
from rag.index.embedding import load_embedder
load_embedder(sys.argv[1]).encode_query("Siapa Wali Kota Kisarazu?")
"""


def query_embedding(embedder: Embedder, questions: list[str], passages: Path, root: Path) -> dict:
    """p50/p95 of one question's embedding by the model (never from the remembered questions):
    alone; while 30 users ask at once (8 at a time, as the app's queue runs them); and while a
    `rag build --rebuild` of `passages` runs in another process. Then a question asked again."""
    embedder.encode_queries(questions[:1])
    alone = [_timed_query(embedder, q) for q in questions[:60]]
    for question in questions[:60]:
        embedder.encode_query(question)
    asked_again = [_milliseconds(functools.partial(embedder.encode_query, q)) for q in questions[:60]]
    admitted = threading.Semaphore(USERS_AT_ONCE)
    start = threading.Barrier(USERS)

    def user(number: int) -> list[float]:
        start.wait()
        mine = [questions[(number * QUESTIONS_PER_USER + i) % len(questions)] for i in range(QUESTIONS_PER_USER)]
        times = []
        for question in mine:
            with admitted:
                times.append(_timed_query(embedder, question))
        return times

    with ThreadPoolExecutor(USERS) as pool:
        crowded = [t for times in pool.map(user, range(USERS)) for t in times]
    build = subprocess.Popen([sys.executable, "-m", "rag", "build", "--rebuild", "--quiet", "--corpus", str(passages),
                              "--index", str(root / "build-beside-questions")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(BUILD_WARMUP_S)  # past its start-up, into embedding
        beside_build = [_timed_query(embedder, q, pause=0.05) for q in questions[:60]]
        build_was_running = build.poll() is None
    finally:
        build.kill()
        build.wait()
    return {name: _spread(times) for name, times in
            (("alone", alone), ("30_users", crowded), ("beside_build", beside_build), ("asked_again", asked_again))} | {
        "build_ran_throughout": build_was_running}


USERS, USERS_AT_ONCE, QUESTIONS_PER_USER = 30, 8, 4
BUILD_WARMUP_S = 4.0


def _timed_query(embedder: Embedder, question: str, pause: float = 0.0) -> float:
    """Milliseconds the model takes to embed one question."""
    elapsed = _milliseconds(lambda: embedder.encode_queries([question]))
    time.sleep(pause)
    return elapsed


def _milliseconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _spread(times_ms: list[float]) -> dict:
    return {"p50_ms": round(float(np.percentile(times_ms, 50)), 3), "p95_ms": round(float(np.percentile(times_ms, 95)), 3),
            "n": len(times_ms)}


def _timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _probe_main(index: str, model: str, questions_file: str, count: int) -> None:
    """In the probe process: open the index as the app does, answer FacQA questions, report."""
    from rag.assistant import Assistant

    questions = [q.question for q in read_eval_file(Path(questions_file))][:count]
    assistant = Assistant.open(load_settings(index=Path(index), model=model, environ={}))
    assistant.ask("Siapa yang menandatangani nota kesepahaman?")  # first-call setup (tokenizer caches, FAISS threads), not a timed question
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    rss_mb = _peak_rss_mb()
    print(json.dumps({"p50_ms": round(float(np.percentile(times, 50)), 1), "p95_ms": round(float(np.percentile(times, 95)), 1),
                      "rss_mb": round(rss_mb, 1)}))


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux keeps ru_maxrss across exec, so a probe started
    by the bench would report the bench's own peak; VmHWM starts afresh with the new program."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


if __name__ == "__main__":
    _probe_main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))

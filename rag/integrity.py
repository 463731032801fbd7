"""`rag verify`: is the index whole, and does it still match the corpus?

Against itself: the live version's files are present with the sizes and SHA-256 sums its manifest
records, and the chunk, vector and lexical counts agree. Against the corpus: which articles were
added, changed or removed since the build. Each finding says what to run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.build import fingerprint
from rag.config import Settings
from rag.errors import RagError, repair_hint
from rag.index.store import file_problems, load_index, read_manifest
from rag.index.store_choice import open_store
from rag.index.stores import FAISS, where_vectors_live
from rag.ingest.corpus import CorpusReading, load_corpus
from rag.register.extraction import register_from_stored


@dataclass(frozen=True)
class Finding:
    problem: str
    fix: str


@dataclass
class VerifyReport:
    index: Path
    version: str | None = None
    articles: int = 0
    chunks: int = 0
    findings: list[Finding] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(index=str(self.index), ok=self.ok)
        return data

    def lines(self) -> list[str]:
        head = f"{self.index} (version {self.version or '?'}): {self.articles} articles, {self.chunks} chunks"
        if self.ok:
            return [f"OK {head}; files, checksums and counts match, corpus unchanged."]
        return [f"PROBLEMS {head}"] + [f"- {f.problem}: {f.fix}" for f in self.findings]


def verify_index(settings: Settings) -> VerifyReport:
    report = VerifyReport(settings.index)
    rebuild = repair_hint(settings.index)
    store = open_store(settings.store)  # unreachable: one line and exit 2, as every command
    if settings.store != FAISS:
        rebuild = f"run `rag build --index {settings.index} --store {settings.store}`"
    try:
        version = store.live(settings.index, required=True).name
        manifest = read_manifest(settings.index, version)
    except RagError as error:
        report.findings.append(Finding(f"index unreadable ({error})", rebuild))
        return report
    report.version, report.articles, report.chunks = manifest.version, manifest.counts.articles, manifest.counts.chunks
    damaged = file_problems(settings.index, manifest)
    for problem in damaged:
        report.findings.append(Finding(f"file {problem}", rebuild))
    in_store = store.damage(settings.index, manifest) + store.mismatch(settings.index, manifest)
    report.findings += [Finding(problem, rebuild) for problem in in_store]
    damaged += in_store
    if manifest.dense.kind is not settings.store.kind and not in_store:
        report.findings.append(Finding(f"the vectors live in {where_vectors_live(manifest.dense)}",
                                       "pass --store with that store, or set RAG_STORE"))
        return report
    if not damaged:
        try:
            stored = load_index(settings.index, version, store)
            # What the app reads next when it opens the version: the register (the manifest is checked whole by the load).
            register_from_stored(stored.register)
        except RagError as error:
            report.findings.append(Finding(f"index does not load ({error})", rebuild))
    _compare_with_corpus(report, settings, manifest.corpus_reading, manifest.fingerprints)
    return report


def _compare_with_corpus(report: VerifyReport, settings: Settings, reading: CorpusReading, built: dict[str, str]) -> None:
    """The corpus read as the build read it (the same file size limit, links followed or not)."""
    try:
        corpus = load_corpus(settings.corpus, reading)
    except RagError as error:
        report.findings.append(Finding(f"corpus unreadable ({error})", "fix the corpus path (--corpus)"))
        return
    now = {a.id: fingerprint(a) for a in corpus.articles}
    report.added = sorted(a for a in now if a not in built)
    report.changed = sorted(a for a in now if a in built and built[a] != now[a])
    report.removed = sorted(a for a in built if a not in now)
    for label, ids in (("added", report.added), ("changed", report.changed), ("removed", report.removed)):
        if ids:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            report.findings.append(Finding(f"{len(ids)} article(s) {label} in {settings.corpus} since the build: {shown}",
                                           f"run `rag build --index {settings.index}`"))

"""Copies that repeat (issue 18, part 3): a press release reposted three times with edits is one
group, its earliest article the origin, cited first and counted once; found by MinHash/LSH with
the work of a build proportional to what changed.

    python -m tests.test_copies     prints the similarities THRESHOLD was chosen between
"""

from __future__ import annotations

import itertools
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.index import copies
from rag.web.cards import sources_html
from tests.conftest import CORPUS, SHARED, run_json
from tests.newsroom.articles import ARTICLES, PRESS_RELEASE

FACQA = SHARED / "data" / "facqa" / "passages.jsonl"
GROUP = ("malang-chiangmai-pr", "malang-chiangmai-post", "malang-chiangmai-radar", "malang-chiangmai-jatim")


@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    date: str | None = None

    @property
    def content_hash(self) -> str:
        return str(hash(self.text))


def _docs(rows) -> list[Doc]:
    return [Doc(r["id"], r["text"], r.get("date")) for r in rows]


def test_a_press_release_and_three_reposts_are_one_group_with_the_earliest_first():
    found = copies.find_copies(_docs(ARTICLES))
    assert found.groups.groups == (GROUP,)  # origin (14 March) first, then by date
    assert found.groups.count(GROUP).to_json() == {"reports": 4, "independent": 1}
    # Two outlets' own reports of one signing are not copies, nor a report and its correction.
    for first, second in (("bandung-hamamatsu-kompas", "bandung-hamamatsu-antara"),
                          ("makassar-davao-first", "makassar-davao-correction")):
        assert found.groups.origin_of(first) != found.groups.origin_of(second)


def test_lsh_finds_what_brute_force_finds():
    """Every pair the signatures put at or above THRESHOLD + 0.1 is found through the bands, and
    every pair found is at or above THRESHOLD: the LSH against all pairs compared one by one."""
    docs = _docs(json.loads(line) for line in FACQA.read_text(encoding="utf-8").splitlines()) + _docs(ARTICLES)
    found = copies.find_copies(docs)
    values = found.signatures.values
    brute = set()
    for i in range(len(values)):
        similar = np.nonzero((values[i + 1:] == values[i]).mean(axis=1) >= copies.THRESHOLD + 0.1)[0]
        brute.update((docs[i].id, docs[i + 1 + j].id) for j in similar)
    pairs = {(p.first, p.second) for p in found.pairs}
    assert len(brute) > 20  # FacQA repeats passages: the reference is not empty
    assert {tuple(sorted(pair)) for pair in brute} <= pairs
    assert all(p.similarity >= copies.THRESHOLD for p in found.pairs)


def test_a_new_article_is_signed_and_compared_alone():
    first = copies.find_copies(_docs(ARTICLES[1:]))  # the press release comes later
    assert first.computed == len(ARTICLES) - 1
    again = copies.find_copies(_docs(ARTICLES), first)
    assert again.computed == 1 and again.groups.groups == (GROUP,)
    assert again.signatures.values.shape == (len(ARTICLES), copies.NUM_PERM)
    without_origin = copies.find_copies(_docs(a for a in ARTICLES if a["id"] != GROUP[0]), again)
    assert without_origin.computed == 0 and without_origin.groups.groups == (GROUP[1:],)


def test_the_build_stores_the_groups_and_signs_only_what_changed(newsroom_settings, tmp_path, hash_embedder):
    from rag.build import build_index
    from rag.config import load_settings

    info = run_json("info", "--index", str(newsroom_settings.index), "--json")
    assert info["copy_groups"] == [{"origin": GROUP[0], "copies": list(GROUP[1:])}]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "articles.jsonl").write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in ARTICLES[4:]), encoding="utf-8")
    settings = load_settings(corpus=corpus, index=tmp_path / "index", environ={})
    assert build_index(settings, hash_embedder, show_progress=False).copy_groups == 0
    (corpus / "repost.txt").write_text("Surabaya, Warta — " + PRESS_RELEASE.replace("Selasa", "Selasa lalu"), encoding="utf-8")
    (corpus / "press.txt").write_text(PRESS_RELEASE, encoding="utf-8")
    summary = build_index(settings, hash_embedder, show_progress=False)
    assert (summary.signatures_made, summary.copy_groups) == (2, 1)
    assert build_index(settings, hash_embedder, show_progress=False).signatures_made == 0


def test_an_answer_cites_the_origin_once_and_counts_one_independent_source(newsroom):
    answer = newsroom.ask("Kapan Malang dan Chiang Mai menandatangani MoU?")
    assert not answer.abstained and answer.citations[0].article_id == GROUP[0]
    assert {a for c in answer.citations for a in (c.article_id, *c.also_in, *c.copies)} == set(GROUP)
    assert answer.sources.to_json() == {"reports": 4, "independent": 1}
    assert len({p.text for p in answer.parts}) == len(answer.parts)  # the shared sentence is quoted once
    origin = newsroom.index.articles[GROUP[0]].text
    for part in answer.parts:  # the quotes' offsets are the origin's
        assert origin[part.start:part.start + len(part.text)] == part.text
    assert "4 laporan, 1 di antaranya independen" in answer.sources.said("id")
    cards = sources_html(answer, newsroom.index.articles)  # the app's source cards
    assert "juga dimuat (salinan) malang-chiangmai-jatim" in cards and "4 laporan" in cards


def test_a_claim_check_and_the_register_count_the_copies_once(newsroom):
    from rag.register import queries as register

    result = newsroom.check("Malang dan Chiang Mai menandatangani nota kesepahaman pada 14 Maret 2023")
    assert result.verdict in ("supported", "partly_supported") and result.citations[0].article_id == GROUP[0]
    assert result.sources.to_json() == {"reports": 4, "independent": 1}
    (row,) = register.rows(newsroom.partnerships(register.RegisterFilter(partner="Chiang Mai")),
                           newsroom.index.articles, newsroom.index.copies)
    assert row["sources"] == {"reports": 4, "independent": 1}


def _edited(text: str, rng: random.Random, share: float, vocabulary: list[str]) -> str:
    """A repost: dateline and footer added, one sentence dropped, `share` of the words replaced."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if len(sentences) > 3:
        sentences.pop(rng.randrange(1, len(sentences)))
    words = [rng.choice(vocabulary) if rng.random() < share else w for w in " ".join(sentences).split()]
    return "KOTA, Warta — " + " ".join(words) + " (Editor: Redaksi)"


def threshold_figures() -> dict:
    """The similarities THRESHOLD sits between (module docstring of rag/index/copies.py): different
    reports of the same events (the seeds, the test articles outside the press release's group),
    FacQA's passage pairs by band (0.44 and above are one passage repeated, inspected by hand), and
    lightly edited copies."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    reports = seeds + [a["text"] for a in ARTICLES if a["id"] not in GROUP]
    report_signatures = [copies.signature(t) for t in reports]
    different = max(copies.similarity(a, b) for a, b in itertools.combinations(report_signatures, 2))
    passages = [json.loads(line)["text"] for line in FACQA.read_text(encoding="utf-8").splitlines()]
    signatures = np.stack([copies.signature(t) for t in passages])
    scores = np.concatenate([(signatures[i + 1:] == signatures[i]).mean(axis=1) for i in range(len(passages))])
    bands = {f"{low:.1f}-{high:.1f}": int(((scores >= low) & (scores < high)).sum())
             for low, high in ((0.1, 0.2), (0.2, 0.3), (0.3, 0.4), (0.4, 0.999))}
    rng, vocabulary = random.Random(1), [w for t in passages[:200] for w in t.split()]
    edits = {}
    for share in (0.05, 0.10):
        edited = [copies.similarity(copies.signature(t), copies.signature(_edited(t, rng, share, vocabulary)))
                  for t in seeds + passages[:100]]
        edits[share] = {"p5": round(float(np.percentile(edited, 5)), 3), "median": round(float(np.median(edited)), 3)}
    return {"different_reports_max": round(different, 3), "facqa_pairs_by_similarity": bands, "edited_copies": edits}


if __name__ == "__main__":
    print(json.dumps(threshold_figures(), indent=2))

"""`rag bench` on a small scale: every figure the issue names is measured, and could fail."""

import json

import numpy as np
import pytest

from rag.devtools.bench import BenchConfig, run
from rag.config import load_settings
from tests.conftest import SHARED, run_rag

FACQA = SHARED / "data" / "facqa"


@pytest.mark.slow
def test_bench_measures_every_figure_on_a_small_scale(tmp_path, embedder):
    passages = tmp_path / "passages.jsonl"
    lines = (FACQA / "passages.jsonl").read_text(encoding="utf-8").splitlines()
    passages.write_text("\n".join(lines[:150]) + "\n", encoding="utf-8")
    config = BenchConfig(passages, FACQA / "questions-test.jsonl", sizes=(500, 60_000), queries=8,
                         incremental_articles=300, trials=1, cold_start_size=60_000, copies_articles=2_000)
    said = []
    result = run(config, load_settings(environ={}), embedder, said.append)
    json.dumps(result)  # what --json prints

    ingest = result["ingest"]
    assert ingest["chunks"] > 100 and ingest["build_s"] > 0 and ingest["encode_s"] > 0
    assert result["ingest_ratio"] == pytest.approx(ingest["build_chunks_per_s"] / ingest["encode_chunks_per_s"], rel=0.01)
    assert result["incremental"]["articles"] == 300 and np.isfinite(result["incremental_s"])
    copies = result["copies"]
    assert copies["articles"] == 2_000 and copies["groups"] >= 20  # one in a hundred a planted repost
    assert 0 < copies["copies_s"] < copies["build_s"] and copies["share"] == pytest.approx(
        copies["copies_s"] / copies["build_s"], abs=0.005)
    assert copies["add_one"]["signatures_made"] == 1
    small, large = result["sizes"]["500"], result["sizes"]["60000"]
    assert small["index_type"] == "IndexFlatIP" and small["recall_at_10"] == 1.0
    assert large["index_type"] == "IndexIVFFlat" and large["dense"]["nprobe"] < large["dense"]["lists"]
    assert large["recall_at_10"] >= 0.9  # measured with real questions against exact search
    for row in (small, large):
        assert 0 < row["p50_ms"] <= row["p95_ms"] < 2_000
        assert 50 < row["rss_mb"] < 6_000  # the serving process's own peak, not the bench's
    assert 0 < result["cold_start_floor_s"] and 0 < result["cold_start_s"]
    embedding = result["query_embedding"]
    for case in ("alone", "30_users", "beside_build"):
        assert 0 < embedding[case]["p50_ms"] <= embedding[case]["p95_ms"] < 5_000 and embedding[case]["n"] >= 8, case
    assert embedding["30_users"]["n"] == 30 * 4 and embedding["build_ran_throughout"]
    assert len(said) == 7  # ingest, incremental, copies, two sizes, cold start, query embedding


def test_bench_refuses_bad_sizes_and_missing_files(tmp_path):
    result = run_rag("bench", "--sizes", "1000,lots")
    assert result.returncode == 2 and "--sizes" in result.stderr and "Traceback" not in result.stderr
    result = run_rag("bench", "--passages", str(tmp_path / "none.jsonl"))
    assert result.returncode == 2 and "--passages" in result.stderr

"""The partition bench set: one small run end to end, its JSON rows and markdown page."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from kgrota.bench import partition as bench

if TYPE_CHECKING:
    from pathlib import Path


def test_bench_writes_checked_rows_and_spread(tmp_path: Path) -> None:
    assert (
        bench.main(["--sizes", "20", "--seeds", "2", "--time-limit", "5", "--out", str(tmp_path)])
        == 0
    )
    [json_path] = tmp_path.glob("partition-*.json")
    results = json.loads(json_path.read_text(encoding="utf-8"))
    runs = results["runs"]
    assert [(r["kindergartens"], r["seed"]) for r in runs] == [(20, 0), (20, 1)]
    for r in runs:
        assert r["breaches"] == [] and r["districts"] == 2  # ceil(20 / 16)
        assert r["bound"] <= r["objective"]
        assert r["first_seconds"] is not None and r["first_seconds"] <= r["seconds"]
        if r["status"] == "OPTIMAL":
            assert r["gap_percent"] == 0 and r["within_1pct_seconds"] is not None
        assert r["peak_rss_mb"] > 0
    [size] = results["summary"]
    gaps = [r["gap_percent"] for r in runs]
    assert size["gap_percent"] == {"min": min(gaps), "median": sum(gaps) / 2, "max": max(gaps)}
    page = json_path.with_suffix(".md").read_text(encoding="utf-8")
    assert "| 20 | 2 |" in page and page.count("| ok |") == 2

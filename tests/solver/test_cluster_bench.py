"""bench/cluster.py's results on disk: the JSON round-trips, the page has a row per run with
its figures and the spread; the spread is min / median / max of the runs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kgrota.bench.cluster import _spread, markdown, write

if TYPE_CHECKING:
    from pathlib import Path


def results() -> dict[str, Any]:
    runs = [
        {
            "run": n,
            "local_wall_seconds": local,
            "ray_wall_seconds": ray,
            "ray_connect_seconds": 0.03,
            "first_group_delay_seconds": 2.0,
            "overhead_per_group_seconds": (ray - local) / 4,
            "groups_per_node": {"aaaa": 2, "bbbb": 2},
            "identical_plans": True,
            "all_optimal": True,
            "local": {"optimal_groups": 4, "verified": True, "objective": 10},
            "ray": {"optimal_groups": 4, "verified": True, "objective": 10},
            "load_1min": 1.0,
        }
        for n, (local, ray) in enumerate([(4.0, 6.0), (5.0, 5.0), (4.5, 7.5)], start=1)
    ]
    return {
        "set": "cluster",
        "date": "2026-11-29",
        "roster": {"groups": 4, "kgs": [4, 10], "seed": 1},
        "teachers": 700,
        "cluster": {"nodes": 2, "cpus_per_node": 2, "head_cpus": 0, "start_seconds": 9.0},
        "workers": 2,
        "time_limit": 60.0,
        "ray": "2.60.0",
        "cpus": 2,
        "runs": runs,
        "summary": {"overhead_per_group_seconds": _spread([0.5, 0.0, 0.75])},
    }


def test_spread_is_min_median_max() -> None:
    assert _spread([0.5, 0.0, 0.75]) == {"min": 0.0, "median": 0.5, "max": 0.75}


def test_results_are_written_as_json_and_a_page(tmp_path: Path) -> None:
    data = results()
    paths = write(data, tmp_path)
    assert sorted(p.name for p in paths) == ["cluster-2026-11-29.json", "cluster-2026-11-29.md"]
    assert json.loads(paths[0].read_text(encoding="utf-8")) == data
    page = paths[1].read_text(encoding="utf-8")
    assert page == markdown(data)
    rows = [line for line in page.splitlines() if line.startswith("| ") and "True" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| 1", "| 2", "| 3"]
    assert "aaaa: 2, bbbb: 2" in rows[0] and "| 0.5 |" in rows[0]  # overhead (6 − 4) / 4
    assert "| overhead_per_group_seconds | 0.0 | 0.5 | 0.75 |" in page

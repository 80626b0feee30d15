"""`kgrota bench`: the benchmark runner's own options under the kgrota command."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from kgrota.bench.sets import SETS
from kgrota.io.cli import main

if TYPE_CHECKING:
    from pathlib import Path


def test_help_is_the_runners() -> None:
    result = CliRunner().invoke(main, ["bench", "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("usage: kgrota bench")
    assert all(name in result.output for name in SETS) and "--no-mip" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-set",),  # unknown set
        ("small", "--gap", "100"),  # a gap of 100 % proves nothing
        ("small", "--gap", "-1"),  # a negative gap
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, ["bench", *args])
    assert result.exit_code == 2


def test_tiny_run_writes_results(tmp_path: Path) -> None:
    args = ["bench", "small", "--seeds", "1", "--time-limit", "3", "--workers", "1", "--no-mip"]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [json_path] = tmp_path.glob("small-*.json")
    assert json_path.with_suffix(".md").exists()
    data = json.loads(json_path.read_text(encoding="utf-8"))
    [group] = data["instances"][0]["groups"]
    assert data["params"]["seeds"] == [1] and data["params"]["mip"] is False
    assert group["verified"] is True and group["workers"] == 1


def test_gap_is_recorded_and_stops_within_it(tmp_path: Path) -> None:
    args = ["bench", "small", "--seeds", "1", "--time-limit", "3", "--workers", "1", "--no-mip"]
    result = CliRunner().invoke(main, [*args, "--gap", "30", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [json_path] = tmp_path.glob("small-*.json")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["params"]["gap"] == 0.3  # recorded as the fraction CP-SAT gets
    [group] = data["instances"][0]["groups"]
    assert group["verified"] is True
    assert group["status"] == "OPTIMAL" or (group["status"] == "FEASIBLE" and group["gap"] <= 0.3)

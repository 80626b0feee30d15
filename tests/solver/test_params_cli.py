"""``--params FILE`` on the command line: kgrota solve, demo and bench read a TOML preset, flags
override it, and a bad preset is a usage error (exit 2) naming the file and the key."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from kgrota.io.cli import main
from kgrota.io.roster_write import write_roster
from kgrota.model.generate import generate
from kgrota.solver import solve as solve_module
from kgrota.solver.cpsat import solve_group
from kgrota.solver.options import SolveOptions

if TYPE_CHECKING:
    from pathlib import Path

    from kgrota.model import GroupResult, Instance


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def flat(text: str) -> str:
    """Output without whitespace: the console wraps long paths."""
    return "".join(text.split())


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return write_roster(generate(groups=2, kgs=3, seed=1, start_year=2026), tmp_path / "r.xlsx")


def test_solve_takes_the_preset_and_flags_override_it(
    roster: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[SolveOptions] = []

    def spy(part: Instance, options: SolveOptions, **kw: Any) -> GroupResult:
        seen.append(options)
        return solve_group(part, options, **kw)

    monkeypatch.setattr(solve_module, "solve_group", spy)
    params = tmp_path / "fast.toml"
    params.write_text(
        "time_limit = 15\nworkers = 1\nseed = 5\ngap = 0.3\n[cp_sat]\nlinearization_level = 1\n",
        encoding="utf-8",
    )
    plan = tmp_path / "plan.json"
    args = ("solve", str(roster), "-o", str(plan), "--profile", "qingpu", "--start-year", "2026")
    code, output = run(*args, "--params", str(params), "--seed", "3", "--gap", "20")
    assert code == 0, output
    expected = SolveOptions(15, 1, 3, 0.2, cp_sat={"linearization_level": 1})
    assert seen == [expected, expected]  # one per group, the flags over the file
    code, output = run("verify", str(roster), str(plan))
    assert code == 0, output


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("time_limt = 20\n", "'time_limt'"),  # a typo in kgrota's keys
        ("[cp_sat]\nnum_wrkers = 2\n", "cp_sat.num_wrkers"),  # a typo in CP-SAT's
        ("[cp_sat]\nnum_workers = 2\n", "cp_sat.num_workers"),  # set by `workers`
        ('gap = "0.5%"\n', "gap"),  # a bad value
        ("workers = 2\nworkers = 3\n", "not valid TOML"),  # a key twice
    ],
)
@pytest.mark.parametrize("command", ["solve", "demo"])
def test_a_bad_preset_exits_2_naming_file_and_key(
    command: str, text: str, key: str, roster: Path, tmp_path: Path
) -> None:
    params = tmp_path / "bad.toml"
    params.write_text(text, encoding="utf-8")
    demo_dir = tmp_path / "demo"
    args = {
        "solve": ("solve", str(roster), "-o", str(tmp_path / "plan.xlsx")),
        "demo": ("demo", "--out", str(demo_dir)),
    }[command]
    code, output = run(*args, "--params", str(params))
    assert code == 2, output
    assert flat(f"{params}:") in flat(output) and flat(key) in flat(output)
    assert not (tmp_path / "plan.xlsx").exists() and not demo_dir.exists()  # nothing written


def test_a_missing_preset_is_a_usage_error(roster: Path, tmp_path: Path) -> None:
    args = ("solve", str(roster), "-o", str(tmp_path / "p.xlsx"), "--params", "none.toml")
    code, output = run(*args)
    assert code == 2 and "none.toml" in output


def test_bench_takes_the_preset_and_records_it(tmp_path: Path) -> None:
    params = tmp_path / "bench.toml"
    params.write_text("seed = 4\n[cp_sat]\nlinearization_level = 1\n", encoding="utf-8")
    args = ["bench", "small", "--seeds", "1", "--time-limit", "3", "--workers", "1", "--no-mip"]
    result = CliRunner().invoke(main, [*args, "--params", str(params), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [json_path] = tmp_path.glob("small-*.json")
    recorded = json.loads(json_path.read_text(encoding="utf-8"))["params"]
    assert (recorded["time_limit"], recorded["workers"], recorded["cp_seed"]) == (3, 1, 4)
    assert recorded["cp_sat"] == {"linearization_level": 1} and recorded["gap"] == 0.0
    assert "`linearization_level = 1`" in json_path.with_suffix(".md").read_text(encoding="utf-8")


def test_bench_with_a_bad_preset_exits_2(tmp_path: Path) -> None:
    params = tmp_path / "bad.toml"
    params.write_text("[cp_sat]\nlinearisation_level = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["bench", "small", "--params", str(params)])
    assert result.exit_code == 2
    assert "cp_sat.linearisation_level" in result.output

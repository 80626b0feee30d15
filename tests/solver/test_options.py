"""SolveOptions: checked on construction, read from TOML presets, and the same value in every
group's CP-SAT search (solve → backend → solve_group → configure, and the diagnosis)."""

from __future__ import annotations

import dataclasses
from importlib import resources
from typing import TYPE_CHECKING, Any

import pytest
from ortools.sat.python import cp_model

from kgrota.model import GroupResult, Instance, SolveStatus, load_profile
from kgrota.model.generate import generate
from kgrota.solver import solve as solve_module
from kgrota.solver.cpsat import configure, solve_group
from kgrota.solver.options import PartitionOptions, SolveOptions
from kgrota.solver.solve import DIAGNOSE_SECONDS, layout, solve

if TYPE_CHECKING:
    from pathlib import Path

    from kgrota.solver.options import SearchOptions


def small(groups: int = 1) -> Instance:
    return Instance.create(
        generate(groups=groups, kgs=3, seed=1, mode="loose"), load_profile("qingpu"), 2026
    )


def test_defaults_live_in_one_place_and_the_shipped_preset_writes_them_out() -> None:
    options = SolveOptions()
    assert (options.time_limit, options.workers, options.seed, options.gap) == (60.0, None, 0, 0.0)
    assert (options.backend, options.address, options.cp_sat) == ("local", None, {})
    shipped = resources.files("kgrota.scenarios") / "params" / "default.toml"
    with resources.as_file(shipped) as path:
        assert SolveOptions.from_file(path) == options


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_limit": 0}, "time_limit must be a positive number"),  # no time at all
        ({"time_limit": float("nan")}, "time_limit must be a positive number"),  # not a number
        ({"time_limit": "60"}, "time_limit must be a positive number"),  # TOML string
        ({"workers": 0}, "workers must be an integer ≥ 1"),  # no thread
        ({"workers": True}, "workers must be an integer ≥ 1"),  # a bool is no count
        ({"seed": 2**31}, "seed must be a 32-bit integer"),  # beyond CP-SAT's random_seed
        ({"seed": 1.5}, "seed must be a 32-bit integer"),  # not whole
        ({"gap": 1.0}, "gap must be a fraction in"),  # 100 %: nothing proven
        ({"gap": -0.01}, "gap must be a fraction in"),  # below 0
        ({"gap": 0.5j}, "gap must be a fraction in"),  # not a real number
        ({"backend": "dask"}, "backend 'dask' is not available"),  # unknown backend
        ({"address": "auto"}, "address is for the ray backend"),  # stray address
        ({"backend": "ray", "address": 10001}, "address must be a Ray cluster address"),
        ({"cp_sat": ["linearization_level"]}, "cp_sat must be a table"),  # not a mapping
        ({"cp_sat": {"num_wrkers": 2}}, r"num_wrkers: not a CP-SAT parameter \(did you mean"),
        ({"cp_sat": {"num_workers": 2}}, "kgrota sets it from workers"),  # the field's job
        ({"cp_sat": {"random_seed": 2}}, "kgrota sets it from seed"),  # ditto
        ({"cp_sat": {"linearization_level": True}}, "must be an integer, not True"),
        ({"cp_sat": {"linearization_level": 1.5}}, "must be an integer, not 1.5"),
        ({"cp_sat": {"linearization_level": 2**40}}, "out of range"),  # int32 field
        ({"cp_sat": {"log_search_progress": 1}}, "must be true or false"),  # no number
        ({"cp_sat": {"search_branching": "FIXED"}}, "must be one of AUTOMATIC_SEARCH"),
        ({"cp_sat": {"subsolvers": "max_lp"}}, "must be a list, each a string"),  # repeated
        ({"cp_sat": {"subsolver_params": []}}, "nested parameter sets are not supported"),
    ],
)
def test_bad_options_are_refused_naming_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SolveOptions(**changes)


@pytest.mark.parametrize(
    "options",
    [
        SolveOptions(workers=2, seed=-3, gap=0.005, backend="ray", address="ray://head:10001"),
        SolveOptions(cp_sat={"subsolvers": ["max_lp"], "search_branching": "FIXED_SEARCH"}),
        PartitionOptions(time_limit=5, workers=1, prune=False),
    ],
)
def test_good_options_are_kept(options: SearchOptions) -> None:
    assert dataclasses.replace(options) == options


def test_partition_options_check_the_search_fields() -> None:
    assert PartitionOptions().time_limit == 30.0  # its own default: two quick stages
    with pytest.raises(ValueError, match="time_limit must be a positive number"):
        PartitionOptions(time_limit=-1)


def test_cp_sat_parameters_are_a_copy_with_lists_as_tuples() -> None:
    given: dict[str, Any] = {"subsolvers": ["max_lp", "core"]}
    options = SolveOptions(cp_sat=given)
    given["subsolvers"].append("fixed")
    given["linearization_level"] = 0
    assert options.cp_sat == {"subsolvers": ("max_lp", "core")}


def preset(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "preset.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_preset_file_gives_every_field(tmp_path: Path) -> None:
    path = preset(
        tmp_path,
        'time_limit = 20\nworkers = 2\nseed = 7\ngap = 0.005\nbackend = "ray"\n'
        'address = "ray://head:10001"\n[cp_sat]\nlinearization_level = 1\n'
        'subsolvers = ["max_lp", "core"]\n',
    )
    assert SolveOptions.from_file(path) == SolveOptions(
        time_limit=20,
        workers=2,
        seed=7,
        gap=0.005,
        backend="ray",
        address="ray://head:10001",
        cp_sat={"linearization_level": 1, "subsolvers": ("max_lp", "core")},
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("time_limt = 20\n", r"unknown key 'time_limt' \(known: time_limit, workers, seed"),
        ("[cp]\nlinearization_level = 1\n", "unknown key 'cp'"),  # the table's name
        ("time_limit = \n", "not valid TOML"),  # a syntax error
        ('seed = "one"\n', "seed must be a 32-bit integer"),  # a bad value
        ("[cp_sat]\nlinearisation_level = 1\n", "cp_sat.linearisation_level: not a CP-SAT"),
        ("[cp_sat]\nnum_workers = 4\n", "cp_sat.num_workers: kgrota sets it from workers"),
        ("cp_sat = 1\n", "cp_sat must be a table"),  # not a table
    ],
)
def test_preset_errors_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = preset(tmp_path, text)
    with pytest.raises(ValueError, match=message) as caught:
        SolveOptions.from_file(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_a_preset_not_in_utf8_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes("# 预设\n".encode("gbk"))
    with pytest.raises(ValueError, match="not valid TOML"):
        SolveOptions.from_file(path)


def test_flags_override_the_preset_and_absent_flags_keep_it(tmp_path: Path) -> None:
    path = preset(tmp_path, "time_limit = 20\nseed = 7\n[cp_sat]\nlinearization_level = 1\n")
    options = SolveOptions.from_flags(path, time_limit=None, seed=3, workers=2, gap=None)
    assert (options.time_limit, options.seed, options.workers) == (20, 3, 2)
    assert options.cp_sat == {"linearization_level": 1}
    assert SolveOptions.from_flags(None, seed=None) == SolveOptions()


def test_configure_sets_the_preset_parameters_after_its_own() -> None:
    params = cp_model.SatParameters()
    options = SolveOptions(
        time_limit=5,
        workers=3,
        seed=9,
        gap=0.01,
        cp_sat={"linearization_level": 1, "subsolvers": ["core"], "use_lns": False},
    )
    configure(params, options)
    assert (params.max_time_in_seconds, params.num_workers, params.random_seed) == (5, 3, 9)
    assert params.relative_gap_limit == 0.01
    assert params.linearization_level == 1  # kgrota's own is 2: the preset's comes last
    assert list(params.subsolvers) == ["core"]  # replaces kgrota's portfolio
    assert params.use_lns is False


def test_solve_group_runs_cp_sat_with_the_options() -> None:
    logs: list[str] = []
    options = SolveOptions(time_limit=1, workers=1, seed=4, cp_sat={"linearization_level": 1})
    solve_group(small(), options, log_callback=logs.append)
    used = [line for line in logs if line.startswith("Parameters:")]
    assert used and all("linearization_level: 1" in line for line in used)
    assert all("random_seed: 4" in line and "num_workers: 1" in line for line in used)


def test_every_group_and_every_diagnosis_gets_the_same_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[SolveOptions] = []
    tried: list[SolveOptions] = []

    def infeasible(part: Instance, options: SolveOptions, **_: Any) -> GroupResult:
        seen.append(options)
        return GroupResult(part.roster.groups[0], SolveStatus.INFEASIBLE, ())

    def relaxations(part: Instance, options: SolveOptions) -> tuple[str, ...]:
        tried.append(options)
        return ()

    monkeypatch.setattr(solve_module, "solve_group", infeasible)
    monkeypatch.setattr(solve_module, "relaxations", relaxations)
    inst = small(groups=2)
    options = SolveOptions(time_limit=30, workers=1, seed=7, gap=0.01, cp_sat={"use_lns": False})
    solve(inst, options)
    assert seen == [options, options]  # 1 thread: one group after the other, each with it
    assert tried == [dataclasses.replace(options, time_limit=DIAGNOSE_SECONDS)] * 2


def test_groups_share_the_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[SolveOptions] = []

    def spy(part: Instance, options: SolveOptions, **kw: Any) -> GroupResult:
        seen.append(options)
        return solve_group(part, options, **kw)

    monkeypatch.setattr(solve_module, "solve_group", spy)
    solve(small(groups=2), SolveOptions(time_limit=20, workers=1, seed=5))
    # 1 thread: one group at a time in this process, with the run's seed and time limit
    assert [(o.workers, o.seed, o.time_limit) for o in seen] == [(1, 5, 20)] * 2


@pytest.mark.parametrize(
    ("groups", "threads", "split"),
    [
        (1, 2, (0, 2)),  # one group: every thread on it, in this process
        (7, 2, (2, 1)),  # the demo on 2 cores: two 1-worker processes
        (2, 3, (2, 1)),  # never more threads than asked for
        (3, 8, (3, 2)),
        (200, 64, (64, 1)),
        (5, 1, (0, 1)),
    ],
)
def test_layout_gives_each_group_one_worker_while_groups_last(
    groups: int, threads: int, split: tuple[int, int]
) -> None:
    assert layout(groups, threads) == split

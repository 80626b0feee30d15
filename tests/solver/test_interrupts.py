"""Faults during a solve, injected for real: SIGINT and SIGTERM at several points of a
`kgrota solve` (subprocess), a second Ctrl-C, a worker process killed mid-solve; and
reproducibility: the same plan whatever the worker count, and from two default runs."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from kgrota.io.plan_check import verify_plan
from kgrota.io.roster_read import read_roster
from kgrota.io.roster_write import write_roster
from kgrota.io.run_summary import group_note, run_rows
from kgrota.io.schedule_io import read_plan
from kgrota.model import Cut, Instance, SolveStatus, load_profile
from kgrota.model.generate import generate
from kgrota.model.verify import verify
from kgrota.solver import solve as solve_module
from kgrota.solver.cpsat import solve_group
from kgrota.solver.options import SolveOptions
from kgrota.solver.pool import Pool
from kgrota.solver.solve import lost_part, solve, solve_part
from kgrota.solver.stop import Stop

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import IO

START = 2026
WAIT = 240.0  # seconds a subprocess may take to reach a point (a loaded CI machine)
KGROTA = [sys.executable, "-c", "from kgrota.io.cli import main; main()"]


class Run:
    """A `kgrota` subprocess whose stderr lines are read as they come."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*KGROTA, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.stdout: list[str | None] = []
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.readers = [
            threading.Thread(target=self._read, args=(self.proc.stderr, self.lines.put)),
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout.append)),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str], put: Callable[[str | None], None]) -> None:
        for line in stream:
            put(line)
        put(None)

    def wait_for(self, pattern: str) -> None:
        """Block until a stderr line matches `pattern` (fail if the process ends first)."""
        while True:
            line = self.lines.get(timeout=WAIT)
            assert line is not None, f"ended before {pattern!r}: {''.join(self.seen)}"
            self.seen.append(line)
            if re.search(pattern, line):
                return

    def finish(self) -> tuple[int, str]:
        """Exit status and everything printed (each stream read by its own thread only)."""
        code = self.proc.wait(timeout=WAIT)
        for reader in self.readers:
            reader.join(timeout=WAIT)
        while (line := self.lines.get(timeout=WAIT)) is not None:
            self.seen.append(line)
        return code, "".join(line for line in self.stdout if line) + "".join(self.seen)


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three 16-kindergarten groups: each takes seconds, so signals land mid-solve."""
    path = tmp_path_factory.mktemp("signals") / "roster.xlsx"
    write_roster(generate(groups=3, kgs=16, seed=1, start_year=START), path)
    return path


def summary(plan: Path) -> dict[str, object]:
    sheet = load_workbook(plan, read_only=True)["Solver"]  # key, item, value, note
    return {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}


def solve_in_subprocess(roster: Path, out: Path) -> Run:
    # --debug logs "solving N group(s)" when the search begins
    return Run("--debug", "solve", str(roster), "-o", str(out), "--start-year", str(START))


# Where the signal lands: as the first group's search begins, or once it has finished
# (the second group searching, the third waiting).
SOLVING = r"solving 3 group\(s\)"
FIRST_DONE = r"^  \S+: .+ in \d+\.\ds$"


@pytest.mark.parametrize(
    ("point", "signum"),
    [
        (SOLVING, signal.SIGINT),  # first group interrupted, the others never start
        (FIRST_DONE, signal.SIGINT),  # first group done, second interrupted mid-search
        (FIRST_DONE, signal.SIGTERM),  # SIGTERM behaves like the first Ctrl-C
    ],
    ids=["sigint-first-group", "sigint-second-group", "sigterm-second-group"],
)
def test_an_interrupt_writes_the_best_plan_so_far_marked_and_verified(
    big_roster: Path, tmp_path: Path, point: str, signum: signal.Signals
) -> None:
    out = tmp_path / "plan.xlsx"
    run = solve_in_subprocess(big_roster, out)
    run.wait_for(point)
    run.proc.send_signal(signum)
    code, output = run.finish()
    assert code == 130, output
    assert "Traceback" not in output
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]  # no temporary file left
    facts = summary(out)
    assert "INTERRUPTED" in str(facts["run"]) and "已中断" in str(facts["run"])
    assert str(facts["reproducible"]).startswith("no")
    notes = {k: v for k, v in facts.items() if str(k).endswith("_note")}
    assert any("interrupt" in str(v) for v in notes.values()), notes
    # every group has its status and gap in the summary; the plan verifies on its own
    groups = read_roster(big_roster)[0].groups
    assert all(f"group_{g}_status" in facts and f"group_{g}_gap" in facts for g in groups)
    plan = read_plan(out)
    instance = Instance.create(read_roster(big_roster)[0], load_profile("default"), START)
    assert verify_plan(instance, plan).report.ok
    if point == FIRST_DONE:  # the group done before the signal kept its canonical optimum
        first = re.search(r"^  (\S+): proven best in", output, re.M)
        assert first is not None, output
        assert facts[f"group_{first[1]}_status"] == "OPTIMAL"
        assert f"group_{first[1]}_note" not in facts


def test_a_second_interrupt_leaves_at_once_writing_nothing(
    big_roster: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.xlsx"
    run = solve_in_subprocess(big_roster, out)
    run.wait_for(SOLVING)
    run.proc.send_signal(signal.SIGINT)
    time.sleep(0.1)  # two signals sent at once arrive as one; a person takes longer
    run.proc.send_signal(signal.SIGINT)
    code, output = run.finish()
    assert code == 130, output
    assert "nothing was written" in output and "Traceback" not in output
    assert not list(tmp_path.iterdir())


VICTIM = "victim"


def solve_or_die(part: Instance, stop: Stop, *, options: SolveOptions) -> object:
    """`solve_part`, but the worker that gets the victim group is killed outright."""
    if part.roster.groups[0].endswith(VICTIM):
        os.kill(os.getpid(), signal.SIGKILL)
    return solve_part(part, stop, options=options)


def three_groups() -> Instance:
    roster = generate(groups=3, kgs=4, seed=5, mode="loose", start_year=START)
    groups = roster.groups
    renamed = {groups[1]: f"{groups[1]}-{VICTIM}"}  # the second group's worker dies
    kgs = tuple(replace(k, group=renamed.get(k.group, k.group)) for k in roster.kindergartens)
    return Instance.create(replace(roster, kindergartens=kgs), load_profile("qingpu"), START)


def test_a_killed_worker_costs_its_group_only_which_falls_back_to_greedy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = three_groups()
    # Workers import the function by name: this module's, which kills the victim's worker.
    monkeypatch.setattr(solve_module, "solve_part", solve_or_die)
    schedule = solve(inst, SolveOptions(time_limit=20, workers=4))  # a pool of 2 processes
    by_group = {g.group: g for g in schedule.groups}
    (victim,) = (g for name, g in by_group.items() if name.endswith(VICTIM))
    assert victim.status is SolveStatus.GREEDY and victim.cut is Cut.WORKER_LOST
    assert victim.cut_detail == "SIGKILL" and victim.assignments
    note = group_note(victim)
    assert note is not None and "SIGKILL" in note and "greedy" in note
    others = [g for name, g in by_group.items() if not name.endswith(VICTIM)]
    assert all(g.status is SolveStatus.OPTIMAL and g.canonical for g in others)
    assert verify(inst, schedule.assignments).ok


def test_a_pool_stop_reaches_the_workers_and_keeps_back_the_rest() -> None:
    inst = three_groups()
    parts = [inst.for_group(g) for g in inst.roster.groups]
    stop = Stop()
    stop.request()  # before anything starts: no group is searched
    pool = Pool(partial(solve_part, options=SolveOptions(time_limit=20, workers=2)), lost_part, 2)
    results = list(pool.run(parts, stop))
    assert sorted(r.group for r in results) == sorted(inst.roster.groups)
    assert {(r.status, r.cut) for r in results} == {(SolveStatus.UNKNOWN, Cut.NOT_STARTED)}


def test_a_stop_during_the_search_keeps_the_best_so_far() -> None:
    roster = generate(groups=1, kgs=16, seed=1, start_year=START)
    inst = Instance.create(roster, load_profile("default"), START)
    stop = Stop()
    # The search's log reports each solution: stop at the first.
    lines: list[str] = []

    def log(line: str) -> None:
        lines.append(line)
        if line.startswith("#1 "):
            stop.request()

    result = solve_group(inst, SolveOptions(time_limit=60, workers=2), stop=stop, log_callback=log)
    assert stop.requested
    assert result.cut is Cut.INTERRUPT and not result.canonical
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert verify(inst, result.assignments).ok


# -- reproducibility ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "mode", "profile"), [(1, "loose", "qingpu"), (4, "tight", "lechang")]
)
def test_the_canonical_plan_is_the_same_for_any_worker_count(
    seed: int, mode: str, profile: str
) -> None:
    roster = generate(groups=1, kgs=6, seed=seed, mode=mode, start_year=START)
    inst = Instance.create(roster, load_profile(profile), START)
    results = [solve_group(inst, SolveOptions(time_limit=30, workers=w)) for w in (1, 2, 3)]
    assert all(r.status is SolveStatus.OPTIMAL and r.canonical for r in results)
    assert results[0].assignments == results[1].assignments == results[2].assignments
    assert results[0].objective == results[2].objective


def test_two_default_runs_give_byte_identical_assignments(tmp_path: Path) -> None:
    roster = tmp_path / "roster.xlsx"
    write_roster(generate(groups=3, kgs=5, seed=3, start_year=START), roster)
    blocks = []
    for i in (1, 2):  # default workers: every core
        out = tmp_path / f"plan{i}.json"
        code, output = Run(
            "solve", str(roster), "-o", str(out), "--start-year", str(START)
        ).finish()
        assert code == 0, output
        doc = json.loads(out.read_text(encoding="utf-8"))
        blocks.append(json.dumps(doc["schedule"]["assignments"], ensure_ascii=False))
        rows = {r["key"]: r["value"] for r in doc["solver"]}
        assert str(rows["reproducible"]).startswith("yes")
        assert rows["workers"] == os.cpu_count() and rows["seed"] == 0
        assert rows["version"].startswith("kgrota ") and len(rows["profile_sha256"]) == 64
    assert blocks[0] == blocks[1]


def test_a_time_limit_hit_says_the_plan_may_differ() -> None:
    roster = generate(groups=2, kgs=16, seed=1, start_year=START)
    inst = Instance.create(roster, load_profile("default"), START)
    schedule = solve(inst, SolveOptions(time_limit=0.1, workers=2))  # not even a build
    assert not schedule.reproducible
    assert {g.status for g in schedule.groups} == {SolveStatus.GREEDY}
    rows = {key: value for key, _item, value, _note in run_rows(schedule)}
    assert str(rows["reproducible"]).startswith("no: the time limit")
    assert rows["run"] == "complete" and rows["time_limit"] == 0.1
    assert Counter(str(v).split(":")[0] for k, v in rows.items() if k.endswith("_note")) == {
        "no solution within the time limit": 2
    }


def test_a_stop_reaches_ray_tasks_and_keeps_back_the_rest() -> None:
    ray = pytest.importorskip("ray")
    roster = generate(groups=3, kgs=16, seed=1, start_year=START)
    inst = Instance.create(roster, load_profile("default"), START)
    stop = Stop()
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        # Requested as the first two tasks start (2 CPUs, a 1-worker group on each): they
        # stop (through the flag actor) while they build or search; the third is never
        # submitted.
        threading.Timer(0.2, stop.request).start()
        schedule = solve(inst, SolveOptions(time_limit=60, workers=2, backend="ray"), stop=stop)
    finally:
        ray.shutdown()
    assert schedule.run is not None and schedule.run.interrupted
    # a started group may also finish before the stop reaches it (a loaded machine)
    assert {g.cut for g in schedule.groups} <= {Cut.INTERRUPT, Cut.NOT_STARTED, None}
    assert Cut.NOT_STARTED in {g.cut for g in schedule.groups}
    assert verify(inst, schedule.assignments).ok

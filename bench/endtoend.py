"""A roster solved end to end as a user solves it: ``kgrota solve ROSTER -o PLAN.xlsx``.

The roster workbook is written first (untimed); then the ``kgrota`` command runs in a
subprocess and is timed from its start to its exit, the plan written and verified (the CLI
verifies every plan it writes). Its peak memory is sampled over the whole process tree (the
command and the solving processes it starts): bench/memory.py `TreePeak`, the sum of every
process's ``VmHWM`` as the headline figure (an upper bound), the largest single one beside it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io.roster_write import write_roster
from ..solver.stop import INTERRUPTED_EXIT
from .memory import TreePeak
from .sets import START_YEAR, YEARS

if TYPE_CHECKING:
    from ..model import Roster
    from ..solver.options import SolveOptions
    from ..solver.stop import Stop

Record = dict[str, Any]

_SAMPLE_SECONDS = 0.1


def command() -> list[str]:
    """The ``kgrota`` command of this environment (the console script beside this Python,
    else the CLI module run by this Python)."""
    script = Path(sys.executable).with_name("kgrota")
    if script.exists():
        return [str(script)]
    found = shutil.which("kgrota")
    return [found] if found else [sys.executable, "-m", "kgrota.io.cli"]


def solve_args(
    roster: Path, plan: Path, profile: str, options: SolveOptions, preset: Path | None
) -> list[str]:
    """The command line a user would type for this benchmark's settings: the preset file, if
    any, and each option as a flag (the flags override the preset, as in the bench)."""
    args = [*command(), "solve", str(roster), "-o", str(plan), "--profile", profile]
    args += ["--start-year", str(START_YEAR), "--years", str(YEARS)]
    if preset is not None:
        args += ["--params", str(preset)]
    args += ["--time-limit", f"{options.time_limit:g}", "--workers", str(options.threads)]
    args += ["--seed", str(options.seed), "--gap", f"{options.gap * 100:g}"]  # in percent
    return [*args, "--backend", options.backend]


def end_to_end(
    roster: Roster,
    profile: str,
    options: SolveOptions,
    preset: Path | None = None,
    stop: Stop | None = None,
) -> Record:
    """Write `roster`, then time ``kgrota solve`` on it; wall seconds, peak RSS, exit code and
    the command's last lines (the plan's status). A requested `stop` interrupts the command
    as Ctrl-C would (it writes its best plan so far and exits 130)."""
    with tempfile.TemporaryDirectory(prefix="kgrota-e2e-") as tmp:
        folder = Path(tmp)
        roster_path = write_roster(roster, folder / "roster.xlsx")
        plan = folder / "plan.xlsx"
        args = solve_args(roster_path, plan, profile, options, preset)
        env = os.environ | {"KGROTA_LANG": "en"}  # the status line in English, for the record
        started = time.perf_counter()
        with (
            subprocess.Popen(
                args,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=env,
                start_new_session=True,  # a Ctrl-C reaches it once, forwarded (`_communicate`)
            ) as proc,
            TreePeak(proc.pid, _SAMPLE_SECONDS) as peak,
        ):
            stdout = _communicate(proc, stop)
            wall = time.perf_counter() - started
        lines = [line.strip() for line in stdout.splitlines() if line.strip()]
        return {
            "interrupted": proc.returncode == INTERRUPTED_EXIT,
            "command": " ".join(["kgrota", *args[len(command()) :]])
            .replace(str(roster_path), "ROSTER.xlsx")
            .replace(str(plan), "PLAN.xlsx"),
            "exit_code": proc.returncode,
            "wall_seconds": wall,
            "rss_mb": peak.hwm_sum_mb,  # sum of VmHWM over the tree: an upper bound
            "rss_max_process_mb": peak.hwm_max_mb,
            "processes": peak.processes,
            "roster_mb": roster_path.stat().st_size / 2**20,
            "plan_written": plan.exists(),
            "plan_mb": plan.stat().st_size / 2**20 if plan.exists() else None,
            "output": [line.replace(str(plan), "PLAN.xlsx") for line in lines[-3:]],
        }


def _communicate(proc: subprocess.Popen[str], stop: Stop | None) -> str:
    """The command's output once it ends; SIGINT to it (once) when `stop` is requested."""
    signalled = False
    while True:
        try:
            stdout, _ = proc.communicate(timeout=_SAMPLE_SECONDS)
        except subprocess.TimeoutExpired:
            if stop is not None and stop.requested and not signalled:
                proc.send_signal(signal.SIGINT)
                signalled = True
            continue
        return stdout

"""The solution side: assignments, schedules and solve results (no OR-Tools inside)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from .instance import Activity, Semester

if TYPE_CHECKING:
    import datetime as dt


@dataclass(frozen=True, order=True)
class Assignment:
    """One placement. Year-long activities have no semester or slot; short visits have both.

    `slot` is 1-based within the semester. `partner` is the mentor of an induction or the
    swap partner; `items` the guidance items (六个一) a guidance visit carries.
    """

    teacher_id: str
    activity: Activity
    host_kg: str
    year: int
    semester: Semester | None = None
    slot: int | None = None
    partner: str | None = None
    items: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        short = self.activity in (Activity.SHADOWING, Activity.GUIDANCE)
        if short and (self.semester is None or self.slot is None or self.slot < 1):
            raise ValueError("Must have semester and slot >= 1 for a short visit.")
        if not short and (self.semester is not None or self.slot is not None):
            raise ValueError("Must not have semester or slot for a year-long placement.")


class Cut(str, Enum):
    """Why a group's search ended before its time limit or proof (see `GroupResult.cut`)."""

    INTERRUPT = "interrupt"  # Ctrl-C or SIGTERM stopped it; the best plan so far stands
    NOT_STARTED = "not started"  # the interrupt came before its search began
    WORKER_LOST = "worker lost"  # the process solving it ended without a result


class SolveStatus(str, Enum):
    # Ordered best to worst: a schedule's status is its worst group's.
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    GREEDY = "GREEDY"  # CP-SAT found nothing in time; the greedy baseline stands in
    UNKNOWN = "UNKNOWN"  # time ran out before any solution
    INFEASIBLE = "INFEASIBLE"


@dataclass(frozen=True)
class GroupResult:
    """What one group's solve produced, with figures for reports and benchmarks."""

    group: str
    status: SolveStatus
    assignments: tuple[Assignment, ...]
    objective: int | None = None
    best_bound: float | None = None
    terms: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    first_feasible_seconds: float | None = None
    variables: int = 0
    constraints: int = 0
    teachers: int = 0
    greedy_objective: int | None = None
    relaxations: tuple[str, ...] = ()  # if INFEASIBLE: rules whose relaxation alone would solve
    # The plan is the canonical one among the optimal plans (cpsat.solve_group's tie-break):
    # the same on every run, machine and worker count.
    canonical: bool = False
    tiebreak_seconds: float = 0.0  # of `seconds`, spent finding the canonical plan
    build_seconds: float = 0.0  # of `seconds`, spent building the CP-SAT model (Python)
    # CP-SAT's deterministic time of the search (tie-break excluded): its effort in units
    # that do not depend on the machine or its load, for benchmarks on a shared machine.
    work: float = 0.0
    cut: Cut | None = None  # what ended the search early, if anything did
    cut_detail: str = ""  # e.g. the signal that ended a lost worker (SIGKILL)

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective is None or self.best_bound is None:
            return None
        denom = max(1.0, abs(float(self.objective)))
        return abs(self.best_bound - self.objective) / denom


@dataclass(frozen=True)
class RunInfo:
    """How a plan was made: what a rerun needs to give the same plan, and whether it would."""

    version: str  # kgrota and OR-Tools versions
    profile_sha256: str  # of the profile's settings (model/profile.py `Profile`)
    seed: int
    workers: int  # CP-SAT threads in all
    time_limit: float  # seconds per group
    gap: float  # the relative gap a group may stop at (0: prove optimal)
    backend: str
    interrupted: bool = False  # Ctrl-C or SIGTERM stopped the solve: the best plan so far


@dataclass(frozen=True)
class Schedule:
    """The plan for a whole roster: its assignments plus how it was made."""

    profile: str
    start_year: int
    years: int
    assignments: tuple[Assignment, ...]
    groups: tuple[GroupResult, ...] = ()
    created: dt.datetime | None = None
    run: RunInfo | None = None

    @property
    def reproducible(self) -> bool:
        """Whether a rerun with the same roster, profile, options and version gives this plan:
        an uninterrupted solve whose every group has its canonical plan (or none at all)."""
        if self.run is None or self.run.interrupted or not self.groups:
            return False
        return all(g.canonical or g.status is SolveStatus.INFEASIBLE for g in self.groups)

    @property
    def status(self) -> SolveStatus:
        """The weakest group status: OPTIMAL only if every group is."""
        order = list(SolveStatus)
        if not self.groups:
            return SolveStatus.UNKNOWN
        return max((g.status for g in self.groups), key=order.index)

    def __str__(self) -> str:
        lines = [
            f"profile {self.profile}, years {self.start_year}–{self.start_year + self.years - 1}"
        ]
        for g in self.groups:
            gap = f"{g.gap:.2%}" if g.gap is not None else "-"
            lines.append(
                f"  {g.group}: {g.status.value} objective={g.objective} gap={gap} "
                f"time={g.seconds:.2f}s assignments={len(g.assignments)}"
            )
        return "\n".join(lines)

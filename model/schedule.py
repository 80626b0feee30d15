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

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective is None or self.best_bound is None:
            return None
        denom = max(1.0, abs(float(self.objective)))
        return abs(self.best_bound - self.objective) / denom


@dataclass(frozen=True)
class Schedule:
    """The plan for a whole roster: its assignments plus how it was made."""

    profile: str
    start_year: int
    years: int
    assignments: tuple[Assignment, ...]
    groups: tuple[GroupResult, ...] = ()
    created: dt.datetime | None = None

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

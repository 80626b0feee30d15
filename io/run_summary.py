"""How a plan was made, as rows of the summary sheet: interrupted or complete, versions,
profile digest, seed, workers, time limit, gap, whether a rerun gives the same plan, and a
note on every group whose search did not end with its canonical optimum.

`run_rows` is all the summary needs (io/schedule_tables.py places the rows); `group_note`
words one group's outcome for the sheet and the command line alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Cut, SolveStatus
from ..model.i18n import _

if TYPE_CHECKING:
    from ..model import GroupResult, Schedule

INTERRUPTED = "已中断 INTERRUPTED"  # the mark, the same in both languages
Row = tuple[str, str, str | int | float | None, None]  # key, item, value, note


def run_rows(schedule: Schedule) -> list[Row]:
    """The run's rows, then a note per group that has one (none without `Schedule.run`)."""
    run = schedule.run
    if run is None:
        return []
    items: list[tuple[str, str, str | int | float | None]] = [
        ("run", _("Run"), run_status(schedule)),
        ("reproducible", _("Reproducible"), reproducible(schedule)),
        ("version", _("Version"), run.version),
        ("profile_sha256", _("Profile settings digest (SHA-256)"), run.profile_sha256),
        ("seed", _("Random seed"), run.seed),
        ("workers", _("Solver workers"), run.workers),
        ("time_limit", _("Time limit per group (s)"), run.time_limit),
        ("gap_limit", _("Gap accepted"), run.gap),
        ("backend", _("Backend"), run.backend),
    ]
    for g in schedule.groups:
        note = group_note(g)
        if note is not None:
            items.append((f"group_{g.group}_note", g.group, note))
    return [(key, item, value, None) for key, item, value in items]


def run_status(schedule: Schedule) -> str:
    if schedule.run is not None and schedule.run.interrupted:
        return _("{mark}: the best plan found before the interrupt").format(mark=INTERRUPTED)
    return _("complete")


def reproducible(schedule: Schedule) -> str:
    """Whether a rerun gives the same plan, and if not, why."""
    if schedule.reproducible:
        return _(
            "yes: every group has its canonical optimal plan; the same roster, profile, "
            "options and version give the same plan"
        )
    if schedule.run is not None and schedule.run.interrupted:
        return _("no: the solve was interrupted; the plan may differ between runs")
    groups = "、".join(
        g.group
        for g in schedule.groups
        if not g.canonical and g.status is not SolveStatus.INFEASIBLE
    )
    return _(
        "no: the time limit (or gap) cut the search of {groups}; the plan may differ between runs"
    ).format(groups=groups)


def group_note(g: GroupResult) -> str | None:
    """What the office should know about one group's plan (None: its canonical optimum)."""
    gap = f"{g.gap:.2%}" if g.gap is not None else "-"
    if g.cut is Cut.WORKER_LOST:
        return _("the worker process solving it ended ({how}): the greedy plan stands in").format(
            how=g.cut_detail
        )
    if g.cut is Cut.NOT_STARTED:
        return _("not started before the interrupt: the greedy plan stands in")
    if g.status is SolveStatus.GREEDY:
        if g.cut is Cut.INTERRUPT:
            return _("interrupted before a first solution: the greedy plan stands in")
        return _("no solution within the time limit: the greedy plan stands in")
    if g.status is SolveStatus.FEASIBLE:
        if g.cut is Cut.INTERRUPT:
            return _("stopped by the interrupt at gap {gap}").format(gap=gap)
        return _("stopped at the time limit or gap at gap {gap}").format(gap=gap)
    if g.status is SolveStatus.OPTIMAL and not g.canonical:
        if g.cut is Cut.INTERRUPT:
            return _(
                "optimal, but interrupted before the tie-break: a rerun may pick another plan of equal value"
            )
        return _(
            "optimal, but the time limit cut the tie-break: a rerun may pick another plan of equal value"
        )
    return None

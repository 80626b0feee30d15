"""Ctrl-C and SIGTERM on the command line: the first stops the search and the best plan so far
is written, marked and verified, then the command exits 130; a second leaves at once,
removing half-written files (solver/stop.py does the signal handling)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.markup import escape

from ..model.i18n import _
from ..solver.stop import INTERRUPTED_EXIT, Stop, interrupts
from .atomic import discard_pending
from .run_summary import INTERRUPTED, group_note

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rich.console import Console

    from ..model import Report, Schedule


@contextlib.contextmanager
def interruptible() -> Iterator[Stop]:
    """Within the block, the first interrupt requests the returned `Stop`; a second exits."""
    with interrupts(on_abort=discard_pending) as stop:
        yield stop


def finish_interrupted(
    stop: Stop, schedule: Schedule, report: Report, path: Path, console: Console
) -> None:
    """After an interrupt, say what was written and how it verifies, and exit 130 (a command
    interrupted never exits 0); without one, do nothing."""
    if not stop.requested:
        return
    if schedule.run is None or not schedule.run.interrupted:
        console.print(
            escape(
                _(
                    "interrupted after the search had finished: {path} holds the complete plan"
                ).format(path=path)
            )
        )
        raise SystemExit(INTERRUPTED_EXIT)
    console.print(
        escape(
            _("{mark}: wrote the best plan found so far to {path} ({n} assignments)").format(
                mark=INTERRUPTED, path=path, n=len(schedule.assignments)
            )
        )
    )
    for g in schedule.groups:
        gap = f"{g.gap:.2%}" if g.gap is not None else "-"
        note = group_note(g) or _("its canonical optimum")
        line = _("  {group}: {status}, gap {gap}: {note}")
        console.print(escape(line.format(group=g.group, status=g.status.value, gap=gap, note=note)))
    if report.ok:
        console.print("[green]✓[/green] " + escape(_("verified: every hard rule holds")))
    else:
        failed = _("fails verification: {n} hard-rule violation(s)").format(n=len(report.failures))
        console.print("[red]✗[/red] " + escape(failed))
    raise SystemExit(INTERRUPTED_EXIT)

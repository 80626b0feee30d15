"""The office's own decisions (人事科锁定): PIN.

Catalogue entry and the verifier's check side by side; solver/rules/pins.py holds the CP-SAT
side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import _
from ..report import Violation
from .base import Rule, Severity
from .plan import placement

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .plan import Plan

SHARED: tuple[str, ...] = ()


def _check(plan: Plan) -> Iterator[Violation]:
    for pin in plan.inst.roster.pins:
        matches = [
            a
            for a in plan.by_teacher.get(pin.teacher_id, [])
            if a.activity is pin.activity
            and a.year == pin.year
            and (pin.host_kg is None or a.host_kg == pin.host_kg)
            and (pin.semester is None or a.semester is pin.semester)
            and (pin.slot is None or a.slot == pin.slot)
        ]
        if pin.forbidden == bool(matches):
            if pin.forbidden:
                message = _("forbidden but scheduled: {what} (人事科锁定)")
            else:
                message = _("fixed but missing: {what} (人事科锁定)")
            what = placement(
                pin.teacher_id, pin.activity, pin.host_kg, pin.year, pin.semester, pin.slot
            )
            yield Violation(
                PIN.id,
                message.format(what=what),
                teacher_id=pin.teacher_id,
                kg_id=pin.host_kg,
                year=pin.year,
                semester=pin.semester.value if pin.semester else None,
            )


PIN = Rule(
    "PIN",
    "人事科锁定的安排必须保留",
    "an assignment the office fixed (or forbade) in the roster is kept",
    "the office's own decisions",
    Severity.HARD,
    _check,
    detail=(
        "A fixed pin matches an assignment of that teacher, activity and year (and host, "
        "semester and slot when given); a forbidden pin matches none."
    ),
)

RULES = (PIN,)

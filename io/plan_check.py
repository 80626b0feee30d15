"""Verifying a plan file as the office reads it: the independent verifier's rules, plus the
dates its rows show, each breach located at the sheet, row and column to edit.

- Unknown teachers, hosts and partners are bad input (an `InputError` naming the rows), not a
  rule breach: the verifier could only call them ONE-PLACE.
- The date columns are derived from year, semester and slot, but they are what a reader sees
  and what a hand-edited plan changes. A visit's dates must lie within its slot's dates and
  span at most two weeks (SHD-LEN, GUIDE-LEN: slots avoid holidays and a semester's first
  and last week, model/calendar.py); a year-long placement's within its academic year (one
  row a year: a longer stay is consecutive rows, which TERM-2Y bounds).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..model import RULE_BY_ID, Activity, Report, Severity, Violation
from ..model.i18n import _
from ..model.rules.guidance import GUIDE_LEN
from ..model.rules.plan import desc
from ..model.rules.rotation import TERM_2Y
from ..model.rules.shadowing import SHD_LEN
from ..model.verify import verify
from .errors import InputError, Problem

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ..model import Assignment, Instance
    from .schedule_io import PlanFile, PlanRow

MAX_VISIT_DAYS = 14  # SHD-LEN, GUIDE-LEN: 跟岗/蹲点不得超过2周
ROWS_SHOWN = 5  # rows named per violation; the rest are counted

# The column to edit for a breach of each rule (rows are found by teacher, host, year, term).
RULE_COLUMN: Mapping[str, str] = {
    "ROT-PER-GRADE": "teacher_id",
    "ROT-PAIRS": "host_kg",
    "ROT-DOWN": "host_kg",
    "TERM-2Y": "year",
    "IND-LEAD": "host_kg",
    "IND-MENTOR": "partner",
    "SHD-LEN": "slot",
    "SHD-CAP": "slot",
    "SHD-COOL": "semester",
    "SHD-VETO": "teacher_id",
    "GUIDE-LEN": "slot",
    "GUIDE-CAP": "teacher_id",
    "SWAP-EQ": "partner",
    "STAFF-CLASS": "host_kg",
    "AWAY-SLOT": "slot",
    "ONE-PLACE": "year",
    "PIN": "activity",
}
_SHORT_RULE = {Activity.SHADOWING: SHD_LEN.id, Activity.GUIDANCE: GUIDE_LEN.id}


@dataclass(frozen=True)
class CheckedPlan:
    """A plan file's verification: the report, and the row and column of each breach found
    on a row's dates (other breaches are located by `locate`)."""

    plan: PlanFile
    report: Report
    pinned: Mapping[Violation, tuple[PlanRow, str]]

    def failure_lines(self, instance: Instance, limit: int | None = None) -> list[str]:
        """The first `limit` hard breaches as ``file / sheet S / row R / column C: RULE: …``."""
        return [self.line(v, instance) for v in self.report.failures[:limit]]

    def line(self, v: Violation, instance: Instance) -> str:
        """One breach, at its first row; further rows are named in the message."""
        places = [self.pinned[v]] if v in self.pinned else locate(v, self.plan, instance)
        message = f"{v.rule_id}: {v.message}"
        if not places:
            return str(Problem(self.plan.file, None, None, None, message))
        (row, column), rest = places[0], places[1:]
        if rest:
            also = ", ".join(str(r.row) for r, _col in rest[:ROWS_SHOWN])
            if len(rest) > ROWS_SHOWN:
                also += " …"
            message += " " + _("(also rows {rows})").format(rows=also)
        return str(Problem(self.plan.file, row.sheet, row.row, self.plan.columns[column], message))


def verify_plan(instance: Instance, plan: PlanFile) -> CheckedPlan:
    """Check references (bad input), every rule, and the dates the rows show."""
    known_references(instance, plan)
    report = verify(instance, plan.schedule.assignments)
    pinned = dict(date_breaches(instance, plan))
    by_rule: dict[str, list[Violation]] = {}
    for v in pinned:
        by_rule.setdefault(v.rule_id, []).append(v)
    results = list(report.rules)
    for i, result in enumerate(results):
        extra = by_rule.pop(result.rule.id, None)
        if extra and result.severity is not Severity.OFF:
            results[i] = replace(result, violations=(*result.violations, *extra))
    return CheckedPlan(plan, replace(report, rules=tuple(results)), pinned)


def known_references(instance: Instance, plan: PlanFile) -> None:
    """Every row names a teacher, host and partner of the roster; else an `InputError`."""
    unknown_teacher = _("unknown teacher {value!r}: not in the roster's teachers sheet")
    unknown_kg = _("unknown kindergarten {value!r}: not in the roster's kindergartens sheet")
    problems = []
    for row in plan.rows:
        a = row.assignment
        checks = (
            ("teacher_id", a.teacher_id, instance.teacher, unknown_teacher),
            ("host_kg", a.host_kg, instance.kg, unknown_kg),
            ("partner", a.partner, instance.teacher, unknown_teacher),
        )
        for key, value, known, message in checks:
            if value is not None and value not in known:
                where = (plan.file, row.sheet, row.row, plan.columns[key])
                problems.append(Problem(*where, message.format(value=value)))
    if problems:
        raise InputError(problems)


def date_breaches(
    instance: Instance, plan: PlanFile
) -> Iterator[tuple[Violation, tuple[PlanRow, str]]]:
    """Rows whose dates break a length rule or leave their slot or year, with the column."""
    profile = instance.profile
    for row in plan.rows:
        a = row.assignment
        if (row.start is None and row.end is None) or a.year not in instance.horizon.year_list:
            continue
        rule = _SHORT_RULE.get(a.activity, TERM_2Y.id)
        if not profile.enabled(rule):
            continue
        sem = a.semester.value if a.semester else None
        for column, message in _date_problems(instance, row):
            breach = Violation(rule, message, a.teacher_id, a.host_kg, a.year, sem)
            yield breach, (row, column)


def _date_problems(instance: Instance, row: PlanRow) -> Iterator[tuple[str, str]]:
    """(column key, message) for each problem of one row's dates."""
    a, start, end = row.assignment, row.start, row.end
    what = desc(a)
    if start is not None and end is not None and end < start:
        message = _("{what}: the row ends {end}, before it starts {start}")
        yield "end_date", message.format(what=what, start=start, end=end)
        return
    horizon = instance.horizon
    if a.semester is None or a.slot is None:
        first, last = horizon.year_dates(a.year)
        outside = _(
            "{what}: the row's date {day} lies outside the academic year {year}–{next} "
            "({first} – {last}); a longer stay is one row a year"
        )
    else:
        if a.slot > horizon.slot_count(a.year, a.semester):
            return  # the verifier reports a slot past the semester's last one
        first, last = horizon.slot_dates(a.year, a.semester, a.slot)
        outside = _(
            "{what}: the row's date {day} lies outside its slot {slot} ({first} – {last}); "
            "slots keep clear of holidays and a semester's first and last weeks"
        )
        days = (end - start).days + 1 if start is not None and end is not None else 0
        if days > MAX_VISIT_DAYS:
            message = _(
                "{what}: the row's dates {start} – {end} span {days} days, more than 2 weeks"
            )
            yield "end_date", message.format(what=what, start=start, end=end, days=days)
    for column, day in (("start_date", start), ("end_date", end)):
        if day is not None and not first <= day <= last:
            yield (
                column,
                outside.format(
                    what=what,
                    day=day,
                    year=a.year,
                    next=a.year + 1,
                    slot=a.slot,
                    first=first,
                    last=last,
                ),
            )


def locate(v: Violation, plan: PlanFile, instance: Instance) -> list[tuple[PlanRow, str]]:
    """The rows a breach concerns (by teacher, kindergarten, year and semester, among the
    activities its rule governs), each with the column to edit."""
    rule = RULE_BY_ID.get(v.rule_id)
    activities = rule.activities if rule is not None else ()
    column = RULE_COLUMN.get(v.rule_id, "teacher_id")
    return [
        (row, column) for row in plan.rows if _concerns(v, row.assignment, activities, instance)
    ]


def _concerns(
    v: Violation, a: Assignment, activities: tuple[Activity, ...], instance: Instance
) -> bool:
    if activities and a.activity not in activities:
        return False
    if v.teacher_id is not None and a.teacher_id != v.teacher_id:
        return False
    if v.year is not None and a.year != v.year:
        return False
    if v.semester is not None and (a.semester is None or a.semester.value != v.semester):
        return False
    if v.teacher_id is not None:
        return True
    if v.kg_id is None:  # a breach of the whole plan: no row to point at
        return False
    teacher = instance.teacher.get(a.teacher_id)
    return v.kg_id in (a.host_kg, teacher.home_kg if teacher else None)

"""The verifier's view of a schedule: the lookups every check needs, built once.

Part of the verifier's side (SPEC §9: CP-SAT can report a wrong OPTIMAL): it reads only the
data classes, never solver code. A 60,000-teacher roster verifies in a few seconds because
the checks share these indexes instead of scanning the schedule each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING

from ..i18n import _, language
from ..instance import Activity, Instance, Kindergarten, Semester, Teacher
from ..report import Violation

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ..schedule import Assignment

SHORT = (Activity.SHADOWING, Activity.GUIDANCE)


class Malformed(Enum):
    """Why an assignment cannot be checked as a placement (it is left out of every check
    but the rule that reports it)."""

    UNKNOWN = "unknown teacher or host"
    OUTSIDE = "year outside the plan"


@dataclass
class Plan:
    """A schedule against its instance: valid assignments indexed, malformed ones apart."""

    inst: Instance
    malformed: list[tuple[Malformed, Assignment, str]] = field(default_factory=list)
    valid: list[Assignment] = field(default_factory=list)  # known teacher and host, planned year
    by_teacher: dict[str, list[Assignment]] = field(default_factory=lambda: defaultdict(list))
    placements: dict[tuple[str, int], list[Assignment]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (teacher, year) → year-long placements

    @classmethod
    def build(cls, inst: Instance, assignments: Iterable[Assignment]) -> Plan:
        plan = cls(inst)
        years = set(inst.horizon.year_list)
        for a in assignments:
            if a.teacher_id not in inst.teacher:
                problem = _("unknown teacher {teacher}").format(teacher=a.teacher_id)
                plan.malformed.append((Malformed.UNKNOWN, a, problem))
            elif a.host_kg not in inst.kg:
                problem = _("unknown host kindergarten {kg}").format(kg=a.host_kg)
                plan.malformed.append((Malformed.UNKNOWN, a, problem))
            elif a.year not in years:
                problem = _("year {year} is outside the plan ({first}–{last})").format(
                    year=a.year, first=inst.horizon.year_list[0], last=inst.horizon.year_list[-1]
                )
                plan.malformed.append((Malformed.OUTSIDE, a, problem))
            else:
                plan.valid.append(a)
                plan.by_teacher[a.teacher_id].append(a)
                # The lead's own new teachers are inducted (paired with a mentor) at home.
                if a.activity.year_long and a.host_kg != inst.teacher[a.teacher_id].home_kg:
                    plan.placements[(a.teacher_id, a.year)].append(a)
        return plan

    def of(self, a: Assignment) -> Teacher:
        return self.inst.teacher[a.teacher_id]

    def home(self, a: Assignment) -> Kindergarten:
        return self.inst.kg[self.of(a).home_kg]

    def lead_of_kg(self, kg_id: str) -> str:
        return self.inst.lead_of[self.inst.kg[kg_id].group]

    def activity(self, act: Activity) -> Iterator[Assignment]:
        return (a for a in self.valid if a.activity is act)

    def short(self) -> Iterator[Assignment]:
        return (a for a in self.valid if a.activity in SHORT)

    def tight(self, group: str) -> bool:
        return group in self.tight_groups

    @cached_property
    def tight_groups(self) -> frozenset[str]:
        # Instance.group_mode scans the roster: ask once per group, not per assignment.
        return frozenset(g for g in self.inst.roster.groups if self.inst.group_mode(g) == "tight")

    @cached_property
    def swaps(self) -> dict[tuple[str, int], list[Assignment]]:
        """(teacher, year) → swap assignments."""
        out: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
        for a in self.activity(Activity.SWAP):
            out[(a.teacher_id, a.year)].append(a)
        return dict(out)


def desc(a: Assignment) -> str:
    """``T1 rotation at B1 in 2026`` / ``T1 shadowing at L in 2026 autumn slot 3``
    (``T1 2026学年秋季学期第3时段到 L 跟岗学习``)."""
    return placement(a.teacher_id, a.activity, a.host_kg, a.year, a.semester, a.slot)


def placement(
    teacher: str,
    activity: Activity,
    host: str | None,
    year: int,
    semester: Semester | None = None,
    slot: int | None = None,
) -> str:
    """An assignment or a pin in words, in the current language; host, semester and slot
    where given."""
    fields = {"teacher": teacher, "activity": activity.text, "host": host, "year": year}
    sem = semester.text if semester else None
    if host is None:
        if sem is None:
            return _("{teacher} {activity} in {year}").format(**fields)
        return _("{teacher} {activity} in {year} {semester}").format(**fields, semester=sem)
    if sem is None:
        return _("{teacher} {activity} at {host} in {year}").format(**fields)
    if slot is None:
        return _("{teacher} {activity} at {host} in {year} {semester}").format(
            **fields, semester=sem
        )
    return _("{teacher} {activity} at {host} in {year} {semester} slot {slot}").format(
        **fields, semester=sem, slot=slot
    )


def listed(items: Iterable[str], *, clauses: bool = False) -> str:
    """Items as the current language lists them: ids by ``、`` (``, ``), clauses by ``；``
    (``; ``)."""
    zh = language() == "zh"
    sep = ("；" if zh else "; ") if clauses else ("、" if zh else ", ")
    return sep.join(items)


def about(a: Assignment, *problems: str) -> str:
    """What is wrong with one assignment: ``T1 rotation at B1 in 2026: problem; problem``."""
    return _("{what}: {problems}").format(what=desc(a), problems=listed(problems, clauses=True))


def shortfall(unit: int, units: int) -> str:
    """`` (shortfall 2/3)`` after the message of one unit of several, else nothing."""
    if units <= 1:
        return ""
    return _(" (shortfall {unit}/{units})").format(unit=unit, units=units)


def at(rule: str, a: Assignment, message: str) -> Violation:
    """A violation of rule (an id) located at one assignment."""
    sem = a.semester.value if a.semester else None
    return Violation(rule, message, a.teacher_id, a.host_kg, a.year, sem)


def consecutive(years: list[int]) -> list[list[int]]:
    """Sorted distinct years cut into runs of consecutive years."""
    runs: list[list[int]] = []
    for year in years:
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def beyond_semester(plan: Plan, act: Activity, rule: str, zh: str) -> Iterator[Violation]:
    """Short visits whose slot lies past the semester's last one, as violations of rule.

    Slots are `slot_weeks` <= 2 weeks long by construction (`Horizon`), so a visit in a slot
    of its semester spans at most 2 weeks; `Assignment` already demands semester and slot.
    """
    horizon = plan.inst.horizon
    for a in plan.activity(act):
        assert a.semester is not None and a.slot is not None  # Assignment guarantees it
        slots = horizon.slot_count(a.year, a.semester)
        if a.slot > slots:
            problem = _(
                "the semester has slots 1..{slots} of at most {weeks} weeks ({quote})"
            ).format(slots=slots, weeks=horizon.slot_weeks, quote=zh)
            yield at(rule, a, about(a, problem))

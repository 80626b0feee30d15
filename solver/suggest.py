"""Ranked alternatives for one manual edit of a plan (Timefold's recommendation API, UniTime's
suggestions): "what if this teacher went elsewhere, in another year, or a colleague went
instead?"

Each alternative is an edit written as the office's own pins (fixed / forbidden), re-solved
for the teacher's group alone (groups never exchange staff) from the plan: the plan is the
warm start (`solve_group`'s hint) and the previous plan the stability term rewards keeping,
so the solver changes only what the edit forces. Every alternative is verified against the
plan's own instance (without the edit's pins) and ranked by the change of the verifier's
objective, then by the number of knock-on changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from itertools import chain, zip_longest
from typing import TYPE_CHECKING

from ..model import Activity, Assignment, Instance, Pin, Role, Schedule, Semester, SolveStatus
from ..model.rules.guidance import guide_staff
from ..model.rules.rotation import direction
from ..model.verify import verify
from .cpsat import solve_group

if TYPE_CHECKING:
    from ..model import Teacher
    from .options import SolveOptions

log = logging.getLogger("kgrota")

TRIES = 12  # re-solves at most (kgrota suggest --tries), the edit kinds taken in turn
Key = tuple[str, Activity, str, int, Semester | None]  # what "the same assignment" means


def key(a: Assignment) -> Key:
    """Teacher, activity, host, year, semester: the slot may move (as for stability)."""
    return (a.teacher_id, a.activity, a.host_kg, a.year, a.semester)


@dataclass(frozen=True)
class Edit:
    """One manual edit: who goes where and when (``activity`` None: stays home), and the pins
    that ask the solver for it."""

    teacher_id: str
    activity: Activity | None
    host: str | None
    year: int
    semester: Semester | None
    pins: tuple[Pin, ...]
    instead_of: str | None = None  # the teacher whose placement this one takes


@dataclass(frozen=True)
class Alternative:
    """An edit re-solved: the whole plan with it applied, verified, and what it changed."""

    edit: Edit
    schedule: Schedule
    objective: int  # the verifier's for the teacher's group, under the plan's own profile
    change: int  # objective minus the plan's (other groups are unchanged)
    added: tuple[Assignment, ...]  # assignments the plan did not have (the edit included)
    removed: tuple[Assignment, ...]  # assignments of the plan now gone
    status: SolveStatus

    @property
    def knock_on(self) -> int:
        """Changes beyond the edit itself."""
        own = {self.edit.teacher_id, self.edit.instead_of}
        return sum(a.teacher_id not in own for a in (*self.added, *self.removed))


def suggest(
    instance: Instance,
    schedule: Schedule,
    teacher_id: str,
    options: SolveOptions,
    *,
    host: str | None = None,
    year: int | None = None,
    tries: int = TRIES,
) -> list[Alternative]:
    """Feasible, verified alternatives for an edit of the teacher's plan, best first."""
    edits = candidates(instance, schedule, teacher_id, host=host, year=year)[:tries]
    group = instance.kg[instance.teacher[teacher_id].home_kg].group
    part = instance.for_group(group)
    members = {t.teacher_id for t in part.teachers}
    mine = tuple(a for a in schedule.assignments if a.teacher_id in members)
    others = tuple(a for a in schedule.assignments if a.teacher_id not in members)
    before = verify(part, mine).objective
    # The re-solve keeps what it can of the plan: stability rewards every kept assignment.
    profile = replace(part.profile, stability=max(part.profile.stability, 1))
    out = []
    for edit in edits:
        roster = replace(part.roster, pins=part.roster.pins + edit.pins)
        trial = replace(part, roster=roster, profile=profile, previous=mine)
        result = solve_group(trial, options, hint=mine)
        if result.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            log.info("edit %s: %s", edit, result.status.value)
            continue
        pinned = verify(replace(part, roster=roster), result.assignments)
        if not pinned.ok:  # the edit itself is not met, or a rule broken: not an alternative
            continue
        after = verify(part, result.assignments).objective
        old, new = {key(a): a for a in mine}, {key(a): a for a in result.assignments}
        groups = tuple(
            replace(g, assignments=result.assignments) if g.group == group else g
            for g in schedule.groups
        )
        applied = replace(
            schedule, assignments=tuple(sorted(others + result.assignments)), groups=groups
        )
        out.append(
            Alternative(
                edit,
                applied,
                objective=after,
                change=after - before,
                added=tuple(new[k] for k in sorted(new.keys() - old.keys(), key=_order)),
                removed=tuple(old[k] for k in sorted(old.keys() - new.keys(), key=_order)),
                status=result.status,
            )
        )
    return sorted(out, key=lambda alt: (-alt.change, alt.knock_on))


def _order(k: Key) -> tuple[int, str, str, int]:
    return (k[3], k[0], k[1].value, k[4].order if k[4] else -1)


def candidates(
    instance: Instance,
    schedule: Schedule,
    teacher_id: str,
    *,
    host: str | None = None,
    year: int | None = None,
) -> list[Edit]:
    """The edits to try: the teacher elsewhere, at another time, a colleague instead, or at
    home; kinds taken in turn so the first few tries already differ. ``host`` and ``year``
    keep the edits that place someone there and then."""
    t = instance.teacher.get(teacher_id)
    if t is None:
        raise ValueError(f"unknown teacher {teacher_id}")
    if host is not None and host not in instance.kg:
        raise ValueError(f"unknown kindergarten {host}")
    mine = [a for a in schedule.assignments if a.teacher_id == teacher_id]
    now = next((a for a in mine if year in (None, a.year) and a.activity.year_long), None)
    now = now or next((a for a in mine if year in (None, a.year)), None)
    kinds = _new_places(instance, t) if now is None else _moves(instance, t, now)
    merged = [e for e in chain.from_iterable(zip_longest(*kinds)) if e is not None]
    return [
        e for e in merged if (host is None or e.host == host) and (year is None or e.year == year)
    ]


def _pin(t: str, act: Activity, host: str | None, year: int, sem: Semester | None) -> Pin:
    return Pin(t, act, host, year, sem)


def _forbid(a: Assignment, *, anywhere: bool = False) -> Pin:
    host = None if anywhere or not a.activity.year_long else a.host_kg
    return Pin(a.teacher_id, a.activity, host, a.year, a.semester, forbidden=True)


def _times(instance: Instance, a: Assignment) -> list[tuple[int, Semester | None]]:
    if a.activity.year_long:
        return [(y, None) for y in instance.horizon.year_list if y != a.year]
    return [(y, s) for y, s in instance.horizon.semesters if (y, s) != (a.year, a.semester)]


def _moves(instance: Instance, t: Teacher, a: Assignment) -> tuple[list[Edit], ...]:
    """Edits of a placement the teacher has: other hosts, other times, a colleague, home."""
    tid, act, sem = t.teacher_id, a.activity, a.semester
    elsewhere = []
    for h in _hosts(instance, t, act):
        if h == a.host_kg:
            continue
        moved = direction(instance, t.home_kg, h) if act in _AWAY else act
        pins: tuple[Pin, ...] = (_pin(tid, moved, h, a.year, sem),)
        if act is not Activity.GUIDANCE:  # a forbidden guidance pin stops the whole semester
            pins += (_forbid(a),)
        elsewhere.append(Edit(tid, moved, h, a.year, sem, pins))
    later = [
        Edit(tid, act, a.host_kg, y, s, (_pin(tid, act, a.host_kg, y, s), _forbid(a)))
        for y, s in _times(instance, a)
    ]
    instead = [
        Edit(
            c.teacher_id,
            act,
            a.host_kg,
            a.year,
            sem,
            (_pin(c.teacher_id, act, a.host_kg, a.year, sem), _forbid(a, anywhere=True)),
            instead_of=tid,
        )
        for c in _colleagues(instance, t, act)
    ]
    home = [Edit(tid, None, None, a.year, sem, (_forbid(a, anywhere=True),))]
    return elsewhere, instead, later, home


_AWAY = (Activity.ROTATION, Activity.LEARNING)


def _new_places(instance: Instance, t: Teacher) -> tuple[list[Edit], ...]:
    """Edits for a teacher the plan leaves at home: a year away (backbones) or a shadowing
    visit in each semester."""
    tid = t.teacher_id
    if t.backbone and not t.cadre and t.grade is not None:
        return tuple(
            [
                Edit(tid, act, h, y, None, (_pin(tid, act, h, y, None),))
                for h in _hosts(instance, t, Activity.ROTATION)
                for act in (direction(instance, t.home_kg, h),)
            ]
            for y in instance.horizon.year_list
        )
    lead = instance.lead(t.home_kg)
    if lead == t.home_kg:
        return ()
    return (
        [
            Edit(tid, Activity.SHADOWING, lead, y, s, (_pin(tid, Activity.SHADOWING, lead, y, s),))
            for y, s in instance.horizon.semesters
        ],
    )


def _hosts(instance: Instance, t: Teacher, act: Activity) -> list[str]:
    """Where the activity could take the teacher (the solver and verifier judge the rest)."""
    home = instance.kg[t.home_kg]
    lead = instance.lead(t.home_kg)
    group = [k for k in instance.kindergartens if k.group == home.group and k.kg_id != home.kg_id]
    if act in (Activity.SHADOWING, Activity.INDUCTION):
        return [lead] if lead != home.kg_id else []
    if act is Activity.GUIDANCE:
        return [k.kg_id for k in group]
    tight = instance.group_mode(home.group) == "tight"
    return [
        k.kg_id
        for k in group
        if (t.grade is None or k.classes_of(t.grade) > 0)
        and Role.AFFILIATE not in (k.role, home.role)
        and not (tight and lead not in (k.kg_id, home.kg_id))
    ]


def _colleagues(instance: Instance, t: Teacher, act: Activity) -> list[Teacher]:
    """Who could take the teacher's place: same home and post, and fit for the activity."""
    out = []
    for c in instance.teachers:
        if c.teacher_id == t.teacher_id or c.home_kg != t.home_kg or c.slot_key != t.slot_key:
            continue
        if act is Activity.GUIDANCE and not guide_staff(instance, c):
            continue
        if act in _AWAY and not (c.backbone and not c.cadre):
            continue
        out.append(c)
    return out

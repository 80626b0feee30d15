"""Re-planning with the change in view (issue 12): what ``--freeze-before`` keeps, and what
changed between two plans, each change with its reason.

Two plans are compared assignment by assignment: *kept* (the same teacher, activity, host,
year, semester, slot, partner and items), *moved* (the same teacher and activity, changed in
time, place, partner or items), *removed* and *added*. A change's reason comes from the new
roster where it names one (the teacher left the roster, is unavailable that year, reaches
retirement; the kindergarten left the roster or changed tier; a pin forbids it); any other
change is a knock-on, tied to the change with a reason nearest to it (same kindergarten
and year first), or a replacement of a removed teacher of the same kindergarten and grade.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Activity, Pin, keep_key
from ..model.i18n import N_, _
from ..model.rules.rotation import RETIRE, direction, retires_in
from ..model.rules.shadowing import SHD_VETO
from .schedule_tables import Field, Table
from .words import span, word, year_label

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from ..model import Assignment, Instance, Schedule
    from .schedule_tables import Row

KEPT, MOVED, REMOVED, ADDED = "kept", "moved", "removed", "added"
KINDS = {KEPT: N_("kept"), MOVED: N_("moved"), REMOVED: N_("removed"), ADDED: N_("added")}
CHANGES = ("changes", N_("Changes"))
CHANGE_COLUMNS = (
    Field("change", N_("Change")),
    Field("teacher_id", N_("Teacher ID")),
    Field("name", N_("Name")),
    Field("activity", N_("Activity")),
    Field("before", N_("Before")),
    Field("after", N_("After")),
    Field("reason", N_("Reason")),
)


@dataclass(frozen=True)
class Change:
    kind: str
    before: Assignment | None
    after: Assignment | None
    reason: str = ""

    @property
    def teacher_id(self) -> str:
        a = self.before or self.after
        assert a is not None  # a change has at least one side
        return a.teacher_id


def frozen_pins(inst: Instance) -> tuple[tuple[Pin, ...], list[Assignment]]:
    """Fixed pins, slots included, for the previous plan's assignments that start before
    ``inst.freeze_before``; and those that cannot be kept because the new roster says so
    (teacher or kindergarten gone, the year unavailable): `changes` reports them."""
    pins: list[Pin] = []
    lost: list[Assignment] = []
    years = set(inst.horizon.year_list)
    for a in inst.previous:
        if a.year not in years or not inst.frozen(a.year, a.semester, a.slot):
            continue
        t = inst.teacher.get(a.teacher_id)
        if t is None or a.host_kg not in inst.kg or a.year in t.unavailable:
            lost.append(a)
            continue
        pins.append(Pin(a.teacher_id, a.activity, a.host_kg, a.year, a.semester, slot=a.slot))
    return tuple(pins), lost


def freeze(inst: Instance) -> tuple[Instance, list[Assignment]]:
    """The instance with the frozen assignments pinned (see `frozen_pins`)."""
    pins, lost = frozen_pins(inst)
    roster = dataclasses.replace(inst.roster, pins=inst.roster.pins + pins)
    return dataclasses.replace(inst, roster=roster), lost


def _same(a: Assignment, b: Assignment) -> bool:
    return keep_key(a) == keep_key(b) and a.partner == b.partner and a.items == b.items


def _distance(a: Assignment, b: Assignment) -> tuple[int, int, int, int]:
    sem = a.semester is not None and b.semester is not None and a.semester != b.semester
    return (abs(a.year - b.year), a.host_kg != b.host_kg, sem, (a.slot or 0) != (b.slot or 0))


def match(old: Sequence[Assignment], new: Sequence[Assignment]) -> list[Change]:
    """Changes without reasons: kept, then moved (closest pairs of a teacher and activity
    first), then removed and added; in the new plan's order, removals after."""
    left = list(old)
    changes: list[Change] = []
    unmatched: list[Assignment] = []
    for b in new:
        same = next((a for a in left if _same(a, b)), None)
        if same is None:
            unmatched.append(b)
        else:
            left.remove(same)
            changes.append(Change(KEPT, same, b))
    pairs = sorted(
        (_distance(a, b), i, j)
        for i, a in enumerate(left)
        for j, b in enumerate(unmatched)
        if (a.teacher_id, a.activity) == (b.teacher_id, b.activity)
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _cost, i, j in pairs:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            changes.append(Change(MOVED, left[i], unmatched[j]))
    changes += [Change(ADDED, None, b) for j, b in enumerate(unmatched) if j not in used_new]
    changes += [Change(REMOVED, a, None) for i, a in enumerate(left) if i not in used_old]
    return changes


class Explainer:
    """Reasons for changes, from the new plan's instance (None: the plans alone) and the new
    plan's assignments."""

    def __init__(self, inst: Instance | None, new: Sequence[Assignment] = ()) -> None:
        self.inst = inst
        self.away = {(a.teacher_id, a.year): a for a in new if a.activity.year_long}

    def name(self, teacher_id: str) -> str:
        t = self.inst.teacher.get(teacher_id) if self.inst else None
        if t is None or not t.name:
            return teacher_id
        return _("{name} ({id})").format(name=t.name, id=teacher_id)

    def describe(self, a: Assignment | None) -> str | None:
        """``轮岗交流 → 赵屯幼儿园, 2026-2027学年`` / a visit with its semester, slot and dates."""
        if a is None:
            return None
        inst = self.inst
        host = inst.kg[a.host_kg].name if inst and a.host_kg in inst.kg else a.host_kg
        when = year_label(a.year)
        if a.semester is not None and a.slot is not None:
            when = _("{year} {semester}, slot {slot}").format(
                year=when, semester=word(a.semester), slot=a.slot
            )
            if inst and a.slot <= inst.horizon.slot_count(a.year, a.semester):
                when += " " + span(*inst.horizon.slot_dates(a.year, a.semester, a.slot))
        text = _("{activity} → {host}, {when}").format(
            activity=word(a.activity, inst.profile if inst else None), host=host, when=when
        )
        if a.partner:
            text += " " + _("(partner {name})").format(name=self.name(a.partner))
        if a.items:
            text += " " + _("({items})").format(items=_(", ").join(a.items))
        return text

    def cause(self, a: Assignment) -> str | None:
        """Why the new roster rules out an assignment of the old plan, if it says."""
        inst = self.inst
        if inst is None:
            return None
        t = inst.teacher.get(a.teacher_id)
        if t is None:
            return _("the teacher left the roster")
        if a.host_kg not in inst.kg:
            return _("the kindergarten left the roster")
        if a.year in t.unavailable:
            return _("the teacher is unavailable in {year}").format(year=year_label(a.year))
        if a.activity.year_long and inst.profile.enabled(RETIRE.id) and retires_in(inst, t, a.year):
            return _("the teacher reaches retirement age")
        if a.activity in (Activity.ROTATION, Activity.LEARNING):
            if direction(inst, t.home_kg, a.host_kg) is not a.activity:
                return _("the kindergartens' tiers changed")
            if not t.backbone:
                return _("the teacher is no longer a backbone")
        if a.activity is Activity.SHADOWING and t.veto and inst.profile.enabled(SHD_VETO.id):
            return _("the teacher may not shadow ({veto})").format(veto=t.veto)
        mentor = self.away.get((a.partner or "", a.year))
        if a.activity is Activity.INDUCTION and mentor is not None:
            return _("the mentor {name} is away that year ({activity})").format(
                name=self.name(mentor.teacher_id), activity=word(mentor.activity, inst.profile)
            )
        for p in inst.roster.pins:
            if (
                p.forbidden
                and p.teacher_id == a.teacher_id
                and p.activity is a.activity
                and p.year == a.year
                and p.host_kg in (None, a.host_kg)
                and p.semester in (None, a.semester)
            ):
                return _("forbidden by the office (pins)")
        return None

    def near(self, a: Assignment, root: Change) -> tuple[bool, bool, bool, int]:
        """How close a root change lies to an assignment: same kindergarten and grade, same
        kindergarten, same group, then the years between (smaller is closer)."""
        inst, other = self.inst, root.before or root.after
        assert other is not None
        t = inst.teacher.get(a.teacher_id) if inst else None
        r = inst.teacher.get(other.teacher_id) if inst else None
        places = {a.host_kg, t.home_kg if t else a.host_kg}
        around = {other.host_kg, r.home_kg if r else other.host_kg}
        same_kg = bool(places & around)
        same_grade = same_kg and t is not None and r is not None and t.grade is r.grade
        group = inst is not None and {inst.kg[k].group for k in places if k in inst.kg} & {
            inst.kg[k].group for k in around if k in inst.kg
        }
        return (not same_grade, not same_kg, not group, abs(a.year - other.year))


def changes(
    old: Sequence[Assignment], new: Sequence[Assignment], inst: Instance | None
) -> list[Change]:
    """Every change between two plans, with its reason (`Explainer`)."""
    ex = Explainer(inst, new)
    matched = match(old, new)
    caused: dict[int, str] = {}
    for i, c in enumerate(matched):
        if c.kind in (MOVED, REMOVED) and c.before is not None:
            why = ex.cause(c.before)
            if why is not None:
                caused[i] = why
    roots = [(matched[i], why) for i, why in caused.items()]
    out: list[Change] = []
    for i, c in enumerate(matched):
        if c.kind == KEPT:
            out.append(c)
        elif i in caused:
            out.append(dataclasses.replace(c, reason=caused[i]))
        else:
            out.append(dataclasses.replace(c, reason=_knock_on(ex, c, roots)))
    return out


def _knock_on(ex: Explainer, c: Change, roots: list[tuple[Change, str]]) -> str:
    a = c.after or c.before
    assert a is not None
    detail = _detail(ex, c)
    if not roots:
        base = _("re-planned as a whole (no change on the roster explains it)")
        return _("{what}; {why}").format(what=detail, why=base) if detail else base
    root, why = min(roots, key=lambda r: ex.near(a, r[0]))
    name = ex.name(root.teacher_id)
    if c.kind == ADDED and root.before is not None and root.before.activity is a.activity:
        text = _("replaces {name}: {why}").format(name=name, why=why)
    else:
        text = _("knock-on of {name}: {why}").format(name=name, why=why)
    return _("{what}; {why}").format(what=detail, why=text) if detail else text


def _detail(ex: Explainer, c: Change) -> str | None:
    """What a moved assignment changed in, when only its partner or items did."""
    if c.kind != MOVED or c.before is None or c.after is None:
        return None
    if keep_key(c.before) != keep_key(c.after):
        return None
    if c.before.partner != c.after.partner:
        return _("partner {old} → {new}").format(
            old=ex.name(c.before.partner or "-"), new=ex.name(c.after.partner or "-")
        )
    return _("items reassigned")


def counts(found: Sequence[Change]) -> Counter[str]:
    return Counter(c.kind for c in found)


def count_text(found: Sequence[Change]) -> str:
    """``保留 760，调整 3，取消 2，新增 1``."""
    n = counts(found)
    return _(", ").join(
        _("{kind} {n}").format(kind=_(label), n=n[kind]) for kind, label in KINDS.items()
    )


def departed(found: Sequence[Change], inst: Instance) -> dict[str, int]:
    """Teachers of the old plan missing from the new roster → their assignments dropped."""
    out: dict[str, int] = defaultdict(int)
    for c in found:
        if c.before is not None and c.before.teacher_id not in inst.teacher:
            out[c.before.teacher_id] += 1
    return dict(out)


def table(found: Sequence[Change], inst: Instance | None) -> Table:
    """The ``变更 changes`` sheet: every change but the kept ones, with its reason."""
    ex = Explainer(inst)
    rows: list[Row] = []
    for c in found:
        if c.kind == KEPT:
            continue
        a = c.after or c.before
        assert a is not None
        t = inst.teacher.get(a.teacher_id) if inst else None
        rows.append(
            (
                _(KINDS[c.kind]),
                a.teacher_id,
                t.name if t else None,
                word(a.activity, inst.profile if inst else None),
                ex.describe(c.before),
                ex.describe(c.after),
                c.reason,
            )
        )
    return Table(*CHANGES, CHANGE_COLUMNS, tuple(rows), frozen=3)


def summary_rows(found: Sequence[Change], previous: str) -> list[Row]:
    """The summary sheet's lines about the changes."""
    text = _("Against {previous}: {counts}. See the Changes sheet.").format(
        previous=previous, counts=count_text(found)
    )
    return [(_("Changes"), text)]


@dataclass(frozen=True)
class Revision:
    """A plan being revised (``--previous``), its start kept where ``--freeze-before`` says."""

    previous: Schedule
    source: str  # the previous plan's file, for messages
    freeze_before: dt.date | None = None

    def apply(self, inst: Instance) -> Instance:
        """The instance that keeps what it can of the previous plan: stability against it,
        and the assignments starting before the freeze date pinned (`freeze`)."""
        inst = dataclasses.replace(
            inst, previous=self.previous.assignments, freeze_before=self.freeze_before
        )
        return freeze(inst)[0] if self.freeze_before is not None else inst

    def changes(self, schedule: Schedule, inst: Instance) -> list[Change]:
        """The changes against the previous plan, in the new plan's years."""
        years = set(inst.horizon.year_list)
        old = [a for a in self.previous.assignments if a.year in years]
        return changes(old, schedule.assignments, inst)

    def extra(self, found: Sequence[Change], inst: Instance) -> tuple[tuple[Table], list[Row]]:
        """The changes sheet and summary lines for `write_schedule`."""
        return (table(found, inst),), summary_rows(found, self.source)


def messages(found: Sequence[Change], inst: Instance) -> list[str]:
    """What the CLI says about a comparison: the counts, then each teacher of the old plan
    missing from the new roster."""
    lines = [_("changes: {counts}").format(counts=count_text(found))]
    for teacher_id, n in sorted(departed(found, inst).items()):
        lines.append(
            _(
                "{teacher} is not on the roster: {n} assignment(s) of the previous plan dropped"
            ).format(teacher=teacher_id, n=n)
        )
    return lines

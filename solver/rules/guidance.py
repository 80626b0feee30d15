"""Guidance visits of the lead's staff to the members on the CP-SAT side (SPEC §9
aggregation): GUIDE-SIX, GUIDE-CAP, the link between the counts, and this family's cuts and
symmetry breaking. The rules' meaning: model/rules/guidance.py.

The model decides counts per plan semester (variables.py): ``guide[(p, i)]`` visits made by
person p, ``guided[(m, i)]`` visits received by member m, and ``reserve[(p, m, i)]`` for a
pinned visit of p to m. `visits` turns a solution into slotted assignments exactly
(packing.transport pairs persons with members, reservations first; packing.colour_edges
deals the visits into slots; each member's visits of a year get distinct items) and
`counts` maps a schedule back. In a semester where a previous or pinned visit holds its
slot, the model places the visits in slots itself (solver/slotted.py, `balance`). GUIDE-LEN is eligibility (one slot by
construction); who may guide (`guides`) is GUIDE-CAP's eligibility; the lead's slot-key
aggregate (AWAY-SLOT) and no guidance in a placement year (ONE-PLACE) are in staffing.py.

Pins (pins.py): a fixed pin naming a host is met by its reservation; one without a host by
any visit of the teacher in its year (and semester). A forbidden pin is handled
conservatively: the teacher makes no guidance visit in its year (or semester), whichever
member it names — who visits whom is only settled after solving.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from ...model import Activity, Assignment, Semester, Severity, Teacher, keep_key
from ...model.rules.coverage import COVER_3Y, cover_start
from ...model.rules.guidance import (
    GUIDE_CAP,
    GUIDE_COOP,
    GUIDE_LEN,
    GUIDE_SIX,
    guide_staff,
    members,
    visits_asked,
)
from ...model.rules.induction import induction_year
from ...model.rules.shadowing import SHD_VETO
from ...model.rules.staffing import AWAY_SLOT, ONE_PLACE
from ..packing import colour_edges, transport
from ..violations import Violations
from .base import Extra, Family

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence

    from ...model import Instance
    from ..variables import Variables
    from ..violations import ValueOf


def guides(inst: Instance, lead: str, wanted: set[str]) -> list[Teacher]:
    """GUIDE-CAP's eligibility: the lead's guidance staff (`guide_staff`) when GUIDE-SIX or
    GUIDE-COOP asks for visits, otherwise only those a pin or the previous plan has guiding
    (`wanted`); where
    SHD-VETO covers guidance (cool_guidance), nobody with a veto."""
    profile = inst.profile
    capped = profile.enabled(GUIDE_CAP.id)
    vetoed = profile.cool_guidance and profile.enabled(SHD_VETO.id)
    return [
        t
        for t in inst.teachers
        if t.home_kg == lead
        and (guide_staff(inst, t) or not capped)
        and (visits_asked(profile) or t.teacher_id in wanted)
        and not (vetoed and t.veto)
    ]


def balance(model: cp_model.CpModel, v: Variables) -> None:
    """Per semester, visits made = visits received; a reservation is one of each.

    Structural (the packing needs it whatever the profile switches off), so it is added
    whenever there are guidance variables. Where the model places a semester in slots
    (solver/slotted.py) each key's and each member's counts are its slot variables, a
    reservation is a fresh visit of the guide's key to that member, and a guide's held and
    reserved visits fit her count.
    """
    grid = v.guide_grid
    for i in range(len(v.semesters)):
        made = [var for _, var in v.guiding(i)]
        received = [var for (_, j), var in v.guided.items() if j == i]
        if made or received:
            model.add(cp_model.LinearExpr.sum(made) == cp_model.LinearExpr.sum(received))
    by_guide: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    by_member: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    by_fresh: dict[Hashable, list[cp_model.IntVar]] = defaultdict(list)
    for (t, m, i), var in v.reserve.items():
        by_guide[(t, i)].append(var)
        by_member[(m, i)].append(var)
        if i in grid.semesters:
            by_fresh[(grid.keys[t], m, i)].append(var)
    for (t, _, i, _), var in grid.held.items():
        if i in grid.semesters:
            by_guide[(t, i)].append(var)
    for guide_i, xs in by_guide.items():
        model.add(cp_model.LinearExpr.sum(xs) <= v.guide[guide_i])
    for member_i, xs in by_member.items():
        model.add(cp_model.LinearExpr.sum(xs) <= v.guided[member_i])
    grid.bound(model, v.guide)
    fresh: dict[Hashable, list[cp_model.IntVar]] = defaultdict(list)
    for (key, m, i, _), var in grid.fresh.items():
        fresh[(key, m, i)].append(var)
    for group, xs in by_fresh.items():
        model.add(cp_model.LinearExpr.sum(xs) <= cp_model.LinearExpr.sum(fresh[group]))
    keys: dict[Hashable, list[cp_model.IntVar]] = defaultdict(list)
    for (t, i), var in v.guide.items():
        if i in grid.semesters:
            keys[(grid.keys[t], i)].append(var)
    grid.tie(model, lambda e: (e.key, e.i), keys)
    received_in: dict[Hashable, list[cp_model.IntVar]] = {
        (m, i): [var] for (m, i), var in v.guided.items() if i in grid.semesters
    }
    grid.tie(model, lambda e: (e.host, e.i), received_in)
    grid.limit_slots(model, v.instance, hosts_once=True)


def dominance(model: cp_model.CpModel, v: Variables) -> None:
    """With nothing rewarding visits (GUIDE-SIX off or weightless, COVER-3Y off), a guide
    makes only as many a year as her fixed pins and (with stability) her previous plan's
    visits that year: dropping any other visit keeps every rule and the objective, and
    leaves no arbitrary visits in the schedule."""
    profile = v.instance.profile
    cooperation = profile.rewards(GUIDE_COOP.id) and profile.coop_min > 0
    if profile.rewards(GUIDE_SIX.id) or profile.rewards(COVER_3Y.id) or cooperation:
        return
    wanted = Counter(
        (p.teacher_id, p.year)
        for p in v.instance.roster.pins
        if p.activity is Activity.GUIDANCE and not p.forbidden
    )
    if profile.stability > 0:
        wanted.update(
            (a.teacher_id, a.year) for a in v.instance.previous if a.activity is Activity.GUIDANCE
        )
    per_year: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    for (t, i), var in v.guide.items():
        per_year[(t, v.semesters[i][0])].append(var)
    for key, xs in per_year.items():
        _at_most(model, xs, wanted[key])


def symmetry(model: cp_model.CpModel, v: Variables) -> None:
    """Interchangeable guides take their plans in lexicographic order (symmetry breaking).

    Two lead staff who differ in nothing any rule or term reads (grade, flags, availability,
    preferences, history; no pins, no previous plan) can trade whole plans, so the search
    would otherwise prove each bound once per ordering. Their (years placed, visits per
    semester) vectors are kept non-increasing along the class. Group16 seed 4, three CP-SAT
    seeds: 3.4–12.4 s to optimum without, 2.4–3.6 s with; seed 1 unchanged (1.6–3.2 s). The
    same ordering over every teacher's rotations alone slowed the hard set down.
    """
    inst = v.instance
    special = {p.teacher_id for p in inst.roster.pins} | {a.teacher_id for a in inst.previous}
    choices = _choices(v)
    classes: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for p in dict.fromkeys(p for p, _ in v.guide):
        if p not in special:
            classes[(*_profile_of(v, inst.teacher[p]), choices[p])].append(p)
    weights = [6 ** (len(v.semesters) - 1 - i) for i in range(len(v.semesters))]
    high = 6 ** len(v.semesters)
    for ids in classes.values():
        codes = []
        for p in ids:
            xs = [(v.guide[(p, i)], w) for i, w in enumerate(weights) if (p, i) in v.guide]
            xs += [
                (v.placed[(p, y)], high * 2 ** (len(v.years) - 1 - k))
                for k, y in enumerate(v.years)
                if (p, y) in v.placed
            ]
            codes.append(cp_model.LinearExpr.weighted_sum([x for x, _ in xs], [w for _, w in xs]))
        for first, second in itertools.pairwise(codes):
            model.add(first >= second)


def _choices(v: Variables) -> defaultdict[str, frozenset[tuple[object, ...]]]:
    """Per teacher, the keys of her variables without her id: what the model lets her do.

    Teachers who differ only in how eligibility pruned their options are not
    interchangeable (a lead backbone who retires this year has no placement; another of
    the same grade and flags has one), whatever `_profile_of` says. Her birth date and
    gender matter to the rules only so (RETIRE and the young side of a swap), so two guides
    of different ages with the same options stay in one class."""
    keys: defaultdict[str, set[tuple[object, ...]]] = defaultdict(set)
    families: list[tuple[str, Iterable[tuple[Any, ...]]]] = [
        ("rot", v.rot),
        ("shd", v.shd),
        ("placed", v.placed),
        ("guide", v.guide),
        ("swap", v.swaps.on),
        ("exchange", v.exchanges.on),
    ]
    for family, variables in families:
        for key in variables:
            keys[key[0]].add((family, *key[1:]))
    for t in v.ind:
        keys[t].add(("ind", v.ind_year[t]))
    return defaultdict(frozenset, {t: frozenset(k) for t, k in keys.items()})


def _profile_of(v: Variables, t: Teacher) -> tuple[object, ...]:
    """Everything about a teacher that any rule or objective term reads, but her id."""
    inst = v.instance
    history = sorted(
        (h.activity.value, h.host_kg or "", h.years()[0], h.years()[-1])
        for h in inst.history_by_teacher.get(t.teacher_id, ())
    )
    return (
        t.home_kg,
        t.grade,
        t.backbone,
        t.cadre,
        t.veto,
        t.unavailable,
        t.preferred_hosts,
        induction_year(inst, t),
        cover_start(inst, t) if inst.profile.enabled(COVER_3Y.id) else None,
        tuple(history),
    )


def six(model: cp_model.CpModel, v: Variables) -> Violations:
    """GUIDE-SIX: each member misses len(guide_items) − items_per_visit × (visits that year)
    items a year, never fewer than none.

    Exact because `visits` gives a member's visits of a year distinct items, a full
    items_per_visit each but the last (and GUIDE-CAP keeps a member's visits a year to the
    number its items need).
    """
    profile = v.instance.profile
    out = Violations()
    for m in members(v.instance, v.facts.name):
        for y in v.years:
            received = [v.guided[(m, i)] for i in v.semesters_of(y) if (m, i) in v.guided]
            out.require(len(profile.guide_items), received, profile.items_per_visit)
    return out


def coop(model: cp_model.CpModel, v: Variables) -> Violations:
    """GUIDE-COOP: at least coop_min visits to the group's members each semester."""
    out = Violations()
    want = v.instance.profile.coop_min
    for i in range(len(v.semesters)):
        out.require(want, [var for (_, j), var in v.guided.items() if j == i])
    return out


def cap(model: cp_model.CpModel, v: Variables) -> None:
    """GUIDE-CAP loads: per person and year ≤ guide_max_per_year; per member and year ≤
    visits_per_year; per semester ≤ guide_slot_cap × slots (the packing then puts at most
    guide_slot_cap in a slot). Staff, hosts and the per-semester spread are in the domains
    (variables.py); one member per slot is the packing's."""
    profile = v.instance.profile
    limits = (
        (v.guide, profile.guide_max_per_year),
        (v.guided, profile.visits_per_year),
    )
    for counts, limit in limits:
        per_year: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (who, i), var in counts.items():
            per_year[(who, v.semesters[i][0])].append(var)
        for xs in per_year.values():
            _at_most(model, xs, limit)
    for i, slots in enumerate(v.slots):
        _at_most(model, [var for _, var in v.guiding(i)], profile.guide_slot_cap * slots)


def pools(model: cp_model.CpModel, v: Variables) -> None:
    """Cuts: per year, the lead's guides as a pool of capacity against the pool's limit.

    A guide not placed in year y makes at most ``a`` visits (ONE-PLACE: Σ guide + a·placed
    ≤ a); the guides together make at most L (GUIDE-CAP: guide_slot_cap × slots a
    semester), and those of one slot key at most slots a semester (AWAY-SLOT). With spare
    capacity s = Σ a − L, placing k0 = s // a guides costs no visit and each further one a
    visits, but the LP relaxation places k0 + r/a of them (r = s % a) at no cost. When the
    guides who may be placed share one ``a`` the integer hull has the facet through k0 and
    k0 + 1 placed: Σ visits + (a − r)·Σ placed ≤ L + (a − r)·k0. Implied by the rows it is
    derived from (added only while those rules are hard), so it removes no schedule.
    Measured on the city's hardest groups: 西苑第5 from 56 s to 1 s, 青松博雅 from 13 s to
    1.4 s (HiGHS finds these as MIR cuts; CP-SAT's cut search did not). The members' side
    gives another L, what they may receive in a year (visits made = received, `balance`):
    with GUIDE-SIX asking two visits of each member it is the binding one, and the cut
    closes group16 seed 1's root gap (bound −128 → −170, the optimum).
    """
    profile = v.instance.profile
    if profile.severity(ONE_PLACE.id) is not Severity.HARD or not v.guide:
        return
    teacher = v.instance.teacher
    guides = list(dict.fromkeys(p for p, _ in v.guide))
    limits: list[tuple[list[str], int]] = []  # (guides, visits a slot)
    if profile.severity(GUIDE_CAP.id) is Severity.HARD:
        limits.append((guides, profile.guide_slot_cap))
    if profile.severity(AWAY_SLOT.id) is Severity.HARD:
        by_key: dict[str, list[str]] = defaultdict(list)
        for p in guides:
            by_key[teacher[p].slot_key].append(p)
        limits += [(pool, 1) for pool in by_key.values()]
    for y in v.years:
        slots = sum(v.slots[i] for i in v.semesters_of(y))
        for pool, per_slot in limits:
            _pool_cut(model, v, pool, y, per_slot * slots)
        # What the members may receive bounds what the guides make (visits made = received).
        _pool_cut(model, v, guides, y, _receivable(v, y))


def _receivable(v: Variables, y: int) -> int:
    """The most guidance visits the members may receive in year y: their counts' domains,
    and visits_per_year each under GUIDE-CAP."""
    capped = v.instance.profile.severity(GUIDE_CAP.id) is Severity.HARD
    most = 0
    for m in members(v.instance, v.facts.name):
        xs = [v.guided[(m, i)] for i in v.semesters_of(y) if (m, i) in v.guided]
        year = sum(upper(x) for x in xs)
        most += min(year, v.instance.profile.visits_per_year) if capped else year
    return most


def _pool_cut(model: cp_model.CpModel, v: Variables, guides: list[str], y: int, limit: int) -> None:
    visits: list[cp_model.IntVar] = []
    placed: list[cp_model.IntVar] = []
    spare, loads = -limit, set()
    for p in guides:
        xs = [v.guide[(p, i)] for i in v.semesters_of(y) if (p, i) in v.guide]
        if not xs:
            continue
        most = yearly_guidance(v, xs)  # the `a` of ONE-PLACE's row (staffing.one_place)
        visits += xs
        spare += most
        if (p, y) in v.placed:
            placed.append(v.placed[(p, y)])
            loads.add(most)
    if len(loads) != 1 or spare < 0:
        return
    (a,) = loads
    k0, r = divmod(spare, a)
    if r:
        model.add(
            cp_model.LinearExpr.sum(visits) + (a - r) * cp_model.LinearExpr.sum(placed)
            <= limit + (a - r) * k0
        )


def _at_most(model: cp_model.CpModel, xs: Sequence[cp_model.IntVar], limit: int) -> None:
    """Σ xs ≤ limit, left out when the domains already imply it."""
    if sum(upper(x) for x in xs) > limit:
        model.add(cp_model.LinearExpr.sum(xs) <= limit)


def upper(var: cp_model.IntVar) -> int:
    """The largest value in a variable's domain (OR-Tools 9.15's proto wrapper reads
    ``domain[-1]`` as element 0: no negative indices)."""
    return int(max(var.proto.domain))


def yearly_guidance(v: Variables, xs: Sequence[cp_model.IntVar]) -> int:
    """The most visits one guide's semester counts `xs` of a year allow together."""
    most = sum(upper(x) for x in xs)
    if v.instance.profile.enabled(GUIDE_CAP.id):
        most = min(most, v.instance.profile.guide_max_per_year)
    return most


def visits(v: Variables, value_of: ValueOf) -> list[Assignment]:
    """The guidance assignments a solution describes, with slots and items.

    Visits are dealt by slot key of the guide (AWAY-SLOT: one key away once per slot; it
    also keeps each guide in one place per slot), or by guide when AWAY-SLOT is off; in the
    semesters the model places in slots, read off it (`_placed`). A member's visits of a
    year carry the next items in time order.
    """
    inst = v.instance
    teacher = inst.teacher
    by_key = inst.profile.enabled(AWAY_SLOT.id)
    made: list[tuple[str, str, int, Semester, int]] = []
    for i, (year, semester) in enumerate(v.semesters):
        if i in v.guide_grid.semesters:
            made += [(t, m, year, semester, slot) for t, m, slot in _placed(v, i, value_of)]
            continue
        supply = {t: value_of(var) for t, var in v.guiding(i) if value_of(var)}
        demand = {m: value_of(var) for (m, j), var in v.guided.items() if j == i and value_of(var)}
        reserved = [(t, m) for (t, m, j), var in v.reserve.items() if j == i and value_of(var)]
        pairs = transport(supply, demand, reserved)
        keys = [(teacher[t].slot_key if by_key else t, m) for t, m in pairs]
        for (t, m), colour in zip(pairs, colour_edges(keys, v.slots[i]), strict=True):
            made.append((t, m, year, semester, colour + 1))
    return _with_items(inst, made)


def _with_items(
    inst: Instance, made: list[tuple[str, str, int, Semester, int]]
) -> list[Assignment]:
    """The visits with their items: a member's visits of a year carry distinct items, a full
    items_per_visit each until the items run out, so GUIDE-SIX counts items_per_visit a visit
    (`six`). A visit the previous plan had in the same slot keeps its items (those still in
    the profile's list), topped up in time order from the items nobody brings yet."""
    profile = inst.profile
    items, per_visit = profile.guide_items, profile.items_per_visit
    before = {
        keep_key(a): [found for item in a.items if (found := profile.guide_item(item))]
        for a in inst.previous
        if a.activity is Activity.GUIDANCE
    }
    visits = [
        Assignment(t, Activity.GUIDANCE, m, year, semester, slot)
        for t, m, year, semester, slot in sorted(made, key=lambda x: (x[2], x[3].order, x[4], x[1]))
    ]
    given: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    carried: list[list[str]] = []
    for a in visits:
        mine = [
            item for item in before.get(keep_key(a), []) if item not in given[(a.host_kg, a.year)]
        ]
        carried.append(mine[:per_visit])
        given[(a.host_kg, a.year)] += carried[-1]
    out = []
    for a, mine in zip(visits, carried, strict=True):
        pool = [item for item in items if item not in given[(a.host_kg, a.year)]]
        extra = pool[: per_visit - len(mine)]
        given[(a.host_kg, a.year)] += extra
        out.append(dataclasses.replace(a, items=tuple(sorted([*mine, *extra], key=items.index))))
    return out


def _placed(v: Variables, i: int, value_of: ValueOf) -> list[tuple[str, str, int]]:
    """(guide, member, slot) of a semester the model places in slots: the kept visits where
    they are held; each key's fresh visits paired with its guides' remaining counts
    (reservations first, `transport`), slots in order."""
    grid = v.guide_grid
    out = grid.kept(i, value_of)
    kept = Counter(t for t, _, _ in out)
    slots = grid.open_slots(i, value_of)
    for key, free in slots.items():
        supply = {
            t: value_of(var) - kept[t]
            for t, var in v.guiding(i)
            if grid.keys[t] == key and value_of(var) > kept[t]
        }
        demand = Counter(m for m, _ in free)
        reserved = [
            (t, m)
            for (t, m, j), var in v.reserve.items()
            if j == i and grid.keys[t] == key and value_of(var)
        ]
        for t, m in transport(supply, demand, reserved):
            slot = next(s for host, s in free if host == m)
            free.remove((m, slot))
            out.append((t, m, slot))
    return out


def counts(v: Variables, schedule: Sequence[Assignment]) -> dict[int, int]:
    """Variable index → value of the guidance counts and reservations describing a schedule
    (where the model places a semester in slots, a reservation is a visit no slot holds)."""
    horizon = v.instance.horizon
    grid = v.guide_grid
    out: Counter[int] = Counter()
    for a in schedule:
        if a.activity is not Activity.GUIDANCE or a.semester is None or a.slot is None:
            continue
        i = horizon.semester_index(a.year, a.semester)
        for var in (v.guide.get((a.teacher_id, i)), v.guided.get((a.host_kg, i))):
            if var is not None:
                out[var.index] += 1
        reserved = v.reserve.get((a.teacher_id, a.host_kg, i))
        held = (a.teacher_id, a.host_kg, i, a.slot) in grid.held and i in grid.semesters
        if reserved is not None and not held:
            out[reserved.index] = 1
    return dict(out)


FAMILY = Family(
    builders={GUIDE_SIX: six, GUIDE_COOP: coop, GUIDE_CAP: cap},
    eligibility=(GUIDE_LEN, GUIDE_CAP),
    extras=(
        Extra("structure", (GUIDE_SIX, GUIDE_CAP), balance),
        Extra("dominance", (GUIDE_SIX, COVER_3Y), dominance),
        Extra("symmetry", (GUIDE_SIX,), symmetry),
        Extra("cut", (GUIDE_CAP, AWAY_SLOT, ONE_PLACE), pools),
    ),
)

"""Visits placed in slots by the model (solver/slotted.py): stability counts the slot, a held
visit keeps it, pinned slots (--freeze-before) are met, and the verifier's count of changes
always equals the solver's (`conftest.solved`)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from conftest import START, instance, kg, profile, solved, teacher

from kgrota.io.replan import freeze
from kgrota.model import Activity, Assignment, Instance, Pin, Role, Semester, keep_key
from kgrota.model.verify import verify
from kgrota.solver.greedy import greedy

SHD, AUT = Activity.SHADOWING, Semester.AUTUMN


def crowded(pins: tuple[Pin, ...] = ()) -> Instance:
    """Autumn of one year with 3 slots of 2 visitors (teacher_cap 2), members M1–M4 with two
    small-grade backbones each; nothing but pins and the previous plan asks for a visit."""
    kgs = [kg("L", Role.LEAD, 5, (1, 0, 0, 0))]
    kgs += [kg(f"M{i}", Role.MEMBER, 3, (1, 0, 0, 0)) for i in range(1, 5)]
    teachers = [teacher(f"L-{i}", "L") for i in range(2)]
    teachers += [
        teacher(f"M{m}-{i}", f"M{m}", backbone=True) for m in range(1, 5) for i in range(3)
    ]
    off = {rule: ("off", 0) for rule in ("ROT-PER-GRADE", "SUP-YEAR", "SHD-EACH-SEM", "GUIDE-SIX")}
    changes = {"weeks_per_semester": 9, "teacher_cap": 2, "uplift": 0, "fairness": 0, **off}
    inst = instance(kgs, teachers, pins=pins, profile=profile(**changes), years=1)
    assert inst.horizon.slot_count(START, AUT) == 3
    return inst


PREVIOUS = (
    Assignment("M1-0", SHD, "L", START, AUT, 1),
    Assignment("M2-0", SHD, "L", START, AUT, 1),
    Assignment("M3-0", SHD, "L", START, AUT, 2),
    Assignment("M4-0", SHD, "L", START, AUT, 2),
)


def test_previous_visits_keep_their_slots() -> None:
    inst = dataclasses.replace(crowded(), previous=PREVIOUS)
    result = solved(inst)
    assert set(result.assignments) == set(PREVIOUS) and result.terms["stability"] == 0


def test_held_visits_leave_room_only_where_the_slots_have_it() -> None:
    # Two more visits of M1's small grade must be made (pins): with M1-0 kept in slot 1 they
    # need slots 2 and 3, and slot 2 is full. Per-semester counts see room for all (3 of
    # M1's key ≤ 3 slots, 6 visits ≤ 2 × 3); the slots do not, so one previous visit goes:
    # one removed + two added = −3, and the verifier agrees.
    pins = (Pin("M1-1", SHD, None, START, AUT), Pin("M1-2", SHD, None, START, AUT))
    inst = dataclasses.replace(crowded(pins), previous=PREVIOUS)
    result = solved(inst)
    assert result.terms["stability"] == -3
    assert len(set(result.assignments) & set(PREVIOUS)) == 3
    assert {"M1-1", "M1-2"} <= {a.teacher_id for a in result.assignments}


def test_frozen_start_is_kept_exactly_and_nothing_new_starts_before() -> None:
    # The previous plan is the greedy's (guidance in many slots, other slots than the
    # solver's); frozen from the third slot of the first autumn, with one guide made
    # unavailable in the second year: everything earlier stays as it was.
    from test_guidance import cadre_group

    base = cadre_group()
    previous = tuple(greedy(base))
    date = base.horizon.slot_dates(START, AUT, 3)[0]
    teachers = tuple(
        dataclasses.replace(t, unavailable=frozenset({START + 1})) if t.teacher_id == "L-c0" else t
        for t in base.teachers
    )
    changed = dataclasses.replace(base, roster=dataclasses.replace(base.roster, teachers=teachers))
    inst, lost = freeze(dataclasses.replace(changed, previous=previous, freeze_before=date))
    assert not lost
    result = solved(inst)

    def early(plan: tuple[Assignment, ...]) -> set[Assignment]:
        return {a for a in plan if inst.starts(a.year, a.semester, a.slot) < date}

    assert early(previous) and early(result.assignments) == early(previous)  # items too
    assert not any(a.teacher_id == "L-c0" and a.year == START + 1 for a in result.assignments)
    kept = {keep_key(a) for a in previous} & {keep_key(a) for a in result.assignments}
    assert len(kept) > len(early(previous))  # later visits are kept where they can be
    fallback = tuple(greedy(inst))  # the greedy baseline meets the pinned slots too
    assert verify(inst, fallback).ok
    assert {keep_key(a) for a in early(previous)} <= {keep_key(a) for a in fallback}


def test_freeze_reports_what_the_new_roster_rules_out() -> None:
    inst = dataclasses.replace(crowded(), previous=PREVIOUS, freeze_before=dt.date(START + 1, 1, 1))
    gone = dataclasses.replace(
        inst.roster, teachers=tuple(t for t in inst.teachers if t.teacher_id != "M2-0")
    )
    frozen, lost = freeze(dataclasses.replace(inst, roster=gone))
    assert lost == [PREVIOUS[1]]
    assert verify(frozen, greedy(frozen)).ok  # the greedy deals visits around pinned slots
    assert {(p.teacher_id, p.slot) for p in frozen.roster.pins} == {
        ("M1-0", 1),
        ("M3-0", 2),
        ("M4-0", 2),
    }

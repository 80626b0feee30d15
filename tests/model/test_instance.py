"""Splitting a roster and an instance into groups (each its own CP-SAT model)."""

from __future__ import annotations

import dataclasses

from kgrota.model import Instance, load_profile
from kgrota.model.generate import generate
from kgrota.model.instance import Activity, Pin


def test_by_group_is_every_group_subset_in_one_pass() -> None:
    roster = generate(groups=3, kgs=4, seed=2, start_year=2026)
    pins = (Pin(roster.teachers[0].teacher_id, Activity.ROTATION, None, 2026),)
    distances = tuple(
        (a.kg_id, b.kg_id, 1.0) for a in roster.kindergartens for b in roster.kindergartens
    )
    roster = dataclasses.replace(roster, pins=pins, distances=distances)
    assert roster.history  # the generator writes some, so history is split too
    parts = roster.by_group()
    assert list(parts) == list(roster.groups)
    assert parts == {g: roster.subset(g) for g in roster.groups}
    for group, part in parts.items():  # what a group's part holds, filtered here directly
        kgs = {k.kg_id for k in roster.kindergartens if k.group == group}
        ids = {t.teacher_id for t in roster.teachers if t.home_kg in kgs}
        assert part.kindergartens == tuple(k for k in roster.kindergartens if k.kg_id in kgs)
        assert part.teachers == tuple(t for t in roster.teachers if t.teacher_id in ids)
        assert part.history == tuple(h for h in roster.history if h.teacher_id in ids)
        assert part.pins == tuple(p for p in roster.pins if p.teacher_id in ids)
        assert part.distances == tuple(d for d in distances if {d[0], d[1]} <= kgs)
    assert roster.subset("no such group").teachers == ()
    inst = Instance.create(roster, load_profile("default"), 2026)
    assert inst.by_group() == {g: inst.for_group(g) for g in roster.groups}

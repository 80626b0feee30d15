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
    inst = Instance.create(roster, load_profile("default"), 2026)
    assert inst.by_group() == {g: inst.for_group(g) for g in roster.groups}

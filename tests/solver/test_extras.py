"""Every cut, symmetry breaking and dominance rule keeps the optimum: the same optimal value
with it and without it, on generated groups whose staff differ in age, history and flags."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, NamedTuple

import pytest
from conftest import START, solved

from kgrota.model import Instance, load_profile
from kgrota.model.generate import generate
from kgrota.model.verify import evaluate
from kgrota.solver import cpsat
from kgrota.solver.greedy import greedy
from kgrota.solver.rules import FAMILIES

if TYPE_CHECKING:
    from kgrota.solver.rules.base import Extra, Family

# (seed, kindergartens, mode, profile); seed 1021 has two lead backbones alike but for their
# birth dates, one retiring in the first year (the symmetry breaking once ordered them).
ROSTERS = [(1021, 4, "tight", "default"), (7, 5, "loose", "qingpu"), (42, 4, "tight", "huaiyuan")]
EXTRAS = [
    (family, extra)
    for family in FAMILIES
    for extra in family.extras
    if extra.kind != "structure"  # links the slotted visits to their counts: part of the model
]


class Case(NamedTuple):
    instance: Instance
    optimum: int
    constraints: int  # of the model with every extra


@pytest.fixture(scope="module", params=ROSTERS, ids=lambda r: f"{r[3]}-{r[0]}")
def case(request: pytest.FixtureRequest) -> Case:
    seed, kgs, mode, profile = request.param
    roster = generate(groups=1, kgs=kgs, seed=seed, start_year=START, mode=mode)
    inst = Instance.create(roster, load_profile(profile), START, 2)
    optimum = solved(inst).objective
    assert optimum is not None and optimum >= evaluate(inst, greedy(inst))[1]
    return Case(inst, optimum, len(cpsat.build(inst).model.proto.constraints))


@pytest.mark.parametrize(
    ("family", "extra"),
    EXTRAS,
    ids=[f"{e.kind}:{e.add.__module__.rsplit('.', 1)[-1]}.{e.add.__name__}" for _, e in EXTRAS],
)
def test_each_extra_keeps_the_optimum(
    case: Case, family: Family, extra: Extra, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = tuple(
        dataclasses.replace(f, extras=tuple(e for e in f.extras if e is not extra))
        if f is family
        else f
        for f in FAMILIES
    )
    monkeypatch.setattr(cpsat, "FAMILIES", without)
    assert len(cpsat.build(case.instance).model.proto.constraints) <= case.constraints
    assert solved(case.instance).objective == case.optimum

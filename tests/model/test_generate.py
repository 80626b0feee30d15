"""The synthetic roster generator and the shipped Qingpu 2023 scenario."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from conftest import START

from kgrota.model import (
    Activity,
    Gender,
    Grade,
    Instance,
    Ownership,
    Role,
    Roster,
    academic_year,
    load_profile,
)
from kgrota.model.generate import generate, qingpu_roster
from kgrota.model.verify import verify
from kgrota.scenarios import qingpu


@pytest.fixture(scope="module")
def district() -> Roster:
    return generate(groups=4, kgs=(6, 12), seed=11)


def test_same_seed_same_roster_other_seed_other() -> None:
    first = generate(groups=2, kgs=5, seed=3, mode="tight")
    assert first == generate(groups=2, kgs=5, seed=3, mode="tight")
    assert first != generate(groups=2, kgs=5, seed=4, mode="tight")


@pytest.mark.parametrize("mode", ["tight", "loose"])
def test_sizes_and_roles(mode: str) -> None:
    roster = generate(groups=3, kgs=(4, 9), seed=1, mode=mode)
    sizes = Counter(k.group for k in roster.kindergartens)
    assert len(sizes) == 3 and all(4 <= n <= 9 for n in sizes.values())
    exact = generate(groups=2, kgs=7, seed=1, mode=mode)
    assert Counter(k.group for k in exact.kindergartens) == dict.fromkeys(exact.groups, 7)
    allowed = (
        {Role.LEAD, Role.BRANCH, Role.AFFILIATE} if mode == "tight" else {Role.LEAD, Role.MEMBER}
    )
    inst = Instance.create(roster, load_profile("default"), START)
    for group in roster.groups:
        kgs = [k for k in roster.kindergartens if k.group == group]
        leads = [k for k in kgs if k.role is Role.LEAD]
        assert len(leads) == 1 and leads[0].tier == 5 and kgs[0] is leads[0]
        assert {k.role for k in kgs} <= allowed
        assert all(k.ownership is Ownership.PRIVATE for k in kgs if k.role is Role.AFFILIATE)
        assert inst.group_mode(group) == (
            "tight" if Role.BRANCH in {k.role for k in kgs} else "loose"
        )


def test_ids_names_and_classes(district: Roster) -> None:
    assert all(re.fullmatch(r"G\d{2}K\d{2}", k.kg_id) for k in district.kindergartens)
    assert all(re.fullmatch(r"T\d{6}", t.teacher_id) for t in district.teachers)
    names = [k.name for k in district.kindergartens]
    assert len(set(names)) == len(names) and all(n.endswith("幼儿园") for n in names)
    assert all(2 <= len(t.name) <= 3 for t in district.teachers)
    for k in district.kindergartens:
        assert 6 <= sum(k.classes) <= 18 and min(k.classes[:3]) >= 1


def test_staff_shape(district: Roster) -> None:
    teachers = district.teachers
    graded = [t for t in teachers if not t.cadre]
    cadres = Counter(t.home_kg for t in teachers if t.cadre)
    assert all(2 <= cadres[k.kg_id] <= 3 for k in district.kindergartens)
    assert 0.13 <= sum(t.backbone for t in graded) / len(graded) <= 0.28
    new = [t for t in graded if t.hire_date and academic_year(t.hire_date) == START]
    assert 0.04 <= len(new) / len(graded) <= 0.13 and not any(t.backbone for t in new)
    ages = [START - t.birth_date.year for t in teachers if t.birth_date]
    assert min(ages) >= 22 and max(ages) <= 61
    # nobody past retirement age on the plan's first day (55 women, 60 men)
    first = dt.date(START, 9, 1)
    assert all(
        (first.year - t.birth_date.year) < (60 if t.gender is Gender.MALE else 55) + 1
        for t in teachers
        if t.birth_date
    )
    assert 0 < sum(t.gender is Gender.MALE for t in teachers) < 0.1 * len(teachers)
    # two per class plus spares, and a few deliberately short grades
    inst = Instance.create(district, load_profile("default"), START)
    spare = Counter(
        (inst.home_count(k.kg_id, g) > 2 * k.classes_of(g))
        - (inst.home_count(k.kg_id, g) < 2 * k.classes_of(g))
        for k in district.kindergartens
        for g in Grade
        if k.classes_of(g)
    )
    assert spare[1] > spare[0] > spare[-1] > 0


def test_history_is_past_and_rule_abiding(district: Roster) -> None:
    history = district.history
    assert Counter(h.activity for h in history).keys() == {Activity.ROTATION, Activity.SHADOWING}
    assert all(START - 3 <= y < START for h in history for y in h.years())
    assert max(Counter(h.teacher_id for h in history).values()) == 1
    continuing = [
        h
        for h in history
        if h.activity is Activity.ROTATION and h.years() == range(START - 1, START)
    ]
    assert continuing  # some first years that may continue into the plan
    # history alone breaks no hard rule (terms, cooldowns); an empty plan verifies
    assert verify(Instance.create(district, load_profile("default"), START), []).ok


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="mode"):
        generate(groups=1, kgs=3, seed=0, mode="alliance")
    with pytest.raises(ValueError, match="kgs"):
        generate(groups=1, kgs=(5, 3), seed=0)


# The printed table (seed 001): per group, kindergartens as 牵头园, 一级, 二级, 新建, and 民办 ones.
QINGPU_TABLE = {
    "佳佳学前教育集团": ((1, 2, 5, 1), 0),
    "秀泉学前教育集团": ((1, 3, 6, 0), 1),
    "实验学前教育集团": ((1, 2, 5, 1), 0),
    "朵朵学前教育集团": ((1, 2, 6, 0), 1),
    "朱家角学前教育集团": ((1, 3, 5, 1), 0),
    "毓秀学前教育集团": ((1, 3, 4, 0), 0),
    "徐泾学前教育联盟": ((1, 2, 6, 3), 2),
}


def test_qingpu_roster_matches_the_table() -> None:
    roster = qingpu_roster()
    assert roster == qingpu_roster() and roster != qingpu_roster(seed=1)
    assert roster.groups == tuple(QINGPU_TABLE) == tuple(qingpu.GROUPS)
    for group, (counts, private) in QINGPU_TABLE.items():
        kgs = [k for k in roster.kindergartens if k.group == group]
        tiers = Counter(k.tier for k in kgs)
        assert (tiers[5], tiers[4], tiers[3], tiers[1]) == counts
        assert [k.role for k in kgs] == [Role.LEAD] + [Role.MEMBER] * (len(kgs) - 1)
        assert kgs[0].tier == 5
        assert sum(k.ownership is Ownership.PRIVATE for k in kgs) == private
    names = [k.name for k in roster.kindergartens]
    assert len(set(names)) == len(names)  # the 徐泾 新建 entry got its own name
    assert (
        Instance.create(roster, load_profile("qingpu"), START).group_mode("佳佳学前教育集团")
        == "loose"
    )

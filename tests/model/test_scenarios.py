"""The shipped Qingtongxia and Lechang scenarios: tables as printed, rosters, and workbooks that
never drift from their builders."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest
from conftest import START

from kgrota.io.roster_read import read_roster
from kgrota.io.roster_validate import validate_roster
from kgrota.model import Instance, Ownership, Role, load_profile
from kgrota.model.generate import lechang_roster, qingtongxia_roster
from kgrota.scenarios import build, lechang, qingtongxia

if TYPE_CHECKING:
    from pathlib import Path

# Seed 002 plan 4 四(二)1–3, typed out again: members per alliance, and which are public
# (乡镇中心园 → 一级; villages and units with a public school → 二级). All others are 民办 三级.
QINGTONGXIA_PUBLIC = {
    "青铜峡市第一幼儿园教育联盟化合作体": (9, {"同进幼儿园": 3, "同富幼儿园": 3}),
    "青铜峡市第二幼儿园教育集团联盟化合作体": (
        9,
        {
            "青铜峡镇中心幼儿园": 4,
            "甘城子中心幼儿园": 4,
            "同兴幼儿园": 3,
            "峡口中心幼儿园": 4,
            "瞿靖中心幼儿园": 4,
        },
    ),
    "青铜峡市第三幼儿园教育集团联盟化合作体": (
        11,
        {"大电幼儿园": 3, "叶盛中心幼儿园": 4, "同乐幼儿园": 3},
    ),
}


def test_qingtongxia_roster_follows_the_printed_alliances() -> None:
    roster = qingtongxia_roster()
    assert roster == qingtongxia_roster() and roster != qingtongxia_roster(seed=1)
    assert roster.groups == tuple(QINGTONGXIA_PUBLIC) == tuple(qingtongxia.GROUPS)
    assert set(qingtongxia.BRANCHES) == {"第一幼儿园", "第二幼儿园"}
    for group, (members, public) in QINGTONGXIA_PUBLIC.items():
        kgs = [k for k in roster.kindergartens if k.group == group]
        lead, printed = qingtongxia.GROUPS[group]
        branches = qingtongxia.BRANCHES.get(lead, ())  # 四(一)1–2: the 共同体's 分园
        assert [k.name for k in kgs] == [lead, *branches, *printed] and len(printed) == members
        roles = [Role.LEAD] + [Role.BRANCH] * len(branches) + [Role.MEMBER] * members
        assert [k.role for k in kgs] == roles
        assert (kgs[0].tier, kgs[0].ownership) == (5, Ownership.PUBLIC)
        for k in kgs[1:]:
            if k.role is Role.BRANCH:
                assert (k.tier, k.ownership) == (4, Ownership.PUBLIC)
            elif k.name in public:
                assert (k.tier, k.ownership) == (public[k.name], Ownership.PUBLIC)
            else:
                assert (k.tier, k.ownership) == (2, Ownership.PRIVATE)
    private = {k.name for k in roster.kindergartens if k.ownership is Ownership.PRIVATE}
    assert {"小博士幼儿园", "小博士华谷幼儿园", "英伦幼儿园", "金太阳幼儿园"} <= private
    inst = Instance.create(roster, load_profile("qingtongxia"), START)
    assert {inst.group_mode(g) for g in roster.groups} == {"alliance"}


def test_lechang_roster_has_two_tight_groups_with_branches_and_affiliates() -> None:
    roster = lechang_roster()
    assert roster == lechang_roster() and roster != lechang_roster(seed=1)
    assert roster.groups == ("乐昌市金鸡学前教育集团", "乐昌市梅花镇学前教育集团")
    inst = Instance.create(roster, load_profile("default"), START)
    sizes = []
    for group in roster.groups:
        assert inst.group_mode(group) == "tight"  # read off the roles: it has 分园
        kgs = [k for k in roster.kindergartens if k.group == group]
        roles = Counter(k.role for k in kgs)
        assert roles[Role.LEAD] == 1 and roles[Role.BRANCH] >= 2 and roles[Role.AFFILIATE] >= 1
        lead = kgs[0]
        assert (lead.role, lead.tier, lead.ownership) == (Role.LEAD, 5, Ownership.PUBLIC)
        for k in kgs:
            assert k.town and k.town.endswith(("镇", "街道"))
            if k.role is Role.BRANCH:  # a 乡镇中心幼儿园 under the 总园's legal person
                assert k.ownership is Ownership.PUBLIC and k.tier < 5
                assert k.name.startswith(lead.name) and k.name.endswith("分园")
            if k.role is Role.AFFILIATE:
                assert k.ownership is Ownership.PRIVATE
        sizes.append(len(kgs))
    assert sizes == [len(rows) for rows in lechang.GROUPS.values()] and sizes[1] < sizes[0]


@pytest.mark.parametrize("name", list(build.BUILDERS))
def test_shipped_workbook_reads_back_as_its_builder(name: str) -> None:
    shipped, warnings = read_roster(build.workbook(name))
    assert shipped == build.BUILDERS[name]() and not warnings
    # Solving the shipped workbook with its own profile draws no validation warning about
    # group size (GROUP-SIZE) or unknown references.
    problems = validate_roster(build.workbook(name), load_profile(name))
    assert not [p for p in problems if "GROUP-SIZE" in p.message or "preferred" in p.message]


def test_build_writes_missing_workbooks_and_check_reports_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "workbook", lambda name: tmp_path / f"{name}.xlsx")
    assert build.main(["--check"]) == 1 and not list(tmp_path.iterdir())
    assert build.main([]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.xlsx" for n in build.BUILDERS)
    written = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert build.main(["--check"]) == 0
    assert build.main([]) == 0  # up to date: nothing is rewritten
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == written

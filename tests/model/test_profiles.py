"""The six built-in profiles: complete and cited files, the overrides each document asks for,
and per profile one small solve that verifies and shows the profile's own mechanism."""

from __future__ import annotations

import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import START

from kgrota.io.roster_validate import validate_roster
from kgrota.io.roster_write import write_roster
from kgrota.model import (
    RULES,
    Activity,
    Assignment,
    GroupResult,
    Instance,
    Profile,
    Report,
    Role,
    Roster,
    SolveStatus,
    builtin_profiles,
    load_profile,
)
from kgrota.model.generate import generate, lechang_roster, qingpu_roster, qingtongxia_roster
from kgrota.model.profile import SIX_ITEMS
from kgrota.model.rules.guidance import members
from kgrota.model.rules.swap import is_young
from kgrota.model.verify import verify
from kgrota.solver.cpsat import solve_group
from kgrota.solver.options import SolveOptions

PROFILES = ("default", "dongguan", "huaiyuan", "lechang", "qingpu", "qingtongxia", "shenzhen")
GUIDE, SWAP, SHD = Activity.GUIDANCE, Activity.SWAP, Activity.SHADOWING
KEY_LINE = re.compile(r"^\s*([A-Za-z][\w-]*)\s*=")


def text_of(name: str) -> str:
    return (resources.files("kgrota.scenarios") / "profiles" / f"{name}.toml").read_text("utf-8")


def sections() -> dict[str, set[str]]:
    """Profile section → its keys, from the dataclass (the top level is ``""``)."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in fields(Profile):
        if f.name not in ("rules", "words"):
            out[f.metadata["section"]].add(f.name)
    return out


# -- the files ---------------------------------------------------------------------------------


def test_the_seven_profiles_are_built_in_and_load() -> None:
    assert builtin_profiles() == PROFILES
    for name in PROFILES:
        assert load_profile(name).name == name


@pytest.mark.parametrize("name", PROFILES)
def test_profile_names_every_key_and_rule(name: str) -> None:
    """SPEC §3: a profile names the mode, every number, and each rule's severity and weight,
    so a user who copies one sees (and can edit) everything."""
    data = tomllib.loads(text_of(name))
    for section, keys in sections().items():
        table = data if section == "" else data[section]
        assert keys <= set(table), (section, keys - set(table))
    assert set(data["rules"]) == {r.id for r in RULES}
    for rule in RULES:
        if rule.can_be_soft:  # a weight to use when a user makes the rule soft
            assert "weight" in data["rules"][rule.id], rule.id


@pytest.mark.parametrize("name", PROFILES)
def test_every_key_carries_a_comment(name: str) -> None:
    """Each setting is cited: a comment on its line or in the comment block right above
    (``name`` and ``citation`` describe themselves)."""
    lines = text_of(name).splitlines()
    for i, line in enumerate(lines):
        key = KEY_LINE.match(line)
        if key and key[1] not in ("name", "citation"):
            assert "#" in line or lines[i - 1].lstrip().startswith("#"), f"{name}:{i + 1}: {line}"
    assert re.search(r'^citation = ".+"', text_of(name), re.M)


def test_default_restates_the_catalogue() -> None:
    profile = load_profile("default")
    for rule in RULES:
        assert (profile.severity(rule.id), profile.weight(rule.id)) == (rule.severity, rule.weight)
    assert profile == Profile(
        name="default", citation=profile.citation, rules=profile.rules, words=profile.words
    )


OVERRIDES: dict[str, dict[str, Any]] = {
    "default": {"mode": "auto", "GUIDE-SIX": "soft", "SWAP-EQ": "off", "COVER-3Y": "off"},
    "lechang": {
        "mode": "tight",
        "guide_items": SIX_ITEMS,
        "guide_staff": "backbone+cadre",
        "max_term_years": 1,  # 三(二)2 轮岗交流一学年
        "GUIDE-SIX": "soft",
        "IND-LEAD": "soft",
        "CADRE-EX": "soft",  # 三(二)2 互派管理人员双向交流
        "SWAP-EQ": "off",
    },
    "qingpu": {"mode": "loose", "GUIDE-SIX": "off", "SWAP-EQ": "off", "COVER-3Y": "off"},
    "huaiyuan": {
        "guide_staff": "cadre",
        "guide_items": ("诊断建议 diagnosis and advice",),
        "visit_days": 10,  # 团队进驻: two weeks
        "cool_guidance": True,  # 五(四): the cooldown and veto cover 跟岗锻炼 too
        "GUIDE-SIX": "soft",
        "GUIDE-LEN": "hard",
        "SHD-CAP": "hard",
    },
    "qingtongxia": {
        "mode": "alliance",
        "swap_min": 2,
        "swap_years": 1,
        "young_age": 35,
        "coop_min": 4,  # 四(三)2 每学期不得低于4次
        "SWAP-EQ": "hard",
        "GUIDE-SIX": "off",
        "GUIDE-COOP": "hard",
    },
    "shenzhen": {
        "mode": "district",
        "max_group_size": 16,
        "cover_years": 3,
        "COVER-3Y": "soft",  # weight 0: a report for the training plan
        "GUIDE-SIX": "off",
    },
    "dongguan": {"max_group_size": 9, "GUIDE-SIX": "off", "CADRE-EX": "soft", "SUP-YEAR": "soft"},
}


@pytest.mark.parametrize("name", PROFILES)
def test_profile_sets_what_its_document_asks(name: str) -> None:
    profile = load_profile(name)
    for key, want in OVERRIDES[name].items():
        got = profile.severity(key).value if key.isupper() else getattr(profile, key)
        assert got == want, key


def test_huaiyuan_item_is_named_by_its_chinese_part() -> None:
    profile = load_profile("huaiyuan")
    assert profile.guide_item("诊断建议") == profile.guide_items[0]
    assert profile.guide_item("专题讲座") is None


@pytest.mark.parametrize("name", PROFILES)
def test_profile_words_read_back(name: str) -> None:
    # A plan written in the profile's words (柔性流动, 示范跟岗学习 …) is read again by
    # `kgrota verify`: each word parses to the role or activity it names.
    for key, word in load_profile(name).words.items():
        if key != "group":
            kind = Activity if key in {a.value for a in Activity} else Role
            assert kind.parse(word) is kind(key), (key, word)


@pytest.mark.parametrize("name", PROFILES)
def test_copied_profile_loads_and_rejects_unknown_keys(name: str, tmp_path: Path) -> None:
    text = text_of(name)
    copy = tmp_path / "mine.toml"
    copy.write_text(text, encoding="utf-8")
    assert load_profile(copy) == load_profile(name)
    copy.write_text(text.replace("[swap]\n", "[swap]\nswap_max = 3\n", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown key \[swap\] swap_max"):
        load_profile(copy)
    bad_rule = text.replace("[rules]\n", '[rules]\nSWAP-EQQ = { severity = "hard" }\n', 1)
    copy.write_text(bad_rule, encoding="utf-8")
    with pytest.raises(ValueError, match="unknown rule 'SWAP-EQQ'"):
        load_profile(copy)


def test_readme_tables_cover_every_rule_and_profile() -> None:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    rules = text.split("## Rules", 1)[1].split("\n## ", 1)[0]
    ids = re.findall(r"^\| ([A-Z0-9-]+) \|", rules, re.M)
    assert ids == [r.id for r in RULES if r.id != "PIN"] + ["GROUP-SIZE", "PIN"]
    profiles = text.split("## Profiles", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| `(\w+)` \|", profiles, re.M) == [
        "default",
        "lechang",
        "qingpu",
        "huaiyuan",
        "qingtongxia",
        "dongguan",
        "shenzhen",
    ]


def test_group_size_warns_only_where_the_profile_sets_a_limit(tmp_path: Path) -> None:
    path = write_roster(generate(groups=1, kgs=17, seed=1), tmp_path / "district.xlsx")
    for name, warned in (("shenzhen", True), ("default", False)):
        problems = validate_roster(path, load_profile(name))
        assert any(p.message.startswith("GROUP-SIZE") for p in problems) is warned, name


# -- one small solve per profile ---------------------------------------------------------------


def solved(roster: Roster, name: str, group: str | None = None) -> tuple[GroupResult, Report]:
    """Solve one group with the profile: proven optimal, verified, and the verifier's objective
    equals the solver's."""
    group = group or roster.groups[0]
    inst = Instance.create(roster, load_profile(name), START).for_group(group)
    result = solve_group(inst, SolveOptions(time_limit=20, workers=1, seed=0))
    assert result.status is SolveStatus.OPTIMAL
    report = verify(inst, result.assignments)
    assert report.ok, report.failures
    assert (report.terms, report.objective) == (result.terms, result.objective)
    return result, report


def of(result: GroupResult, activity: Activity) -> list[Assignment]:
    return [a for a in result.assignments if a.activity is activity]


def violations(report: Report, rule_id: str) -> int:
    return sum(len(r.violations) for r in report.rules if r.rule.id == rule_id)


def test_default_solves_with_guidance_on() -> None:
    roster = generate(groups=1, kgs=4, seed=2)
    result, report = solved(roster, "default")
    visits = of(result, GUIDE)
    assert visits and {i for a in visits for i in a.items} <= set(SIX_ITEMS)
    assert result.terms["penalty:GUIDE-SIX"] == -violations(report, "GUIDE-SIX")
    assert not of(result, SWAP) and "penalty:COVER-3Y" not in result.terms


def test_lechang_delivers_the_six_visits_to_every_member() -> None:
    roster = lechang_roster()
    group = "乐昌市梅花镇学前教育集团"  # the smaller pilot group: 总园, 2 分园, 1 加盟园
    result, report = solved(roster, "lechang", group)
    inst = Instance.create(roster, load_profile("lechang"), START)
    lead = inst.lead_of[group]
    items: dict[tuple[str, int], list[str | None]] = defaultdict(list)
    for a in of(result, GUIDE):
        guide = inst.teacher[a.teacher_id]
        assert guide.home_kg == lead and (guide.backbone or guide.cadre)
        items[(a.host_kg, a.year)].extend(a.items)
    guided = members(inst, group)
    assert any(inst.kg[m].role is Role.AFFILIATE for m in guided)  # 加盟园 are guided too
    # The lead has staff enough: every member gets all six items every year, and not all in
    # one semester (GUIDE-CAP: at most three a semester).
    assert violations(report, "GUIDE-SIX") == 0 == result.terms["penalty:GUIDE-SIX"]
    for m in guided:
        for year in inst.horizon.year_list:
            assert sorted(items[(m, year)]) == sorted(SIX_ITEMS)
    semesters = Counter((a.host_kg, a.year, a.semester) for a in of(result, GUIDE))
    assert max(semesters.values()) <= 3


def test_qingpu_has_no_guidance() -> None:
    roster = qingpu_roster()
    group = min(roster.groups, key=lambda g: sum(k.group == g for k in roster.kindergartens))
    result, report = solved(roster, "qingpu", group)
    assert not of(result, GUIDE) and "penalty:GUIDE-SIX" not in result.terms
    assert {r.status for r in report.rules if r.rule.id in ("GUIDE-SIX", "SWAP-EQ")} == {"off"}
    assert of(result, Activity.ROTATION)


def test_huaiyuan_sends_only_cadres_with_the_one_item() -> None:
    roster = generate(groups=1, kgs=4, seed=3)
    result, report = solved(roster, "huaiyuan")
    inst = Instance.create(roster, load_profile("huaiyuan"), START)
    lead = inst.lead_of[roster.groups[0]]
    visits = of(result, GUIDE)
    assert visits
    for a in visits:
        guide = inst.teacher[a.teacher_id]
        assert guide.cadre and guide.home_kg == lead
        assert a.items == ("诊断建议 diagnosis and advice",)
    per_member_year = Counter((a.host_kg, a.year) for a in visits)
    assert set(per_member_year.values()) == {1}  # one 团队进驻 a member a year, at most
    assert violations(report, "GUIDE-SIX") == (
        len(members(inst, roster.groups[0])) * inst.horizon.years - len(visits)
    )


def test_qingtongxia_swaps_pairs_of_lead_backbones_and_member_young_teachers() -> None:
    roster = qingtongxia_roster()
    group = roster.groups[1]  # the second alliance: 第二幼儿园 and nine members
    result, report = solved(roster, "qingtongxia", group)
    inst = Instance.create(roster, load_profile("qingtongxia"), START)
    lead = inst.lead_of[group]
    swaps = {(a.teacher_id, a.year): a for a in of(result, SWAP)}
    out_per_year = Counter(y for (t, y) in swaps if inst.teacher[t].home_kg == lead)
    for year in inst.horizon.year_list:
        assert out_per_year[year] >= 2  # SWAP-EQ hard: at least two a year
    for (tid, year), a in swaps.items():
        partner = swaps[(a.partner, year)]  # every swap has its partner, the same year
        assert partner.partner == tid
        t, p = inst.teacher[tid], inst.teacher[partner.teacher_id]
        assert t.grade == p.grade
        if t.home_kg == lead:
            assert t.backbone and not t.cadre and a.host_kg == p.home_kg != lead
            assert partner.host_kg == lead and is_young(inst, p, year)
    assert violations(report, "SWAP-EQ") == 0


def test_shenzhen_reports_the_coverage_term() -> None:
    # 004's three-year cycle is training (全员轮训): a report of who had no exchange in the
    # window (weight 0), not a generator of visits.
    roster = generate(groups=1, kgs=5, seed=4)
    assert roster.history  # windows look back into it
    result, report = solved(roster, "shenzhen")
    uncovered = violations(report, "COVER-3Y")
    assert uncovered > 0 and result.terms["penalty:COVER-3Y"] == -uncovered
    inst = Instance.create(roster, load_profile("shenzhen"), START)
    ordinary = [
        a
        for a in of(result, SHD)
        if not (inst.teacher[a.teacher_id].backbone or inst.teacher[a.teacher_id].cadre)
    ]
    assert not ordinary  # nobody is sent just to be covered

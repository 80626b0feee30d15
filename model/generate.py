"""Synthetic, seeded rosters: realistic districts for trials and benchmarks, and the shipped
scenarios (Qingpu 2023, Qingtongxia, Lechang) built from the tables in `kgrota.scenarios`.

Everything is drawn from one `numpy.random.Generator`, so the same arguments give an equal
`Roster`. Shapes follow the seeds: tiers skewed as in seed 001's member table (per group about
a third 一级, over half 二级, a few 新建), 6–18 classes per kindergarten, two teachers per class
(002 plan 3) plus a spare or two so that sending is possible, a few deliberately short grades,
2–3 cadres per kindergarten, about 20% backbone (more at strong kindergartens), about 8% new
teachers hired in the first planned year, a few vetoes and unavailable years, and three years
of history (shadowing visits, finished 1- and 2-year rotations, first years that may continue).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING

import numpy as np

from ..scenarios import lechang, qingpu, qingtongxia
from .instance import (
    Activity,
    Gender,
    Grade,
    HistoryRecord,
    Horizon,
    Kindergarten,
    Ownership,
    Role,
    Roster,
    Semester,
    Teacher,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

MODES = ("tight", "loose")

SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN_NAMES = (
    "静", "丽", "敏", "燕", "艳", "娟", "霞", "芳", "婷", "雪", "慧", "琳", "洁", "颖", "倩", "萍",
    "佳怡", "欣怡", "雨涵", "梦洁", "晓燕", "丽华", "文静", "思琪", "诗雨", "子涵", "雅婷", "晓红",
    "春燕", "海燕", "玉兰", "佳琪", "紫涵", "晨曦", "婉清", "若溪", "嘉欣", "美玲", "秀梅", "丹丹",
    "伟", "磊", "浩然", "俊杰",
)  # fmt: skip
KG_STEMS = (
    "阳光", "春晖", "蓝天", "东湖", "西苑", "南桥", "北辰", "梧桐", "紫荆", "海棠", "星河", "彩虹",
    "育才", "启明", "丰和", "嘉禾", "翠湖", "锦绣", "金桥", "银杏", "明珠", "新城", "滨江", "清溪",
    "桃源", "青松", "晨光", "和平", "博雅", "童心", "未来", "绿洲", "荷花", "杏林", "朝阳", "长安",
    "花园", "文昌", "凤凰", "百合",
)  # fmt: skip
VETO_REASONS = ("师德失范", "有偿补课", "拒不服从工作安排", "经常请病假")

MEMBER_TIERS = (4, 3, 1)  # 一级, 二级, 新建 (seed 001 lists no 三级)
MEMBER_TIER_P = (0.28, 0.60, 0.12)  # seed 001: 17 一级, 37 二级, 7 新建 over 61 members
AFFILIATE_TIERS = (3, 2, 1)
CLASS_RANGE = {5: (12, 18), 4: (9, 15), 3: (6, 13), 2: (6, 10), 1: (6, 9)}  # total classes by tier
BACKBONE_P = {5: 0.32, 4: 0.24, 3: 0.17, 2: 0.14, 1: 0.12}  # strong kindergartens have more
SPARES = (-1, 0, 1, 2)  # teachers above 2 per class; -1 = a deliberately short grade
SPARES_P = (0.06, 0.24, 0.45, 0.25)
NEW_P = 0.08
MALE_P, MALE_CADRE_P = 0.03, 0.15  # kindergarten teachers are almost all women
VETO_P = 0.01
UNAVAILABLE_P = 0.02
MIXED_P = 0.08
HISTORY_YEARS = 3

# A scenario table row: name, role, ownership, tier, town.
KgRow = tuple[str, Role, Ownership, int, str | None]
_ROLE = {r.zh: r for r in Role}
_OWNERSHIP = {o.zh: o for o in Ownership}


def generate(
    *,
    groups: int,
    kgs: int | tuple[int, int],
    seed: int,
    start_year: int = 2026,
    mode: str = "loose",
    years: int = 3,
) -> Roster:
    """A synthetic district of `groups` groups of `kgs` kindergartens (or a random count in the
    inclusive range), each with one lead of tier 5.

    `mode` ``tight`` makes 分园 branches plus 0–2 private 加盟园 affiliates; ``loose`` makes
    1+X 成员园 members, sometimes one of them 民办. `years` is the horizon that unavailable
    years fall in. Kindergarten ids look like ``G01K03``, teacher ids like ``T000123``.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    low, high = (kgs, kgs) if isinstance(kgs, int) else kgs
    if groups < 1 or not 2 <= low <= high:
        raise ValueError("Must have groups >= 1 and 2 <= kgs (range low <= high).")
    rng = np.random.default_rng(seed)
    stems = _stems(rng)
    width = max(2, len(str(groups)))
    kindergartens: list[Kindergarten] = []
    for g in range(1, groups + 1):
        size = int(rng.integers(low, high + 1))
        kindergartens += _synthetic_group(rng, stems, f"G{g:0{width}d}", size, mode)
    return _populate(rng, kindergartens, start_year, years, mode)


def qingpu_roster(seed: int = 2023, start_year: int = 2026) -> Roster:
    """The qingpu-2023 scenario: seed 001's seven groups and their real kindergartens (tiers
    and 民办 as printed), with seeded synthetic classes, teachers and history."""
    groups: dict[str, list[KgRow]] = {}
    for group, columns in qingpu.GROUPS.items():
        shorts = [
            (short, tier)
            for (_, tier), names in zip(qingpu.COLUMNS, columns, strict=True)
            for short in names
        ]
        groups[group] = [
            (
                f"{short}幼儿园",
                Role.LEAD if i == 0 else Role.MEMBER,
                Ownership.PRIVATE if short in qingpu.PRIVATE else Ownership.PUBLIC,
                tier,
                None,
            )
            for i, (short, tier) in enumerate(shorts)
        ]
    return _from_table(np.random.default_rng(seed), groups, start_year, "loose")


def qingtongxia_roster(seed: int = 2022, start_year: int = 2026) -> Roster:
    """The qingtongxia scenario: seed 002 plan 4's three kindergarten alliances, members as
    printed, the 集团化共同体's 分园 as branches, tiers and ownership by
    `scenarios.qingtongxia.classify`, synthetic staff."""
    groups: dict[str, list[KgRow]] = {}
    for group, (lead, members) in qingtongxia.GROUPS.items():
        rows: list[KgRow] = []
        branches = qingtongxia.BRANCHES.get(lead, ())
        for name in (lead, *branches, *members):
            tier, owner = qingtongxia.classify(name, lead=name == lead)
            role = Role.LEAD if name == lead else Role.BRANCH if name in branches else Role.MEMBER
            rows.append((name, role, _OWNERSHIP[owner], tier, None))
        groups[group] = rows
    # Alliances are loose in the data sense (members keep their legal person): loose history.
    return _from_table(np.random.default_rng(seed), groups, start_year, "loose")


def lechang_roster(seed: int = 2023, start_year: int = 2026) -> Roster:
    """The lechang scenario: seed 000's two pilot tight groups (金鸡, 梅花) with the synthetic
    branches and affiliates of `scenarios.lechang`, synthetic staff."""
    groups = {
        group: [
            (name, _ROLE[role], _OWNERSHIP[owner], tier, town)
            for name, role, owner, tier, town in rows
        ]
        for group, rows in lechang.GROUPS.items()
    }
    return _from_table(np.random.default_rng(seed), groups, start_year, "tight")


# -- kindergartens ---------------------------------------------------------------------------


def _from_table(
    rng: np.random.Generator,
    groups: Mapping[str, Sequence[KgRow]],
    start_year: int,
    mode: str,
) -> Roster:
    """A roster from a scenario table: ids G01K01… in table order, seeded classes and staff
    (unavailable years fall in the profiles' 3-year horizon)."""
    kindergartens = [
        Kindergarten(f"G{g:02d}K{k:02d}", name, group, role, owner, tier, _classes(rng, tier), town)
        for g, (group, rows) in enumerate(groups.items(), start=1)
        for k, (name, role, owner, tier, town) in enumerate(rows, start=1)
    ]
    return _populate(rng, kindergartens, start_year, 3, mode)


def _stems(rng: np.random.Generator) -> Iterator[str]:
    """Distinct name stems: single stems, then pairs, then numbered, each shuffled."""
    yield from (KG_STEMS[i] for i in rng.permutation(len(KG_STEMS)))
    pairs = [a + b for a, b in itertools.permutations(KG_STEMS, 2)]
    yield from (pairs[i] for i in rng.permutation(len(pairs)))
    for n in itertools.count(2):
        yield from (f"{s}第{n}" for s in KG_STEMS)


def _synthetic_group(
    rng: np.random.Generator, stems: Iterator[str], gid: str, size: int, mode: str
) -> list[Kindergarten]:
    """Lead first, then members or branches by tier (strong first, as seed 001 lists them),
    then affiliates."""
    lead_stem = next(stems)
    tight = mode == "tight"
    group = f"{lead_stem}{'教育集团' if tight else '学前教育集团'}"
    affiliates = int(rng.choice(3, p=(0.4, 0.4, 0.2))) if tight and size >= 4 else 0
    others = size - 1 - affiliates
    tiers = sorted(
        (int(t) for t in rng.choice(MEMBER_TIERS, size=others, p=MEMBER_TIER_P)), reverse=True
    )
    private_member = -1
    if not tight and size >= 4 and rng.random() < 0.4 and 3 in tiers:
        private_member = tiers.index(3)
    specs: list[tuple[str, Role, Ownership, int]] = [
        (f"{lead_stem}幼儿园", Role.LEAD, Ownership.PUBLIC, 5)
    ]
    for i, tier in enumerate(tiers):
        stem = next(stems)
        if tight:
            specs.append((f"{lead_stem}幼儿园{stem}分园", Role.BRANCH, Ownership.PUBLIC, tier))
        else:
            owner = Ownership.PRIVATE if i == private_member else Ownership.PUBLIC
            specs.append((f"{stem}幼儿园", Role.MEMBER, owner, tier))
    for _ in range(affiliates):
        tier = int(rng.choice(AFFILIATE_TIERS))
        specs.append((f"{next(stems)}幼儿园", Role.AFFILIATE, Ownership.PRIVATE, tier))
    return [
        Kindergarten(f"{gid}K{k:02d}", name, group, role, owner, tier, _classes(rng, tier))
        for k, (name, role, owner, tier) in enumerate(specs, start=1)
    ]


def _classes(rng: np.random.Generator, tier: int) -> tuple[int, int, int, int]:
    """Total classes by tier, spread evenly over small/middle/large; rarely 1–2 mixed-age."""
    low, high = CLASS_RANGE[tier]
    total = int(rng.integers(low, high + 1))
    mixed = int(rng.integers(1, 3)) if rng.random() < MIXED_P else 0
    counts = [total // 3] * 3
    for i in rng.choice(3, size=total % 3, replace=False):
        counts[int(i)] += 1
    counts[int(np.argmax(counts))] -= mixed
    return counts[0], counts[1], counts[2], mixed


# -- teachers and history --------------------------------------------------------------------


def _populate(
    rng: np.random.Generator,
    kindergartens: Sequence[Kindergarten],
    start_year: int,
    years: int,
    mode: str,
) -> Roster:
    teachers: list[Teacher] = []
    for k in kindergartens:
        teachers += _staff(rng, k, len(teachers), start_year, years)
    history = _history(rng, kindergartens, teachers, start_year, mode)
    return Roster(tuple(kindergartens), tuple(teachers), tuple(history))


def _name(rng: np.random.Generator) -> str:
    return (
        SURNAMES[int(rng.integers(len(SURNAMES)))]
        + GIVEN_NAMES[int(rng.integers(len(GIVEN_NAMES)))]
    )


def _birth(rng: np.random.Generator, start_year: int, low: int, high: int) -> dt.date:
    """A birth date giving an age in [low, high] on 1 September of the first planned year."""
    age = int(rng.integers(low, high + 1))
    return dt.date(start_year - age - 1, 9, 2) + dt.timedelta(days=int(rng.integers(365)))


def _staff(
    rng: np.random.Generator, k: Kindergarten, offset: int, start_year: int, years: int
) -> list[Teacher]:
    """Cadres first (as an office lists 园长 first), then each grade's teachers."""
    people: list[tuple[Grade | None, bool, bool]] = []  # grade, cadre, new
    people += [(None, True, False)] * int(rng.integers(2, 4))
    for level in Grade:
        classes = k.classes_of(level)
        if classes:
            count = max(1, 2 * classes + int(rng.choice(SPARES, p=SPARES_P)))
            people += [(level, False, bool(rng.random() < NEW_P)) for _ in range(count)]
    out: list[Teacher] = []
    for i, (grade, cadre, new) in enumerate(people, start=offset + 1):
        backbone = not new and bool(rng.random() < (0.3 if cadre else BACKBONE_P[k.tier]))
        gender = (
            Gender.MALE if rng.random() < (MALE_CADRE_P if cadre else MALE_P) else Gender.FEMALE
        )
        if new:
            birth, hire = _birth(rng, start_year, 22, 24), dt.date(start_year, 9, 1)
        else:  # below retirement age on the plan's first day (55 for women, 60 for men)
            oldest = 54 if gender is Gender.FEMALE else 59
            birth = _birth(rng, start_year, 30 if backbone or cadre else 23, oldest)
            hire_year = min(birth.year + int(rng.integers(21, 24)), start_year - 1)
            hire = dt.date(hire_year, 9, 1)
        veto = VETO_REASONS[int(rng.integers(len(VETO_REASONS)))] if rng.random() < VETO_P else None
        away = (
            frozenset({start_year + int(rng.integers(years))})
            if rng.random() < UNAVAILABLE_P
            else frozenset()
        )
        out.append(
            Teacher(
                f"T{i:06d}",
                _name(rng),
                k.kg_id,
                grade,
                backbone,
                cadre,
                hire,
                birth,
                veto,
                away,
                gender=gender,
            )
        )
    return out


def _history(
    rng: np.random.Generator,
    kindergartens: Sequence[Kindergarten],
    teachers: Sequence[Teacher],
    start_year: int,
    mode: str,
) -> list[HistoryRecord]:
    """The past three years: each teacher at most one record, so history alone never breaks
    TERM-2Y or SHD-COOL. Rotations follow ROT-PAIRS and mostly go down in tier."""
    by_home: dict[str, list[Teacher]] = {}
    for t in teachers:
        by_home.setdefault(t.home_kg, []).append(t)
    groups: dict[str, list[Kindergarten]] = {}
    for k in kindergartens:
        groups.setdefault(k.group, []).append(k)
    past = Horizon(start_year - HISTORY_YEARS, HISTORY_YEARS)
    used: set[str] = set()
    out: list[HistoryRecord] = []
    for members in groups.values():
        lead = next(k for k in members if k.role is Role.LEAD)
        for k in members:
            if k.role is Role.AFFILIATE or (
                mode == "tight" and k.role is not Role.BRANCH and k is not lead
            ):
                continue
            for grade in Grade:
                if rng.random() >= 0.35:
                    continue
                pool = [
                    t for t in by_home[k.kg_id] if t.grade is grade and t.backbone and not t.cadre
                ]
                hosts = [
                    h
                    for h in members
                    if h is not k
                    and h.role is not Role.AFFILIATE
                    and h.classes_of(grade) > 0
                    and (mode != "tight" or (h is lead) != (k is lead))
                ]
                if not pool or not hosts:
                    continue
                t = pool[int(rng.integers(len(pool)))]
                lower = [h for h in hosts if h.tier < k.tier] or hosts
                host = lower[int(rng.integers(len(lower)))]
                # a 2-year stay ending last year, a 1-year stay further back, or a first year
                # that may continue into the plan
                first, length = [(start_year - 2, 2), (start_year - 3, 1), (start_year - 1, 1)][
                    int(rng.choice(3, p=(0.4, 0.3, 0.3)))
                ]
                out.append(
                    HistoryRecord(
                        t.teacher_id,
                        Activity.ROTATION,
                        host.kg_id,
                        dt.date(first, 9, 1),
                        dt.date(first + length, 7, 10),
                    )
                )
                used.add(t.teacher_id)
        for k in members:
            if k is lead:
                continue
            for year, sem in itertools.product(past.year_list, Semester):
                pool = [
                    t
                    for t in by_home[k.kg_id]
                    if (t.cadre or t.backbone) and t.veto is None and t.teacher_id not in used
                ]
                if not pool or rng.random() >= 0.6:
                    continue
                t = pool[int(rng.integers(len(pool)))]
                begin, end = past.slot_dates(
                    year, sem, int(rng.integers(1, past.slot_count(year, sem) + 1))
                )
                out.append(HistoryRecord(t.teacher_id, Activity.SHADOWING, lead.kg_id, begin, end))
                used.add(t.teacher_id)
    return out

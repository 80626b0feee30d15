"""Named benchmark sets: seeded synthetic rosters and the shipped Qingpu scenario.

Every set plans three years from 2026 with fixed seeds, so two runs of a set solve the same
rosters. A set yields `BenchRoster`s; a roster with one group is one instance, a roster with
several (``qingpu``, ``district``, ``groups``, ``city``, ``province``, ``provincegroups``) is
one instance solved group by group.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model import Roster
from ..model.generate import generate, qingpu_roster

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

START_YEAR = 2026
YEARS = 3

Size = int | tuple[int, int] | None  # kindergartens per group, an inclusive range, or fixed


@dataclass(frozen=True)
class BenchRoster:
    """One instance of a set: a label for tables, the seed it came from and its roster."""

    label: str
    seed: int
    roster: Roster


@dataclass(frozen=True)
class BenchSet:
    """A named family of rosters: `make(kgs, seed)` for each size and each of `seeds`."""

    name: str
    description: str
    sizes: tuple[Size, ...]
    seeds: tuple[int, ...]
    make: Callable[[Size, int], Roster]
    profile: str = "default"
    prefix: str = "k"  # labels read <prefix><size>-s<seed> when a set has several sizes

    def rosters(self, seeds: int | None = None) -> list[BenchRoster]:
        """The set's rosters, sizes outer and seeds inner; `seeds` takes the first K (or more:
        seeds continue upwards from the last)."""
        chosen = self.seeds
        if seeds is not None:
            extra = range(self.seeds[-1] + 1, self.seeds[-1] + 1 + max(0, seeds - len(chosen)))
            chosen = (*self.seeds, *extra)[:seeds]
        out = []
        for kgs in self.sizes:
            for seed in chosen:
                label = f"{self.prefix}{kgs}-s{seed}" if len(self.sizes) > 1 else f"s{seed}"
                out.append(BenchRoster(label, seed, self.make(kgs, seed)))
        return out


def _groups(count: int) -> Callable[[Size, int], Roster]:
    def make(kgs: Size, seed: int) -> Roster:
        if kgs is None:
            raise ValueError("Must have a kindergarten count for a synthetic set.")
        return generate(groups=count, kgs=kgs, seed=seed, start_year=START_YEAR, years=YEARS)

    return make


CITY = (200, (7, 16))  # groups, kindergartens per group
PROVINCE = (1000, (7, 16))
# Positions in the city roster (seed 1) of its slowest groups for CP-SAT with the default
# profile (guidance on; city run at 1326b92: 星河明珠 60 s at a 0.15 % gap, 北辰西苑 13 s,
# 凤凰南桥 11 s, 嘉禾花园 11 s, against a median of 0.6 s).
HARD_GROUPS = (87, 49, 88, 95)
GROUP_COUNTS = (25, 50, 100, 200)  # the groups set: the city's first N groups
PROVINCE_COUNTS = (125, 250, 500, 1000)  # the provincegroups set: N of the province's groups
ORDER_SEED = 15  # the provincegroups set's random order of the province's groups (issue 15)
PROVINCE_SEED = 1  # the province whose groups every order of provincegroups takes


@functools.cache
def _district(size: tuple[int, tuple[int, int]], seed: int) -> Roster:
    """A synthetic district of ``size`` = (groups, kindergartens per group), kept for the
    sets that take parts of it."""
    count, kgs = size
    return generate(groups=count, kgs=kgs, seed=seed, start_year=START_YEAR, years=YEARS)


def _city_group(position: Size, seed: int) -> Roster:
    if not isinstance(position, int):
        raise ValueError("Must have a group position for the hard set.")
    roster = _district(CITY, seed)
    return roster.subset(roster.groups[position])


def groups_of(roster: Roster, groups: Iterable[str]) -> Roster:
    """The part of `roster` in `groups`, every group whole, in the roster's order."""
    keep = set(groups)
    kgs = tuple(k for k in roster.kindergartens if k.group in keep)
    kg_ids = {k.kg_id for k in kgs}
    teachers = tuple(t for t in roster.teachers if t.home_kg in kg_ids)
    t_ids = {t.teacher_id for t in teachers}
    return Roster(
        kgs,
        teachers,
        tuple(h for h in roster.history if h.teacher_id in t_ids),
        tuple(d for d in roster.distances if d[0] in kg_ids and d[1] in kg_ids),
        tuple(p for p in roster.pins if p.teacher_id in t_ids),
    )


def _city_groups(count: Size, seed: int) -> Roster:
    """The city's first `count` groups, so that the sizes of the ``groups`` set nest."""
    if not isinstance(count, int):
        raise ValueError("Must have a group count for the groups set.")
    roster = _district(CITY, seed)
    return groups_of(roster, roster.groups[:count])


def random_order(groups: Sequence[str], seed: int = ORDER_SEED) -> list[str]:
    """`groups` in a random order fixed by `seed`: the first N of it are a random sample of N
    groups, and the samples nest (the mix of sizes does not drift with N)."""
    rng = np.random.default_rng(seed)
    return [groups[int(i)] for i in rng.permutation(len(groups))]


def _province_groups(count: Size, seed: int) -> Roster:
    """`count` of the province's groups, the first of the random order `seed` picks
    (`random_order` with ORDER_SEED + seed − 1, so seed 1 is ORDER_SEED's order): every seed
    samples the same province, so the mix is the same and only the order differs."""
    if not isinstance(count, int):
        raise ValueError("Must have a group count for the provincegroups set.")
    roster = _district(PROVINCE, PROVINCE_SEED)
    return groups_of(roster, random_order(roster.groups, ORDER_SEED + seed - 1)[:count])


def _whole(size: tuple[int, tuple[int, int]]) -> Callable[[Size, int], Roster]:
    def make(kgs: Size, seed: int) -> Roster:
        return _district(size, seed)

    return make


def _qingpu(kgs: Size, seed: int) -> Roster:
    return qingpu_roster(seed=seed, start_year=START_YEAR)


SETS: dict[str, BenchSet] = {
    s.name: s
    for s in (
        BenchSet(
            "small", "1 group of 4 kindergartens (~110 teachers)", (4,), (1, 2, 3), _groups(1)
        ),
        BenchSet(
            "group16",
            "1 group of 16 kindergartens (~420 teachers)",
            (16,),
            (1, 2, 3, 4, 5),
            _groups(1),
        ),
        BenchSet(
            "scaling",
            "1 group of 4, 8, 12, 16 kindergartens",
            (4, 8, 12, 16),
            (1, 2, 3),
            _groups(1),
        ),
        BenchSet(
            "qingpu",
            "the shipped qingpu-2023 scenario: 7 loose groups, 67 kindergartens (~1,800 teachers)",
            (None,),
            (2023,),
            _qingpu,
            profile="qingpu",
        ),
        BenchSet(
            "district",
            "10 groups of 3–16 kindergartens (~2,300 teachers)",
            ((3, 16),),
            (1,),
            _groups(10),
        ),
        BenchSet(
            "hard",
            "the city's slowest groups for CP-SAT, each alone (~340–410 teachers)",
            HARD_GROUPS,
            (1,),
            _city_group,
            prefix="g",
        ),
        BenchSet(
            "groups",
            "the city's first 25, 50, 100, 200 groups (time against the number of groups)",
            GROUP_COUNTS,
            (1,),
            _city_groups,
            prefix="n",
        ),
        BenchSet(
            "city",
            "200 groups of 7–16 kindergartens (~61,000 teachers)",
            (CITY[1],),
            (1,),
            _whole(CITY),
        ),
        BenchSet(
            "province",
            "1,000 groups of 7–16 kindergartens (~300,000 teachers)",
            (PROVINCE[1],),
            (1,),
            _whole(PROVINCE),
        ),
        BenchSet(
            "provincegroups",
            "125, 250, 500, 1,000 of the province's groups in a fixed random order (time "
            "against the number of groups at a fixed mix)",
            PROVINCE_COUNTS,
            (1,),
            _province_groups,
            prefix="n",
        ),
    )
}

"""District partition (学区划分, seed 004 二(一)2): data, distances, figures and the checker.

The office groups a district's kindergartens into 学区 of at most 16, "按照地理位置相对就近",
each led by one 优质公办园 as 中心园, mixing 公办/普惠民办/民办 "按比例结构". This module holds
the input (`KgSite`), the result (`Partition`), the distance and objective definitions the
solver implements, and figures and checks computed from the groups alone — no OR-Tools — so
a partition can be verified without the solver.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .instance import Kindergarten, Ownership, Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from .schedule import SolveStatus

CENTRE_MIN_TIER = 4  # 优质公办园: public and 一级 (4) or 示范 (5)
DEFAULT_MAX_SIZE = 16  # 每个学区幼儿园数量原则上不超过16所
OTHER_TOWN_KM = 5.0  # nominal distance between towns when coordinates are missing
DISTANCE_UNIT_KM = 0.1  # objective counts distance in whole 100 m steps
EARTH_RADIUS_KM = 6371.0
TIERS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class KgSite:
    """A kindergarten to be placed in a district: quality, ownership, size and location.

    A location is coordinates (WGS-84 degrees), a town (乡镇/街道), or both.
    """

    kg_id: str
    name: str
    ownership: Ownership
    tier: int
    classes: tuple[int, int, int, int] = (0, 0, 0, 0)  # small, middle, large, mixed
    town: str | None = None
    lat: float | None = None
    lon: float | None = None

    def __post_init__(self) -> None:
        if not self.kg_id:
            raise ValueError("Must have a kindergarten id.")
        if self.tier not in TIERS:
            raise ValueError("Must have tier in 1..5.")
        if len(self.classes) != 4 or any(c < 0 for c in self.classes):
            raise ValueError("Must have four non-negative class counts.")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("Must have both latitude and longitude, or neither.")
        if self.lat is not None and not -90 <= self.lat <= 90:
            raise ValueError("Must have latitude in -90..90.")
        if self.lon is not None and not -180 <= self.lon <= 180:
            raise ValueError("Must have longitude in -180..180.")
        if self.lat is None and not self.town:
            raise ValueError("Must have coordinates or a town.")

    @property
    def eligible(self) -> bool:
        """May be a district centre: 优质公办园 (public, tier >= 4)."""
        return self.ownership is Ownership.PUBLIC and self.tier >= CENTRE_MIN_TIER


def distance_km(a: KgSite, b: KgSite) -> float:
    """Haversine km when both have coordinates; otherwise 0 in the same town, else
    `OTHER_TOWN_KM` (a nominal figure: with towns only, compactness counts town changes)."""
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        p1, p2 = math.radians(a.lat), math.radians(b.lat)
        dp, dl = p2 - p1, math.radians(b.lon - a.lon)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    if a.town is not None and a.town == b.town:
        return 0.0
    return OTHER_TOWN_KM


def distance_units(a: KgSite, b: KgSite) -> int:
    """Distance in whole `DISTANCE_UNIT_KM` steps, as the objective counts it."""
    return round(distance_km(a, b) / DISTANCE_UNIT_KM)


def index_sites(kgs: Iterable[KgSite]) -> dict[str, KgSite]:
    """Kindergartens by id; repeated ids are an error."""
    out: dict[str, KgSite] = {}
    for k in kgs:
        if k.kg_id in out:
            raise ValueError(f"Kindergarten id {k.kg_id!r} appears twice.")
        out[k.kg_id] = k
    return out


def district_name(number: int) -> str:
    """Display name of the 1-based district ``number`` (seed: 行政区+序号)."""
    return f"第{number}学区 District {number}"


def groups_needed(n: int, max_size: int) -> int:
    """Fewest districts of at most ``max_size`` that hold ``n`` kindergartens."""
    return max(1, -(-n // max_size))


@dataclass(frozen=True)
class PartitionWeights:
    """Objective weights (integers, kept small for CP-SAT).

    Minimised: ``distance`` × Σ members' distance units to their centre
    + ``tier`` × Σ over tiers of (max − min over districts of that tier's count)
    + ``ownership`` × Σ over ownerships of (max − min over districts of that ownership's count).
    With the defaults one unit of spread weighs as much as 2 km of total travel. Compactness
    comes first: the distance term stays within ``slack_percent`` of the most compact
    partition found, and never above the greedy clustering's.
    """

    distance: int = 1
    tier: int = 20
    ownership: int = 20
    slack_percent: int = 5

    def __post_init__(self) -> None:
        if min(self.distance, self.tier, self.ownership, self.slack_percent) < 0:
            raise ValueError("Must have non-negative weights.")


@dataclass(frozen=True)
class District:
    """One 学区: its centre (中心园) and all its kindergartens, centre first."""

    name: str
    centre: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class DistrictFigures:
    name: str
    centre: str
    size: int
    mean_km: float  # members (centre excluded) to the centre; 0 for a lone centre
    max_km: float
    mean_tier: float
    tiers: Mapping[int, int]  # tier → count, every tier 1..5
    ownership: Mapping[Ownership, int]  # every ownership


@dataclass(frozen=True)
class PartitionFigures:
    districts: tuple[DistrictFigures, ...]
    max_size: int  # the largest district
    compactness: float  # mean km from a non-centre kindergarten to its centre
    max_km: float
    tier_balance: float  # max − min of the districts' mean tier
    tier_spread: Mapping[int, int]  # tier → max − min count over districts
    ownership_spread: Mapping[Ownership, int]
    lacking: tuple[tuple[str, Ownership], ...]  # (district, ownership) it lacks although
    # the ownership has at least one kindergarten per district


@dataclass(frozen=True)
class Partition:
    """A district partition with its figures and how it was found."""

    districts: tuple[District, ...]
    figures: PartitionFigures
    terms: Mapping[str, int]  # objective terms, recomputed here from the districts
    status: SolveStatus
    objective: int | None = None  # weighted sum, as the solver reported it
    best_bound: float | None = None
    warm_objective: int | None = None  # the greedy warm start's weighted sum
    distance_bound: float | None = None  # lower bound on the distance term (compact stage)
    distance_cap: int | None = None  # the distance term's limit while balancing
    seconds: float = 0.0
    variables: int = 0
    pruned: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound (0 when proven optimal)."""
        if self.objective is None or self.best_bound is None:
            return None
        return abs(self.best_bound - self.objective) / max(1.0, abs(float(self.objective)))

    def __str__(self) -> str:
        f = self.figures
        gap = f"{self.gap:.1%}" if self.gap is not None else "-"
        lines = [
            f"{len(self.districts)} districts, {self.status.value}, objective {self.objective} "
            f"(greedy {self.warm_objective}), gap {gap}, {self.seconds:.1f}s",
            f"largest {f.max_size}, mean {f.compactness:.2f} km to centre (max {f.max_km:.1f}), "
            f"mean-tier spread {f.tier_balance:.2f}",
        ]
        for d in f.districts:
            own = " ".join(f"{o.zh}{d.ownership[o]}" for o in Ownership)
            lines.append(
                f"  {d.name}: centre {d.centre}, {d.size} kgs, {d.mean_km:.2f} km mean "
                f"({d.max_km:.1f} max), tier {d.mean_tier:.2f}, {own}"
            )
        return "\n".join(lines)


def _spread(values: Iterable[int]) -> int:
    seen = list(values)
    return max(seen) - min(seen) if seen else 0


def objective_terms(kgs: Sequence[KgSite], districts: Sequence[District]) -> dict[str, int]:
    """Unweighted objective terms ``distance``, ``tier``, ``ownership`` (see `PartitionWeights`)."""
    site = index_sites(kgs)
    tiers = [Counter(site[m].tier for m in d.members) for d in districts]
    owners = [Counter(site[m].ownership for m in d.members) for d in districts]
    return {
        "distance": sum(
            distance_units(site[m], site[d.centre]) for d in districts for m in d.members
        ),
        "tier": sum(_spread(c[t] for c in tiers) for t in TIERS),
        "ownership": sum(_spread(c[o] for c in owners) for o in Ownership),
    }


def weighted(terms: Mapping[str, int], weights: PartitionWeights) -> int:
    return (
        weights.distance * terms["distance"]
        + weights.tier * terms["tier"]
        + weights.ownership * terms["ownership"]
    )


def partition_figures(kgs: Sequence[KgSite], districts: Sequence[District]) -> PartitionFigures:
    """Size, distance, tier and ownership figures per district and overall."""
    site = index_sites(kgs)
    rows: list[DistrictFigures] = []
    away: list[float] = []
    for d in districts:
        km = [distance_km(site[m], site[d.centre]) for m in d.members if m != d.centre]
        away += km
        tiers = Counter(site[m].tier for m in d.members)
        owners = Counter(site[m].ownership for m in d.members)
        rows.append(
            DistrictFigures(
                name=d.name,
                centre=d.centre,
                size=len(d.members),
                mean_km=sum(km) / len(km) if km else 0.0,
                max_km=max(km, default=0.0),
                mean_tier=sum(site[m].tier for m in d.members) / max(1, len(d.members)),
                tiers={t: tiers[t] for t in TIERS},
                ownership={o: owners[o] for o in Ownership},
            )
        )
    total = Counter(k.ownership for k in kgs)
    return PartitionFigures(
        districts=tuple(rows),
        max_size=max((r.size for r in rows), default=0),
        compactness=sum(away) / len(away) if away else 0.0,
        max_km=max(away, default=0.0),
        tier_balance=max((r.mean_tier for r in rows), default=0.0)
        - min((r.mean_tier for r in rows), default=0.0),
        tier_spread={t: _spread(r.tiers[t] for r in rows) for t in TIERS},
        ownership_spread={o: _spread(r.ownership[o] for r in rows) for o in Ownership},
        lacking=tuple(
            (r.name, o)
            for r in rows
            for o in Ownership
            if r.ownership[o] == 0 and total[o] >= len(rows)
        ),
    )


def check_partition(
    kgs: Sequence[KgSite], partition: Partition, max_size: int = DEFAULT_MAX_SIZE
) -> list[str]:
    """Every breach of the hard rules: size, one eligible centre inside each district,
    every kindergarten in exactly one district. An empty list means the partition is valid."""
    site = index_sites(kgs)
    breaches: list[str] = []
    seen: Counter[str] = Counter()
    centres: Counter[str] = Counter(d.centre for d in partition.districts)
    for d in partition.districts:
        seen.update(d.members)
        if len(d.members) > max_size:
            breaches.append(f"{d.name}: {len(d.members)} kindergartens, more than {max_size}")
        if d.centre not in d.members:
            breaches.append(f"{d.name}: centre {d.centre} is not one of its kindergartens")
        if centres[d.centre] > 1:
            breaches.append(f"{d.name}: centre {d.centre} also leads another district")
        k = site.get(d.centre)
        if k is not None and not k.eligible:
            breaches.append(
                f"{d.name}: centre {d.centre} is not a quality public kindergarten "
                f"({k.ownership.zh}, tier {k.tier}; needs 公办 and tier >= {CENTRE_MIN_TIER})"
            )
    breaches += [f"unknown kindergarten {m}" for m in seen if m not in site]
    breaches += [f"{m} is in {n} districts" for m, n in seen.items() if n > 1 and m in site]
    breaches += [f"{m} is in no district" for m in site if m not in seen]
    return breaches


def to_roster_kindergartens(
    kgs: Sequence[KgSite], partition: Partition
) -> tuple[Kindergarten, ...]:
    """Roster kindergartens grouped by district: the centre is the lead, the others members."""
    site = index_sites(kgs)
    return tuple(
        Kindergarten(
            kg_id=m,
            name=site[m].name,
            group=d.name,
            role=Role.LEAD if m == d.centre else Role.MEMBER,
            ownership=site[m].ownership,
            tier=site[m].tier,
            classes=site[m].classes,
            town=site[m].town,
        )
        for d in partition.districts
        for m in d.members
    )

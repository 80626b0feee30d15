"""District partition (学区划分, seed 004 二(一)2): model figures, checker, solver, reader."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import Workbook

from kgrota.bench.partition import district as synthetic
from kgrota.io.errors import InputError
from kgrota.io.partition_io import read_partition_input
from kgrota.model import Ownership, Role, Roster
from kgrota.model.partition import (
    DISTANCE_UNIT_KM,
    OTHER_TOWN_KM,
    District,
    KgSite,
    Partition,
    PartitionWeights,
    check_partition,
    distance_km,
    distance_units,
    objective_terms,
    to_roster_kindergartens,
    weighted,
)
from kgrota.model.schedule import SolveStatus
from kgrota.solver import partition as sp
from kgrota.solver.options import PartitionOptions
from kgrota.solver.partition import partition, warm_start

if TYPE_CHECKING:
    from pathlib import Path

    from ortools.sat.python import cp_model

PUBLIC, INCLUSIVE, PRIVATE = Ownership.PUBLIC, Ownership.INCLUSIVE, Ownership.PRIVATE


def site(kg_id: str, ownership: Ownership = PUBLIC, tier: int = 4, **where: object) -> KgSite:
    return KgSite(kg_id, f"{kg_id}园", ownership, tier, **where)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def district() -> list[KgSite]:
    kgs = synthetic(40, seed=7)
    assert sum(k.eligible for k in kgs) >= 3
    return kgs


@pytest.fixture(scope="module")
def solved(district: list[KgSite]) -> Partition:
    return partition(
        district, max_size=16, options=PartitionOptions(time_limit=4.0, workers=2, seed=0)
    )


# --------------------------------------------------------------------------- model side


def test_distance_haversine_and_towns() -> None:
    a, b = site("a", lat=22.0, lon=114.0), site("b", lat=23.0, lon=114.0)
    assert distance_km(a, b) == pytest.approx(111.19, abs=0.01)  # one degree of latitude
    assert distance_units(a, b) == round(111.19 / DISTANCE_UNIT_KM)
    t1, t2, t3 = site("t1", town="福田"), site("t2", town="福田"), site("t3", town="南山")
    assert distance_km(t1, t2) == 0.0
    assert distance_km(t1, t3) == OTHER_TOWN_KM
    assert distance_km(a, site("c", town="福田", lat=22.0, lon=114.0)) == 0.0


@pytest.mark.parametrize(
    "fields",
    [
        {"tier": 6, "town": "x"},  # tier outside 1..5
        {"lat": 22.5},  # latitude without longitude
        {},  # no location at all
        {"lat": 95.0, "lon": 114.0},  # latitude out of range
    ],
)
def test_kg_site_checks_itself(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="Must"):
        KgSite("k", "k", PUBLIC, **{"tier": 3, **fields})  # type: ignore[arg-type]


def test_only_quality_public_kindergartens_are_eligible() -> None:
    assert site("a", PUBLIC, 4, town="x").eligible
    assert not site("b", PUBLIC, 3, town="x").eligible
    assert not site("c", INCLUSIVE, 5, town="x").eligible


# --------------------------------------------------------------------------- solver on 40


def test_partition_is_valid(district: list[KgSite], solved: Partition) -> None:
    assert check_partition(district, solved, 16) == []
    assert len(solved.districts) == 3  # ceil(40 / 16)
    assert all(len(d.members) <= 16 for d in solved.districts)
    site_of = {k.kg_id: k for k in district}
    assert all(site_of[d.centre].eligible for d in solved.districts)
    members = sorted(m for d in solved.districts for m in d.members)
    assert members == sorted(site_of)
    assert solved.status.value in ("OPTIMAL", "FEASIBLE")
    assert solved.gap is not None


def test_objective_matches_independent_terms(district: list[KgSite], solved: Partition) -> None:
    terms = objective_terms(district, solved.districts)
    assert terms == solved.terms
    assert solved.objective == weighted(terms, PartitionWeights())
    assert solved.best_bound is not None and solved.best_bound <= solved.objective


def test_no_less_compact_than_warm_start(district: list[KgSite], solved: Partition) -> None:
    warm = warm_start(district, max_size=16)
    assert check_partition(district, warm, 16) == []
    assert solved.terms["distance"] <= warm.terms["distance"]
    # Figures are in exact km, the objective in rounded 100 m steps.
    assert solved.figures.compactness <= warm.figures.compactness + DISTANCE_UNIT_KM / 2
    assert solved.objective is not None and warm.objective is not None
    assert solved.objective <= warm.objective


def test_figures(district: list[KgSite], solved: Partition) -> None:
    f = solved.figures
    assert f.max_size == max(len(d.members) for d in solved.districts) <= 16
    assert sum(d.size for d in f.districts) == 40
    assert sum(sum(d.ownership.values()) for d in f.districts) == 40
    assert all(d.ownership[PUBLIC] >= 1 for d in f.districts)  # the centre at least
    assert f.tier_balance == pytest.approx(
        max(d.mean_tier for d in f.districts) - min(d.mean_tier for d in f.districts)
    )
    assert 0 < f.compactness <= f.max_km
    assert sum(f.tier_spread.values()) == solved.terms["tier"]


def test_roster_kindergartens(district: list[KgSite], solved: Partition) -> None:
    kgs = to_roster_kindergartens(district, solved)
    Roster(kgs, ())  # exactly one lead per group, unique ids
    assert {k.group for k in kgs} == {
        "第1学区 District 1",
        "第2学区 District 2",
        "第3学区 District 3",
    }
    leads = {k.kg_id for k in kgs if k.role is Role.LEAD}
    assert leads == {d.centre for d in solved.districts}
    assert all(k.role is Role.MEMBER for k in kgs if k.kg_id not in leads)


# --------------------------------------------------------------------------- checker


def _mutations(p: Partition, kgs: list[KgSite]) -> dict[str, Partition]:
    first, second = p.districts[0], p.districts[1]
    ineligible = next(k.kg_id for k in kgs if not k.eligible and k.kg_id in first.members)
    moved = District(second.name, second.centre, (*second.members, first.members[-1]))

    def with_districts(*ds: District) -> Partition:
        return dataclasses.replace(p, districts=(*ds, *p.districts[2:]))

    return {
        "more than 3": with_districts(first, moved),  # oversize: max_size 3 below
        "not a quality public": with_districts(
            District(first.name, ineligible, first.members), second
        ),
        "is in no district": with_districts(
            District(first.name, first.centre, first.members[:-1]), second
        ),
        "is in 2 districts": with_districts(first, moved),
        "is not one of its kindergartens": with_districts(
            District(first.name, first.centre, first.members[1:]), second
        ),
        "also leads another district": with_districts(
            first, District(second.name, first.centre, second.members)
        ),
    }


@pytest.mark.parametrize(
    "breach",
    [
        "more than 3",
        "not a quality public",
        "is in no district",
        "is in 2 districts",
        "is not one of its kindergartens",
        "also leads another district",
    ],
)
def test_checker_catches_mutation(district: list[KgSite], solved: Partition, breach: str) -> None:
    bad = _mutations(solved, district)[breach]
    max_size = 3 if breach == "more than 3" else 16
    assert any(breach in b for b in check_partition(district, bad, max_size))


# --------------------------------------------------------------------------- infeasible


def test_second_stage_without_a_partition_falls_back_to_the_polish(
    district: list[KgSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    solve = sp._solve

    def starved(*args: Any, **kwargs: Any) -> tuple[SolveStatus | None, cp_model.CpSolver]:
        status, solver = solve(*args, **kwargs)
        return (None, solver) if args[1] == "balance" else (status, solver)

    monkeypatch.setattr(sp, "_solve", starved)
    result = partition(district, options=PartitionOptions(time_limit=4.0, workers=1))
    # Unproven: FEASIBLE, or GREEDY when the polish kept the greedy clustering.
    assert result.status in {SolveStatus.FEASIBLE, SolveStatus.GREEDY}
    assert result.best_bound is None
    assert "polish" in result.notes[0]
    assert check_partition(district, result, 16) == []
    assert result.distance_cap is not None and result.terms["distance"] <= result.distance_cap


def test_too_few_centres_is_a_clear_error() -> None:
    kgs = [site(f"c{i}", PUBLIC, 5, town="x") for i in range(2)]
    kgs += [site(f"m{i}", PRIVATE, 2, town="x") for i in range(38)]
    with pytest.raises(ValueError, match=r"3 districts need 3 centres .* only 2 of the 40"):
        partition(kgs, max_size=16, options=PartitionOptions(time_limit=1.0, workers=1))


def test_too_few_districts_is_a_clear_error(district: list[KgSite]) -> None:
    with pytest.raises(ValueError, match="2 districts of at most 16 cannot hold 40"):
        partition(district, groups=2, options=PartitionOptions(time_limit=1.0, workers=1))


# --------------------------------------------------------------------------- exactness


def _best_distance(kgs: list[KgSite], max_size: int, groups: int) -> int:
    """Brute force: the least total distance over all centre choices and assignments."""
    eligible = [k for k in kgs if k.eligible]
    best = None
    for centres in itertools.combinations(eligible, groups):
        others = [k for k in kgs if k not in centres]
        for choice in itertools.product(range(groups), repeat=len(others)):
            sizes = [1 + choice.count(g) for g in range(groups)]
            if max(sizes) > max_size:
                continue
            cost = sum(distance_units(k, centres[g]) for k, g in zip(others, choice, strict=True))
            best = cost if best is None else min(best, cost)
    assert best is not None
    return best


def test_unpruned_distance_is_exact_optimum() -> None:
    kgs = synthetic(60, seed=3)[:9]
    kgs = [
        dataclasses.replace(k, ownership=PUBLIC, tier=5) if i % 3 == 0 else k
        for i, k in enumerate(kgs)
    ]
    result = partition(
        kgs,
        max_size=4,
        weights=PartitionWeights(tier=0, ownership=0),
        options=PartitionOptions(time_limit=5.0, workers=1, prune=False),
    )
    assert result.status.value == "OPTIMAL"
    assert result.terms["distance"] == _best_distance(kgs, 4, 3)


# --------------------------------------------------------------------------- towns only


def test_towns_only_keeps_towns_together() -> None:
    kgs = synthetic(30, seed=11, towns_only=True)
    # Three towns of ten, each with two quality public kindergartens.
    kgs = [
        dataclasses.replace(
            k,
            town=f"镇{i // 10}",
            ownership=PUBLIC if i % 10 < 2 else k.ownership,
            tier=5 if i % 10 < 2 else min(k.tier, 3),
        )
        for i, k in enumerate(kgs)
    ]
    result = partition(kgs, max_size=10, options=PartitionOptions(time_limit=3.0, workers=2))
    assert check_partition(kgs, result, 10) == []
    town = {k.kg_id: k.town for k in kgs}
    assert all(len({town[m] for m in d.members}) == 1 for d in result.districts)
    assert result.figures.compactness == 0.0


# --------------------------------------------------------------------------- reader

HEADERS = ["园所代码 kg_id", "name", "性质", "tier 等级", "乡镇", "纬度", "经度 lon"]
HEADERS += ["小班数", "中班数", "大班数"]
GOOD = [
    ["001", "福田一幼", "公办", "示范", "福田", 22.54, 114.05, 3, 3, 3],
    ["002", "福田二幼", "普惠民办", 3, "福田", None, None, 2, 2, 2],
    [3, "南山幼", "民办", "二级", None, 22.53, 113.93, 1, 1, 1],
]


def _write(path: Path, rows: list[list[object]], sheet: str = "园所 kindergartens") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(["深圳市某区幼儿园名单"])  # a title row above the header
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_reader_reads_good_rows(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.xlsx", GOOD)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    sites = read_partition_input(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # never modified
    assert [s.kg_id for s in sites] == ["001", "002", "3"]
    assert sites[0] == KgSite("001", "福田一幼", PUBLIC, 5, (3, 3, 3, 0), "福田", 22.54, 114.05)
    assert sites[1].lat is None and sites[1].town == "福田" and sites[1].tier == 3
    assert sites[2].town is None and sites[2].ownership is PRIVATE and sites[2].tier == 3


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        # tier not a tier name
        (["004", "x", "公办", "超级", "福田", None, None, 1, 1, 1], "tier 等级 (D)", "not a tier"),
        # latitude out of range
        (["004", "x", "公办", 4, None, 95, 114.0, 1, 1, 1], "纬度 (F)", "outside"),
        # longitude without latitude
        (["004", "x", "公办", 4, None, None, 114.0, 1, 1, 1], "纬度 (F)", "both"),
        # no location at all
        (["004", "x", "公办", 4, None, None, None, 1, 1, 1], "乡镇 (E)", "location"),
        # unknown ownership
        (["004", "x", "国营", 4, "福田", None, None, 1, 1, 1], "性质 (C)", "not one of"),
        # negative class count
        (["004", "x", "公办", 4, "福田", None, None, -1, 1, 1], "小班数 (H)", ">= 0"),
        # blank name
        (["004", None, "公办", 4, "福田", None, None, 1, 1, 1], "name (B)", "blank"),
        # repeated id
        (["001", "y", "公办", 4, "福田", None, None, 1, 1, 1], "园所代码 kg_id (A)", "duplicate"),
    ],
)
def test_reader_reports_bad_cell(
    tmp_path: Path, row: list[object], column: str, words: str
) -> None:
    path = _write(tmp_path / "bad.xlsx", [*GOOD, row])
    with pytest.raises(InputError) as info:
        read_partition_input(path)
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("园所 kindergartens", 6, column)
    assert words in problem.message


def test_reader_reports_every_problem_at_once(tmp_path: Path) -> None:
    rows = [*GOOD, ["004", "x", "公办", "超级", "福田", None, None, 1, 1, 1]]
    rows.append(["005", "y", "公办", 4, None, None, None, "三", 1, 1])
    path = _write(tmp_path / "bad.xlsx", rows)
    with pytest.raises(InputError) as info:
        read_partition_input(path)
    assert sorted((p.row, p.column) for p in info.value.problems) == [
        (6, "tier 等级 (D)"),
        (7, "乡镇 (E)"),
        (7, "小班数 (H)"),
    ]


def test_reader_missing_sheet_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing sheet 园所 kindergartens"):
        read_partition_input(_write(tmp_path / "a.xlsx", GOOD, sheet="Sheet1"))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "kindergartens"
    ws.append(["kg_id", "name", "性质", "小班数", "中班数", "大班数"])
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(InputError, match=r"missing column 等级 tier"):
        read_partition_input(tmp_path / "b.xlsx")

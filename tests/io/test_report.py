"""The report page without a browser (self-contained, its sections and words), the fairness
figures on a hand-made plan, and the what-if comparison (profile edits, workbook, page)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from conftest import START, instance, kg, staff
from openpyxl import load_workbook

from kgrota.io.cli import main
from kgrota.io.compare import edit_profile
from kgrota.io.fairness import Kind, fairness, kind
from kgrota.io.roster_write import write_roster
from kgrota.io.schedule_tables import build_tables
from kgrota.model import (
    Activity,
    Assignment,
    HistoryRecord,
    Role,
    Schedule,
    Semester,
    load_profile,
)
from kgrota.model.generate import generate
from kgrota.model.i18n import speaking
from kgrota.model.verify import verify

if TYPE_CHECKING:
    from pathlib import Path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_report_is_one_self_contained_page(demo_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "报告 2026.html"
    code, output = run("--lang", "zh", "report", str(demo_dir / "roster.xlsx"), str(demo_dir / "schedule.xlsx"), "-o", str(page))  # fmt: skip
    assert code == 0, output
    text = page.read_text(encoding="utf-8")
    # Nothing to fetch: no element loads a file or an address; plotly.js is inlined once.
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", text)
    assert text.count("<script") == 1 + text.count('class="chart"')
    assert '<html lang="zh-CN">' in text and "交流计划" in text and "流向" in text
    charts = set(re.findall(r'data-chart="([^"]+)"', text))
    assert charts == {"flows-2026", "flows-2027", "flows-2028", "visits", "support", "staffing", "exchanges"}  # fmt: skip
    assert "@media print" in text and "size: A4 landscape" in text
    assert "相对薄弱园中得到支援最少的是" in text  # the worst-served member, named


def test_report_never_overwrites_its_inputs(demo_dir: Path) -> None:
    roster = demo_dir / "roster.xlsx"
    before = roster.read_bytes()
    code, output = run("report", str(roster), str(demo_dir / "schedule.xlsx"), "-o", str(roster))
    assert code == 2 and "must not" in output
    assert roster.read_bytes() == before


def _fair_plan() -> tuple[Schedule, object]:
    """Loose group: lead L (tier 5), M1 (4), M2 (3). L's backbone supports M2 for two years
    (one stay), M2's backbone learns at L in 2027, M1 gets nothing; one history rotation
    L → M1 in 2024 (inside a 5-year window ending 2027)."""
    kgs = [kg("L", Role.LEAD, 5), kg("M1", Role.MEMBER, 4), kg("M2", Role.MEMBER, 3)]
    teachers = [*staff("L", 3, 2), *staff("M1", 3, 1), *staff("M2", 3, 1)]
    history = [HistoryRecord("L-small-1", Activity.ROTATION, "M1", dt.date(2024, 9, 1), dt.date(2025, 7, 1))]  # fmt: skip
    inst = instance(kgs, teachers, history=history, years=2)
    plan = (
        Assignment("L-small-0", Activity.ROTATION, "M2", START),
        Assignment("L-small-0", Activity.ROTATION, "M2", START + 1),
        Assignment("M2-small-0", Activity.LEARNING, "L", START + 1),
        Assignment("M1-small-0", Activity.SHADOWING, "L", START, Semester.AUTUMN, 2),
    )
    return Schedule("default", START, 2, plan), inst


def test_fairness_counts_stays_visits_support_and_learning() -> None:
    schedule, inst = _fair_plan()
    shares = fairness(schedule, inst, window=5)
    assert (shares.first, shares.last) == (2023, 2027)
    by_teacher = {s.teacher.teacher_id: s for s in shares.teachers}
    stay = by_teacher["L-small-0"]
    assert (stay.exchanges, stay.years_away, stay.visit_days) == (1, 2, 0)  # one stay, two years
    visit = by_teacher["M1-small-0"]
    assert visit.exchanges == 1 and visit.years_away == 0 and 5 <= visit.visit_days <= 10
    assert by_teacher["L-small-1"].exchanges == 1 and by_teacher["L-small-1"].last_year == 2024
    assert by_teacher["M1-middle-2"].exchanges == 0
    kgs = {k.kg.kg_id: k for k in shares.kindergartens}
    assert (kgs["L"].sent_years, kgs["L"].learning_in, kgs["L"].weaker) == (3, 1, False)
    assert (kgs["M2"].received_years, kgs["M2"].supported_years, kgs["M2"].learning_out) == (
        2,
        2,
        1,
    )
    assert (kgs["M1"].received_years, kgs["M1"].supported_years) == (1, 1)  # history only
    assert shares.worst is not None and shares.worst.kg.kg_id == "M1"
    t = inst.teacher["M2-small-0"]
    assert kind(inst, t, Activity.LEARNING, "L") is Kind.LEARNING
    assert kind(inst, inst.teacher["L-small-0"], Activity.ROTATION, "M2") is Kind.SUPPORT


def test_fairness_sheets_in_chinese() -> None:
    schedule, inst = _fair_plan()
    with speaking("zh"):
        tables = {t.key: t for t in build_tables(schedule, inst, verify(inst, schedule.assignments))}  # fmt: skip
        assert tables["fairness"].title == "公平"
        assert tables["fairness_teachers"].title == "公平（教师）"
        notes = [row[-1] for row in tables["fairness"].rows]
        assert notes == [None, "相对薄弱园中得到支援最少", None]
        summary = dict(tables["summary"].rows)
        assert "清溪" not in summary["公平"] and "M1园" in summary["公平"]


def test_set_edits_a_profile_through_its_own_validation() -> None:
    base = load_profile("shenzhen")
    edited = edit_profile(base, ["objective.uplift=20", "rules.SUP-YEAR.weight=10", "mode=loose"])
    assert (edited.uplift, edited.weight("SUP-YEAR"), edited.mode) == (20, 10, "loose")
    assert edited.cover_years == base.cover_years and edited.rules["COVER-3Y"] == base.rules["COVER-3Y"]  # fmt: skip
    assert edit_profile(base, []) == base


@pytest.mark.parametrize(
    "setting",
    [
        "objective.nonsense=2",  # unknown key
        "objective.uplift=lots",  # not a number
        "rules.NOPE.weight=3",  # unknown rule
        "rules.SUP-YEAR.weight=-1",  # negative weight
        "uplift",  # no value
        "objective.uplift.x=1",  # a number is not a table
    ],
)
def test_bad_set_is_an_error(setting: str) -> None:
    with pytest.raises(ValueError, match="--set"):
        edit_profile(load_profile("default"), [setting])


def test_compare_writes_both_plans_side_by_side(tmp_path: Path) -> None:
    roster = tmp_path / "r.xlsx"
    write_roster(generate(groups=1, kgs=4, seed=2, start_year=START), roster)
    out, page = tmp_path / "对比.xlsx", tmp_path / "对比.html"
    code, output = run(
        "compare", str(roster), "--profile", "default", "--set", "rules.SUP-YEAR.severity=off",
        "--set", "objective.uplift=0", "-o", str(out), "--html", str(page),
        "--start-year", str(START), "--time-limit", "20", "--workers", "1",
    )  # fmt: skip
    assert code == 0, output
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["Comparison", "Differing assignments"]
    rows = list(book["Comparison"].iter_rows(values_only=True))
    assert rows[0][1:] == ("default", "default (rules.SUP-YEAR.severity=off, objective.uplift=0)", "Difference")  # fmt: skip
    figures = {r[0]: r[1:] for r in rows[1:]}
    for first, second, difference in (v for k, v in figures.items() if isinstance(v[2], int)):
        assert difference == second - first
    assert figures["Every hard rule holds"][:2] == ("yes", "yes")
    differing = list(book["Differing assignments"].iter_rows(values_only=True))[1:]
    assert {r[0] for r in differing} <= {"only in default", "only in default (rules.SUP-YEAR.severity=off, objective.uplift=0)"}  # fmt: skip
    text = page.read_text(encoding="utf-8")
    assert 'data-chart="comparison"' in text and not re.search(r"<script\b[^>]*\bsrc=", text)


def test_compare_needs_two_profiles_or_a_set(tmp_path: Path) -> None:
    code, output = run("compare", "r.xlsx", "--profile", "default", "-o", str(tmp_path / "c.xlsx"))
    assert code == 2 and "--set" in output


def test_the_core_never_loads_the_report_or_plotly() -> None:
    # Reports live apart (STYLE.md): the CLI and the Python API load plotly only to draw.
    code = (
        "import sys, kgrota, kgrota.io.cli, kgrota.io.schedule_io; "
        "print(sorted(m for m in sys.modules if m == 'plotly' or m == 'kgrota.io.report'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

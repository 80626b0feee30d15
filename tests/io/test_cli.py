"""End to end through the command line: demo, solve, verify, bad input, exit codes."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kgrota.io.cli import _status, main
from kgrota.io.roster_read import read_roster
from kgrota.io.roster_write import write_roster
from kgrota.io.schedule_io import read_schedule
from kgrota.model import Activity, GroupResult, Instance, SolveStatus, load_profile
from kgrota.model.generate import generate, qingtongxia_roster
from kgrota.model.verify import verify

if TYPE_CHECKING:
    from pathlib import Path

SHEETS = ("Summary", "Assignments", "Teacher view", "Kindergarten view", "Rule check")
SHEETS += ("Shortfalls", "Solver")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_demo_solves_and_verifies(demo_dir: Path) -> None:
    roster, _ = read_roster(demo_dir / "roster.xlsx")
    assert len(roster.groups) == 7
    schedule = read_schedule(demo_dir / "schedule.xlsx")
    instance = Instance.create(roster, load_profile("qingpu"), schedule.start_year, schedule.years)
    report = verify(instance, schedule.assignments)
    assert report.ok
    kinds = {a.activity for a in schedule.assignments}
    assert {Activity.ROTATION, Activity.INDUCTION, Activity.SHADOWING} <= kinds
    book = load_workbook(demo_dir / "schedule.xlsx", read_only=True)
    assert set(SHEETS) <= set(book.sheetnames)
    code, output = run("verify", str(demo_dir / "roster.xlsx"), str(demo_dir / "schedule.xlsx"))
    assert code == 0, output


def test_verify_catches_a_hand_edited_schedule(demo_dir: Path, tmp_path: Path) -> None:
    # Move one shadowing visit's teacher onto a rotation's teacher in the same year:
    # a person on a year-long placement may not shadow (ONE-PLACE).
    book = load_workbook(demo_dir / "schedule.xlsx")
    sheet = book["Assignments"]
    col = {c.value: i for i, c in enumerate(sheet[1])}
    rows = list(sheet.iter_rows(min_row=2))
    rotation = next(r for r in rows if r[col["Activity"]].value == "rotation")
    shadow = next(
        r
        for r in rows
        if r[col["Activity"]].value == "shadowing"
        and r[col["Year"]].value == rotation[col["Year"]].value
    )
    shadow[col["Teacher ID"]].value = rotation[col["Teacher ID"]].value
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    code, output = run("verify", str(demo_dir / "roster.xlsx"), str(edited))
    assert code == 1
    assert "ONE-PLACE" in output


def test_solve_generated_roster_json(tmp_path: Path) -> None:
    roster_path = tmp_path / "roster.xlsx"
    write_roster(generate(groups=2, kgs=4, seed=3, start_year=2026), roster_path)
    before = hashlib.sha256(roster_path.read_bytes()).hexdigest()
    out = tmp_path / "plan.json"
    code, output = run(
        "solve", str(roster_path), "-o", str(out), "--start-year", "2026", "--time-limit", "10"
    )
    assert code == 0, output
    assert hashlib.sha256(roster_path.read_bytes()).hexdigest() == before  # roster untouched
    code, output = run("verify", str(roster_path), str(out))
    assert code == 0, output


def test_bad_roster_exits_2_with_location(tmp_path: Path) -> None:
    roster_path = tmp_path / "roster.xlsx"
    write_roster(generate(groups=1, kgs=3, seed=1, start_year=2026), roster_path)
    book = load_workbook(roster_path)
    sheet = next(s for s in book.worksheets if "教师" in s.title)
    header_row = next(
        r for r in sheet.iter_rows(max_row=5) if any("grade" in str(c.value) for c in r)
    )
    grade = next(c for c in header_row if "grade" in str(c.value))
    sheet.cell(row=grade.row + 1, column=grade.column, value="小小班")
    book.save(roster_path)
    out = tmp_path / "plan.xlsx"
    code, output = run("solve", str(roster_path), "-o", str(out))
    assert code == 2
    assert "小小班" in output and f"row {grade.row + 1}" in output
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("solve", "missing.xlsx", "-o", "plan.xlsx"),  # roster file does not exist
        ("validate", "missing.xlsx"),  # same for validate
        ("solve", "r.xlsx", "-o", "r.xlsx"),  # output would overwrite the roster
        ("solve", "r.xlsx", "-o", "p.xlsx", "--profile", "nope"),  # unknown profile
        ("solve", "r.xlsx", "-o", "p.xlsx", "--gap", "-1"),  # a gap below 0 %
        ("solve", "r.xlsx", "-o", "p.xlsx", "--gap", "100"),  # 100 %: nothing would be proven
    ],
)
def test_usage_errors_exit_2(
    args: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_roster(generate(groups=1, kgs=3, seed=1, start_year=2026), tmp_path / "r.xlsx")
    code, _ = run(*args)
    assert code == 2


def test_template_validates_after_filling(tmp_path: Path) -> None:
    # What an office does: write the template, type a small group into it, validate, solve.
    path = tmp_path / "t.xlsx"
    code, _ = run("template", str(path))
    assert code == 0 and path.exists()
    code, output = run("validate", str(path))
    assert code == 2 and "no data rows" in output  # the empty template has no data rows
    wb = load_workbook(path)
    kgs, teachers = wb["kindergartens 园所"], wb["teachers 教师"]
    kgs.append(["001", "实验幼儿园", "实验集团", "总园", "公办", "示范", 1, 1, 1])
    kgs.append(["002", "东街幼儿园", "实验集团", "成员园", "公办", "二级", 1, 1, 1])
    for i, (home, grade) in enumerate((h, g) for h in ("001", "002") for g in ("小班", "中班", "大班") for _ in range(3)):  # fmt: skip
        teachers.append([f"T{i:03}", f"教师{i}", home, grade, "是" if i % 3 == 0 else "否", "否", "2015-09", "1990.05"])  # fmt: skip
    teachers.append(["C001", "园长", "实验幼儿园", None, "否", "是", "2005-09", "1978.03"])
    wb.save(path)
    code, output = run("validate", str(path))
    assert code == 0, output
    code, output = run("solve", str(path), "-o", str(tmp_path / "plan.xlsx"), "--start-year", "2026")  # fmt: skip
    assert code == 0, output
    assert "verified" in output


def test_infeasible_group_names_the_rule_to_relax(tmp_path: Path) -> None:
    """A swap minimum no alliance can meet: exit 1, and the message says which rule to soften."""
    roster_path = tmp_path / "roster.xlsx"
    write_roster(qingtongxia_roster().subset("青铜峡市第二幼儿园教育集团联盟化合作体"), roster_path)
    profile = (resources.files("kgrota.scenarios") / "profiles" / "qingtongxia.toml").read_text(
        encoding="utf-8"
    )
    profile_path = tmp_path / "strict.toml"
    profile_path.write_text(profile.replace("swap_min = 2", "swap_min = 40"), encoding="utf-8")
    code, output = run(
        "solve", str(roster_path), "-o", str(tmp_path / "plan.xlsx"), "--profile",
        str(profile_path), "--start-year", "2026", "--time-limit", "10",
    )  # fmt: skip
    assert code == 1, output
    assert "SWAP-EQ" in output and 'severity = "soft"' in output


def test_status_of_a_group_stopped_within_the_gap_shows_the_gap() -> None:
    stopped = GroupResult("g", SolveStatus.FEASIBLE, (), objective=198, best_bound=216.0)
    assert _status(stopped) == "good, not proven best (within 9.09% of the best)"
    proven = GroupResult("g", SolveStatus.OPTIMAL, (), objective=216, best_bound=216.0)
    assert _status(proven) == "proven best"


def test_solve_with_a_gap_stops_groups_within_it(tmp_path: Path) -> None:
    roster_path = tmp_path / "roster.xlsx"
    write_roster(generate(groups=2, kgs=4, seed=3, start_year=2026), roster_path)
    out = tmp_path / "plan.json"
    code, output = run(
        "solve", str(roster_path), "-o", str(out), "--start-year", "2026", "--workers", "1",
        "--gap", "30",
    )  # fmt: skip
    assert code == 0, output
    # One progress line per group: proven best, else within its gap of the best.
    pattern = r"^  \S+: (proven best|good, not proven best \(within ([\d.]+)% of the best\)) in "
    lines = re.findall(pattern, output, re.MULTILINE)
    assert len(lines) == 2
    assert all(float(gap) <= 30 for status, gap in lines if status != "proven best")
    code, output = run("verify", str(roster_path), str(out))
    assert code == 0, output

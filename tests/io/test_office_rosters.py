"""Rosters as offices have them: a real export's shape validates with warnings only and solves
(and the ID numbers that key its teachers reach no output); perturbed rosters either fail
cleanly or give a schedule that verifies."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from typing import TYPE_CHECKING, Any

import openpyxl
from bad_rosters import START, TEACHER_XML, base, id_number, rewrite, write, xml_forms
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgrota.io.cli import main

if TYPE_CHECKING:
    from pathlib import Path

KGS = (
    ("东街幼儿园", "总园", "示范"),
    ("西街幼儿园", "成员园", "一级"),
    ("南湖幼儿园", "成员园", "三级"),
)
HEAD = ["序号", "姓名", "性别", "身份证号", "所在园所", "任教年级", "是否骨干", "是否干部"]
HEAD += ["参加工作时间", "进本园时间", "职称", "是否在编", "联系电话", "备注"]
# The ways one office types a hire date: text, a YYYYMM number, a real date, 年月
HIRED = ("2012.09", 201309, dt.datetime(2014, 9, 1), "2015年9月")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def export(path: Path) -> tuple[Path, list[str]]:
    """An office's export: kindergartens by name on a sheet of another name, the teachers on
    教职工花名册 under a merged title and a filling-in line, keyed by 身份证号 (no 工号, no
    出生年月), a serial-number and a phone column, a signature line under the table."""
    wb = openpyxl.Workbook()
    kg_sheet = wb.active
    assert kg_sheet is not None
    kg_sheet.title = "幼儿园基本情况"
    kg_sheet.append(["东街幼儿园集团园所情况"])
    kg_sheet.append(
        ["园所代码", "园名", "集团", "角色", "性质", "等级", "小班数", "中班数", "大班数"]
    )
    for i, (name, role, tier) in enumerate(KGS, 1):
        kg_sheet.append([f"0{i}", name, "东街幼儿园集团", role, "公办", tier, 1, 1, 1])
    ws = wb.create_sheet("教职工花名册")
    ws.append(["东街幼儿园集团2026年教职工花名册"])
    ws.merge_cells("A1:N1")
    ws.append(["填报单位：东街幼儿园集团", None, None, None, None, None, "填报日期：2026年9月1日"])
    ws.append(HEAD)
    ids: list[str] = []
    n = 0
    for kg, _role, _tier in KGS:
        for grade in ("小班", "中班", "大班"):
            for i in range(2):
                n += 1
                birth = dt.date(1965 + n, 1 + n % 12, 1 + n % 27)
                ids.append(id_number(birth, 2 * n))  # even serial: a woman
                row = [n, f"老师{n}", "女", ids[-1], kg, grade, "√" if i == 0 else "", ""]
                ws.append([*row, HIRED[n % 4], "2018.9", "一级教师", "在编", "1380000", None])
        n += 1
        birth = dt.date(1970, 3, n)
        ids.append(id_number(birth, 2 * n + 1))
        row = [n, f"园长{n}", "男", ids[-1], kg, None, "否", "是", "1995-09", None, "高级教师"]
        ws.append([*row, "在编", None, "副园长"])
    new = id_number(dt.date(2004, 6, 1), 998)
    ids.append(new)
    ws.append([n + 1, "新老师", "女", new, "西街幼儿园", "小班", "否", "否", f"{START}-09", None])
    ws.append([])
    ws.append(["制表人：王芳", None, None, "审核人：李明", None, None, "2026年9月1日"])
    wb.save(path)
    return path, ids


def test_a_real_export_validates_with_warnings_only_and_solves(tmp_path: Path) -> None:
    roster, ids = export(tmp_path / "花名册.xlsx")
    before = roster.read_bytes()
    code, output = invoke("validate", str(roster), "--start-year", str(START))
    assert code == 0, output
    assert "✗" not in output and "⚠" in output
    assert "read as the teachers 教师 sheet" in output  # 教职工花名册, by its headers
    assert "footer row skipped" in output  # the signature line
    plan = tmp_path / "plan.xlsx"
    args = ("--start-year", str(START), "--time-limit", "10", "--workers", "1")
    code, output = invoke("solve", str(roster), "-o", str(plan), *args)
    assert code == 0, output
    code, output = invoke("verify", str(roster), str(plan))
    assert code == 0, output
    code, output = invoke("solve", str(roster), "-o", str(tmp_path / "plan.json"), *args)
    assert code == 0, output
    assert roster.read_bytes() == before
    # The ID numbers key the teachers, and no output holds one (nor its birth-date digits).
    with zipfile.ZipFile(plan) as z:
        xml = b"".join(z.read(name) for name in z.namelist()).decode()
    text = (tmp_path / "plan.json").read_text(encoding="utf-8")
    assert "ID-" in xml and "ID-" in json.loads(text)["assignments"][0]["teacher_id"]
    for number in ids:
        assert number not in xml and number not in text
        assert number[6:14] not in xml and number[6:14] not in text


def test_control_characters_never_reach_the_schedule(tmp_path: Path) -> None:
    # A line break pasted from Word and a terminal escape in a name: removed with a warning,
    # and the schedule is written (openpyxl would refuse them: exit 3 after solving).
    roster = write(tmp_path / "r.xlsx", base())
    rewrite(roster, TEACHER_XML, "教师3".encode(), "教师3_x000B_\x1b[2J".encode())
    plan = tmp_path / "plan.xlsx"
    args = ("--start-year", str(START), "--time-limit", "5", "--workers", "1")
    code, output = invoke("solve", str(roster), "-o", str(plan), *args)
    assert code == 0 and "control characters removed" in output and "\x1b" not in output
    with zipfile.ZipFile(plan) as z:
        xml = b"".join(z.read(name) for name in z.namelist())
    assert any(form in xml for form in xml_forms("教师3"))
    assert b"\x1b" not in xml and b"_x000B_" not in xml


# --------------------------------------------------------------------------- perturbations

_JUNK = st.sampled_from(
    [None, "", "abc", "#REF!", "=A1+1", -3, 0, 1e20, 2019.1, 201909, "2035-09", "是", "K09", "[x]"]
)


@st.composite
def perturbed(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """The base roster after a few random edits: a cell dropped or retyped, rows shuffled,
    a junk, blank or footer row inserted."""
    sheets = base()
    for _ in range(draw(st.integers(1, 3))):
        title = draw(st.sampled_from(sorted(sheets)))
        rows = sheets[title]
        action = draw(st.sampled_from(["drop", "retype", "shuffle", "junk", "blank", "footer"]))
        if action in ("drop", "retype") and len(rows) > 1:
            row = draw(st.integers(1, len(rows) - 1))
            column = draw(st.integers(0, len(rows[row]) - 1))
            rows[row][column] = None if action == "drop" else draw(_JUNK)
        elif action == "shuffle":
            body = rows[1:]
            rows[1:] = draw(st.permutations(body))
        elif action == "blank":
            rows.insert(draw(st.integers(1, len(rows))), [])
        elif action == "footer":
            rows.append([draw(st.sampled_from(["制表人：张三", "合计", "备注：以上为在岗人员"]))])
        else:
            junk = draw(st.lists(_JUNK, min_size=1, max_size=len(rows[0])))
            rows.insert(draw(st.integers(1, len(rows))), junk)
    return sheets


@settings(
    max_examples=16,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sheets=perturbed())
def test_a_perturbed_roster_fails_cleanly_or_gives_a_schedule_that_verifies(
    tmp_path: Path, sheets: dict[str, list[list[Any]]]
) -> None:
    roster = write(tmp_path / "r.xlsx", sheets)
    plan = tmp_path / "plan.xlsx"
    plan.unlink(missing_ok=True)
    args = ("--start-year", str(START), "--time-limit", "5", "--workers", "1")
    code, output = invoke("solve", str(roster), "-o", str(plan), *args)
    assert code in (0, 2), output
    if code == 2:
        assert "✗" in output and str(roster) in output and not plan.exists()
    else:
        assert invoke("verify", str(roster), str(plan))[0] == 0

"""Schedule workbook and JSON (SPEC §5): content, layout, round trip, hand-typed input, errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import TYPE_CHECKING

import pytest
from conftest import instance, kg, staff, teacher
from openpyxl import Workbook, load_workbook

from kgrota.io import schedule_io
from kgrota.io.errors import InputError
from kgrota.io.schedule_io import read_schedule, write_schedule
from kgrota.model import (
    RULE_BY_ID,
    Activity,
    Assignment,
    Grade,
    GroupResult,
    Instance,
    Report,
    Role,
    RuleResult,
    Schedule,
    Semester,
    Severity,
    SolveStatus,
    Violation,
)

if TYPE_CHECKING:
    from pathlib import Path

# SPEC §5: sheet → English column keys it must carry (views add per-year columns).
SHEETS = {
    "summary 汇总": {"key", "item", "value"},
    "assignments 交流安排": {
        "teacher_id",
        "name",
        "home_kg",
        "activity",
        "host_kg",
        "year",
        "semester",
        "slot",
        "start_date",
        "end_date",
        "grade",
        "partner",
        "guidance_item",
        "rules",
    },
    "teachers 教师视图": {"teacher_id", "name", "home_kg", "grade", "backbone", "cadre"},
    "kindergartens 园所视图": {
        "kg_id",
        "grade",
        "year",
        "at_home",
        "out",
        "in",
        "present",
        "required",
        "ok",
    },
    "rules 规则检查": {
        "id",
        "text_zh",
        "text",
        "source",
        "severity",
        "status",
        "violations",
        "details",
    },
    "shortfalls 未满足": {"rule_id", "kg_id", "teacher_id", "year", "semester", "reason"},
}
SUMMARY_KEYS = {
    "profile",
    "groups",
    "horizon",
    "count_rotation",
    "count_shadowing",
    "objective",
    "term_uplift",
    "best_bound",
    "gap",
    "status",
    "solve_seconds",
    "rules_passed",
    "rules_failed",
    "group_G_status",
    "group_G_seconds",
    "created",
}
BILINGUAL = re.compile(r"^\S*[\u4e00-\u9fff]\S* [0-9a-z_]+$")  # 中文 english


@pytest.fixture
def tiny() -> Instance:
    kgs = [kg("L", Role.LEAD, 5), kg("B1", Role.BRANCH, 3)]
    teachers = [*staff("L", 3, 2), *staff("B1", 3, 1)]
    teachers += [
        teacher("0042", "B1", Grade.SMALL, hired=2026),
        teacher("L-cadre", "L", None, cadre=True),
    ]
    return instance(kgs, teachers)


ASSIGNMENTS = (
    Assignment("L-small-0", Activity.ROTATION, "B1", 2026),
    Assignment("0042", Activity.INDUCTION, "L", 2026, partner="L-small-1"),
    Assignment("B1-middle-0", Activity.SHADOWING, "L", 2027, Semester.SPRING, 3),
    Assignment("L-cadre", Activity.GUIDANCE, "B1", 2026, Semester.AUTUMN, 2, items=("专题讲座",)),
)


@pytest.fixture
def schedule() -> Schedule:
    group = GroupResult(
        "G", SolveStatus.FEASIBLE, ASSIGNMENTS, objective=40, best_bound=44.0, seconds=1.5
    )
    return Schedule("default", 2026, 2, ASSIGNMENTS, (group,), dt.datetime(2026, 7, 1, 9, 30))


@pytest.fixture
def report() -> Report:
    shortfall = Violation(
        "SHD-EACH-SEM", "B1 sent nobody to shadow", kg_id="B1", year=2027, semester="autumn"
    )
    failure = Violation("ROT-PAIRS", "branch to branch", teacher_id="L-small-0", year=2026)
    return Report(
        (
            RuleResult(RULE_BY_ID["ROT-PAIRS"], Severity.HARD, (failure,)),
            RuleResult(RULE_BY_ID["SHD-EACH-SEM"], Severity.SOFT, (shortfall,)),
            RuleResult(RULE_BY_ID["STAFF-CLASS"], Severity.HARD),
            RuleResult(RULE_BY_ID["ROT-DOWN"], Severity.OFF),
        ),
        terms={"uplift": 2, "penalty:SHD-EACH-SEM": -1},
        objective=10,
    )


@pytest.fixture
def written(tmp_path: Path, schedule: Schedule, tiny: Instance, report: Report) -> Path:
    return write_schedule(tmp_path / "plan.xlsx", schedule, tiny, report)


def rows_of(path: Path, sheet: str) -> list[dict[str, object]]:
    """Sheet rows keyed by the English part of each header."""
    ws = load_workbook(path, read_only=True)[sheet]
    header, *rows = ws.iter_rows(values_only=True)
    keys = [str(h).split()[-1] for h in header]
    return [dict(zip(keys, row, strict=True)) for row in rows]


def test_workbook_has_every_sheet_and_column(written: Path) -> None:
    wb = load_workbook(written)
    assert wb.sheetnames == list(SHEETS)
    for title, keys in SHEETS.items():
        ws = wb[title]
        headers = [c.value for c in ws[1]]
        assert all(BILINGUAL.match(str(h)) for h in headers), headers
        assert keys <= {str(h).split()[1] for h in headers}
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")  # header row frozen
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{ws.max_row}"
        assert ws["A1"].font.b


def test_widths_count_cjk_double(written: Path) -> None:
    ws = load_workbook(written)["teachers 教师视图"]
    widths = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    # a mostly CJK cell: its column is wider than its character count
    assert widths["2026学年 year_2026"] > len("新教师跟岗 → L园（导师 教师L-small-1）") + 10
    assert widths["工号 teacher_id"] == len("工号 teacher_id") + 2 + 2


def test_summary_reports_status_terms_and_rules(written: Path) -> None:
    values = {r["key"]: r["value"] for r in rows_of(written, "summary 汇总")}
    assert values.keys() >= SUMMARY_KEYS
    assert values["profile"] == "default"
    assert values["status"] == "FEASIBLE"
    assert (values["objective"], values["term_uplift"], values["term_penalty:SHD-EACH-SEM"]) == (
        10,
        2,
        -1,
    )
    assert (values["solver_objective"], values["best_bound"], values["gap"]) == (40, 44, 0.1)
    assert (values["rules_passed"], values["rules_failed"], values["rules_shortfall"]) == (1, 1, 1)
    assert values["rules_off"] == 1
    assert (values["count_rotation"], values["count_swap"]) == (1, 0)
    assert values["created"] == "2026-07-01T09:30:00"


def test_assignment_rows_carry_names_dates_and_rules(written: Path, tiny: Instance) -> None:
    rows = {(r["teacher_id"], r["activity"]): r for r in rows_of(written, "assignments 交流安排")}
    rotation = rows[("L-small-0", "轮岗交流 rotation")]
    assert (rotation["host_name"], rotation["grade"], rotation["year_label"]) == (
        "B1园",
        "小班 small",
        "2026-2027学年",
    )
    start, end = tiny.horizon.year_dates(2026)
    assert (rotation["start_date"], rotation["end_date"]) == (
        dt.datetime.combine(start, dt.time()),
        dt.datetime.combine(end, dt.time()),
    )
    assert rotation["semester"] is None and rotation["slot"] is None
    assert rotation["rules"] == (
        "ROT-PER-GRADE ROT-PAIRS ROT-DOWN SUP-YEAR TERM-2Y REST-YEAR RETIRE STAFF-CLASS ONE-PLACE"
    )
    induction = rows[("0042", "新教师跟岗 induction")]
    assert (induction["partner"], induction["partner_name"]) == ("L-small-1", "教师L-small-1")
    visit = rows[("B1-middle-0", "跟岗学习 shadowing")]
    assert (visit["semester"], visit["slot"]) == ("春季 spring", 3)
    assert visit["start_date"] == dt.datetime.combine(
        tiny.horizon.slot_dates(2027, Semester.SPRING, 3)[0], dt.time()
    )
    assert rows[("L-cadre", "蹲点指导 guidance")]["guidance_item"] == "专题讲座"


def test_teacher_view_has_every_teacher_and_period(written: Path, tiny: Instance) -> None:
    rows = {r["teacher_id"]: r for r in rows_of(written, "teachers 教师视图")}
    assert list(rows) == [t.teacher_id for t in tiny.teachers]
    assert rows["L-small-0"]["year_2026"] == "轮岗交流 → B1园"
    assert rows["L-small-1"]["year_2026"] == "带教 教师0042"  # the mentor sees her new teacher
    assert str(rows["B1-middle-0"]["2027_spring"]).startswith("跟岗学习 → L园 第3时段")
    assert rows["L-small-2"]["year_2026"] is None  # blank = at home
    assert (rows["L-small-0"]["backbone"], rows["L-cadre"]["cadre"]) == ("是", "是")


def test_kindergarten_view_counts_staffing(written: Path) -> None:
    rows = {
        (r["kg_id"], r["grade"], r["year"]): r for r in rows_of(written, "kindergartens 园所视图")
    }
    lead = rows[("L", "小班 small", 2026)]  # one rotates out, the new teacher comes in
    assert (lead["home_teachers"], lead["at_home"], lead["out"], lead["in"]) == (3, 2, 1, 1)
    assert (lead["present"], lead["required"], lead["ok"]) == (3, 2, "是")
    branch = rows[("B1", "小班 small", 2027)]
    assert (branch["at_home"], branch["out"], branch["in"], branch["present"]) == (4, 0, 0, 4)
    assert len(rows) == 2 * 3 * 2  # kindergartens × grades with classes × years


def test_rules_and_shortfalls_sheets(written: Path) -> None:
    rules = {r["id"]: r for r in rows_of(written, "rules 规则检查")}
    assert rules["ROT-PAIRS"]["status"] == "未通过 failed"
    assert rules["ROT-PAIRS"]["details"] == "branch to branch"
    assert rules["SHD-EACH-SEM"]["status"] == "未满足 shortfall"
    assert rules["ROT-DOWN"]["status"] == "关闭 off"
    assert rules["STAFF-CLASS"]["severity"] == "硬性 hard"
    (shortfall,) = rows_of(written, "shortfalls 未满足")
    assert shortfall["rule_id"] == "SHD-EACH-SEM"
    assert (shortfall["kg_name"], shortfall["year"], shortfall["semester"]) == (
        "B1园",
        2027,
        "秋季 autumn",
    )
    assert shortfall["reason"] == "B1 sent nobody to shadow"


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_round_trip_is_exact(
    tmp_path: Path, fmt: str, schedule: Schedule, tiny: Instance, report: Report
) -> None:
    path = write_schedule(tmp_path / f"plan.{fmt}", schedule, tiny, report, fmt)
    back = read_schedule(path)
    assert Counter(back.assignments) == Counter(schedule.assignments)
    assert (back.profile, back.start_year, back.years, back.created) == (
        "default",
        2026,
        2,
        schedule.created,
    )


def test_json_holds_the_sheets_and_machine_block(
    tmp_path: Path, schedule: Schedule, tiny: Instance, report: Report
) -> None:
    path = write_schedule(tmp_path / "plan.json", schedule, tiny, report, "json")
    text = path.read_text(encoding="utf-8")
    assert "交流安排" not in text and "轮岗交流 rotation" in text  # ensure_ascii=False
    doc = json.loads(text)
    assert set(doc) == {title.split()[0] for title in SHEETS} | {"schedule"}
    for title, keys in SHEETS.items():
        assert all(keys <= row.keys() for row in doc[title.split()[0]])
    assert doc["assignments"][0]["start_date"] == "2026-09-07"
    assert doc["schedule"]["assignments"][0] == {
        "teacher_id": "L-small-0",
        "activity": "rotation",
        "host_kg": "B1",
        "year": 2026,
        "semester": None,
        "slot": None,
        "partner": None,
        "guidance_item": None,
    }


def test_json_sheet_rows_read_without_the_machine_block(
    tmp_path: Path, schedule: Schedule, tiny: Instance, report: Report
) -> None:
    path = write_schedule(tmp_path / "plan.json", schedule, tiny, report, "json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["schedule"]  # as if the office edited the sheet-shaped rows only
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    back = read_schedule(path)
    assert Counter(back.assignments) == Counter(schedule.assignments)
    assert (back.start_year, back.years, back.created) == (2026, 2, schedule.created)


def test_formula_like_text_stays_text(tmp_path: Path, schedule: Schedule, report: Report) -> None:
    inst = instance([kg("L", Role.LEAD, 5)], [teacher("=1+1", "L")])
    path = write_schedule(tmp_path / "plan.xlsx", schedule, inst, report)
    cell = load_workbook(path)["teachers 教师视图"]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def hand_typed(path: Path, rows: list[list[object]], sheet: str = "交流安排") -> Path:
    """A workbook as the office types it: title row, Chinese headers, no summary."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(["2026学年教师交流安排表"])
    ws.append([])
    ws.append(["工号", "姓名", "交流类型", "交流园所", "学年", "学期", "时段", "导师", "备注"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_hand_typed_chinese_workbook_reads(tmp_path: Path) -> None:
    path = hand_typed(
        tmp_path / "typed.xlsx",
        [
            [1001, "张三", "轮岗", "B1", "2027-2028学年", None, None, None, "extra column"],
            [],  # blank rows are skipped
            ["0042", "李四", "新教师跟岗", "L", 2027.0, " ", None, 1001, None],
            ["L-cadre", "王五", "跟岗学习 shadowing", "L", "2028学年", "春", "第2时段", None, None],
        ],
    )
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    plan = read_schedule(path)
    assert plan.assignments == (
        Assignment("1001", Activity.ROTATION, "B1", 2027),
        Assignment("0042", Activity.INDUCTION, "L", 2027, partner="1001"),
        Assignment("L-cadre", Activity.SHADOWING, "L", 2028, Semester.SPRING, 2),
    )
    assert (plan.profile, plan.start_year, plan.years) == ("default", 2027, 2)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before  # input never modified


def test_english_headers_in_an_unnamed_sheet_read(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["teacher_id", "activity", "host_kg", "year"])
    ws.append(["T1", "swap", "M1", 2026])
    wb.save(tmp_path / "sheet1.xlsx")
    assert read_schedule(tmp_path / "sheet1.xlsx").assignments == (
        Assignment("T1", Activity.SWAP, "M1", 2026),
    )


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            ["T1", "x", "挂职休假", "L", 2026, None, None, None],
            "C 交流类型",
            "is not one of",
        ),  # unknown activity
        (
            ["T1", "x", "轮岗", "L", "明年", None, None, None],
            "E 学年",
            "not a year",
        ),  # year not a number
        (
            ["T1", "x", "轮岗", None, 2026, None, None, None],
            "D 交流园所",
            "missing",
        ),  # host left blank
        (
            ["T1", "x", "跟岗", "L", 2026, "冬季", 1, None],
            "F 学期",
            "is not one of",
        ),  # no winter semester
        (
            ["T1", "x", "跟岗", "L", 2026, "秋季", 0, None],
            "G 时段",
            "1 or more",
        ),  # slots are 1-based
        (
            ["T1", "x", "跟岗", "L", 2026, None, None, None],
            None,
            "semester and slot",
        ),  # visit needs a slot
    ],
)
def test_bad_cell_names_row_and_column(
    tmp_path: Path, row: list[object], column: str | None, message: str
) -> None:
    good = ["T0", "x", "轮岗", "B1", 2026, None, None, None]
    path = hand_typed(tmp_path / "bad.xlsx", [good, row])
    with pytest.raises(InputError) as info:
        read_schedule(path)
    (problem,) = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("交流安排", 5, column)
    assert message in problem.message


def test_every_bad_cell_is_reported_at_once(tmp_path: Path) -> None:
    path = hand_typed(
        tmp_path / "bad.xlsx",
        [
            ["T1", "x", "休假", "L", 2026],
            ["T2", "x", "轮岗", "L", "?"],
            ["T3", "x", "轮岗", "L", 2026],
        ],
    )
    with pytest.raises(InputError) as info:
        read_schedule(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(4, "C 交流类型"), (5, "E 学年")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "file not found"),  # nothing there
        ("notes.xlsx", b"just text", "not an Excel workbook"),  # renamed text file
        ("plan.json", b"{not json", "not valid UTF-8 JSON"),  # broken JSON
        ("plan.json", b'{"rows": []}', "no 'assignments' list"),  # JSON of another shape
        ("plan.json", b'{"assignments": [1, 2]}', "list of JSON objects"),  # rows not objects
    ],
)
def test_unreadable_files_are_input_errors(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_schedule(tmp_path / name)


def test_wrong_workbook_is_an_input_error(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "教师"
    ws.append(["工号", "姓名", "编制所在园"])  # a roster sheet, not a schedule
    wb.save(tmp_path / "roster.xlsx")
    with pytest.raises(InputError, match="no sheet 'assignments 交流安排'"):
        read_schedule(tmp_path / "roster.xlsx")
    # a sheet with the right name but without the columns says which are needed
    ws.title = "交流安排"
    wb.save(tmp_path / "roster.xlsx")
    with pytest.raises(InputError, match="工号 teacher_id, 交流类型 activity") as info:
        read_schedule(tmp_path / "roster.xlsx")
    assert info.value.problems[0].sheet == "交流安排"


def test_summary_years_bound_the_assignments(
    tmp_path: Path, schedule: Schedule, tiny: Instance, report: Report
) -> None:
    late = Schedule("qingpu", 2026, 1, (Assignment("L-small-0", Activity.ROTATION, "B1", 2027),))
    path = write_schedule(tmp_path / "plan.xlsx", late, tiny, report)
    with pytest.raises(InputError, match="outside the plan's years 2026–2026") as info:
        read_schedule(path)
    assert info.value.problems[0].row == 2


def test_failed_write_leaves_the_old_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    schedule: Schedule,
    tiny: Instance,
    report: Report,
) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"the office's previous plan")

    def half_written(path: Path, tables: object) -> None:
        path.write_bytes(b"PK half")
        raise OSError("disk full")

    monkeypatch.setattr(schedule_io, "_write_xlsx", half_written)
    with pytest.raises(OSError, match="disk full"):
        write_schedule(target, schedule, tiny, report)
    assert target.read_bytes() == b"the office's previous plan"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]  # no temp file left behind


def test_unknown_format_is_refused(
    tmp_path: Path, schedule: Schedule, tiny: Instance, report: Report
) -> None:
    with pytest.raises(ValueError, match="format must be one of"):
        write_schedule(tmp_path / "plan.csv", schedule, tiny, report, "csv")
    assert not any(tmp_path.iterdir())

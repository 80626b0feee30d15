"""Schedule workbook and JSON (SPEC §5): content, layout, languages, round trip, hand-typed
input, errors. Tests run in English (conftest); the Chinese workbook has tests of its own."""

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
from kgrota.io.schedule_tables import Table, build_tables
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
from kgrota.model.i18n import speaking

if TYPE_CHECKING:
    from pathlib import Path

# SPEC §5: sheet key → column keys it must carry (views add per-year columns).
SHEETS = {
    "summary": {"topic", "text"},
    "assignments": {
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
        "reason",
    },
    "teachers": {"teacher_id", "name", "home_kg", "grade", "backbone", "cadre"},
    "kindergartens": {
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
    "rules": {"id", "text", "source", "severity", "status", "violations", "details", "activities"},
    "shortfalls": {"rule_id", "kg_id", "teacher_id", "year", "semester", "reason"},
    "fairness": {"kg_id", "tier", "weaker", "sent_years", "received_years", "supported_years"},
    "fairness_teachers": {"teacher_id", "exchanges", "years_away", "visit_days", "last_year"},
    "solver": {"key", "item", "value", "note"},
}
SOLVER_KEYS = {
    "profile",
    "groups",
    "horizon",
    "count_rotation",
    "count_shadowing",
    "objective",
    "objective_without_stability",
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
ZH_TITLES = [
    "汇总",
    "交流安排",
    "教师视图",
    "园所视图",
    "规则检查",
    "未满足",
    "公平",
    "公平（教师）",
]
ZH_TITLES += ["求解信息"]
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u4e00-\u9fff]")


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


@pytest.fixture
def tables(schedule: Schedule, tiny: Instance, report: Report) -> dict[str, Table]:
    return {t.key: t for t in build_tables(schedule, tiny, report)}


def rows_of(path: Path, table: Table) -> list[dict[str, object]]:
    """The sheet of ``table``, its rows keyed by column key (its header as the table says)."""
    ws = load_workbook(path, read_only=True)[table.title]
    header, *rows = ws.iter_rows(values_only=True)
    assert list(header) == [c.heading for c in table.columns]
    return [dict(zip([c.key for c in table.columns], row, strict=True)) for row in rows]


def test_workbook_has_every_sheet_and_column(written: Path, tables: dict[str, Table]) -> None:
    wb = load_workbook(written)
    assert list(tables) == list(SHEETS)
    assert wb.sheetnames == [t.title for t in tables.values()]
    for key, table in tables.items():
        ws = wb[table.title]
        headers = [c.value for c in ws[1]]
        assert headers == [c.heading for c in table.columns]
        assert SHEETS[key] <= {c.key for c in table.columns}
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")  # header row frozen
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{ws.max_row}"
        assert ws["A1"].font.b


def test_every_sheet_prints_landscape_one_page_wide(written: Path) -> None:
    for ws in load_workbook(written):
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # one page wide, any length
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"  # the header row on every page
        assert "&P" in ws.oddFooter.center.text  # page numbers


def test_chinese_workbook_is_chinese_only(
    tmp_path: Path, schedule: Schedule, tiny: Instance, report: Report
) -> None:
    with speaking("zh"):
        path = write_schedule(tmp_path / "plan.xlsx", schedule, tiny, report)
        tables = {t.key: t for t in build_tables(schedule, tiny, report)}
        rows = {r["teacher_id"]: r for r in rows_of(path, tables["assignments"])}
        summary = {r["topic"]: r["text"] for r in rows_of(path, tables["summary"])}
    wb = load_workbook(path)
    assert wb.sheetnames == ZH_TITLES
    for ws in wb:
        headers = [str(c.value) for c in ws[1] if c.value is not None]
        assert not [h for h in headers if LATIN.search(h)], headers  # 工号, not 工号 teacher_id
    rotation, visit = rows["L-small-0"], rows["B1-middle-0"]
    assert (rotation["activity"], rotation["grade"]) == ("轮岗交流", "小班")
    assert (rotation["year_label"], visit["semester"]) == ("2026-2027学年", "春季")
    assert str(summary["计划质量"]).startswith("与最优计划相差不超过 10%")
    assert summary["参加交流"] == "20 名教师中有 4 名（20%）参加至少一项交流。"
    assert (
        summary["G"]
        == "4 名教师参加：轮岗交流 1 人次、新教师跟岗 1 人次、跟岗学习 1 人次、蹲点指导 1 人次。"
    )
    topics = set(summary) - {"G"}  # the group's own name aside, plain Chinese topics
    assert all(not LATIN.search(str(topic)) for topic in topics), topics
    assert Counter(read_schedule(path).assignments) == Counter(schedule.assignments)  # read back


def test_english_workbook_is_english(written: Path, tables: dict[str, Table]) -> None:
    wb = load_workbook(written)
    assert wb.sheetnames[:2] == ["Summary", "Assignments"]
    for ws in wb:
        assert not [c.value for c in ws[1] if CJK.search(str(c.value))]
    rows = {r["teacher_id"]: r for r in rows_of(written, tables["assignments"])}
    assert (rows["L-small-0"]["activity"], rows["L-small-0"]["grade"]) == ("rotation", "small")


def test_summary_speaks_plainly(written: Path, tables: dict[str, Table]) -> None:
    summary = {r["topic"]: r["text"] for r in rows_of(written, tables["summary"])}
    assert summary["Teachers taking part"] == (
        "4 of 20 teachers (20%) take part in at least one exchange."
    )
    assert summary["rotation"] == (
        "1 teachers, 1 times (2026-2027 school year: 1); each for one school year."
    )
    assert "each at most 2 week(s)" in str(summary["shadowing"])
    assert summary["Hard rules"] == "1 hard rule(s) broken: ROT-PAIRS. See the Rule check sheet."
    unmet = summary[f"Not fully met: {RULE_BY_ID['SHD-EACH-SEM'].text}"]
    assert "B1 sent nobody to shadow" in str(unmet)  # why, in the verifier's words
    # FEASIBLE, objective 40 against a bound of 44: within 10 %
    assert str(summary["Plan quality"]).startswith("Within 10% of the best possible plan")
    assert not any("objective" in str(text).lower() for text in summary.values())


def test_widths_count_cjk_double(written: Path, tables: dict[str, Table]) -> None:
    ws = load_workbook(written)[tables["teachers"].title]
    widths = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    # a mostly CJK cell: its column is wider than its character count
    assert widths["2026-2027 school year"] > len("induction → L园 (mentor 教师L-small-1)") + 4
    assert widths["Teacher ID"] == len("B1-middle-0") + 2  # the longest id, plus a margin


def test_solver_sheet_reports_status_terms_and_rules(
    written: Path, tables: dict[str, Table]
) -> None:
    rows = {r["key"]: r for r in rows_of(written, tables["solver"])}
    values = {k: r["value"] for k, r in rows.items()}
    assert values.keys() >= SOLVER_KEYS
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
    # a negative objective never stands unexplained
    assert "can be negative" in str(rows["objective"]["note"])
    assert rows["term_penalty:SHD-EACH-SEM"]["item"] == (
        f"unmet: {RULE_BY_ID['SHD-EACH-SEM'].text} (SHD-EACH-SEM)"
    )


def test_assignment_rows_carry_names_dates_and_reasons(
    written: Path, tiny: Instance, tables: dict[str, Table]
) -> None:
    rows = {(r["teacher_id"], r["activity"]): r for r in rows_of(written, tables["assignments"])}
    rotation = rows[("L-small-0", "rotation")]
    assert (rotation["host_name"], rotation["grade"], rotation["year_label"]) == (
        "B1园",
        "small",
        "2026-2027 school year",
    )
    start, end = tiny.horizon.year_dates(2026)
    assert (rotation["start_date"], rotation["end_date"]) == (
        dt.datetime.combine(start, dt.time()),
        dt.datetime.combine(end, dt.time()),
    )
    assert rotation["semester"] is None and rotation["slot"] is None
    # the reason in the model's terms: the quota served, the tier drop (L 5 → B1 3), the
    # history, and the other small-grade backbone of L, kept home as 0042's mentor
    assert rotation["reason"] == (
        "1–2 backbones per grade each year; support to a weaker kindergarten (tier 5 → tier 3); "
        "no exchange on record; not chosen: 教师L-small-1 (L-small-1), mentor of 教师0042 (0042) "
        "that year"
    )
    induction = rows[("0042", "induction")]
    assert (induction["partner"], induction["partner_name"]) == ("L-small-1", "教师L-small-1")
    assert induction["reason"] == (
        "a new teacher's first year at the lead; mentor 教师L-small-1 (L-small-1)"
    )
    rules = {r["id"]: r for r in rows_of(written, tables["rules"])}
    assert "rotation" in rules["ROT-PAIRS"]["activities"].split(", ")  # ids by activity
    visit = rows[("B1-middle-0", "shadowing")]
    assert (visit["semester"], visit["slot"]) == ("spring", 3)
    assert visit["start_date"] == dt.datetime.combine(
        tiny.horizon.slot_dates(2027, Semester.SPRING, 3)[0], dt.time()
    )
    assert rows[("L-cadre", "guidance")]["guidance_item"] == "专题讲座"


def test_teacher_view_has_every_teacher_and_period(
    written: Path, tiny: Instance, tables: dict[str, Table]
) -> None:
    rows = {r["teacher_id"]: r for r in rows_of(written, tables["teachers"])}
    assert list(rows) == [t.teacher_id for t in tiny.teachers]
    assert rows["L-small-0"]["year_2026"] == "rotation → B1园"
    assert rows["L-small-1"]["year_2026"] == "mentor of 教师0042"  # the mentor sees her new one
    # every date carries its year
    assert rows["B1-middle-0"]["2027_spring"] == "shadowing → L园, slot 3: 2028-04-10 to 04-21"
    assert rows["L-small-2"]["year_2026"] is None  # blank = at home
    assert (rows["L-small-0"]["backbone"], rows["L-cadre"]["cadre"]) == ("yes", "yes")


def test_teacher_view_in_chinese(schedule: Schedule, tiny: Instance, report: Report) -> None:
    with speaking("zh"):
        view = {t.key: t for t in build_tables(schedule, tiny, report)}["teachers"]
    rows = {row[0]: dict(zip([c.key for c in view.columns], row, strict=True)) for row in view.rows}
    assert rows["B1-middle-0"]["2027_spring"] == "跟岗学习 → L园 第3时段 2028年4月10日至4月21日"
    assert rows["L-small-1"]["year_2026"] == "带教 教师0042"
    assert [c.heading for c in view.columns][7:9] == ["2026-2027学年", "2027-2028学年"]


def test_kindergarten_view_counts_staffing(written: Path, tables: dict[str, Table]) -> None:
    rows = {
        (r["kg_id"], r["grade"], r["year"]): r for r in rows_of(written, tables["kindergartens"])
    }
    lead = rows[("L", "small", 2026)]  # one rotates out, the new teacher comes in
    assert (lead["home_teachers"], lead["at_home"], lead["out"], lead["in"]) == (3, 2, 1, 1)
    assert (lead["present"], lead["required"], lead["ok"]) == (3, 2, "yes")
    branch = rows[("B1", "small", 2027)]
    assert (branch["at_home"], branch["out"], branch["in"], branch["present"]) == (4, 0, 0, 4)
    assert len(rows) == 2 * 3 * 2  # kindergartens × grades with classes × years


def test_rules_and_shortfalls_sheets(written: Path, tables: dict[str, Table]) -> None:
    rules = {r["id"]: r for r in rows_of(written, tables["rules"])}
    assert rules["ROT-PAIRS"]["status"] == "failed"
    assert rules["ROT-PAIRS"]["details"] == "branch to branch"
    assert rules["SHD-EACH-SEM"]["status"] == "not fully met"
    assert rules["ROT-DOWN"]["status"] == "off"
    assert rules["STAFF-CLASS"]["severity"] == "hard"
    (shortfall,) = rows_of(written, tables["shortfalls"])
    assert shortfall["rule_id"] == "SHD-EACH-SEM"
    assert (shortfall["kg_name"], shortfall["year"], shortfall["semester"]) == (
        "B1园",
        2027,
        "autumn",
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
    assert "B1园" in text  # ensure_ascii=False
    doc = json.loads(text)
    assert set(doc) == set(SHEETS) | {"schedule"}
    for key, keys in SHEETS.items():
        assert all(keys <= row.keys() for row in doc[key])
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
    cell = load_workbook(path)["Teacher view"]["A2"]
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
    with pytest.raises(InputError, match="no sheet 'Assignments'"):
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


def test_older_bilingual_plans_still_read(tmp_path: Path) -> None:
    # A plan as kgrota wrote it before the Chinese-only sheets: bilingual names and values,
    # the profile and years in the summary sheet.
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "summary 汇总"
    summary.append(["键 key", "项目 item", "值 value"])
    for row in (["profile", "方案", "qingpu"], ["start_year", "起始学年", 2026], ["years", "规划年数", 2]):  # fmt: skip
        summary.append(row)
    ws = wb.create_sheet("assignments 交流安排")
    ws.append(["工号 teacher_id", "交流类型 activity", "交流园所 host_kg", "学年 year", "学期 semester", "时段 slot"])  # fmt: skip
    ws.append(["T1", "轮岗交流 rotation", "B1", 2026, None, None])
    ws.append(["T2", "跟岗学习 shadowing", "L", 2027, "春季 spring", 2])
    wb.save(tmp_path / "old.xlsx")
    plan = read_schedule(tmp_path / "old.xlsx")
    assert (plan.profile, plan.start_year, plan.years) == ("qingpu", 2026, 2)
    assert plan.assignments == (
        Assignment("T1", Activity.ROTATION, "B1", 2026),
        Assignment("T2", Activity.SHADOWING, "L", 2027, Semester.SPRING, 2),
    )


def test_chinese_json_keeps_the_machine_block(
    tmp_path: Path, schedule: Schedule, tiny: Instance, report: Report
) -> None:
    with speaking("zh"):
        path = write_schedule(tmp_path / "plan.json", schedule, tiny, report, "json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc) == set(SHEETS) | {"schedule"}  # English keys whatever the language
    assert doc["assignments"][0]["activity"] == "轮岗交流"  # the sheets' values in Chinese
    assert doc["schedule"]["assignments"][0]["activity"] == "rotation"  # the machine block not
    back = read_schedule(path)
    assert Counter(back.assignments) == Counter(schedule.assignments)
    assert (back.profile, back.start_year, back.years) == ("default", 2026, 2)

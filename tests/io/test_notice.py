"""The 公示 notice (kgrota notice): print setup, Chinese-only lists, order, Word copy, no ID
numbers anywhere, and file names with Chinese characters and spaces."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from itertools import pairwise
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from conftest import instance, kg, staff, teacher
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from kgrota.io.cli import main
from kgrota.io.collate import pinyin_key, stroke_key
from kgrota.io.notice import LIST_HEADER, MOVES_HEADER, NoticeJob, write_notice
from kgrota.io.page import column_widths
from kgrota.io.roster_read import read_roster
from kgrota.io.roster_write import write_roster
from kgrota.io.schedule_io import read_schedule, write_schedule
from kgrota.model import (
    Activity,
    Assignment,
    Gender,
    Grade,
    Role,
    Schedule,
    Semester,
    load_profile,
)
from kgrota.model.generate import generate
from kgrota.model.verify import verify

if TYPE_CHECKING:
    from pathlib import Path

    from openpyxl.worksheet.worksheet import Worksheet

LISTS = (
    "柔性流动",
    "新教师跟岗",
    "跟岗学习",
    "跟岗实践",
)  # the demo's activities in 2026 (qingpu's words)
MOVES = "各园调出调入"
HEADER_ROW = 3


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def posted(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kgrota notice`` on the demo's roster and plan, with the Word copy."""
    out = tmp_path_factory.mktemp("notice") / "公示.xlsx"
    code, output = run(
        "notice", str(demo_dir / "roster.xlsx"), str(demo_dir / "schedule.xlsx"), "-o", str(out),
        "--docx",
    )  # fmt: skip
    assert code == 0, output
    return out


def body(ws: Worksheet) -> list[tuple[object, ...]]:
    return list(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def test_notice_prints_landscape_with_header_rows_on_every_page(posted: Path) -> None:
    book = load_workbook(posted)
    assert book.sheetnames == [*LISTS, MOVES]
    for ws in book:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # A4 landscape
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # one page wide
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"  # header on every page
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"  # page numbers
        title, date_line = ws["A1"].value, ws["A2"].value
        assert str(title).startswith("2026-2027学年") and str(title).endswith("公示名单")
        assert str(date_line).startswith("发布日期：") and "公示期：" in str(date_line)
        header = tuple(c.value for c in ws[HEADER_ROW])
        assert header == (MOVES_HEADER if ws.title == MOVES else LIST_HEADER)


def test_notice_lists_are_chinese_only_and_match_the_plan(demo_dir: Path, posted: Path) -> None:
    roster, _ = read_roster(demo_dir / "roster.xlsx")
    plan = read_schedule(demo_dir / "schedule.xlsx")
    names = {t.teacher_id: t.name for t in roster.teachers}
    kg_names = {k.kg_id: k.name for k in roster.kindergartens}
    book = load_workbook(posted)
    words = load_profile("qingpu").words  # the demo's profile names activities its own way
    for activity in (Activity.ROTATION, Activity.INDUCTION, Activity.SHADOWING):
        called = words.get(activity.value, activity.zh)
        rows = body(book[called])
        assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # 序号
        listed = Counter((r[1], r[3], r[4]) for r in rows)  # 姓名, 原单位, 交流单位
        planned = Counter(
            (names[a.teacher_id], kg_names[roster_home(roster, a)], kg_names[a.host_kg])
            for a in plan.assignments
            if a.year == 2026 and a.activity is activity
        )
        assert listed == planned
        for row in rows:  # Chinese words, never ``轮岗交流 rotation`` or ``大班 large``
            assert str(row[5]).startswith(called) and row[6] in {"小班", "中班", "大班", "混龄", "管理人员"}  # fmt: skip
            assert "年" in str(row[7]) and "至" in str(row[7])  # 起止时间 with the year
            text = "".join(str(v) for v in row[1:] if v is not None)
            assert not any(c.isascii() and c.isalpha() for c in text)


def roster_home(roster: object, a: Assignment) -> str:
    teachers = {t.teacher_id: t for t in roster.teachers}  # type: ignore[attr-defined]
    return str(teachers[a.teacher_id].home_kg)


def test_names_follow_surname_strokes_within_each_kindergarten(posted: Path) -> None:
    rows = body(load_workbook(posted)["柔性流动"])
    for (_, name, _, home, *_), (_, after, _, same, *_) in pairwise(rows):
        if home == same:
            assert stroke_key(str(name)) <= stroke_key(str(after))


def test_each_kindergarten_starts_a_page_of_moves(posted: Path) -> None:
    ws = load_workbook(posted)[MOVES]
    rows = body(ws)
    kgs = list(dict.fromkeys(r[1] for r in rows))
    breaks = [b.id for b in ws.row_breaks.brk]
    starts = [HEADER_ROW + 1 + i for i, r in enumerate(rows) if i and r[1] != rows[i - 1][1]]
    assert [b + 1 for b in breaks] == starts and len(breaks) == len(kgs) - 1
    for kg_name in kgs:  # 调出 before 调入, numbered from 1 in each kindergarten
        mine = [r for r in rows if r[1] == kg_name]
        assert [r[0] for r in mine] == list(range(1, len(mine) + 1))
        kinds = [r[2] for r in mine]
        assert kinds == sorted(kinds, key=lambda k: k != "调出")


def test_word_notice_opens_landscape_with_repeated_header_rows(posted: Path) -> None:
    doc = Document(str(posted.with_suffix(".docx")))
    assert all(
        s.orientation == WD_ORIENT.LANDSCAPE and s.page_width > s.page_height for s in doc.sections
    )
    assert len(doc.sections) == len([*LISTS, MOVES])
    for table in doc.tables:
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert tuple(c.text for c in header.cells) in (LIST_HEADER, MOVES_HEADER)
    titles = [p.text for p in doc.paragraphs if p.text.endswith("公示名单")]
    assert titles[0] == "2026-2027学年柔性流动人员公示名单"
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_other_year_and_pinyin_order(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "notice.xlsx"
    code, output = run(
        "notice", str(demo_dir / "roster.xlsx"), str(demo_dir / "schedule.xlsx"), "-o", str(out),
        "--year", "2027", "--order", "pinyin",
    )  # fmt: skip
    assert code == 0, output
    ws = load_workbook(out)["柔性流动"]
    assert str(ws["A1"].value).startswith("2027-2028学年")
    rows = body(ws)
    for (_, name, _, home, *_), (_, after, _, same, *_) in pairwise(rows):
        if home == same:
            assert pinyin_key(str(name)) <= pinyin_key(str(after))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--year", "2035"), "2035 is not a school year of the plan (2026–2028)"),  # no such year
        (("--order", "age"), "Invalid value for '--order'"),  # unknown order
    ],
)
def test_bad_notice_requests_exit_2(
    demo_dir: Path, tmp_path: Path, extra: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "notice.xlsx"
    code, output = run(
        "notice", str(demo_dir / "roster.xlsx"), str(demo_dir / "schedule.xlsx"), "-o", str(out),
        *extra,
    )  # fmt: skip
    assert code == 2 and message in output
    assert not out.exists()


def test_notice_needs_the_plans_teachers_in_the_roster(demo_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    write_roster(generate(groups=1, kgs=3, seed=1, start_year=2026), other)
    code, output = run("notice", str(other), str(demo_dir / "schedule.xlsx"), "-o", str(tmp_path / "n.xlsx"))  # fmt: skip
    assert code == 2 and "the plan names teachers the roster does not have" in output
    code, output = run("notice", str(other), str(demo_dir / "schedule.xlsx"), "-o", str(other))
    assert code == 2 and "must not overwrite" in output


ID_NUMBER = "11010119900307123X"


def test_id_numbers_are_never_written(tmp_path: Path) -> None:
    # The office's roster holds 身份证号 and 性别: the plan and the notice show 性别, never the ID.
    people = [*staff("L", 3, 2), *staff("B1", 3, 1)]
    people = [
        t.__class__(**{**t.__dict__, "id_number": ID_NUMBER, "gender": Gender.FEMALE})
        for t in people
    ]
    people.append(teacher("0042", "B1", Grade.SMALL, hired=2026))
    inst = instance([kg("L", Role.LEAD, 5), kg("B1", Role.BRANCH, 3)], people)
    placed = (
        Assignment("L-small-0", Activity.ROTATION, "B1", 2026),
        Assignment("0042", Activity.INDUCTION, "L", 2026, partner="L-small-1"),
        Assignment("B1-middle-0", Activity.SHADOWING, "L", 2027, Semester.SPRING, 3),
    )
    plan = Schedule("default", 2026, 2, placed, created=dt.datetime(2026, 7, 1))
    report = verify(inst, placed)
    written = [
        write_schedule(tmp_path / "plan.xlsx", plan, inst, report),
        write_schedule(tmp_path / "plan.json", plan, inst, report, "json"),
    ]
    job = NoticeJob(plan, None, "strokes", dt.date(2026, 6, 1))
    written += write_notice(inst.roster, job, tmp_path / "notice.xlsx", docx=True)
    texts = [json.dumps(json.loads(written[1].read_text(encoding="utf-8")), ensure_ascii=False)]
    for path in (written[0], written[2]):
        texts += [str(c) for ws in load_workbook(path) for r in ws.iter_rows(values_only=True) for c in r]  # fmt: skip
    doc = Document(str(written[3]))
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    texts += [p.text for p in doc.paragraphs]
    assert not [t for t in texts if ID_NUMBER in t]
    assert "女" in texts  # 性别 is shown


def test_file_names_with_chinese_characters_and_spaces(demo_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "人事科 2026"
    folder.mkdir()
    roster = folder / "青浦 花名册(2026).xlsx"
    plan = folder / "交流 计划(2026).xlsx"
    shutil.copy(demo_dir / "roster.xlsx", roster)
    shutil.copy(demo_dir / "schedule.xlsx", plan)
    code, output = run("verify", str(roster), str(plan))
    assert code == 0, output
    notice = folder / "公示 名单(2026).xlsx"
    code, output = run("notice", str(roster), str(plan), "-o", str(notice), "--docx")
    assert code == 0, output
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [roster.name, plan.name, notice.name, "公示 名单(2026).docx"]
    )
    small = folder / "试点 花名册.xlsx"
    write_roster(generate(groups=1, kgs=3, seed=2, start_year=2026), small)
    code, output = run(
        "solve", str(small), "-o", str(folder / "试点 计划.json"), "--start-year", "2026",
        "--time-limit", "10",
    )  # fmt: skip
    assert code == 0, output
    assert read_schedule(folder / "试点 计划.json").start_year == 2026


def test_column_widths_fit_the_widest_value_of_each_column() -> None:
    rows = [("张三", "G01K01", 2026), ("欧阳娜娜", None, 2027), ("李四", "G01K01")] * 500
    header = ("姓名", "园所", "学年")
    # CJK counts double; a short row and None add nothing; a margin of 2, at most the cap
    assert column_widths(header, rows, 40) == [8 + 2, 6 + 2, 4 + 2]
    assert column_widths(header, [("x" * 99, "", 1)], 40) == [40, 4 + 2, 4 + 2]
    assert column_widths(header, [], 40) == [4 + 2, 4 + 2, 4 + 2]

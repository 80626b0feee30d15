"""Sheet and column names of the roster workbook (SPEC §4), shared by reader and writers.

Every name is bilingual. A sheet or header cell matches when, ignoring case, spaces,
underscores and brackets, it is the Chinese name, the English key, both in either order, or an
alias. The schedule writer may use `bilingual` and `normalize` for its own headers.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.instance import TIER_NAMES, Activity, Gender, Grade, Ownership, Role, Semester

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..model.instance import Labelled

YES, NO = "是", "否"
FIXED, FORBIDDEN = "固定", "禁止"
ON_STAFF, OFF_STAFF = "在编", "非在编"
SEMESTER_ROW, BLACKOUT_ROW = "学期", "停排"

_NOISE = re.compile(r"[\s_\-()（）\[\]【】:：*]+")


def normalize(text: object) -> str:
    """Comparable form of a name: NFKC, lower case, no spaces, underscores or brackets."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(text)).lower())


def bilingual(zh: str, en: str) -> str:
    """Header text as written: ``中文 english``."""
    return f"{zh} {en}"


def spellings(zh: str, en: str, aliases: Iterable[str] = ()) -> frozenset[str]:
    """Normalized names that match ``zh``/``en``: either alone, both in either order, aliases."""
    return frozenset(normalize(s) for s in (zh, en, zh + en, en + zh, *aliases))


@dataclass(frozen=True)
class Column:
    key: str  # English name, also the parsed field
    zh: str
    required: bool = True  # the column must be present (a cell may still be blank where allowed)
    width: int = 12
    choices: tuple[str, ...] = ()  # drop-down values in the template
    text: bool = False  # ids and references: format as text so Excel keeps leading zeros
    note: str = ""
    aliases: tuple[str, ...] = ()
    example: str = ""  # shown on the notes sheet
    instead: str = ""  # a required column may be absent when this column is present

    @property
    def header(self) -> str:
        return bilingual(self.zh, self.key)

    @property
    def names(self) -> frozenset[str]:
        return spellings(self.zh, self.key, self.aliases)


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    columns: tuple[Column, ...]
    required: bool
    note: str

    @property
    def title(self) -> str:
        """Sheet name as written, English first as SPEC §4 spells it."""
        return f"{self.key} {self.zh}"

    @property
    def names(self) -> frozenset[str]:
        return spellings(self.zh, self.key)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _zh(members: Iterable[Labelled]) -> tuple[str, ...]:
    return tuple(m.zh for m in members)


_YES_NO = (YES, NO)
_DATE = "日期 date: 2021-09, 2021.09, 2021/9, 2021年9月 或 Excel 日期"
_KG_REF = "园所代码或园名 kg_id or name"

KINDERGARTENS = Sheet(
    "kindergartens",
    "园所",
    (
        Column(
            "kg_id",
            "园所代码",
            width=12,
            text=True,
            note="唯一代码，可含前导零 unique id",
            aliases=("园所编号",),
            example="007",
        ),
        Column(
            "name",
            "园名",
            width=24,
            note="幼儿园名称 name",
            aliases=("园所名称", "幼儿园"),
            example="青浦区实验幼儿园",
        ),
        Column(
            "group",
            "集团",
            width=16,
            text=True,
            note="所属集团/学区/联盟 group",
            aliases=("教育集团", "学区"),
            example="实验幼儿园集团",
        ),
        Column(
            "role",
            "角色",
            width=10,
            choices=_zh(Role),
            note="总园/分园/成员园/加盟园 (或 lead/branch/member/affiliate)",
            example="总园",
        ),
        Column(
            "ownership",
            "性质",
            width=12,
            choices=_zh(Ownership),
            note="公办/普惠民办/民办",
            aliases=("办园性质",),
            example="公办",
        ),
        Column(
            "tier",
            "等级",
            width=10,
            choices=tuple(TIER_NAMES.values()),
            note="示范/一级/二级/三级/新建 或 5..1",
            aliases=("办园等级",),
            example="示范",
        ),
        Column("classes_small", "小班数", width=9, note="小班班级数 classes", example="3"),
        Column("classes_middle", "中班数", width=9, note="中班班级数 classes", example="3"),
        Column("classes_large", "大班数", width=9, note="大班班级数 classes", example="3"),
        Column(
            "classes_mixed",
            "混龄班数",
            required=False,
            width=10,
            note="可空 blank = 0",
            example="0",
        ),
        Column(
            "town",
            "乡镇",
            required=False,
            width=12,
            note="可空 optional",
            aliases=("街道", "乡镇街道"),
            example="赵巷镇",
        ),
    ),
    required=True,
    note="园所：每行一所幼儿园 one row per kindergarten",
)

TEACHERS = Sheet(
    "teachers",
    "教师",
    (
        Column(
            "teacher_id",
            "工号",
            width=12,
            text=True,
            note="唯一工号 unique id；无工号时以身份证号为准 without it, the ID number keys",
            aliases=("教师工号", "编号", "职工号", "人员编号"),
            example="T0001",
            instead="id_number",
        ),
        Column(
            "name",
            "姓名",
            width=10,
            note="姓名 name",
            aliases=("教师姓名", "教职工姓名"),
            example="张老师",
        ),
        Column(
            "home_kg",
            "编制所在园",
            width=18,
            text=True,
            note=_KG_REF,
            aliases=("所在园", "所在园所", "所在单位", "工作单位"),
            example="007",
        ),
        Column(
            "grade",
            "任教年级",
            width=10,
            choices=_zh(Grade),
            note="小班/中班/大班/混龄；干部可空 blank for cadres",
            example="中班",
        ),
        Column(
            "backbone",
            "是否骨干",
            width=9,
            choices=_YES_NO,
            note="是/否 (骨干、学科带头人、名师)",
            example="是",
        ),
        Column(
            "cadre", "是否干部", width=9, choices=_YES_NO, note="是/否 (中层以上干部)", example="否"
        ),
        Column(
            "hire_date",
            "参加工作时间",
            width=13,
            note=_DATE + "；必填 required",
            aliases=("参加工作日期", "工作时间"),
            example="2015-09",
        ),
        Column(
            "birth_date",
            "出生年月",
            width=11,
            note=_DATE + "；必填，有身份证号时可空 required unless the ID number is given",
            aliases=("出生日期",),
            example="1990.05",
            instead="id_number",
        ),
        Column(
            "veto",
            "不得跟岗原因",
            required=False,
            width=16,
            note="一票否决原因，无则空 veto reason, blank if none",
            example="有偿补课",
        ),
        Column(
            "unavailable",
            "不可交流学年",
            required=False,
            width=13,
            note="学年，如 2027 或 2027、2028 academic years",
            example="2027、2028",
        ),
        Column(
            "preferred_hosts",
            "意向园所",
            required=False,
            width=18,
            text=True,
            note=_KG_REF + "，多个以、分隔",
            example="008、青浦区第二幼儿园",
        ),
        Column(
            "gender",
            "性别",
            required=False,
            width=6,
            choices=_zh(Gender),
            note="女/男；可空 optional",
            aliases=("sex",),
            example="女",
        ),
        Column(
            "id_number",
            "身份证号",
            required=False,
            width=20,
            text=True,
            note="18 位，校验位检查；不写入任何排程输出 18 digits, checked; never in any output",
            aliases=("身份证号码", "身份证", "公民身份号码", "证件号码", "id_card"),
            example="",
        ),
        Column(
            "school_entry",
            "进本园时间",
            required=False,
            width=12,
            note=_DATE + "；可空 optional",
            aliases=("进园时间", "调入本园时间", "来园时间", "入园时间"),
            example="2018-09",
        ),
        Column(
            "on_staff",
            "是否在编",
            required=False,
            width=9,
            choices=(ON_STAFF, OFF_STAFF),
            note="在编/非在编 (或 是/否)；可空 optional",
            aliases=("在编", "编制情况", "在编情况", "人员性质"),
            example=ON_STAFF,
        ),
        Column(
            "title",
            "职称",
            required=False,
            width=12,
            note="专业技术职称；可空 optional",
            aliases=("专业技术职称", "职称等级"),
            example="一级教师",
        ),
    ),
    required=True,
    note="教师：每行一名教师 one row per teacher",
)

# A reference to a teacher of the teachers sheet (history and pins)
_TEACHER_REF = Column(
    "teacher_id",
    "工号",
    width=12,
    text=True,
    note="教师工号（或身份证号） teacher id (or ID number)",
    aliases=("教师工号", "身份证号", "身份证号码"),
    example="T0001",
)


def _activity_column(note: str, example: str) -> Column:
    """The activity type of a history record or a pin."""
    return Column(
        "type",
        "类型",
        width=12,
        choices=_zh(Activity),
        note=note,
        aliases=("交流类型",),
        example=example,
    )


HISTORY = Sheet(
    "history",
    "交流记录",
    (
        _TEACHER_REF,
        _activity_column("轮岗交流/新教师跟岗/跟岗学习/蹲点指导/置换交流", "跟岗学习"),
        Column(
            "host_kg", "交流园所", required=False, width=18, text=True, note=_KG_REF, example="007"
        ),
        Column("start", "开始时间", width=12, note=_DATE, example="2024-03-04"),
        Column(
            "end", "结束时间", required=False, width=12, note=_DATE + "；可空", example="2024-03-15"
        ),
    ),
    required=False,
    note="交流记录：计划开始前的交流 past exchanges (cooldowns, terms)",
)

DISTANCES = Sheet(
    "distances",
    "距离",
    (
        Column("from_kg", "起点园所", width=18, text=True, note=_KG_REF, example="007"),
        Column("to_kg", "终点园所", width=18, text=True, note=_KG_REF, example="008"),
        Column(
            "km", "距离", width=10, note="公里 km", aliases=("公里", "距离公里"), example="12.5"
        ),
    ),
    required=False,
    note="距离：园所间通勤距离（公里），对称 commute km, symmetric",
)

PINS = Sheet(
    "pins",
    "锁定",
    (
        _TEACHER_REF,
        _activity_column("交流类型 activity", "轮岗交流"),
        Column(
            "host_kg",
            "园所",
            required=False,
            width=18,
            text=True,
            note=_KG_REF,
            aliases=("交流园所",),
            example="008",
        ),
        Column(
            "year",
            "学年",
            width=8,
            note="学年起始年 academic year, e.g. 2027",
            aliases=("年度",),
            example="2027",
        ),
        Column(
            "semester",
            "学期",
            required=False,
            width=8,
            choices=_zh(Semester),
            note="秋季/春季；可空 blank = whole year",
            example="",
        ),
        Column(
            "mode",
            "锁定方式",
            width=10,
            choices=(FIXED, FORBIDDEN),
            note="固定 fixed / 禁止 forbidden",
            example="固定",
        ),
    ),
    required=False,
    note="锁定：人事科已定（固定）或不允许（禁止）的安排 office decisions",
)

CALENDAR = Sheet(
    "calendar",
    "校历",
    (
        Column(
            "type",
            "类型",
            width=8,
            choices=(SEMESTER_ROW, BLACKOUT_ROW),
            note="学期 semester（学期起止）/ 停排 blackout（不安排外出的日期）",
            aliases=("行类型",),
            example=SEMESTER_ROW,
        ),
        dataclasses.replace(
            PINS.column("year"),
            required=False,
            note="学期行：学年起始年 semester rows: academic year, e.g. 2027",
        ),
        dataclasses.replace(
            PINS.column("semester"),
            note="学期行：秋季/春季 semester rows: autumn/spring",
            example="秋季",
        ),
        Column(
            "start", "开始日期", width=12, note=_DATE, aliases=("开始时间",), example="2027-09-01"
        ),
        Column(
            "end",
            "结束日期",
            required=False,
            width=12,
            note=_DATE + "；学期行可空 = 默认长度 blank on a semester row: the default length",
            aliases=("结束时间",),
            example="2028-01-21",
        ),
        Column(
            "note",
            "说明",
            required=False,
            width=20,
            note="停排原因 blackout reason",
            aliases=("原因", "备注"),
            example="",
        ),
    ),
    required=False,
    note="校历：学期起止日期与停排日期 semester dates and weeks nobody is sent out",
)

SHEETS: tuple[Sheet, ...] = (KINDERGARTENS, TEACHERS, HISTORY, DISTANCES, PINS, CALENDAR)

# The district-partition input (`kgrota partition`): the roster's kindergarten columns without
# group and role, plus coordinates. Each row needs coordinates or a town.
PARTITION_KGS = Sheet(
    KINDERGARTENS.key,
    KINDERGARTENS.zh,
    (
        *(KINDERGARTENS.column(k) for k in ("kg_id", "name", "ownership", "tier", "town")),
        Column("lat", "纬度", required=False, aliases=("latitude",)),
        Column("lon", "经度", required=False, aliases=("longitude", "lng")),
        *(KINDERGARTENS.column(f"classes_{g.value}") for g in Grade),
    ),
    required=True,
    note="园所：每行一所幼儿园及其位置 one row per kindergarten, with its location",
)

NOTES_TITLE = "notes 说明"
NOTES_NAMES = spellings("说明", "notes", ("填表说明", "readme"))


def sheet_for(title: str) -> Sheet | None:
    """The roster sheet a workbook sheet name stands for, if any."""
    key = normalize(title)
    return next((s for s in SHEETS if key in s.names), None)

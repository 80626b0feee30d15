"""Cell values in and out: the one set of parsers every reader uses, and the formula guard
every writer uses.

A parser takes a non-blank cell value (the readers skip blanks before calling it) and returns
the parsed value or raises ValueError with a message the user can act on. Cells arrive as
calamine gives them (numbers as floats, blanks as ``""``) or as JSON values.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from typing import TYPE_CHECKING, TypeVar, cast

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils.datetime import from_excel
from rapidfuzz import fuzz, process

from ..model.i18n import _
from ..model.instance import (
    Activity,
    Gender,
    Grade,
    Labelled,
    Ownership,
    Role,
    Semester,
    parse_tier,
)
from .headers import BLACKOUT_ROW, FIXED, FORBIDDEN, OFF_STAFF, ON_STAFF, SEMESTER_ROW, normalize

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.child import _WorkbookChild

E = TypeVar("E", bound=Labelled)

_BOOL_WORDS = {
    **dict.fromkeys(("是", "y", "yes", "true", "1", "√", "✓", "✔", "对"), True),
    **dict.fromkeys(("否", "n", "no", "false", "0", "×", "✗", "x", "不是", "无"), False),
}
_STAFF_WORDS = {
    **dict.fromkeys((ON_STAFF, "编内", "是", "y", "yes", "1", "√", "✓", "true"), True),
    **dict.fromkeys(
        (
            OFF_STAFF,
            "编外",
            "不在编",
            "合同",
            "合同制",
            "聘用",
            "临聘",
            "代课",
            "否",
            "n",
            "no",
            "0",
            "×",
            "false",
        ),
        False,
    ),
}
_CALENDAR_WORDS = {
    **dict.fromkeys((SEMESTER_ROW, "semester", "学期起止"), True),
    **dict.fromkeys((BLACKOUT_ROW, "blackout", "停课", "不排", "暂停", "假期"), False),
}
_ID_NUMBER = re.compile(r"\d{17}[\dX]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
MAX_CLASSES = 30  # of one grade in one kindergarten: more is a typing error
_PIN_WORDS = {
    **dict.fromkeys(("fixed", FIXED, "锁定", "必须"), False),
    **dict.fromkeys(("forbidden", FORBIDDEN, "不得", "排除"), True),
}
_NONE_TEXT = {"无", "否", "没有", "none", "no", "n/a", "na", "/"}
_DATE_FORMS = "2021-09, 2021.09, 2021/9, 2021年9月, 202109, 2021-09-01 or an Excel date"
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_YEAR_DOT = re.compile(r"\d{4}\.\d{1,2}")  # 2019.09: read as the number Excel makes of it
_YEAR_DOT_ONE = re.compile(r"\d{4}\.1")
_COUNT = re.compile(r"(\d+)")
# 2026, 2026学年, 2026年, 2026-2027学年: an academic year is labelled by its first year
_YEAR = re.compile(r"(\d{4})(?:\s*[-–—/~至]\s*\d{4})?\s*(?:学年度|学年|年度|年)?")
_YEAR_COUNT = re.compile(r"(\d+)\s*年?")
_SLOT = re.compile(r"第?\s*(\d+)\s*(?:时段)?")
_YEAR_SEPARATORS = re.compile(r"[,，、;；\s]+")
_LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")  # names may contain spaces
# What Excel would run or turn into something else if the text were typed: a formula
# (= + - @, also full-width as a Chinese input method types them), a line that starts with a
# control character (CSV injection), or an error code such as #N/A.
_FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r", "\n")


# C0 controls but tab and line ends, DEL and C1 controls: they move a terminal's cursor or
# colours, and openpyxl refuses them (IllegalCharacterError)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str, replacement: str = "") -> str:
    """The text without control characters."""
    return _CONTROL.sub(replacement, text)


def suggest(text: str, choices: Iterable[str], *, whole: bool = False) -> str | None:
    """The choice closest to ``text``, if close enough to be what was meant (rapidfuzz).

    By default a part may stand for the whole (东街 for 东街幼儿园); ``whole`` compares whole
    texts only, as for headers, where 序号 is not 工号 but 出身年月 is 出生年月.
    """
    scorer, cutoff = (fuzz.ratio, 60) if whole else (fuzz.WRatio, 70)
    found = process.extractOne(text, list(choices), scorer=scorer, score_cutoff=cutoff)
    return None if found is None else str(found[0])


def blank(value: object) -> bool:
    """True for an empty cell: None, ``""`` or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _str(value: object) -> str:
    """The cell as text; an integral number (an id Excel stored as a number) loses its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def text(value: object) -> str:
    """Ids, names and labels as typed; a number typed as an id (123 or 123.0) is ``"123"``.

    A yes/no, date or time cell is refused: Excel makes those from typed text such as
    ``TRUE`` or ``3-1``, and keeping ``2026-03-01 00:00:00`` as an id would hide the damage.
    """
    if isinstance(value, str):  # the common case first: a city roster has 300,000 of these
        return value.strip()
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise ValueError(f"expected text, got {value!r}")
    return _str(value)


def optional_text(value: object) -> str | None:
    """Free text where 无 / none / - mean nothing."""
    typed = _str(value)
    key = normalize(typed)
    return None if not key or key in _NONE_TEXT else typed


def _integral(value: object) -> int | None:
    """A whole number cell (not a yes/no cell), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _whole(value: object, pattern: re.Pattern[str]) -> int | None:
    """A whole number cell, or text matching ``pattern`` whose first group is the number."""
    if not isinstance(value, str):
        return _integral(value)
    match = pattern.fullmatch(value.strip())
    return int(match.group(1)) if match else None


def count(value: object) -> int:
    """A count such as classes: a whole number >= 0."""
    number = _whole(value, _COUNT)
    if number is None or number < 0:
        raise ValueError(_("{value!r} is not a whole number >= 0").format(value=value))
    return number


def classes(value: object) -> int:
    """Classes of one grade in one kindergarten: 0 to `MAX_CLASSES`."""
    number = count(value)
    if number > MAX_CLASSES:
        message = _("{value!r} classes of one grade is more than {most}: a typing error?")
        raise ValueError(message.format(value=value, most=MAX_CLASSES))
    return number


def id_number(value: object) -> str:
    """A resident ID number (身份证号): 18 characters, the last a check digit (GB 11643)."""
    if not isinstance(value, str):
        raise ValueError(
            _(
                "an ID number stored as a number loses its last digits in Excel: format the "
                "column as text and type the numbers again"
            )
        )
    typed = unicodedata.normalize("NFKC", value).strip().upper()
    if len(typed) == 15 and typed.isdigit():
        raise ValueError(
            _("{value!r} is an old 15-digit ID number: give the 18-digit one").format(value=value)
        )
    if _ID_NUMBER.fullmatch(typed) is None:
        raise ValueError(_("{value!r} is not an 18-character ID number").format(value=value))
    total = sum(int(d) * w for d, w in zip(typed[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != typed[17]:
        raise ValueError(
            _(
                "{value!r}: the check digit does not match (a typing error in the ID number?)"
            ).format(value=value)
        )
    try:
        id_birth_date(typed)
    except ValueError:
        raise ValueError(
            _("{value!r}: the birth date inside the ID number is not a date").format(value=value)
        ) from None
    return typed


def id_birth_date(number: str) -> dt.date:
    """The birth date an 18-character ID number holds (characters 7 to 14)."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_gender(number: str) -> Gender:
    """The gender an 18-character ID number holds (the 17th character: odd for men)."""
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


def year(value: object) -> int:
    """An academic year: 2027, 2027.0, "2027年", "2027学年" or "2027-2028学年"."""
    number = _whole(value, _YEAR)
    if number is None or not 1900 <= number <= 2200:
        raise ValueError(f"{value!r} is not a year such as 2027 or 2027学年")
    return number


def years(value: object) -> frozenset[int]:
    """Academic years in one cell, separated by , ， 、 ; or spaces: ``2027、2028``."""
    return frozenset(year(token) for token in _YEAR_SEPARATORS.split(_str(value)) if token)


def _from_one(value: object, pattern: re.Pattern[str], what: str, name: str) -> int:
    """A whole number >= 1 given as a number or as text matching ``pattern``."""
    number = _whole(value, pattern)
    if number is None:
        raise ValueError(f"{value!r} is not {what}")
    if number < 1:
        raise ValueError(f"{name} must be 1 or more")
    return number


def year_count(value: object) -> int:
    """A number of years (3 or 3年), at least 1."""
    return _from_one(value, _YEAR_COUNT, "a number of years", "years")


def slot(value: object) -> int:
    """A slot number within a semester (2, 第2时段), counted from 1."""
    return _from_one(value, _SLOT, "a slot number (1, 2, …)", "slot")


def _month_of_decimals(value: float) -> int:
    """Month from a year.month number: Excel turns a typed 2021.09 into 2021.09 and 2021.10
    into 2021.1, so the decimals are month digits (2021.1 = October); 2021.9 means September."""
    digits = f"{value:.2f}".split(".")[1]
    month = int(digits)
    return int(digits[0]) if month > 12 and digits[1] == "0" else month


def month_guessed(value: object) -> bool:
    """True for 2019.1, number or text: read as October (Excel stores a typed 2019.10 as the
    number 2019.1), though it may have meant January."""
    if isinstance(value, float):
        return f"{value:.2f}".endswith(".10") and 1900 <= value < 2200
    return isinstance(value, str) and _YEAR_DOT_ONE.fullmatch(value.strip()) is not None


def _serial_or_compact(value: float) -> dt.date:
    """A date typed as a number: 201909 (year and month), 20190901, or an Excel day number."""
    if float(value).is_integer():
        number = int(value)
        if 190001 <= number <= 219912:
            return dt.date(number // 100, number % 100, 1)
        if 19000101 <= number <= 21991231:
            return dt.date(number // 10000, number // 100 % 100, number % 100)
    if 20000 <= value < 80000:  # an Excel serial day number shown without a date format
        return cast("dt.datetime", from_excel(value)).date()
    raise ValueError


def date(value: object) -> dt.date:
    """A year and month (day optional), in the forms of `_DATE_FORMS`, typed or as a number.

    A year.month reads the same typed as text or as a number: 2019.09 and 2019.9 are
    September, 2019.10 October, and 2019.1 October too (what Excel makes of a typed 2019.10;
    `month_guessed` tells the reader to warn). 201909 is September 2019 either way.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        typed = value
        if isinstance(value, str) and _YEAR_DOT.fullmatch(value.strip()):
            typed = float(value)
        if isinstance(typed, int | float) and not isinstance(typed, bool):
            if 1900 <= typed < 2200:
                if float(typed).is_integer():
                    raise ValueError
                return dt.date(int(typed), _month_of_decimals(float(typed)), 1)
            return _serial_or_compact(typed)
        typed = _str(value)
        match = _DATE_TEXT.fullmatch(typed) or _DATE_COMPACT.fullmatch(typed)
        if match is None:
            raise ValueError
        year_text, month, day = match.groups()
        if not 1900 <= int(year_text) < 2200:
            raise ValueError
        return dt.date(int(year_text), int(month), int(day or 1))
    except (ValueError, OverflowError):
        message = _("{value!r} is not a year and month ({forms})")
        raise ValueError(message.format(value=value, forms=_DATE_FORMS)) from None


def timestamp(value: object) -> dt.datetime:
    """A date and time: an Excel date or ISO text such as ``2026-07-01T09:30:00``."""
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a timestamp (2026-07-01T09:30:00)") from None


def tier(value: object) -> int:
    """A tier 5..1 as a number or a name (示范/一级/二级/三级/新建)."""
    number = _integral(value)
    return parse_tier(number if number is not None else _str(value))


def _word(value: object, words: Mapping[str, bool]) -> bool | None:
    """The meaning of a cell such as ``是``, ``yes`` or ``是 yes`` (every word must agree)."""
    found = {words.get(word) for word in _str(value).lower().split()}
    return found.pop() if len(found) == 1 else None


def _flag(
    value: object,
    words: Mapping[str, bool],
    refusal: Callable[[object], str],
    *,
    cell: bool = False,
) -> bool:
    """The meaning of a cell by ``words`` (a yes/no cell as itself if ``cell``), or refuse it
    with the message ``refusal`` gives."""
    flag = value if cell and isinstance(value, bool) else _word(value, words)
    if flag is None:
        raise ValueError(refusal(value))
    return flag


def yes_no(value: object) -> bool:
    """是/否, Y/N, yes/no, 1/0, √/× or a yes/no cell."""
    return _flag(
        value, _BOOL_WORDS, lambda v: f"{v!r} is not yes or no (是/否, Y/N, 1/0)", cell=True
    )


def on_staff(value: object) -> bool:
    """在编 (True) or 非在编 (False); also 是/否 and the usual words for contract staff."""

    def refusal(v: object) -> str:
        return _("{value!r} is not {on} or {off}").format(value=v, on=ON_STAFF, off=OFF_STAFF)

    return _flag(value, _STAFF_WORDS, refusal, cell=True)


def semester_row(value: object) -> bool:
    """A calendar row's type: True for 学期 semester, False for 停排 blackout."""

    def refusal(v: object) -> str:
        message = _("{value!r} is not {semester} semester or {blackout} blackout")
        return message.format(value=v, semester=SEMESTER_ROW, blackout=BLACKOUT_ROW)

    return _flag(value, _CALENDAR_WORDS, refusal)


def pin_forbidden(value: object) -> bool:
    """A pin's mode: True for 禁止 forbidden, False for 固定 fixed."""
    return _flag(value, _PIN_WORDS, lambda v: f"{v!r} is not 固定 fixed or 禁止 forbidden")


def real(unit: str, low: float, high: float = math.inf) -> Callable[[object], float]:
    """A parser of finite numbers in ``low..high`` (kilometres, degrees)."""
    span = f"{low:g}..{high:g}".replace("inf", "∞")

    def parse(value: object) -> float:
        try:
            number = float(_str(value))  # via text: a yes/no cell is not a number
        except ValueError:
            raise ValueError(f"{value!r} is not a number of {unit}") from None
        if not (math.isfinite(number) and low <= number <= high):
            raise ValueError(f"{value!r} is outside {span} {unit}")
        return number

    return parse


def enum(cls: type[E]) -> Callable[[object], E]:
    """A parser of one `Labelled` enum: its English value, Chinese label or an alias."""
    # Cached by text: a city roster repeats a handful of spellings 60,000 times, and
    # Labelled.parse scans every member's names on each call.
    spelled = functools.cache(cls.parse)
    names = {name: m.label for m in cls for name in (m.zh, m.value, *m.aliases)}

    def parse(value: object) -> E:
        try:
            return cast("E", spelled(_str(value)))
        except ValueError as exc:
            meant = suggest(_str(value), names)
            if meant is None:
                raise
            message = _("{problem}; did you mean {choice}?")
            raise ValueError(message.format(problem=exc, choice=names[meant])) from None

    return parse


def items(value: object) -> list[str]:
    """Several entries in one cell, separated by , ， 、 ; or new lines."""
    return [t.strip() for t in _LIST_SEPARATORS.split(_str(value)) if t.strip()]


KM = real("km", 0)
LATITUDE, LONGITUDE = real("degrees", -90, 90), real("degrees", -180, 180)
GRADE, ROLE, OWNERSHIP, GENDER = enum(Grade), enum(Role), enum(Ownership), enum(Gender)
ACTIVITY, SEMESTER = enum(Activity), enum(Semester)


def literal(sheet: _WorkbookChild, value: object) -> object:
    """The value to write, as a text cell when Excel would otherwise run it or change it.

    The one formula-injection guard of every writer: a name such as ``=HYPERLINK(…)`` is
    stored as text (openpyxl would write a live formula), and marked with Excel's quote
    prefix so that editing the cell later keeps it text. It reads back unchanged.
    """
    if not isinstance(value, str) or not (value.startswith(_FORMULA_START) or value in ERROR_CODES):
        return value
    cell: Cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell

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
from typing import TYPE_CHECKING, TypeVar, cast

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils.datetime import from_excel

from ..model.instance import Activity, Grade, Labelled, Ownership, Role, Semester, parse_tier
from .headers import FIXED, FORBIDDEN, normalize

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.child import _WorkbookChild

E = TypeVar("E", bound=Labelled)

_BOOL_WORDS = {
    **dict.fromkeys(("是", "y", "yes", "true", "1", "√", "✓", "✔", "对"), True),
    **dict.fromkeys(("否", "n", "no", "false", "0", "×", "✗", "x", "不是", "无"), False),
}
_PIN_WORDS = {
    **dict.fromkeys(("fixed", FIXED, "锁定", "必须"), False),
    **dict.fromkeys(("forbidden", FORBIDDEN, "不得", "排除"), True),
}
_NONE_TEXT = {"无", "否", "没有", "none", "no", "n/a", "na", "/"}
_DATE_FORMS = "2021-09, 2021.09, 2021/9, 2021年9月, 2021-09-01 or an Excel date"
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?|月)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
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
        raise ValueError(f"{value!r} is not a whole number >= 0")
    return number


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


def date(value: object) -> dt.date:
    """A year and month (day optional), in the forms of `_DATE_FORMS`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 1900 <= value < 2200:
                if float(value).is_integer():
                    raise ValueError
                return dt.date(int(value), _month_of_decimals(float(value)), 1)
            if 20000 <= value < 80000:  # an Excel serial day number shown without a date format
                return cast("dt.datetime", from_excel(value)).date()
            raise ValueError
        typed = _str(value)
        match = _DATE_TEXT.fullmatch(typed) or _DATE_COMPACT.fullmatch(typed)
        if match is None:
            raise ValueError
        year_text, month, day = match.groups()
        if not 1900 <= int(year_text) < 2200:
            raise ValueError
        return dt.date(int(year_text), int(month), int(day or 1))
    except (ValueError, OverflowError):
        raise ValueError(f"{value!r} is not a year and month ({_DATE_FORMS})") from None


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


def yes_no(value: object) -> bool:
    """是/否, Y/N, yes/no, 1/0, √/× or a yes/no cell."""
    flag = value if isinstance(value, bool) else _word(value, _BOOL_WORDS)
    if flag is None:
        raise ValueError(f"{value!r} is not yes or no (是/否, Y/N, 1/0)")
    return flag


def pin_forbidden(value: object) -> bool:
    """A pin's mode: True for 禁止 forbidden, False for 固定 fixed."""
    forbidden = _word(value, _PIN_WORDS)
    if forbidden is None:
        raise ValueError(f"{value!r} is not 固定 fixed or 禁止 forbidden")
    return forbidden


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

    def parse(value: object) -> E:
        return cast("E", spelled(_str(value)))

    return parse


def items(value: object) -> list[str]:
    """Several entries in one cell, separated by , ， 、 ; or new lines."""
    return [t.strip() for t in _LIST_SEPARATORS.split(_str(value)) if t.strip()]


KM = real("km", 0)
LATITUDE, LONGITUDE = real("degrees", -90, 90), real("degrees", -180, 180)
GRADE, ROLE, OWNERSHIP = enum(Grade), enum(Role), enum(Ownership)
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

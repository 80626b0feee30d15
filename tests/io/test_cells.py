"""The one set of cell parsers (io/cells.py): every form each reader has accepted, and refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from kgrota.io import cells
from kgrota.model import Activity, Grade, Semester


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" T1 ", "T1"),
        (7.0, "7"),  # an id Excel stored as a number
        (7, "7"),
        (2.5, "2.5"),
        ("007", "007"),
    ],
)
def test_text(value: object, expected: str) -> None:
    assert cells.text(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        True,  # Excel made TRUE of typed text
        dt.datetime(2026, 3, 1),  # ... and a date of "3-1"
        dt.date(2026, 3, 1),
        dt.time(10, 0),
        dt.timedelta(hours=1),
    ],
)
def test_text_refuses_what_excel_made_of_typed_text(value: object) -> None:
    with pytest.raises(ValueError, match="expected text"):
        cells.text(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("有偿补课", "有偿补课"), ("无", None), ("None", None), ("-", None), ("（无）", None)],
)
def test_optional_text(value: object, expected: str | None) -> None:
    assert cells.optional_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), (" 3 ", 3), ("３", 3), (0, 0)])
def test_count(value: object, expected: int) -> None:
    assert cells.count(value) == expected


@pytest.mark.parametrize("value", [-1, 2.5, "three", "²", True, "-1"])
def test_count_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="not a whole number >= 0"):
        cells.count(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2027, 2027),
        (2027.0, 2027),
        ("2027", 2027),
        ("2027年", 2027),
        ("2027学年", 2027),
        ("2027学年度", 2027),
        ("2027-2028学年", 2027),  # the schedule reader's form, now the roster's too
        ("2027 – 2028", 2027),
    ],
)
def test_year(value: object, expected: int) -> None:
    assert cells.year(value) == expected


@pytest.mark.parametrize("value", ["明年", 1800, 2027.5, True, "27"])
def test_year_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="not a year such as 2027"):
        cells.year(value)


def test_years_slot_and_year_count() -> None:
    assert cells.years("2027、2028，2029 2030") == {2027, 2028, 2029, 2030}
    assert cells.years(2027.0) == {2027}
    assert (cells.slot("第2时段"), cells.slot(3.0), cells.year_count("3年")) == (2, 3, 3)
    with pytest.raises(ValueError, match="slot must be 1 or more"):
        cells.slot(0)
    with pytest.raises(ValueError, match="not a number of years"):
        cells.year_count("many")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-09", dt.date(2021, 9, 1)),
        (2021.1, dt.date(2021, 10, 1)),  # Excel's number for a typed 2021.10
        ("20210915", dt.date(2021, 9, 15)),
        (44440.0, dt.date(2021, 9, 1)),  # a serial day number as calamine gives it
    ],
)
def test_date(value: object, expected: dt.date) -> None:
    assert cells.date(value) == expected


def test_timestamp() -> None:
    stamp = dt.datetime(2026, 7, 1, 9, 30)
    assert cells.timestamp("2026-07-01T09:30:00") == stamp == cells.timestamp(stamp)
    with pytest.raises(ValueError, match="not a timestamp"):
        cells.timestamp("soon")


@pytest.mark.parametrize(
    ("value", "expected"), [("示范", 5), (4.0, 4), ("3", 3), ("新建园", 1), (2, 2)]
)
def test_tier(value: object, expected: int) -> None:
    assert cells.tier(value) == expected


@pytest.mark.parametrize("value", [True, 4.5, "超级", 6])
def test_tier_refuses(value: object) -> None:
    with pytest.raises(ValueError, match="tier"):
        cells.tier(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("是", True), ("Y", True), (1.0, True), (True, True), ("否 no", False), ("×", False)],
)
def test_yes_no(value: object, expected: bool) -> None:
    assert cells.yes_no(value) is expected


def test_yes_no_and_pin_mode_refuse_mixed_words() -> None:
    with pytest.raises(ValueError, match="not yes or no"):
        cells.yes_no("是 no")
    assert cells.pin_forbidden("禁止 forbidden") is True and cells.pin_forbidden("固定") is False
    with pytest.raises(ValueError, match="固定 fixed or 禁止 forbidden"):
        cells.pin_forbidden("maybe")


def test_real_numbers_in_range() -> None:
    assert cells.KM(12.5) == 12.5 and cells.KM("3") == 3.0 and cells.LATITUDE(-90) == -90.0
    for parse, value, words in [
        (cells.KM, -1, "outside 0..∞ km"),
        (cells.KM, "inf", "outside"),
        (cells.KM, "nan", "outside"),
        (cells.KM, True, "not a number of km"),  # a yes/no cell is not a distance
        (cells.LATITUDE, 95, "outside -90..90 degrees"),
        (cells.LONGITUDE, "东经114", "not a number of degrees"),
    ]:
        with pytest.raises(ValueError, match=words):
            parse(value)


def test_enums_and_lists() -> None:
    assert cells.GRADE("小班") is Grade.SMALL and cells.GRADE(" middle ") is Grade.MIDDLE
    assert cells.ACTIVITY("轮岗") is Activity.ROTATION and cells.SEMESTER("春") is Semester.SPRING
    with pytest.raises(ValueError, match="is not one of"):
        cells.GRADE("小小班")
    assert cells.items("008、青浦 二幼; 007\n009，") == ["008", "青浦 二幼", "007", "009"]

"""The school calendar: no slot touches a statutory holiday or a semester's first or last
week; the 校历 sheet's dates and blackouts are honoured; unofficial holiday years are noted."""

from __future__ import annotations

import datetime as dt

import pytest

from kgrota.model import Horizon, SchoolCalendar, Semester
from kgrota.model.calendar import statutory

DAY = dt.timedelta(days=1)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + DAY * i for i in range((last - first).days + 1)]


@pytest.mark.parametrize("start", [2024, 2026, 2029])
def test_no_slot_touches_a_holiday_or_the_first_or_last_week(start: int) -> None:
    horizon = Horizon(start, years=3)
    for year, semester in horizon.semesters:
        first, last = horizon.semester_days(year, semester)
        slots = horizon.slots(year, semester)
        assert 5 <= len(slots) <= 9  # 18 weeks less holidays, cut in two-week slots
        for begin, end in slots:
            assert begin.weekday() == 0 and end.weekday() == 4
            assert (end - begin).days in (4, 11)  # one or two weeks
            assert begin - first >= dt.timedelta(days=7) and last - end >= dt.timedelta(days=7)
            for day in _days(begin, end):
                assert day not in statutory(day.year), (day, statutory(day.year)[day])


def test_national_day_week_and_new_year_are_blocked() -> None:
    horizon = Horizon(2026)
    reasons = {w.monday: w.blocked for w in horizon.teaching_weeks(2026, Semester.AUTUMN)}
    assert reasons[dt.date(2026, 9, 28)] == "国庆节"
    assert reasons[dt.date(2026, 10, 5)] and "国庆" in reasons[dt.date(2026, 10, 5)]
    assert reasons[dt.date(2026, 12, 28)] == "元旦"
    assert reasons[dt.date(2026, 9, 7)] == "开学第一周"
    golden = _days(dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    for begin, end in horizon.slots(2026, Semester.AUTUMN):
        assert not set(golden) & set(_days(begin, end))


def test_school_calendar_sets_dates_and_blackouts() -> None:
    calendar = SchoolCalendar(
        semesters=((2026, Semester.SPRING, dt.date(2027, 2, 22), dt.date(2027, 6, 30)),),
        blackouts=((dt.date(2027, 3, 15), dt.date(2027, 3, 19), "督导检查"),),
    )
    horizon = Horizon(2026, years=1, calendar=calendar)
    assert horizon.semester_days(2026, Semester.SPRING) == (
        dt.date(2027, 2, 22),
        dt.date(2027, 6, 30),
    )
    weeks = {w.monday: w.blocked for w in horizon.teaching_weeks(2026, Semester.SPRING)}
    assert weeks[dt.date(2027, 2, 22)] == "开学第一周"
    assert weeks[dt.date(2027, 3, 15)] == "督导检查"
    assert weeks[dt.date(2027, 6, 28)] == "学期最后一周"
    assert all(
        not (begin <= dt.date(2027, 3, 17) <= end)
        for begin, end in horizon.slots(2026, Semester.SPRING)
    )


def test_years_without_official_arrangements_are_noted() -> None:
    assert Horizon(2024, years=2).guessed_years() == []  # 2024–2026 are published
    assert Horizon(2026, years=3).guessed_years() == [2027, 2028, 2029]
    listed = SchoolCalendar(blackouts=((dt.date(2028, 1, 2), dt.date(2028, 1, 5), "调休"),))
    assert Horizon(2026, years=3, calendar=listed).guessed_years() == [2027, 2029]


def test_a_calendar_with_a_blackout_longer_than_its_range_is_refused() -> None:
    with pytest.raises(ValueError, match="blackout"):
        SchoolCalendar(blackouts=((dt.date(2027, 3, 19), dt.date(2027, 3, 15), "x"),))

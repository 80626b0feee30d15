"""The verifier's messages speak the clerk's language: Chinese by default, English with
``--lang en``; in Chinese nothing English is left but ids and numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from conftest import START, profile
from test_verify import CASES, Case

from kgrota.model import RULES, Activity, HistoryRecord, Instance, Semester
from kgrota.model.i18n import speaking
from kgrota.model.rules.plan import desc
from kgrota.model.schedule import Assignment
from kgrota.model.verify import verify

if TYPE_CHECKING:
    from collections.abc import Iterable

ROT, LEARN = Activity.ROTATION, Activity.LEARNING

# Both of L's small-class backbones rotate out in the first year: L's small classes run short
# (STAFF-CLASS), nobody is left to mentor B1's new teacher (IND-LEAD) and two fewer guides
# can make the members' visits (GUIDE-SIX); B1-middle-0, back from a year at L in 2024, goes
# again after one year at home where the profile asks for two (REST-YEAR).
SCHEDULE = (
    Assignment("L-small-0", ROT, "B1", START),
    Assignment("L-small-1", ROT, "B2", START),
    Assignment("B1-middle-0", LEARN, "L", START),
)
PAST = HistoryRecord("B1-middle-0", LEARN, "L", dt.date(2024, 9, 1), dt.date(2025, 7, 10))

# Chinese message of each rule for the schedule: the first of its violations.
CHINESE = {
    "STAFF-CLASS": "L 小班 2026学年：在岗教师 1 人，应有 2 人（1 个班，本园教师 3 人；每班2名专任教师）",
    "IND-LEAD": (
        "B1 新教师 B1-new 2026学年未安排到总园 L 工作学习（新教师在总园工作学习一年，以老带新）"
        "；总园该年级的骨干教师当年都在外交流"
    ),
    "REST-YEAR": (
        "B1-middle-0 的交流2024学年结束，2026学年又被派出，其间只在本园 1 年；两次交流之间须"
        "回本园工作至少 2 年（须及时回到原学校）"
    ),
    "GUIDE-SIX": (
        "B1 2026学年：没有蹲点指导开展“专题讲座”（每学年“六个一”）；总园当年可派的指导人员 "
        "5 人，只能完成所需 6 次中的 5 次（另有 2 人当年在外交流或不能参加）"
    ),
}


def _first(inst: Instance, lang: str) -> dict[str, str]:
    """Rule id → the first message of its violations, verified in ``lang``."""
    with speaking(lang):
        report = verify(inst, SCHEDULE)
    out: dict[str, str] = {}
    for result in report.rules:
        for v in result.violations:
            out.setdefault(v.rule_id, v.message)
    return out


@pytest.fixture
def short_of_guides(tight_small: Instance) -> Instance:
    """tight_small with PAST, two years' rest, and one visit a year for each guide: 5 guides
    at home, 6 visits needed."""
    return dataclasses.replace(
        tight_small,
        roster=dataclasses.replace(tight_small.roster, history=(PAST,)),
        profile=profile(guide_max_per_year=1, rest_years=2),
    )


def test_violations_read_in_chinese(short_of_guides: Instance) -> None:
    zh = _first(short_of_guides, "zh")
    assert {rule: zh[rule] for rule in CHINESE} == CHINESE


def _english_words(inst: Instance, schedule: Iterable[Assignment]) -> list[str]:
    """The Chinese messages of a schedule that still hold Latin letters once the roster's and
    the schedule's ids, the group names and the rule ids are taken out."""
    schedule = list(schedule)
    ids = {t.teacher_id for t in inst.teachers} | {rule.id for rule in RULES}
    ids |= {name for k in inst.kindergartens for name in (k.kg_id, k.group)}
    ids |= {name for a in schedule for name in (a.teacher_id, a.host_kg)}
    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
    with speaking("zh"):
        report = verify(inst, schedule)
    messages = [v.message for r in report.rules for v in r.violations]
    assert messages
    return [m for m in messages if re.search("[A-Za-z]", pattern.sub("", m))]


def test_chinese_messages_have_no_english_words(short_of_guides: Instance) -> None:
    # Every violation of the schedule, not only the four above.
    assert not _english_words(short_of_guides, SCHEDULE)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule_id}-{'hard' if c.hard else 'soft'}")
def test_every_rule_speaks_chinese(case: Case) -> None:
    # The verifier's mutation of each rule (tests/model/test_verify.py), read in Chinese.
    assert not _english_words(case.build(**case.profile), case.schedules()[1])


def test_the_same_violations_read_in_english(short_of_guides: Instance) -> None:
    en, zh = _first(short_of_guides, "en"), _first(short_of_guides, "zh")
    assert en.keys() == zh.keys()  # the language changes the words, never the findings
    assert en["STAFF-CLASS"] == (
        "L small 2026: 1 teachers present, 2 required (1 classes, 3 at home; 每班2名专任教师)"
    )
    assert en["IND-LEAD"].endswith("; the lead's backbones of this grade are all away that year")


def test_assignment_described_in_either_language() -> None:
    visit = Assignment("B1-small-0", Activity.SHADOWING, "L", START, Semester.AUTUMN, 1)
    with speaking("zh"):
        assert desc(visit) == "B1-small-0 2026学年秋季学期第1时段到 L 跟岗学习"
        assert desc(SCHEDULE[0]) == "L-small-0 2026学年到 B1 轮岗交流"
    with speaking("en"):
        assert desc(visit) == "B1-small-0 shadowing at L in 2026 autumn slot 1"
        assert desc(SCHEDULE[0]) == "L-small-0 rotation at B1 in 2026"

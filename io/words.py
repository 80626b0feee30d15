"""The words a clerk reads for the model's values, in the current language (Chinese first).

Every activity, role, grade, semester and group word of the outputs goes through `word`, so a
profile's own words (总园 / 牵头园 / 中心园, 集团 / 联盟 / 学区, 团队进驻; SPEC §10 Words) can
replace the defaults in this one place. Status, severity and term names come from the message
catalogue like every other message. Dates always carry their year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ..model import Rule, SolveStatus
from ..model.i18n import N_, _, language
from ..model.instance import TIER_NAMES, Labelled

if TYPE_CHECKING:
    import datetime as dt

    from ..model import Profile

GROUP: Literal["group"] = "group"  # the word for a group: 集团, or the profile mode's 联盟 / 学区

# (Chinese, English) group word by the profile's group mode (SPEC §1 vocabulary)
_GROUP_WORDS = {
    "alliance": ("联盟", "alliance"),
    "district": ("学区", "district"),
}
_GROUP_DEFAULT = ("集团", "group")

_STATUS = {
    SolveStatus.OPTIMAL: N_("proven best"),
    SolveStatus.FEASIBLE: N_("good, not proven best"),
    SolveStatus.GREEDY: N_("simple plan (no solver plan in time)"),
    SolveStatus.UNKNOWN: N_("no plan found in time"),
    SolveStatus.INFEASIBLE: N_("no plan satisfies the hard rules"),
}
RULE_STATUS = {
    "passed": N_("passed"),
    "failed": N_("failed"),
    "shortfall": N_("not fully met"),
    "off": N_("off"),
}
SEVERITY = {"hard": N_("hard"), "soft": N_("soft"), "off": N_("off")}
TERMS = {
    "uplift": N_("support to weaker kindergartens"),
    "fairness": N_("fair share of the weakest member"),
    "spread": N_("longest at home goes first"),
    "commute": N_("commute"),
    "preference": N_("preferences met"),
    "stability": N_("changes against the previous plan"),
}
PENALTY = "penalty:"


def word(thing: Labelled | Literal["group"], profile: Profile | None = None) -> str:
    """What the office calls ``thing`` (an activity, role, grade, semester, gender, or
    `GROUP`) under ``profile``, in the current language."""
    chinese = language() == "zh"
    key = thing.value if isinstance(thing, Labelled) else thing
    own = profile.words.get(key) if profile is not None else None
    if chinese and own:
        return own
    if isinstance(thing, Labelled):
        return thing.zh if chinese else thing.value
    zh, en = _GROUP_WORDS.get(profile.mode if profile else "", _GROUP_DEFAULT)
    return zh if chinese else en


_TIER_EN = {5: N_("model"), 4: N_("first grade"), 3: N_("second grade"), 2: N_("third grade")}
_TIER_EN[1] = N_("new")


def tier_word(tier: int) -> str:
    """A kindergarten's tier as the office names it (示范 … 新建; English: model … new)."""
    return TIER_NAMES[tier] if language() == "zh" else _(_TIER_EN[tier])


def status_word(status: SolveStatus) -> str:
    return _(_STATUS[status])


def rule_text(rule: Rule) -> str:
    """The rule's wording in the current language."""
    return rule.text_zh if language() == "zh" else rule.text


def term_name(term: str, rules: dict[str, Rule]) -> str:
    """An objective term's name; ``penalty:RULE-ID`` names the rule it counts against."""
    if term.startswith(PENALTY):
        rule_id = term.removeprefix(PENALTY)
        rule = rules.get(rule_id)
        text = rule_text(rule) if rule else rule_id
        return _("unmet: {rule} ({id})").format(rule=text, id=rule_id)
    return _(TERMS[term]) if term in TERMS else term


def yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def year_label(year: int) -> str:
    """``2026-2027学年``: an academic year by both its calendar years."""
    return _("{first}-{last} school year").format(first=year, last=year + 1)


def day(date: dt.date) -> str:
    """A date with its year, as the office writes it (2026年9月14日)."""
    return _("{year}-{month:02}-{day:02}").format(year=date.year, month=date.month, day=date.day)


def span(start: dt.date, end: dt.date) -> str:
    """A date range; the end drops its year when it is the start's (2026年9月14日—9月25日)."""
    if start.year == end.year:
        last = _("{month:02}-{day:02}").format(month=end.month, day=end.day)
    else:
        last = day(end)
    return _("{start} to {end}").format(start=day(start), end=last)


def months(start: dt.date, end: dt.date) -> str:
    """A year-long stay by its months (2026年9月—2027年7月)."""
    first = _("{year}-{month:02}").format(year=start.year, month=start.month)
    last = _("{year}-{month:02}").format(year=end.year, month=end.month)
    return _("{start} to {end}").format(start=first, end=last)

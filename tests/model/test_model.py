"""Data model and profile loading."""

from __future__ import annotations

import pytest

from kgrota.model import RULES, Grade, Instance, builtin_profiles, load_profile, profile_from_dict
from kgrota.model.rules.induction import induction_year
from kgrota.model.rules.staffing import required


def test_every_builtin_profile_loads() -> None:
    for name in builtin_profiles():
        assert load_profile(name).name == name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bogus": 1}, "unknown key or section"),  # a typo at top level
        (
            {"rotation": {"max_per_grad": 2}},
            "unknown key [rotation] max_per_grad",
        ),  # typo in a section
        ({"rules": {"NOPE": {"severity": "soft"}}}, "unknown rule"),  # unknown rule id
        ({"rules": {"SHD-CAP": {"severity": "soft"}}}, "cannot be soft"),  # structural rule
        ({"rotation": {"max_per_grade": "2"}}, "must be int"),  # wrong type
        ({"mode": "chaos"}, "mode must be"),  # bad enum
        ({"horizon": {"slot_weeks": 3}}, "slot_weeks"),  # SHD-LEN: never above 2 weeks
    ],
)
def test_bad_profile_is_rejected(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        profile_from_dict(data)


def test_rule_catalogue_has_citations() -> None:
    for rule in RULES:
        assert rule.source and rule.text and rule.text_zh and rule.detail


def test_required_staff_is_capped_by_home_count(tight_small: Instance) -> None:
    # one class per grade -> 2 required; three teachers at home -> 2
    assert required(tight_small, "L", Grade.SMALL) == 2
    assert required(tight_small, "A", Grade.SMALL) == 2
    assert tight_small.group_mode("G") == "tight"
    assert induction_year(tight_small, tight_small.teacher["B1-new"]) == 2026

"""Domain data classes, profiles, the rule catalogue and the independent verifier."""

from .instance import (
    Activity,
    Grade,
    HistoryRecord,
    Horizon,
    Instance,
    Kindergarten,
    Ownership,
    Pin,
    Role,
    Roster,
    Semester,
    Teacher,
    academic_year,
    parse_tier,
    semester_of,
)
from .profile import Profile, RuleSetting, builtin_profiles, load_profile, profile_from_dict
from .report import Report, RuleResult, Violation
from .rules import OBJECTIVE_TERMS, RULE_BY_ID, RULES, Rule, Severity
from .schedule import Assignment, GroupResult, Schedule, SolveStatus

__all__ = [
    "OBJECTIVE_TERMS",
    "RULES",
    "RULE_BY_ID",
    "Activity",
    "Assignment",
    "Grade",
    "GroupResult",
    "HistoryRecord",
    "Horizon",
    "Instance",
    "Kindergarten",
    "Ownership",
    "Pin",
    "Profile",
    "Report",
    "Role",
    "Roster",
    "Rule",
    "RuleResult",
    "RuleSetting",
    "Schedule",
    "Semester",
    "Severity",
    "SolveStatus",
    "Teacher",
    "Violation",
    "academic_year",
    "builtin_profiles",
    "load_profile",
    "parse_tier",
    "profile_from_dict",
    "semester_of",
]

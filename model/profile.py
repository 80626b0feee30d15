"""Policy profiles: every number and rule severity of one locality, loaded from TOML.

A profile file has sections (``[rotation]``, ``[shadowing]`` …) whose keys map onto the flat
`Profile` fields below, plus ``[rules.ID]`` tables overriding a rule's severity or weight.
Unknown sections, keys or rule ids are errors, so a typo never silently changes a plan.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .i18n import _
from .instance import Activity, Role
from .rules import RULE_BY_ID, Severity

if TYPE_CHECKING:
    from collections.abc import Mapping

MODES = ("auto", "tight", "loose", "alliance", "district")
GUIDE_STAFF = ("cadre", "backbone+cadre")

# GUIDE-SIX: 000 三(三)4 "六个一" — the six visits the lead delivers to every member each year.
SIX_ITEMS: tuple[str, ...] = (
    "专题讲座 lecture",
    "送教下乡 model lessons",
    "环境创设指导 environment design",
    "区域活动指导 activity areas",
    "教研活动指导 teaching research",
    "家园共育活动指导 family partnership",
)


@dataclass(frozen=True)
class RuleSetting:
    severity: Severity
    weight: int


def _f(section: str, default: Any) -> Any:
    return field(default=default, metadata={"section": section})


@dataclass(frozen=True)
class Profile:
    name: str = _f("", "default")
    citation: str = _f("", "")
    mode: str = _f("", "auto")
    # horizon
    years: int = _f("horizon", 3)
    weeks_per_semester: int = _f("horizon", 18)
    slot_weeks: int = _f("horizon", 2)
    # rotation (ROT-PER-GRADE, TERM-2Y)
    min_per_grade: int = _f("rotation", 1)
    max_per_grade: int = _f("rotation", 2)
    max_term_years: int = _f("rotation", 2)
    learn_host_cap: int = _f("rotation", 1)  # LEARN-CAP: learners a host takes per grade a year
    rest_years: int = _f("rotation", 1)  # REST-YEAR: years at home between two exchanges
    # induction (IND-MENTOR)
    mentor_capacity: int = _f("induction", 1)
    # shadowing (SHD-CAP, SHD-COOL)
    cadre_cap: int = _f("shadowing", 5)
    teacher_cap: int = _f("shadowing", 7)
    cooldown_years: int = _f("shadowing", 2)
    # SHD-COOL and SHD-VETO cover the lead cadres' 团队进驻 (guidance) too (003 五(四))
    cool_guidance: bool = _f("shadowing", False)
    # guidance (GUIDE-SIX, GUIDE-CAP): items each member receives a year, who guides, loads
    guide_items: tuple[str, ...] = _f("guidance", SIX_ITEMS)
    guide_staff: str = _f("guidance", "backbone+cadre")
    guide_max_per_year: int = _f("guidance", 4)  # visits one person makes a year
    guide_slot_cap: int = _f("guidance", 3)  # lead staff out on guidance in one slot
    items_per_visit: int = _f("guidance", 3)  # items one visit (an event) can carry
    visit_days: int = _f("guidance", 1)  # teaching days a guidance visit lasts (GUIDE-LEN)
    coop_min: int = _f("guidance", 0)  # GUIDE-COOP: visits a group holds a semester (0: none asked)
    # swaps (SWAP-EQ)
    swap_min: int = _f("swap", 2)  # lead backbones on swap each year
    swap_years: int = _f("swap", 1)  # longest swap (its length where swap_fixed)
    swap_fixed: bool = _f("swap", False)  # 002 plan 4 四(三)1 交流年限…商定: a maximum unless fixed
    # cadre exchanges (CADRE-EX)
    cadre_pairs: int = _f("cadre", 1)  # lead cadres exchanged with its branches/members a year
    # coverage (COVER-3Y)
    cover_years: int = _f("coverage", 3)  # window in which everyone takes part once
    # staffing (STAFF-CLASS)
    teachers_per_class: int = _f("staffing", 2)
    # people
    young_age: int = _f("people", 35)
    # RETIRE: statutory retirement ages (国发〔1978〕104号: 男60, 女干部/专业技术人员55) and the
    # 2025 gradual rise (全国人大常委会关于实施渐进式延迟法定退休年龄的决定, 2024-09-13)
    retire_female: int = _f("people", 55)
    retire_male: int = _f("people", 60)
    retire_delay: bool = _f("people", True)
    # group (GROUP-SIZE)
    max_group_size: int = _f("group", 0)  # 0 = no limit
    # objective weights (all small integers; a term is added only when its weight > 0)
    uplift: int = _f("objective", 10)
    fairness: int = _f("objective", 20)
    spread: int = _f("objective", 2)
    spread_cap: int = _f("objective", 3)
    commute: int = _f("objective", 1)
    preference: int = _f("objective", 5)
    stability: int = _f("objective", 5)
    # A plain mapping (MappingProxyType does not pickle; profiles travel to worker processes).
    rules: Mapping[str, RuleSetting] = field(default_factory=dict, metadata={"section": "rules"})
    # The locality's own words (SPEC §10 Words): role, activity or "group" → what its
    # document calls it (牵头园, 中心园, 联盟, 学区, 团队进驻 …); the rest keep the default words.
    words: Mapping[str, str] = field(default_factory=dict, metadata={"section": "words"})

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(
                _("mode must be one of {modes}, not {mode!r}").format(
                    modes=", ".join(MODES), mode=self.mode
                )
            )
        if not 0 < self.min_per_grade <= self.max_per_grade or self.max_term_years < 1:
            raise ValueError(
                _("Must have 0 < min_per_grade <= max_per_grade and max_term_years >= 1.")
            )
        if not 1 <= self.slot_weeks <= 2:
            raise ValueError(
                _("slot_weeks must be 1 or 2 (SHD-LEN: a visit lasts at most 2 weeks).")
            )
        if self.guide_staff not in GUIDE_STAFF:
            raise ValueError(
                _("guide_staff must be one of {choices}").format(choices=", ".join(GUIDE_STAFF))
            )
        if len(set(self.guide_items)) != len(self.guide_items) or not all(
            isinstance(i, str) and i.strip() for i in self.guide_items
        ):
            raise ValueError(_("guide_items must be distinct, non-empty names."))
        if self.items_per_visit < 1 or not 1 <= self.visit_days <= 5 * self.slot_weeks:
            raise ValueError(
                _(
                    "items_per_visit must be at least 1 and visit_days within one slot "
                    "(GUIDE-LEN: at most 2 weeks)."
                )
            )
        if self.swap_years < 1 or self.cover_years < 1:
            raise ValueError(_("swap_years and cover_years must be at least 1."))
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and value < 0:
                raise ValueError(_("{key} must not be negative.").format(key=f.name))

    def severity(self, rule_id: str) -> Severity:
        setting = self.rules.get(rule_id)
        return setting.severity if setting else RULE_BY_ID[rule_id].severity

    def weight(self, rule_id: str) -> int:
        setting = self.rules.get(rule_id)
        return setting.weight if setting else RULE_BY_ID[rule_id].weight

    def enabled(self, rule_id: str) -> bool:
        return self.severity(rule_id) is not Severity.OFF

    def rewards(self, rule_id: str) -> bool:
        """Whether the plan pursues the rule: hard, or soft with a weight (soft with weight 0
        only reports its shortfalls)."""
        severity = self.severity(rule_id)
        return severity is Severity.HARD or (severity is Severity.SOFT and self.weight(rule_id) > 0)

    @property
    def visits_per_year(self) -> int:
        """Guidance visits a member needs a year to receive every item (GUIDE-SIX, GUIDE-CAP)."""
        return -(-len(self.guide_items) // self.items_per_visit)

    def guide_item(self, text: str) -> str | None:
        """The profile's guidance item a name refers to: in full, or its Chinese part alone."""
        key = " ".join(str(text).split())
        for item in self.guide_items:
            if key in (item, item.split(" ", 1)[0]):
                return item
        return None


def _parse_rules(table: Any, where: str) -> dict[str, RuleSetting]:
    if not isinstance(table, dict):
        raise ValueError(_("{where}: [rules] must be a table of rule ids").format(where=where))
    out: dict[str, RuleSetting] = {}
    for rule_id, spec in table.items():
        rule = RULE_BY_ID.get(rule_id)
        if rule is None:
            raise ValueError(
                _("{where}: unknown rule {rule!r} (known: {known})").format(
                    where=where, rule=rule_id, known=", ".join(RULE_BY_ID)
                )
            )
        if not isinstance(spec, dict) or set(spec) - {"severity", "weight", "citation"}:
            raise ValueError(
                _("{where}: [rules.{rule}] takes severity, weight and citation only").format(
                    where=where, rule=rule_id
                )
            )
        try:
            severity = Severity(spec.get("severity", rule.severity.value))
        except ValueError:
            raise ValueError(
                _("{where}: rules.{rule}.severity must be hard, soft or off").format(
                    where=where, rule=rule_id
                )
            ) from None
        if severity is Severity.SOFT and not rule.can_be_soft:
            raise ValueError(
                _("{where}: rule {rule} is structural and cannot be soft").format(
                    where=where, rule=rule_id
                )
            )
        weight = spec.get("weight", rule.weight)
        if not isinstance(weight, int) or weight < 0:
            raise ValueError(
                _("{where}: rules.{rule}.weight must be a non-negative integer").format(
                    where=where, rule=rule_id
                )
            )
        out[rule_id] = RuleSetting(severity, weight)
    return out


WORDS = ("group", *(r.value for r in Role), *(a.value for a in Activity))


def _parse_words(table: Any, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ValueError(_("{where}: [words] must be a table of names").format(where=where))
    for key, value in table.items():
        if key not in WORDS:
            raise ValueError(
                _("{where}: unknown word {key!r} in [words] (known: {known})").format(
                    where=where, key=key, known=", ".join(WORDS)
                )
            )
        if not isinstance(value, str) or not value.strip():
            raise ValueError(
                _("{where}: [words] {key} must be a name").format(where=where, key=key)
            )
    return dict(table)


def profile_from_dict(data: dict[str, Any], where: str = "profile") -> Profile:
    """Build a profile from parsed TOML, rejecting unknown sections and keys."""
    by_section: dict[str, dict[str, type]] = {}
    for f in fields(Profile):
        by_section.setdefault(f.metadata["section"], {})[f.name] = type(f.default)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "rules":
            kwargs["rules"] = _parse_rules(value, where)
        elif key == "words":
            kwargs["words"] = _parse_words(value, where)
        elif key in by_section[""]:
            kwargs[key] = value
        elif key in by_section and isinstance(value, dict):
            for sub, subvalue in value.items():
                if sub not in by_section[key]:
                    raise ValueError(
                        _("{where}: unknown key [{section}] {key} (known: {known})").format(
                            where=where, section=key, key=sub, known=", ".join(by_section[key])
                        )
                    )
                if by_section[key][sub] is tuple and isinstance(subvalue, list):
                    subvalue = tuple(subvalue)  # TOML arrays: lists of names
                expected = by_section[key][sub]
                if not isinstance(subvalue, expected) or (
                    isinstance(subvalue, bool) and expected is not bool
                ):
                    raise ValueError(
                        _("{where}: [{section}] {key} must be {kind}").format(
                            where=where, section=key, key=sub, kind=expected.__name__
                        )
                    )
                kwargs[sub] = subvalue
        else:
            known = ", ".join(s or _("(top level)") for s in by_section)
            raise ValueError(
                _("{where}: unknown key or section {key!r} (known: {known})").format(
                    where=where, key=key, known=known
                )
            )
    try:
        return Profile(**kwargs)
    except ValueError as exc:
        raise ValueError(_("{where}: {problem}").format(where=where, problem=exc)) from None


def builtin_profiles() -> tuple[str, ...]:
    folder = resources.files("kgrota.scenarios") / "profiles"
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    )


def load_profile(name_or_path: str | Path) -> Profile:
    """Load a built-in profile by name (``qingpu``) or a TOML file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(_("{path}: profile file not found").format(path=path))
        text, where = path.read_text(encoding="utf-8"), str(path)
    else:
        res = resources.files("kgrota.scenarios") / "profiles" / f"{name_or_path}.toml"
        if not res.is_file():
            raise ValueError(
                _("unknown profile {name!r} (built in: {names}; or a .toml path)").format(
                    name=str(name_or_path), names=", ".join(builtin_profiles())
                )
            )
        text = res.read_text(encoding="utf-8")
        where = _("profile {name}").format(name=name_or_path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(
            _("{where}: not valid TOML: {error}").format(where=where, error=exc)
        ) from None
    return profile_from_dict(data, where)

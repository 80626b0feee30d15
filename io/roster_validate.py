"""Cross-checks of a roster that are warnings, not errors (`kgrota validate`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..model.instance import Grade, Instance, Kindergarten, Role, academic_year
from .errors import Problem
from .roster_read import parse_roster

if TYPE_CHECKING:
    from pathlib import Path

    from ..model.profile import Profile


def validate_roster(path: str | Path, profile: Profile) -> list[Problem]:
    """Read a roster and add cross-checks that are warnings (GROUP-SIZE, short staff, no backbone).

    Raises `InputError` as `read_roster` does; returns every warning otherwise.
    """
    parsed = parse_roster(path)
    roster, file = parsed.roster, str(path)
    warnings = list(parsed.warnings)
    # The checks below need no horizon; any start year gives the same group modes and counts.
    instance = Instance.create(roster, profile, academic_year(dt.date.today()) + 1)

    def warn(where: tuple[str, int | None], message: str) -> None:
        warnings.append(Problem(file, where[0], where[1], None, message, warning=True))

    by_group: dict[str, list[Kindergarten]] = {}
    for k in roster.kindergartens:
        by_group.setdefault(k.group, []).append(k)
    backbones = {(t.home_kg, t.grade) for t in roster.teachers if t.backbone and not t.cadre}
    for group, kgs in by_group.items():
        if 0 < profile.max_group_size < len(kgs):
            warn(
                parsed.kgs.where(instance.lead_of[group]),
                f"GROUP-SIZE: group {group!r} has {len(kgs)} kindergartens, more than "
                f"{profile.max_group_size} (profile {profile.name})",
            )
        tight = instance.group_mode(group) == "tight"
        for k in kgs:
            sending = k.role in (Role.LEAD, Role.BRANCH) if tight else k.role is not Role.AFFILIATE
            for grade in Grade:
                classes = k.classes_of(grade)
                if classes == 0:
                    continue
                need = profile.teachers_per_class * classes
                have = instance.home_count(k.kg_id, grade)
                if have < need:
                    warn(
                        parsed.kgs.where(k.kg_id),
                        f"STAFF-CLASS: {k.kg_id} {grade.label}: already short, {have} teachers for "
                        f"{classes} classes (needs {need}); "
                        "nobody of this grade can leave without cover",
                    )
                if (
                    sending
                    and (k.kg_id, grade) not in backbones
                    and profile.enabled("ROT-PER-GRADE")
                ):
                    warn(
                        parsed.kgs.where(k.kg_id),
                        f"ROT-PER-GRADE: {k.kg_id} {grade.label} has no backbone (骨干) to send",
                    )
    for t in roster.teachers:
        group = instance.kg[t.home_kg].group
        for host in t.preferred_hosts:
            if instance.kg[host].group != group:
                warn(
                    parsed.teachers.where(t.teacher_id),
                    f"teacher {t.teacher_id}: preferred host {host} is in another group (ignored)",
                )
    return warnings

"""The architecture as tests: the verifier's side never imports the solver's, every rule is
checked, built (or enforced by eligibility) and kept by the greedy, and what the solver takes
from a model rule family is that family's rules or the definitions it lists as shared."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest

import kgrota.model.rules as model_rules
from kgrota.model import RULES, Profile
from kgrota.model.profile import profile_from_dict
from kgrota.solver.greedy import PREDICATES
from kgrota.solver.rules import FAMILIES

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, imported names) of every import in a package source file."""
    package = ["kgrota", *path.relative_to(ROOT).parent.parts]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            out.append((module, [alias.name for alias in node.names]))
    return out


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _sources("model"), ids=lambda p: str(p.relative_to(ROOT)))
def test_model_never_imports_the_solver_or_ortools(path: Path) -> None:
    # The verifier (model/verify.py, model/rules/) is independent of the formulation it checks.
    for module, _ in _imports(path):
        assert not module.startswith(("ortools", "kgrota.solver")), f"{path}: imports {module}"


def test_solver_takes_only_rules_and_listed_shared_definitions_from_model_rules() -> None:
    families = {f.__name__.rsplit(".", 1)[1]: f for f in model_rules.FAMILIES}
    for path in _sources("solver"):
        for module, names in _imports(path):
            family = families.get(module.removeprefix("kgrota.model.rules."))
            if family is None:
                continue
            allowed = set(family.SHARED) | {
                name for name, value in vars(family).items() if value in family.RULES
            }
            assert set(names) <= allowed, f"{path}: {sorted(set(names) - allowed)}"


def test_every_rule_has_a_check_in_its_own_family() -> None:
    for family in model_rules.FAMILIES:
        for rule in family.RULES:
            assert callable(rule.check) and rule.check.__module__ == family.__name__
            assert all(part.check.__module__ == family.__name__ for part in rule.parts)


def test_every_rule_is_built_or_enforced_by_eligibility() -> None:
    built = {rule.id for f in FAMILIES for rule in f.builders}
    by_eligibility = {rule.id for f in FAMILIES for rule in f.eligibility}
    assert built | by_eligibility == {r.id for r in RULES}


def test_solver_families_mirror_model_families() -> None:
    # solver/rules/X.py builds only rules of model/rules/X.py, in catalogue order.
    for model_family, family in zip(model_rules.FAMILIES, FAMILIES, strict=True):
        assert set(family.builders) | set(family.eligibility) <= set(model_family.RULES)
        order = [r.id for r in model_family.RULES]
        assert [r.id for r in family.builders] == sorted(
            (r.id for r in family.builders), key=order.index
        )


def test_every_rule_is_kept_by_some_greedy_step() -> None:
    # The baseline keeps every hard rule (and pursues the soft ones): a rule added to the
    # catalogue without a greedy step or predicate fails here.
    assert {rule.id for rules in PREDICATES.values() for rule in rules} == {r.id for r in RULES}


def test_rule_profile_keys_exist() -> None:
    known = {f"{f.metadata['section']}.{f.name}".lstrip(".") for f in fields(Profile)}
    for rule in RULES:
        assert set(rule.keys) <= known, rule.id


def test_every_rule_can_be_named_in_a_profile() -> None:
    # The profile's [rules] table accepts each catalogue id (and nothing else).
    for rule in RULES:
        severity = "soft" if rule.can_be_soft else "hard"
        assert profile_from_dict({"rules": {rule.id: {"severity": severity}}}).severity(rule.id)

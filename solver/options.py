"""How kgrota solves: one frozen `SolveOptions` that travels from the command line through
`solve` and its backend to every group's CP-SAT search. The defaults live here only.

A preset file (``kgrota solve --params FILE``, `SolveOptions.from_file`) is TOML with any of
the fields at the top level and CP-SAT's own parameters in a ``[cp_sat]`` table::

    time_limit = 120        # seconds per group
    workers = 2             # CP-SAT threads in all (absent: every core)
    gap = 0.005             # a fraction: stop a group within 0.5 % of its bound

    [cp_sat]                # SatParameters fields, set after kgrota's own (cpsat.configure)
    linearization_level = 1

Unknown keys and parameter names are errors. The CP-SAT parameters that the fields stand for
(``max_time_in_seconds``, ``num_workers``, ``random_seed``, ``relative_gap_limit``) are refused
in ``[cp_sat]``: the solve splits its threads and time by the fields (`solve.layout`), so a
second spelling would be overruled or break that split. The search phases (cpsat._phases)
still set their own budget and branching on top of the preset.
"""

from __future__ import annotations

import difflib
import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from ortools.sat import sat_parameters_pb2

BACKENDS = ("local", "ray")

# A CP-SAT parameter value as TOML gives it; a repeated field's values as a list (kept as a
# tuple).
CpSatValue = bool | int | float | str | tuple[str, ...] | list[str]

_SAT_FIELDS = sat_parameters_pb2.SatParameters.DESCRIPTOR.fields_by_name
# CP-SAT parameters the fields set (cpsat.configure), with the field to write instead.
_OWN_PARAMETERS = {
    "max_time_in_seconds": "time_limit",
    "num_workers": "workers",
    "num_search_workers": "workers",
    "random_seed": "seed",
    "relative_gap_limit": "gap",
}
_INT32 = 2**31


@dataclass(frozen=True)
class SearchOptions:
    """One CP-SAT search's time limit (seconds), threads (None: every core) and seed; checked
    on construction (a `ValueError` naming the field)."""

    time_limit: float = 60.0
    workers: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if not _real(self.time_limit) or not self.time_limit > 0:
            raise ValueError(
                f"time_limit must be a positive number of seconds, not {self.time_limit!r}"
            )
        if self.workers is not None and not (_int(self.workers) and 1 <= self.workers < _INT32):
            raise ValueError(
                f"workers must be an integer ≥ 1 (absent: all cores), not {self.workers!r}"
            )
        if not _int(self.seed) or not -_INT32 <= self.seed < _INT32:
            raise ValueError(
                f"seed must be a 32-bit integer (CP-SAT's random_seed), not {self.seed!r}"
            )

    @property
    def threads(self) -> int:
        """The CP-SAT threads to use: `workers`, or every core of this machine."""
        return self.workers or os.cpu_count() or 1


@dataclass(frozen=True)
class SolveOptions(SearchOptions):
    """How every group is solved, `time_limit` seconds each.

    `workers` counts CP-SAT threads: `solve` splits them over the groups it runs at once and
    hands each group its share (None: every core, or the Ray cluster's CPUs). `gap` is
    relative: 0.005 stops a group once its schedule is proven within 0.5 % of the best
    possible (0: prove it optimal). `address` joins a running Ray cluster (backend ``ray``
    only). `cp_sat` holds extra CP-SAT parameters by name (a repeated field's values are kept
    as a tuple).
    """

    gap: float = 0.0
    backend: str = "local"
    address: str | None = None
    cp_sat: Mapping[str, CpSatValue] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not _real(self.gap) or not 0.0 <= self.gap < 1.0:
            raise ValueError(f"gap must be a fraction in [0, 1) (0.005 is 0.5 %), not {self.gap!r}")
        if self.backend not in BACKENDS:
            raise ValueError(
                f"backend {self.backend!r} is not available; use one of: {', '.join(BACKENDS)}"
            )
        if self.address is not None and not isinstance(self.address, str):
            raise ValueError(f"address must be a Ray cluster address (text), not {self.address!r}")
        if self.address is not None and self.backend != "ray":
            raise ValueError("an address is for the ray backend (a Ray cluster to join)")
        if not isinstance(self.cp_sat, Mapping):
            raise ValueError(f"cp_sat must be a table of CP-SAT parameters, not {self.cp_sat!r}")
        # A copy, lists as tuples: the caller's mapping may change, these options may not.
        params = {k: tuple(v) if isinstance(v, list) else v for k, v in self.cp_sat.items()}
        for name, value in params.items():
            _check_parameter(name, value)
        object.__setattr__(self, "cp_sat", params)

    @classmethod
    def from_file(cls, path: str | Path) -> SolveOptions:
        """Options from a TOML preset; unknown keys, bad values and CP-SAT parameter names
        are a `ValueError` naming the file and the key."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from None
        known = [f.name for f in fields(cls)]
        for key in data:
            if key not in known:
                raise ValueError(f"{path}: unknown key {key!r} (known: {', '.join(known)})")
        try:
            return cls(**data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    @classmethod
    def from_flags(cls, params: str | Path | None = None, **flags: Any) -> SolveOptions:
        """Command-line options: a preset file's (`params`; None: the defaults) with each flag
        given (not None) in its place."""
        preset = cls() if params is None else cls.from_file(params)
        return replace(preset, **{k: v for k, v in flags.items() if v is not None})

    def merge_cp_sat(self, params: Any) -> None:
        """Set the extra CP-SAT parameters on a solver's ``parameters``; a list replaces the
        list there (e.g. kgrota's ``subsolvers``)."""
        if not self.cp_sat:
            return
        for name in self.cp_sat:
            if _SAT_FIELDS[name].is_repeated:
                getattr(params, name).clear()
        text = str(_message(self.cp_sat))  # protobuf text format
        if not params.merge_text_format(text):
            raise RuntimeError(f"CP-SAT refused parameters it should take: {text!r}")


@functools.cache
def search_settings() -> Mapping[str, CpSatValue]:
    """kgrota's own CP-SAT parameters for every group (scenarios/params/search.toml, the
    tuning run's result), checked as a preset's."""
    path = resources.files("kgrota.scenarios") / "params" / "search.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8"))["cp_sat"]
    return SolveOptions(cp_sat=table).cp_sat


@dataclass(frozen=True)
class PartitionOptions(SearchOptions):
    """How `partition` searches: two stages share `time_limit`; `prune` lets each
    kindergarten join only one of its nearest candidate centres (fast, not exact)."""

    time_limit: float = 30.0
    prune: bool = True


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_parameter(name: object, value: object) -> None:
    """A `ValueError` unless `name` is a CP-SAT parameter kgrota leaves to the preset and
    `value` fits it (type, range, enum label)."""
    if not isinstance(name, str):
        raise ValueError(f"cp_sat: {name!r} is not a parameter name")
    if name in _OWN_PARAMETERS:
        own = _OWN_PARAMETERS[name]
        raise ValueError(f"cp_sat.{name}: kgrota sets it from {own}; set {own} (top level) instead")
    sat = _SAT_FIELDS.get(name)
    if sat is None:
        near = difflib.get_close_matches(name, list(_SAT_FIELDS), n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise ValueError(f"cp_sat.{name}: not a CP-SAT parameter{hint}")
    kind = _kind(sat)
    if kind == "message":
        raise ValueError(f"cp_sat.{name}: nested parameter sets are not supported")
    items = value if sat.is_repeated and isinstance(value, tuple) else (value,)
    if isinstance(value, tuple) != sat.is_repeated or not all(_fits(sat, v) for v in items):
        want = _WORDS.get(kind) or "one of " + ", ".join(sat.enum_type.values_by_name)
        want = f"a list, each {want}" if sat.is_repeated else want
        shown = list(value) if isinstance(value, tuple) else value  # as TOML wrote it
        raise ValueError(f"cp_sat.{name}: must be {want}, not {shown!r}")
    try:  # integer ranges
        _message({name: value})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cp_sat.{name}: {exc}") from None


def _message(values: Mapping[str, Any]) -> sat_parameters_pb2.SatParameters:
    """The parameters as a protobuf message (its constructor checks ranges)."""
    return sat_parameters_pb2.SatParameters(**values)


_WORDS = {"bool": "true or false", "int": "an integer", "real": "a number", "string": "a string"}


def _kind(sat: Any) -> str:
    """A parameter's type: bool, int, real, string, enum or message."""
    kinds = {
        sat.CPPTYPE_BOOL: "bool",
        sat.CPPTYPE_INT32: "int",
        sat.CPPTYPE_INT64: "int",
        sat.CPPTYPE_UINT32: "int",
        sat.CPPTYPE_UINT64: "int",
        sat.CPPTYPE_DOUBLE: "real",
        sat.CPPTYPE_FLOAT: "real",
        sat.CPPTYPE_STRING: "string",
        sat.CPPTYPE_ENUM: "enum",
    }
    return kinds.get(sat.cpp_type, "message")


def _fits(sat: Any, item: object) -> bool:
    """Whether one TOML value fits a parameter's type (a bool is no number, nor a number a bool)."""
    kind = _kind(sat)
    if isinstance(item, bool):
        return kind == "bool"
    if isinstance(item, int):
        return kind in ("int", "real")
    if isinstance(item, float):
        return kind == "real"
    if isinstance(item, str) and kind == "enum":
        return item in sat.enum_type.values_by_name
    return isinstance(item, str) and kind == "string"

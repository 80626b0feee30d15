"""The MIP peer: the same model as CP-SAT's, written as an MPS file and solved by HiGHS.

`from_cp_proto` translates a CP-SAT model proto (the ``model.proto`` of a built model) into
linear rows over integer columns:

- a variable keeps its ``[lb, ub]`` domain (a domain with holes is unsupported);
- ``linear`` becomes ``lb ≤ Σ c·x ≤ ub`` (a domain with holes is unsupported);
- ``exactly_one`` / ``at_most_one`` / ``bool_or`` become ``Σ lit = 1 / ≤ 1 / ≥ 1``, and
  ``bool_and`` one ``lit ≥ 1`` row per literal; a negated literal ``-ref-1`` is ``1 − x``;
- enforcement literals relax each side of a row by big-M taken from the row's own bounds
  (``expr ≤ ub + (max(expr) − ub)·(k − Σ enforcement)``);
- the objective keeps its vars, coeffs, offset and scaling factor: CP-SAT minimises
  ``Σ c·x + offset`` and reports ``scaling_factor × that`` (a maximisation has a negative
  factor), so the MPS minimises ``Σ c·x`` and `Mip.reported` maps values back.

Solution hints are ignored; any other constraint type raises `Unsupported` with its name.
HiGHS runs in its own process (`run_highs` → ``python -m kgrota.bench.highs_worker``)
because highspy and ortools clash when imported into one process.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from ..solver.stop import Stop

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

# Constraint kinds of the CP-SAT proto with no translation here, for the skip reason.
_OTHER_KINDS = (
    "all_diff",
    "automaton",
    "bool_xor",
    "circuit",
    "cumulative",
    "element",
    "int_div",
    "int_mod",
    "int_prod",
    "interval",
    "inverse",
    "lin_max",
    "no_overlap",
    "no_overlap_2d",
    "reservoir",
    "routes",
    "table",
)


class Unsupported(NotImplementedError):
    """The CP-SAT model uses something this translation does not cover."""


def _bound(value: int) -> int | None:
    """A proto domain end, None where it stands for infinity."""
    return None if value in (INT64_MIN, INT64_MAX) else value


@dataclass
class Row:
    """``lb ≤ Σ coef·x ≤ ub``; a None side is unbounded."""

    coefs: dict[int, int]
    lb: int | None
    ub: int | None


@dataclass
class Mip:
    """A minimisation over integer columns with the CP-SAT objective's offset and scale."""

    lower: list[int | None]
    upper: list[int | None]
    rows: list[Row] = field(default_factory=list)
    objective: dict[int, int] = field(default_factory=dict)
    offset: float = 0.0
    scaling: float = 1.0

    def reported(self, value: float) -> float:
        """A value of the MPS objective as CP-SAT reports its objective."""
        return self.scaling * (value + self.offset)

    def span(self, row: Row) -> tuple[int, int]:
        """The least and greatest value of a row's expression over the column bounds."""
        low = high = 0
        for v, c in row.coefs.items():
            lb, ub = self.lower[v], self.upper[v]
            if lb is None or ub is None:
                raise Unsupported("enforced constraint over an unbounded variable")
            low += min(c * lb, c * ub)
            high += max(c * lb, c * ub)
        return low, high

    def enforced(self, row: Row, literals: Sequence[int]) -> list[Row]:
        """A row that holds only when every enforcement literal is true (big-M on each side).

        With ``s = Σ literal values`` and ``k`` literals, ``k − s`` is 0 exactly when all hold:
        ``expr ≤ ub + (high − ub)(k − s)`` and ``expr ≥ lb − (lb − low)(k − s)``.
        """
        low, high = self.span(row)
        k = len(literals)
        # s = Σ ±x + (number negated), so k − s = rest − Σ ±x with `rest` as below.
        lits = [(lit, 1) for lit in literals]  # signed refs: `linear` turns a negative one to −x
        rest = k - sum(1 for lit in literals if lit < 0)
        out = []
        if row.ub is not None and high > row.ub:
            m = high - row.ub
            terms = [*row.coefs.items(), *((v, m * c) for v, c in lits)]
            out.append(linear(terms, None, row.ub + m * rest))
        if row.lb is not None and low < row.lb:
            m = row.lb - low
            terms = [*row.coefs.items(), *((v, -m * c) for v, c in lits)]
            out.append(linear(terms, row.lb - m * rest, None))
        return out

    def to_mps(self, name: str = "kgrota") -> str:
        """Free-format MPS: every column integer with explicit bounds, ranged rows as G + R."""
        columns: list[list[str]] = [[] for _ in self.lower]
        for v, c in self.objective.items():
            columns[v].append(f"obj {c}")
        kinds, rhs, ranges = [], [], []
        for j, row in enumerate(r for r in self.rows if r.lb is not None or r.ub is not None):
            for v, c in row.coefs.items():
                columns[v].append(f"r{j} {c}")
            if row.lb == row.ub:
                kinds.append(f" E  r{j}")
                rhs.append(f"    rhs r{j} {row.lb}")
            elif row.lb is None:
                kinds.append(f" L  r{j}")
                rhs.append(f"    rhs r{j} {row.ub}")
            else:
                kinds.append(f" G  r{j}")
                rhs.append(f"    rhs r{j} {row.lb}")
                if row.ub is not None:
                    ranges.append(f"    rng r{j} {row.ub - row.lb}")
        lines = [f"NAME {name}", "ROWS", " N  obj", *kinds, "COLUMNS"]
        lines.append("    M1 'MARKER' 'INTORG'")
        for v, entries in enumerate(columns):
            lines += [f"    x{v} {e}" for e in entries or ["obj 0"]]  # an unused column exists too
        lines += ["    M2 'MARKER' 'INTEND'", "RHS", *rhs]
        if ranges:
            lines += ["RANGES", *ranges]
        lines.append("BOUNDS")
        for v, (lb, ub) in enumerate(zip(self.lower, self.upper, strict=True)):
            if lb is not None and lb == ub:
                lines.append(f" FX bnd x{v} {lb}")
                continue
            # Lower first and always explicit: integer columns may default to [0, 1] otherwise.
            lines.append(f" MI bnd x{v}" if lb is None else f" LO bnd x{v} {lb}")
            lines.append(f" PL bnd x{v}" if ub is None else f" UP bnd x{v} {ub}")
        lines.append("ENDATA")
        return "\n".join(lines) + "\n"


def linear(terms: Iterable[tuple[int, int]], lb: int | None, ub: int | None) -> Row:
    """``lb ≤ Σ terms ≤ ub`` with signed refs: ref < 0 stands for −x of variable ``-ref-1``."""
    coefs: dict[int, int] = {}
    for ref, c in terms:
        var, coef = (ref, c) if ref >= 0 else (-ref - 1, -c)
        coefs[var] = coefs.get(var, 0) + coef
    return Row({v: c for v, c in coefs.items() if c}, lb, ub)


def literals(lits: Sequence[int], lb: int | None, ub: int | None) -> Row:
    """``lb ≤ Σ literals ≤ ub``: a negated literal is ``1 − x``, and its 1 moves to the sides."""
    negated = sum(1 for lit in lits if lit < 0)
    return linear(
        [(lit, 1) for lit in lits],
        None if lb is None else lb - negated,
        None if ub is None else ub - negated,
    )


def from_cp_proto(proto: Any) -> Mip:
    """Translate a CP-SAT ``CpModelProto`` (OR-Tools' own or the pb2 message) into a `Mip`."""
    lower: list[int | None] = []
    upper: list[int | None] = []
    for var in proto.variables:
        domain = list(var.domain)
        if len(domain) != 2:
            raise Unsupported(f"variable {var.name or len(lower)} has a domain with holes")
        lower.append(_bound(domain[0]))
        upper.append(_bound(domain[1]))
    mip = Mip(lower, upper)
    for i, ct in enumerate(proto.constraints):
        enforcement = list(ct.enforcement_literal)
        for row in _translate(ct, i):
            mip.rows += mip.enforced(row, enforcement) if enforcement else [row]
    if _has(proto, "floating_point_objective"):
        raise Unsupported("floating-point objective")
    if _has(proto, "objective"):
        obj = proto.objective
        for ref, c in zip(obj.vars, obj.coeffs, strict=True):
            var, c = (ref, c) if ref >= 0 else (-ref - 1, -c)
            mip.objective[var] = mip.objective.get(var, 0) + c
        mip.offset = float(obj.offset)
        mip.scaling = float(obj.scaling_factor) or 1.0  # 0 means unscaled
        domain = list(obj.domain)
        if len(domain) > 2:
            raise Unsupported("objective domain with holes")
        if domain:
            mip.rows.append(linear(mip.objective.items(), _bound(domain[0]), _bound(domain[1])))
    return mip


def _has(message: Any, name: str) -> bool:
    """Field presence on both OR-Tools' C++-backed proto (``has_x()``) and pb2 messages."""
    has = getattr(message, f"has_{name}", None)
    return bool(has()) if has is not None else bool(message.HasField(name))


def _translate(ct: Any, index: int) -> list[Row]:
    """One constraint's rows (none for an empty constraint)."""
    if _has(ct, "linear"):
        lin = ct.linear
        domain = list(lin.domain)
        if len(domain) != 2:
            raise Unsupported(f"linear constraint {index} has a domain with holes")
        terms = list(zip(lin.vars, lin.coeffs, strict=True))
        return [linear(terms, _bound(domain[0]), _bound(domain[1]))]
    if _has(ct, "exactly_one"):
        return [literals(list(ct.exactly_one.literals), 1, 1)]
    if _has(ct, "at_most_one"):
        return [literals(list(ct.at_most_one.literals), None, 1)]
    if _has(ct, "bool_or"):
        return [literals(list(ct.bool_or.literals), 1, None)]
    if _has(ct, "bool_and"):
        return [literals([lit], 1, None) for lit in ct.bool_and.literals]
    kind = next((k for k in _OTHER_KINDS if _has(ct, k)), None)
    if kind is not None:
        raise Unsupported(f"unsupported constraint {kind} (constraint {index})")
    return []


@dataclass(frozen=True)
class HighsRun:
    """What the HiGHS worker reported, objective and bound in CP-SAT's terms."""

    status: str
    objective: float | None
    bound: float | None
    seconds: float
    rss_mb: float
    rows: int
    columns: int
    nodes: int | None = None  # branch-and-bound nodes and simplex iterations: the search's
    lp_iterations: int | None = None  # path, the same on every run with the same seed

    @property
    def optimal(self) -> bool:
        return self.status == "Optimal"


def run_highs(
    mip: Mip,
    path: Path,
    *,
    time_limit: float,
    threads: int,
    seed: int = 0,
    gap: float = 0.0,
    stop: Stop | None = None,
) -> HighsRun:
    """Write the MPS file and solve it with HiGHS in a subprocess (never in this process).

    `gap` > 0 is HiGHS's ``mip_rel_gap``, measured with the objective's offset as CP-SAT
    measures its ``relative_gap_limit``. A requested `stop` ends the subprocess (a
    `RuntimeError`).
    """
    path.write_text(mip.to_mps(path.stem), encoding="ascii")
    cmd = [sys.executable, "-m", "kgrota.bench.highs_worker", str(path), str(time_limit)]
    cmd += [str(threads), str(seed), *([str(gap), str(mip.offset)] if gap else [])]
    limit = time_limit * 3 + 120  # reading a large file takes time too
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        stdout, stderr = _communicate(proc, limit, stop)
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"HiGHS worker failed ({proc.returncode}): {stderr.strip()[-500:]}")
    out = json.loads(lines[-1])

    def reported(value: float | None) -> float | None:
        if value is None or not math.isfinite(value):
            return None
        return mip.reported(value)

    return HighsRun(
        status=out["status"],
        objective=reported(out["objective"]),
        bound=reported(out["bound"]),
        seconds=out["seconds"],
        rss_mb=out["rss_mb"],
        rows=out["rows"],
        columns=out["columns"],
        nodes=out["nodes"],
        lp_iterations=out["lp_iterations"],
    )


_POLL_SECONDS = 0.25  # how often a running HiGHS is checked against the stop request


def _communicate(proc: subprocess.Popen[str], limit: float, stop: Stop | None) -> tuple[str, str]:
    """The subprocess's output once it ends; killed after `limit` seconds or on a stop."""
    deadline = time.monotonic() + limit
    while True:
        try:
            return proc.communicate(timeout=_POLL_SECONDS)
        except subprocess.TimeoutExpired:
            stopped = stop is not None and stop.requested
            if not stopped and time.monotonic() < deadline:
                continue
            proc.kill()
            proc.communicate()
            if stopped:
                raise RuntimeError("HiGHS stopped by the interrupt") from None
            raise subprocess.TimeoutExpired(proc.args, limit) from None

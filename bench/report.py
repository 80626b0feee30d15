"""Benchmark results on disk: ``<set>-<YYYY-MM-DD>.json`` and a markdown page beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io.atomic import write_atomic

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .runner import Record

# Results are committed beside the sets in a source checkout; an installed kgrota never
# writes into its own site-packages, but into ./kgrota-bench of the working folder.
_HERE = Path(__file__).parent
RESULTS = _HERE / "results" if (_HERE.parent / ".git").exists() else Path("kgrota-bench")

# (header, key) of the markdown tables.
INSTANCE_COLUMNS = (
    ("instance", "label"),
    ("groups", "groups_count"),
    ("teachers", "teachers"),
    ("optimal", "optimal_groups"),
    ("objective", "objective"),
    ("bound", "best_bound"),
    ("gap", "gap"),
    ("greedy", "greedy_objective"),
    ("improvement", "improvement"),
    ("first feasible s", "first_feasible_seconds"),
    ("wall s", "wall_seconds"),
    ("cpu s", "cpu_seconds"),
    ("RSS MB", "rss_mb"),
    ("verified", "verified"),
)
GROUP_COLUMNS = (
    ("instance", "instance"),
    ("group", "group"),
    ("kgs", "kindergartens"),
    ("teachers", "teachers"),
    ("vars", "variables"),
    ("cons", "constraints"),
    ("status", "status"),
    ("first feasible s", "first_feasible_seconds"),
    ("optimum s", "optimal_seconds"),
    ("objective", "objective"),
    ("bound", "best_bound"),
    ("gap", "gap"),
    ("greedy", "greedy_objective"),
    ("improvement", "improvement"),
    ("RSS MB", "rss_mb"),
    ("verified", "verified"),
)
MIP_COLUMNS = (
    ("HiGHS", "status"),
    ("HiGHS s", "seconds"),
    ("HiGHS obj", "objective"),
    ("HiGHS bound", "bound"),
    ("agree", "agree"),
    ("CP/HiGHS time", "time_ratio"),
)
GROUP_SCALING_KEYS = ("wall_seconds", "cpu_seconds", "overhead_seconds")
SCALING_KEYS = ("first_feasible_seconds", "seconds", "optimal_seconds", "variables", "constraints")


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], spec: str = ".2f") -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|---" * len(headers) + "|",
        *("| " + " | ".join(_fmt(v, spec) for v in row) + " |" for row in rows),
    ]


def _group_row(g: Record) -> list[Any]:
    if "error" in g:
        return [g["instance"], g["group"], f"error: {g['error']}"]
    mip = g.get("mip") or {}
    if mip.get("skipped"):
        highs: list[Any] = ["skipped"] + [None] * (len(MIP_COLUMNS) - 1)
    else:
        highs = [mip.get(key) for _, key in MIP_COLUMNS]
    return [g[key] for _, key in GROUP_COLUMNS] + highs


def _gap(gap: float) -> str:
    """The stopping rule: proven optimum, or within a relative gap (results before --gap: 0)."""
    return f"stop within {gap:.2%} of the bound" if gap else "to proven optimum"


def _cp_sat(params: Record | None) -> str:
    """The preset's own CP-SAT parameters, if any (results before --params had none)."""
    if not params:
        return ""
    return "; CP-SAT " + ", ".join(f"`{k} = {v}`" for k, v in params.items())


def markdown(results: Record) -> str:
    """The results as a markdown page: setting, summary, scaling, instances, groups."""
    p, m, s = results["params"], results["machine"], results["summary"]
    load = m["load_1min"]
    lines = [
        f"# {results['set']} — {results['date']}",
        "",
        f"{results['description']}. Profile `{p['profile']}`, {p['years']} years from "
        f"{p['start_year']}, seeds {p['seeds']}.",
        f"CP-SAT time limit {p['time_limit']:g} s per group, "
        f"{_gap(p.get('gap', 0.0))}, {p['workers']} workers, seed "
        f"{p['cp_seed']}, greedy hint (one-group rosters) {'on' if p['hint'] else 'off'}; MIP "
        f"peer {'on' if p['mip'] else 'off'}{_cp_sat(p.get('cp_sat'))}.",
        f"Machine: {m['cores']} cores, {m['platform']}, Python {m['python']}, OR-Tools "
        f"{m['ortools']}, highspy {m['highspy']}; commit {m['commit']}"
        f"{' with uncommitted solver/model edits' if m['dirty'] else ''}.",
        *(
            [
                "Rosters of several groups go through `kgrota.solver.solve.solve` (threads split "
                "by `solve.layout`; greedy only as fallback); RSS is the solving processes' peak."
            ]
            if any(i["solver"] == "solve" for i in results["instances"])
            else []
        ),
        f"Load (1-min average; other jobs share the cores): start {load['start']:.2f}, "
        f"mean {load['mean']:.2f}, max {load['max']:.2f}. Wall {results['wall_seconds']:.0f} s.",
        *(
            [
                "**INTERRUPTED (已中断)**: the results so far; searches the interrupt stopped show "
                "their gap, and rosters not reached are missing."
            ]
            if results.get("interrupted")
            else []
        ),
        "",
        "## Summary (medians over groups)",
        "",
        *_table(
            ("figure", "value"),
            ((k, v) for k, v in s.items() if k not in ("scaling", "group_scaling", "mip_skipped")),
            ".3g",
        ),
    ]
    sc = s["scaling"]
    if sc:
        lines += [
            "",
            "## Scaling: exponent of y against teachers (log-log least squares)",
            "",
            f"{sc['points']} groups of {sc['teachers'][0]}–{sc['teachers'][1]} teachers; "
            f"{sc['censored']} not proven optimal (their `seconds` is censored at the limit).",
            "",
            *_table(("y", "exponent"), ((k, sc[k]) for k in SCALING_KEYS)),
        ]
    gs = s.get("group_scaling")
    if gs:
        per_group = ", ".join(f"{v:.2f}" for v in gs["wall_seconds_per_group"])
        lines += [
            "",
            "## Scaling: exponent of y against the number of groups (log-log least squares)",
            "",
            f"{gs['points']} rosters of {gs['groups'][0]}–{gs['groups'][1]} groups; 1 is linear. "
            f"Wall seconds per group: {per_group}.",
            "",
            *_table(("y", "exponent"), ((k, gs[k]) for k in GROUP_SCALING_KEYS)),
        ]
    instances = results["instances"]
    if len(instances) > 1 or instances[0]["groups_count"] > 1:
        rows = ([i[key] for _, key in INSTANCE_COLUMNS] for i in instances)
        lines += ["", "## Instances", "", *_table([h for h, _ in INSTANCE_COLUMNS], rows)]
    headers = [h for h, _ in GROUP_COLUMNS + MIP_COLUMNS]
    rows = (_group_row(g) for i in instances for g in i["groups"])
    lines += ["", "## Groups", "", *_table(headers, rows)]
    lines += ["", *(f"- {reason}" for reason in s["mip_skipped"])]
    return "\n".join(lines).rstrip() + "\n"


def write_results(results: Record, out: Path = RESULTS) -> tuple[Path, Path]:
    """``<set>-<date>.json`` and ``.md`` under `out`, each written atomically."""
    stem = out / f"{results['set']}-{results['date']}"
    text = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    return _write_text(stem.with_suffix(".json"), text), _write_text(
        stem.with_suffix(".md"), markdown(results)
    )


def _write_text(path: Path, text: str) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_atomic(path, write)

"""Benchmark results on disk: ``<set>-<YYYY-MM-DD>.json`` and a markdown page beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..io.atomic import write_atomic
from .spread import GROUP_FIGURES, TAIL_FIGURES

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
    ("work", "work"),
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
    ("work", "work"),
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
    ("CP search/HiGHS", "search_time_ratio"),
)
GROUP_SCALING_KEYS = (
    "wall_seconds",
    "cpu_seconds",
    "work",
    "overhead_seconds",
    "end_to_end_wall_seconds",
)
END_TO_END_COLUMNS = (
    ("exit", "exit_code"),
    ("wall s", "wall_seconds"),
    ("RSS MB (sum of VmHWM)", "rss_mb"),
    ("largest process MB", "rss_max_process_mb"),
    ("processes", "processes"),
    ("roster MB", "roster_mb"),
    ("plan MB", "plan_mb"),
)
# (header, key) of the spread tables: CP-SAT's seconds to the goal, HiGHS's, their ratio.
SPREAD_SERIES = (
    ("CP-SAT s", "cp_seconds"),
    ("HiGHS s", "highs_seconds"),
    ("CP-SAT/HiGHS", "cp_over_highs"),
    ("search/HiGHS", "cp_search_over_highs"),
)
SCALING_KEYS = ("first_feasible_seconds", "seconds", "optimal_seconds", "variables", "constraints")


def cell(value: Any, spec: str = ".2f") -> str:
    """A value as a results page shows it: – for none, yes/NO, floats to `spec`."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], spec: str = ".2f") -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|---" * len(headers) + "|",
        *("| " + " | ".join(cell(v, spec) for v in row) + " |" for row in rows),
    ]


def _group_row(g: Record, repeats: bool) -> list[Any]:
    seed = [g.get("cp_seed")] if repeats else []
    if "error" in g:
        return [g["instance"], g["group"], *seed, f"error: {g['error']}"]
    mip = g.get("mip") or {}
    if mip.get("skipped"):
        highs: list[Any] = ["skipped"] + [None] * (len(MIP_COLUMNS) - 1)
    else:
        highs = [mip.get(key) for _, key in MIP_COLUMNS]
    cells = [g[key] for _, key in GROUP_COLUMNS]
    return cells[:2] + seed + cells[2:] + highs


def _spread_lines(spread: Record, repeats: int) -> list[str]:
    """The spread over repeats (bench/spread.py): overall tail first, then per group."""
    overall = spread["overall"]
    rows = [
        [header, overall[key]["runs"], overall[key]["unproven"]]
        + [overall[key][f] for f in TAIL_FIGURES]
        for header, key in SPREAD_SERIES
    ]
    per_group = [
        [g["instance"], g["group"]]
        + [g[key][f] for _, key in SPREAD_SERIES for f in GROUP_FIGURES]
        + [g["cp_seconds"]["unproven"]]
        for g in spread["groups"]
    ]
    group_headers = ["instance", "group"]
    group_headers += [f"{h} {f}" for h, _ in SPREAD_SERIES for f in GROUP_FIGURES]
    return [
        "",
        f"## Spread over {repeats} repeats (CP-SAT random seeds; HiGHS once, deterministic)",
        "",
        "CP-SAT seconds to the goal without the tie-break among optima; a run that missed the "
        "goal counts as slower than any (– where a figure falls on one; `unproven` counts them). "
        "p90 is the ⌈0.9 n⌉-th smallest.",
        "",
        *table(["series", "runs", "unproven", *TAIL_FIGURES], rows, ".3g"),
        "",
        *table([*group_headers, "CP-SAT unproven"], per_group, ".3g"),
    ]


def _end_to_end_lines(instances: Sequence[Record]) -> list[str]:
    """``kgrota solve`` as a user runs it, per roster (bench/endtoend.py)."""
    timed = [i for i in instances if i.get("end_to_end")]
    if not timed:
        return []
    rows = [
        [i["label"], i["groups_count"], i["teachers"]]
        + [i["end_to_end"][key] for _, key in END_TO_END_COLUMNS]
        + ["; ".join(i["end_to_end"]["output"][-2:])]
        for i in timed
    ]
    headers = ["instance", "groups", "teachers", *(h for h, _ in END_TO_END_COLUMNS), "says"]
    return [
        "",
        "## End to end: `kgrota solve ROSTER -o PLAN.xlsx` in a subprocess",
        "",
        f"Command: `{timed[0]['end_to_end']['command']}`. Wall from start to exit (reading, "
        "solving, verifying, writing the plan; the roster was written beforehand, untimed). "
        "RSS: the sum of `VmHWM` over the command's process tree, sampled every 0.1 s (an "
        "upper bound: the processes need not peak at once), and the largest single process.",
        "",
        *table(headers, rows),
    ]


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
    repeats = p.get("repeats", 1)
    seed = str(p["cp_seed"]) if repeats == 1 else f"{p['cp_seed']}–{p['cp_seed'] + repeats - 1}"
    lines = [
        f"# {results['set']} — {results['date']}",
        "",
        f"{results['description']}. Profile `{p['profile']}`, {p['years']} years from "
        f"{p['start_year']}, seeds {p['seeds']}.",
        f"CP-SAT time limit {p['time_limit']:g} s per group, "
        f"{_gap(p.get('gap', 0.0))}, {p['workers']} workers, seed {seed}"
        f"{' (one repeat each; HiGHS in the first)' if repeats > 1 else ''}, greedy hint (one-group rosters) {'on' if p['hint'] else 'off'}; MIP "
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
        *table(
            ("figure", "value"),
            (
                (k, v)
                for k, v in s.items()
                if k
                not in (
                    "scaling",
                    "group_scaling",
                    "group_scaling_by_seed",
                    "mip_skipped",
                    "spread",
                )
            ),
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
            *table(("y", "exponent"), ((k, sc[k]) for k in SCALING_KEYS)),
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
            *table(("y", "exponent"), ((k, gs[k]) for k in GROUP_SCALING_KEYS if k in gs)),
        ]
    by_seed = s.get("group_scaling_by_seed")
    if by_seed:
        keys = [k for k in GROUP_SCALING_KEYS if all(k in f for f in by_seed.values() if f)]
        lines += [
            "",
            "The same exponents for each seed's rosters alone (provincegroups: each seed is "
            "one random order of the groups):",
            "",
            *table(
                ("seed", *keys),
                ((seed, *(f[k] if f else None for k in keys)) for seed, f in by_seed.items()),
                ".3f",
            ),
        ]
    if s.get("spread"):
        lines += _spread_lines(s["spread"], repeats)
    instances = results["instances"]
    lines += _end_to_end_lines(instances)
    if len(instances) > 1 or instances[0]["groups_count"] > 1:
        headers = [h for h, _ in INSTANCE_COLUMNS] + (["CP seed"] if repeats > 1 else [])
        rows = (
            [i[key] for _, key in INSTANCE_COLUMNS] + ([i["cp_seed"]] if repeats > 1 else [])
            for i in instances
        )
        lines += ["", "## Instances", "", *table(headers, rows)]
    headers = [h for h, _ in GROUP_COLUMNS + MIP_COLUMNS]
    if repeats > 1:
        headers[2:2] = ["CP seed"]
    rows = (_group_row(g, repeats > 1) for i in instances for g in i["groups"])
    lines += ["", "## Groups", "", *table(headers, rows)]
    lines += ["", *(f"- {reason}" for reason in s["mip_skipped"])]
    return "\n".join(lines).rstrip() + "\n"


def write_results(results: Record, out: Path = RESULTS) -> tuple[Path, Path]:
    """``<set>-<date>.json`` and ``.md`` under `out`, each written atomically."""
    stem = out / f"{results['set']}-{results['date']}"
    text = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    return write_text(stem.with_suffix(".json"), text), write_text(
        stem.with_suffix(".md"), markdown(results)
    )


def write_text(path: Path, text: str) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_atomic(path, write)

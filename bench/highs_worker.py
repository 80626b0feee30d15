"""Solve one MPS file with HiGHS and print one JSON line: ``python -m kgrota.bench.highs_worker
FILE TIME_LIMIT THREADS SEED [GAP OFFSET]``. Imports highspy and no OR-Tools (they clash in
one process). GAP is ``mip_rel_gap`` (default 0: prove the optimum, as CP-SAT does by default);
HiGHS measures it with the CP-SAT objective's OFFSET added, as CP-SAT measures its own.

The JSON holds the model status, the MPS objective and dual bound (minimisation, without the
CP-SAT offset or scale), the seconds spent reading and solving, the peak RSS, the size, and
the branch-and-bound nodes and simplex iterations (the search's path).
"""

from __future__ import annotations

import importlib
import json
import math
import sys
import time
from typing import Any

from .memory import peak_rss_mb


def main(argv: list[str]) -> int:
    path, time_limit, threads, seed = argv[0], float(argv[1]), int(argv[2]), int(argv[3])
    gap, offset = (float(argv[4]), float(argv[5])) if len(argv) > 4 else (0.0, 0.0)
    highspy: Any = importlib.import_module("highspy")  # untyped, and optional
    highs = highspy.Highs()
    for option, value in (
        ("output_flag", False),
        ("time_limit", time_limit),
        ("threads", threads),
        ("random_seed", seed),
        ("mip_rel_gap", gap),
    ):
        highs.setOptionValue(option, value)
    started = time.perf_counter()
    highs.readModel(path)
    highs.changeObjectiveOffset(offset)  # the relative gap depends on it
    highs.run()
    seconds = time.perf_counter() - started
    info = highs.getInfo()
    feasible = info.primal_solution_status == 2  # kSolutionStatusFeasible

    def finite(value: float) -> float | None:  # in the MPS file's terms: without the offset
        return value - offset if math.isfinite(value) and abs(value) < 1e30 else None

    lp = highs.getLp()
    result = {
        "status": highs.modelStatusToString(highs.getModelStatus()),
        "objective": finite(info.objective_function_value) if feasible else None,
        "bound": finite(info.mip_dual_bound),
        "seconds": seconds,
        "rss_mb": peak_rss_mb(),
        "rows": lp.num_row_,
        "columns": lp.num_col_,
        # the search's path: equal on two runs with the same seed and threads (deterministic)
        "nodes": int(info.mip_node_count),
        "lp_iterations": int(info.simplex_iteration_count),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`kgrota bench` interrupted: the results so far are written, marked, and the run exits 130."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

WAIT = 240.0  # seconds the run may take to reach the point (a loaded CI machine)


def test_an_interrupted_benchmark_writes_its_results_so_far(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "kgrota.bench", "group16", "--seeds", "2", "--no-mip"]
    proc = subprocess.Popen(
        [*cmd, "--time-limit", "60", "--out", str(tmp_path)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # the first roster's record: the second one is under way
        seen.append(line)
        if " teachers, " in line:
            break
    proc.send_signal(signal.SIGINT)
    stdout, rest = proc.communicate(timeout=WAIT)
    output = "".join(seen) + rest + stdout
    assert proc.returncode == 130, output
    assert "Traceback" not in output and "interrupted" in output
    (results,) = tmp_path.glob("group16-*.json")
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["interrupted"] is True
    assert 1 <= len(data["instances"]) <= 2
    assert "INTERRUPTED" in results.with_suffix(".md").read_text(encoding="utf-8")

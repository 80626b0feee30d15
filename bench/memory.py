"""Peak resident memory of a process, read where it is not inherited.

On Linux ``ru_maxrss`` (``getrusage``) survives ``exec``: a process spawned from a large
parent reports at least the parent's size, and ``RUSAGE_CHILDREN`` is the largest such
figure. The high-water mark ``VmHWM`` in ``/proc/PID/status`` belongs to the process's own
memory map, so it is used where it exists; ``ru_maxrss`` is the fallback elsewhere.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path
from typing import Self

PROC = Path("/proc")


def peak_rss_mb(pid: int | None = None) -> float | None:
    """Peak RSS in MiB of `pid` (this process by default); None if it is gone or unknown."""
    try:
        status = (PROC / str(pid or "self") / "status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return None


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (from /proc; empty where there is none)."""
    out = []
    for entry in PROC.glob("[0-9]*/stat") if PROC.is_dir() else ():
        try:
            fields = entry.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:  # state, then ppid
            out.append(int(entry.parent.name))
    return out


class Sampler:
    """Calls `sample` every `every` seconds in a background thread while the block runs,
    and once more at each end."""

    def __init__(self, every: float) -> None:
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.sample()

    def __enter__(self) -> Self:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


class ChildPeak(Sampler):
    """The largest peak RSS among this process's children while the block runs (sampled)."""

    def __init__(self, every: float = 0.25) -> None:
        super().__init__(every)
        self.peak: float | None = None

    def sample(self) -> None:
        for pid in children(os.getpid()):
            rss = peak_rss_mb(pid)
            if rss is not None and (self.peak is None or rss > self.peak):
                self.peak = rss

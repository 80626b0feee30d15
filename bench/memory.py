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


def _parents() -> dict[int, int]:
    """Every live process's parent (from /proc; empty where there is none)."""
    out = {}
    for entry in PROC.glob("[0-9]*/stat") if PROC.is_dir() else ():
        try:
            fields = entry.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        out[int(entry.parent.name)] = int(fields[1])  # state, then ppid
    return out


def children(pid: int) -> list[int]:
    """The live child processes of `pid`."""
    return [child for child, parent in _parents().items() if parent == pid]


def descendants(pid: int) -> list[int]:
    """The live processes below `pid` (children, theirs, and so on)."""
    parents = _parents()
    out: list[int] = []
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        out += sorted(frontier)
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


class TreePeak(Sampler):
    """Peak RSS of a process tree (`pid` and its descendants), sampled every `every` seconds.

    ``hwm_sum_mb`` adds up the last-seen ``VmHWM`` of every process the samples saw (also
    those that ended since): an upper bound on the tree's peak, since the processes need not
    have peaked at once; ``hwm_max_mb`` is the largest single one. A process that lives
    shorter than a sample interval may be missed."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(every)
        self._pid = pid
        self._hwm: dict[int, float] = {}

    def sample(self) -> None:
        for pid in (self._pid, *descendants(self._pid)):
            rss = peak_rss_mb(pid)
            if rss is not None:
                self._hwm[pid] = max(rss, self._hwm.get(pid, 0.0))

    @property
    def processes(self) -> int:
        """How many processes of the tree the samples saw."""
        return len(self._hwm)

    @property
    def hwm_sum_mb(self) -> float | None:
        return sum(self._hwm.values()) if self._hwm else None

    @property
    def hwm_max_mb(self) -> float | None:
        return max(self._hwm.values()) if self._hwm else None


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

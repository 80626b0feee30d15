"""kgrota: teacher rotation and exchange plans for kindergarten education groups (CP-SAT).

The command line (`kgrota --help`) is the main way in; for a notebook, `read_roster`, `solve`
and `Plan.to_frames` (io/api.py) are the small Python API. They load on first use, so that
importing any part of kgrota (a worker process, the CLI) does not load pandas and the solver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .io.api import Plan, read_roster, solve

__all__ = ["Plan", "read_roster", "solve"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from .io import api

        return getattr(api, name)
    raise AttributeError(f"module 'kgrota' has no attribute {name!r}")

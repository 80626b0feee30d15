"""kgrota: teacher rotation and exchange plans for kindergarten education groups (CP-SAT).

The command line (`kgrota --help`) is the main way in; for a notebook, `read_roster`, `solve`
and `Plan.to_frames` (io/api.py) are the small Python API.
"""

from .io.api import Plan, read_roster, solve

__all__ = ["Plan", "read_roster", "solve"]

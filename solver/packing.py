"""Deal one semester's chosen short visits into 2-week slots (SPEC §9).

The solver decides visits per teacher and semester under aggregated caps (≤ cap × slots per
stream, ≤ slots per home kindergarten and slot key); this packing then makes them exact:
sort each stream by (home kg, slot key) and deal round-robin. A key's visits are contiguous
and number ≤ slots, so they land in distinct slots (AWAY-SLOT); each slot gets at most
ceil(N / slots) ≤ cap visits (SHD-CAP).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..model import Teacher


def pack_slots(visitors: Iterable[Teacher], slots: int) -> dict[str, int]:
    """Map teacher id → 1-based slot; cadres and teachers are dealt as separate streams."""
    people = list(visitors)
    out: dict[str, int] = {}
    for cadre_stream in (True, False):
        stream = sorted(
            (t for t in people if t.cadre == cadre_stream),
            key=lambda t: (t.home_kg, t.slot_key, t.teacher_id),
        )
        for i, t in enumerate(stream):
            out[t.teacher_id] = i % slots + 1
    return out

"""Deal one semester's chosen short visits into 2-week slots (SPEC §9).

Shadowing: the solver decides visits per teacher and semester under aggregated caps (≤ cap ×
slots per stream, ≤ slots per home kindergarten and slot key); this packing then makes them
exact: sort each stream by (home kg, slot key) and deal round-robin. A key's visits are
contiguous and number ≤ slots, so they land in distinct slots (AWAY-SLOT); each slot gets at
most ceil(N / slots) ≤ cap visits (SHD-CAP).

Guidance: the solver decides counts per semester — g[p] visits made by person p, n[m]
received by member m, Σ g = Σ n, each slot key of the lead away ≤ slots times, each member
visited ≤ slots times, all visits ≤ guide_slot_cap × slots. `transport` pairs persons with
members, and `colour_edges` deals the (slot key, member) visits into slots as a balanced
bipartite edge colouring: no key and no member twice in a slot (AWAY-SLOT, GUIDE-CAP), and
at most ceil(N / slots) ≤ guide_slot_cap visits per slot.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Mapping, Sequence

    from ..model import Teacher

    Vertex = tuple[int, Hashable]  # (side, name): a left and a right name may coincide


def pack_slots(
    visitors: Iterable[Teacher], slots: int, fixed: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Map teacher id → 1-based slot; cadres and teachers are dealt as separate streams.

    `fixed` visits (the greedy's pinned slots) keep theirs and the others are dealt around
    them, each to the emptiest slot its key is not in yet: best effort, where the round
    robin without them is exact.
    """
    people = list(visitors)
    out: dict[str, int] = {}
    for cadre_stream in (True, False):
        stream = sorted(
            (t for t in people if t.cadre == cadre_stream),
            key=lambda t: (t.home_kg, t.slot_key, t.teacher_id),
        )
        if not fixed:
            for i, t in enumerate(stream):
                out[t.teacher_id] = i % slots + 1
            continue
        load = [0] * (slots + 1)
        keys: set[tuple[str, str, int]] = set()
        for t in stream:
            if t.teacher_id in fixed:
                out[t.teacher_id] = fixed[t.teacher_id]
                load[fixed[t.teacher_id]] += 1
                keys.add((t.home_kg, t.slot_key, fixed[t.teacher_id]))
        for t in stream:
            if t.teacher_id not in fixed:
                free = [s for s in range(1, slots + 1) if (t.home_kg, t.slot_key, s) not in keys]
                slot = min(free or range(1, slots + 1), key=lambda s: (load[s], s))
                out[t.teacher_id] = slot
                load[slot] += 1
                keys.add((t.home_kg, t.slot_key, slot))
    return out


def transport(
    supply: Mapping[str, int], demand: Mapping[str, int], reserved: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """Pair the visits persons make (supply) with those members receive (demand), one pair
    per visit, in person-then-member order of the mappings.

    `reserved` pairs (pinned, or kept from a previous plan) come first; every other visit goes
    to the person with the most visits left who does not visit that member yet. Any pairing
    keeps the rules (none ties a person to a member); spreading just reads better.
    """
    left, need = dict(supply), dict(demand)
    if sum(left.values()) != sum(need.values()):
        raise ValueError("Must have as many visits made as received.")
    out: list[tuple[str, str]] = []

    def pair(person: str, member: str) -> None:
        left[person] -= 1
        need[member] -= 1
        out.append((person, member))

    for person, member in reserved:
        if left.get(person, 0) < 1 or need.get(member, 0) < 1:
            raise ValueError(f"Reserved visit {person} → {member} exceeds the counts.")
        pair(person, member)
    order = {p: i for i, p in enumerate(left)}
    for member in demand:
        while need[member] > 0:
            paired = {p for p, m in out if m == member}
            pair(
                min(
                    (p for p, n in left.items() if n > 0),
                    key=lambda p: (p in paired, -left[p], order[p]),
                ),
                member,
            )
    return out


def colour_edges(edges: Sequence[tuple[Hashable, Hashable]], colours: int) -> list[int]:
    """A proper, balanced edge colouring of a bipartite multigraph: a colour in
    0..colours-1 per edge (left vertex, right vertex).

    Edges meeting at a vertex get distinct colours, and colour classes differ in size by at
    most one. By König's theorem `colours` ≥ the largest degree suffices.
    """
    return _Colouring(edges, colours).colour


class _Colouring:
    """Kempe-chain edge colouring of a bipartite multigraph, then balancing."""

    def __init__(self, edges: Sequence[tuple[Hashable, Hashable]], colours: int) -> None:
        self.edges = edges
        self.colours = colours
        self.colour = [-1] * len(edges)
        self.at: dict[Vertex, dict[int, int]] = defaultdict(dict)  # vertex → colour → edge
        for e in range(len(edges)):
            self._add(e)
        self._balance()

    def _ends(self, e: int) -> tuple[Vertex, Vertex]:
        return (0, self.edges[e][0]), (1, self.edges[e][1])

    def _add(self, e: int) -> None:
        """Colour a free at u; if a is taken at w, swap a and b (free at w) along the chain
        from w first: in a bipartite graph that chain never reaches u."""
        u, w = self._ends(e)
        free_u = [c for c in range(self.colours) if c not in self.at[u]]
        free_w = [c for c in range(self.colours) if c not in self.at[w]]
        if not free_u or not free_w:
            raise ValueError(f"Must have at most {self.colours} edges at every vertex.")
        a, b = free_u[0], free_w[0]
        if a in self.at[w]:
            self._swap(self._chain(w, a, b), a, b)
        self.colour[e] = a
        self.at[u][a] = self.at[w][a] = e

    def _chain(self, start: Vertex, a: int, b: int) -> list[int]:
        """Edges on the path from `start` coloured a, b, a, … (a path: `start` lacks b)."""
        path, vertex, want = [], start, a
        while want in self.at[vertex]:
            e = self.at[vertex][want]
            path.append(e)
            u, w = self._ends(e)
            vertex = w if vertex == u else u
            want = b if want == a else a
        return path

    def _swap(self, path: list[int], a: int, b: int) -> None:
        for e in path:  # unhook all first: neighbouring path edges trade colours
            for vertex in self._ends(e):
                del self.at[vertex][self.colour[e]]
        for e in path:
            self.colour[e] = b if self.colour[e] == a else a
            for vertex in self._ends(e):
                self.at[vertex][self.colour[e]] = e

    def _balance(self) -> None:
        """Move one edge at a time from the largest class to the smallest.

        In the two classes' subgraph (paths and even cycles) some path starts and ends with
        the larger colour, since that colour has more edges; swapping on it moves one edge.
        """
        while self.edges:
            sizes = [self.colour.count(c) for c in range(self.colours)]
            big, small = sizes.index(max(sizes)), sizes.index(min(sizes))
            if sizes[big] - sizes[small] <= 1:
                return
            for vertex, used in list(self.at.items()):
                if big in used and small not in used:
                    path = self._chain(vertex, big, small)
                    if len(path) % 2 == 1:
                        self._swap(path, big, small)
                        break

"""Short visits placed in slots by the model itself, in the semesters where a slot is held.

Elsewhere visits are decided per semester and dealt into slots afterwards (SPEC §9,
packing.py). A visit is *held* in a slot when the previous plan had it there (stability: a
visit moved to another slot is a change) or a pin fixes its slot (``--freeze-before``).
Keeping held visits in their slots while dealing the others around them is a precoloured
extension that per-semester counts cannot promise: with 3 slots of capacity 2, slots 1 and
2 full of kept visits, one of them of key k, two new visits of key k fit the counts but not
the slots. So in a semester with a held visit, or with slots closed by ``--freeze-before``,
the model places that activity's visits itself (`Grid`):

- ``held[(t, host, i, s)]``: teacher t's visit to host in plan semester i is in slot s;
- ``fresh[(key, host, i, s)]``: a visit of that slot key (or teacher, without AWAY-SLOT) to
  host in slot s that no held variable covers; only in open slots (none before the freeze);

with the packing's own limits per slot: a key once, for guidance a member once, and the
stream's cap while SHD-CAP or GUIDE-CAP is on. The per-semester counts of variables.py stay
and are tied to these (``count``). Reading the slots off the model is then exact
(`Grid.slots`). In other semesters a previous visit's ``held`` variable only observes (at
most the semester's decision) so that the stability term is read off a schedule exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ortools.sat.python import cp_model

from ..model import Activity, Instance, Semester
from ..model.rules.guidance import GUIDE_CAP
from ..model.rules.shadowing import SHD_CAP
from ..model.rules.staffing import AWAY_SLOT

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

    from ..model import Assignment, Teacher
    from .violations import ValueOf

HeldKey = tuple[str, str, int, int]  # teacher, host, plan semester, slot
Key = tuple[str, str]  # (home kg, slot key), or (teacher id, "") without AWAY-SLOT
FreshKey = tuple[Key, str, int, int]  # key, host, plan semester, slot


class Entry(NamedTuple):
    """One slot variable: a held visit (its teacher) or a fresh one (teacher "")."""

    teacher: str
    key: Key
    host: str
    i: int
    slot: int
    var: cp_model.IntVar


def slot_key(inst: Instance, t: Teacher) -> Key:
    """What a visit takes away at home for one slot: the kindergarten's grade or cadre post
    (AWAY-SLOT), or only the teacher herself while AWAY-SLOT is off (ONE-PLACE)."""
    if inst.profile.enabled(AWAY_SLOT.id):
        return (t.home_kg, t.slot_key)
    return (t.teacher_id, "")


def held_visits(inst: Instance, activity: Activity) -> tuple[set[HeldKey], set[HeldKey]]:
    """(binding, observed) held visits of an activity in the plan's semesters.

    Binding: the fixed pins with a slot, and the previous plan's visits while stability has
    a weight; observed: the previous plan's visits otherwise. Slots past a semester's last
    (a changed calendar) cannot be held.
    """
    horizon = inst.horizon
    planned = set(horizon.semesters)

    def key(teacher: str, host: str, year: int, sem: Semester, slot: int) -> HeldKey | None:
        if (year, sem) not in planned or slot > horizon.slot_count(year, sem):
            return None
        return (teacher, host, horizon.semester_index(year, sem), slot)

    binding: set[HeldKey] = set()
    observed: set[HeldKey] = set()
    for p in inst.roster.pins:
        if p.activity is not activity or p.forbidden or not p.semester or not p.slot:
            continue
        host = p.host_kg
        if host is None and activity is Activity.SHADOWING and p.teacher_id in inst.teacher:
            host = inst.lead(inst.teacher[p.teacher_id].home_kg)  # shadowing is at the lead
        found = key(p.teacher_id, host, p.year, p.semester, p.slot) if host else None
        if found:
            binding.add(found)
    previous = binding if inst.profile.stability > 0 else observed
    for a in inst.previous:
        if a.activity is activity and a.semester is not None and a.slot is not None:
            found = key(a.teacher_id, a.host_kg, a.year, a.semester, a.slot)
            if found:
                previous.add(found)
    return binding, observed - binding


@dataclass
class Grid:
    """The slot-level variables of one activity (`activity`) in one group."""

    activity: Activity
    semesters: frozenset[int] = frozenset()  # plan semesters placed in the model
    held: dict[HeldKey, cp_model.IntVar] = field(default_factory=dict)
    fresh: dict[FreshKey, cp_model.IntVar] = field(default_factory=dict)
    keys: dict[str, Key] = field(default_factory=dict)  # teacher → slot key

    @classmethod
    def create(
        cls,
        model: cp_model.CpModel,
        inst: Instance,
        activity: Activity,
        counts: Mapping[tuple[str, int], cp_model.IntVar],
        hosts: Mapping[int, Sequence[str]],
    ) -> Grid:
        """Variables for the held visits whose teacher has a count in their semester
        (`counts`: the per-semester decisions, (teacher, i) → var) and, in the semesters to
        place, for fresh visits of every key with a count to each of ``hosts[i]`` in every open
        slot. Their constraints are the families' structure (`bound`, `tie`, `limit_slots`:
        shadowing.in_slots, guidance.balance)."""
        horizon = inst.horizon
        binding, observed = held_visits(inst, activity)
        sems = horizon.semesters
        closed = {
            i for i, (y, s) in enumerate(sems) if horizon.slot_count(y, s) and inst.frozen(y, s, 1)
        }
        out = cls(
            activity,
            frozenset(closed | {i for _, _, i, _ in binding}),
            keys={t: slot_key(inst, inst.teacher[t]) for t, _ in counts},
        )
        for t, host, i, s in sorted(binding | observed):
            if (t, i) in counts and host in hosts.get(i, ()):
                out.held[(t, host, i, s)] = model.new_bool_var(f"held[{t},{host},{i},{s}]")
        for i in sorted(out.semesters):
            year, sem = sems[i]
            keys = sorted({out.keys[t] for t, j in counts if j == i})
            for s in range(1, horizon.slot_count(year, sem) + 1):
                if inst.frozen(year, sem, s):
                    continue
                for key in keys:
                    for host in hosts.get(i, ()):
                        out.fresh[(key, host, i, s)] = model.new_bool_var(
                            f"fresh[{key[0]},{key[1]},{host},{i},{s}]"
                        )
        return out

    def variables(self) -> Iterable[cp_model.IntVar]:
        yield from self.held.values()
        yield from self.fresh.values()

    def entries(self) -> Iterable[Entry]:
        """Everything a placed semester's slots may hold: held visits, then fresh ones."""
        for (t, host, i, s), var in self.held.items():
            if i in self.semesters:
                yield Entry(t, self.keys[t], host, i, s, var)
        for (key, host, i, s), var in self.fresh.items():
            yield Entry("", key, host, i, s, var)

    def bound(
        self, model: cp_model.CpModel, counts: Mapping[tuple[str, int], cp_model.IntVar]
    ) -> None:
        """A teacher's held visits in a semester ≤ her count then (`counts`: (teacher, i))."""
        held: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (t, _, i, _), var in self.held.items():
            held[(t, i)].append(var)
        for key, xs in held.items():
            model.add(cp_model.LinearExpr.sum(xs) <= counts[key])

    def tie(
        self,
        model: cp_model.CpModel,
        by: Callable[[Entry], Hashable],
        sums: Mapping[Hashable, Sequence[cp_model.IntVar]],
    ) -> None:
        """In the placed semesters, each group of per-semester counts (`sums`, e.g. a key's
        in a semester) = the slot entries `by` puts in that group."""
        placed: dict[Hashable, list[cp_model.IntVar]] = defaultdict(list)
        for entry in self.entries():
            placed[by(entry)].append(entry.var)
        for group, xs in sums.items():
            model.add(cp_model.LinearExpr.sum(list(xs)) == cp_model.LinearExpr.sum(placed[group]))

    def limit_slots(self, model: cp_model.CpModel, inst: Instance, *, hosts_once: bool) -> None:
        """Per slot: each key at most once, each host too when ``hosts_once`` (guidance's
        members), and the caps of SHD-CAP (per stream) or GUIDE-CAP while on."""
        groups: dict[tuple[object, ...], list[cp_model.IntVar]] = defaultdict(list)
        limits: dict[tuple[object, ...], int | None] = {}
        for e in self.entries():
            groups[("key", e.i, e.slot, e.key)].append(e.var)
            if hosts_once:
                groups[("host", e.i, e.slot, e.host)].append(e.var)
            cadres = self._cadres(inst, e)
            groups[("cap", e.i, e.slot, cadres)].append(e.var)
            limits[("cap", e.i, e.slot, cadres)] = self._cap(inst, cadres)
        for group, xs in groups.items():
            limit = limits.get(group, 1)
            if limit is not None and len(xs) > limit:
                model.add(cp_model.LinearExpr.sum(xs) <= limit)

    def _cadres(self, inst: Instance, e: Entry) -> bool:
        """Whether an entry is in the cadres' stream (SHD-CAP's two; guidance has one)."""
        if self.activity is Activity.GUIDANCE:
            return False
        if e.teacher:
            return inst.teacher[e.teacher].cadre
        return e.key[1] == "cadre" or (e.key[1] == "" and inst.teacher[e.key[0]].cadre)

    def _cap(self, inst: Instance, cadres: bool) -> int | None:
        profile = inst.profile
        if self.activity is Activity.GUIDANCE:
            return profile.guide_slot_cap if profile.enabled(GUIDE_CAP.id) else None
        if not profile.enabled(SHD_CAP.id):
            return None
        return profile.cadre_cap if cadres else profile.teacher_cap

    def kept(self, i: int, value_of: ValueOf) -> list[tuple[str, str, int]]:
        """(teacher, host, slot) of the held visits a solution keeps in plan semester i."""
        return [
            (t, host, s) for (t, host, j, s), var in self.held.items() if j == i and value_of(var)
        ]

    def open_slots(self, i: int, value_of: ValueOf) -> dict[Key, list[tuple[str, int]]]:
        """Key → (host, slot) of a placed semester's fresh visits, in slot order."""
        out: dict[Key, list[tuple[str, int]]] = defaultdict(list)
        for (key, host, j, s), var in sorted(self.fresh.items(), key=lambda kv: kv[0][3]):
            if j == i:
                out[key] += [(host, s)] * value_of(var)
        return out

    def seat(self, i: int, value_of: ValueOf, chosen: Iterable[str]) -> dict[str, int]:
        """Teacher → slot of a placed semester's visits to one host (shadowing): the kept ones
        where they are held, the other chosen teachers (by id) in their key's fresh slots."""
        out = {t: s for t, _, s in self.kept(i, value_of)}
        free = self.open_slots(i, value_of)
        for t in sorted(set(chosen) - set(out)):
            out[t] = free[self.keys[t]].pop(0)[1]
        return out

    def values(self, inst: Instance, schedule: Sequence[Assignment]) -> dict[int, int]:
        """Variable index → value of the held and fresh visits describing a schedule."""
        horizon = inst.horizon
        out: dict[int, int] = defaultdict(int)
        for a in schedule:
            if a.activity is not self.activity or a.semester is None or a.slot is None:
                continue
            if (a.year, a.semester) not in set(horizon.semesters) or a.teacher_id not in self.keys:
                continue
            i = horizon.semester_index(a.year, a.semester)
            held = self.held.get((a.teacher_id, a.host_kg, i, a.slot))
            if held is not None:
                out[held.index] = 1
                continue
            fresh = self.fresh.get((self.keys[a.teacher_id], a.host_kg, i, a.slot))
            if fresh is not None:
                out[fresh.index] += 1
        return dict(out)

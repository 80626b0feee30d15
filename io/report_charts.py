"""The report's charts, one function each, as plotly figures (drawn offline by the page).

Each function takes what the plan and its tables already hold and returns a figure, or None
when there is nothing to draw. Words go through the catalogue; dates are shown as numbers
(2026-09), so the page reads the same in either language. Support and learning keep their
colours in every chart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from ..model import Activity, Instance, Schedule
from ..model.i18n import _
from .fairness import Fairness, Kind, kind, support_received
from .words import tier_word, word, year_label

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from ..model import Kindergarten

WIDTH = 1000  # px: fits an A4 landscape page with its margins, so print keeps the layout
FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
ROW = 18  # px per kindergarten in the charts with one row each
COLOURS = {Kind.SUPPORT: "#2b6cb0", Kind.LEARNING: "#dd6b20", Kind.INDUCTION: "#38a169"}
SHADES = ("#cbd5e0", "#90cdf4", "#4299e1", "#2c5282")  # 0, 1, 2, 3+ exchanges


def kind_word(what: Kind) -> str:
    return {
        Kind.SUPPORT: _("support"),
        Kind.LEARNING: _("learning"),
        Kind.INDUCTION: _("induction"),
    }[what]


def _layout(fig: go.Figure, title: str, height: int, top: int = 50, **more: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "y": 1, "yanchor": "top", "pad": {"t": 10}},
        width=WIDTH,
        height=height,
        font={"family": FONT, "size": 12},
        margin={"l": 10, "r": 10, "t": top, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
        **more,
    )
    return fig


def _label(k: Kindergarten) -> str:
    return _("{name} ({tier})").format(name=k.name, tier=tier_word(k.tier))


def flows(schedule: Schedule, inst: Instance, year: int) -> go.Figure | None:
    """Year-long moves of one school year as a Sankey per group (exchanges never cross
    groups), stacked: home kindergartens on the left, hosts on the right, support, learning and
    induction in their colours."""
    links: dict[tuple[str, str, Kind], list[str]] = defaultdict(list)
    for a in schedule.assignments:
        t = inst.teacher.get(a.teacher_id)
        if a.year != year or not a.activity.year_long or t is None or a.host_kg == t.home_kg:
            continue
        links[(t.home_kg, a.host_kg, kind(inst, t, a.activity, a.host_kg))].append(t.name)
    if not links:
        return None
    order = {k.kg_id: i for i, k in enumerate(inst.kindergartens)}
    by_group: dict[str, list[tuple[str, str, Kind]]] = defaultdict(list)
    for key in sorted(links, key=lambda x: (order[x[0]], order[x[1]], x[2].value)):
        by_group[inst.kg[key[0]].group].append(key)
    rows = {
        g: max(len({h for h, _h, _k in keys}), len({h for _h, h, _k in keys}))
        for g, keys in by_group.items()
    }
    total, done = sum(rows.values()), 0
    fig = go.Figure()
    for group in (g for g in inst.roster.groups if g in by_group):
        top = 1 - done / total
        done += rows[group]
        fig.add_trace(_sankey(inst, by_group[group], links, (1 - done / total + 0.01, top)))
        fig.add_annotation(
            text=group, x=0.5, y=top, xref="paper", yref="paper", showarrow=False, yanchor="bottom"
        )
    title = _("{year}: teachers away for the year, from home (left) to host (right)")
    height = 26 * total + 28 * len(by_group) + 60
    return _layout(fig, title.format(year=year_label(year)), max(320, height), top=60)


def _sankey(
    inst: Instance,
    keys: list[tuple[str, str, Kind]],
    links: dict[tuple[str, str, Kind], list[str]],
    band: tuple[float, float],
) -> go.Sankey:
    """One group's flows in a horizontal band of the figure (y from band[0] to band[1])."""
    homes = list(dict.fromkeys(h for h, _h, _k in keys))
    hosts = list(dict.fromkeys(h for _h, h, _k in keys))
    node = {("out", k): i for i, k in enumerate(homes)}
    node |= {("in", k): len(homes) + i for i, k in enumerate(hosts)}
    return go.Sankey(
        domain={"x": [0, 1], "y": [band[0], band[1] - 0.005]},
        arrangement="snap",
        node={
            "label": [_label(inst.kg[k]) for k in (*homes, *hosts)],
            "color": "#718096",
            "pad": 6,
            "thickness": 12,
        },
        link={
            "source": [node[("out", h)] for h, _h, _k in keys],
            "target": [node[("in", h)] for _h, h, _k in keys],
            "value": [len(links[k]) for k in keys],
            "color": [COLOURS[w] + "99" for _h, _g, w in keys],
            "customdata": [f"{kind_word(k[2])}: {_(', ').join(links[k])}" for k in keys],
            "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata}<extra></extra>",
        },
    )


def visits(schedule: Schedule, inst: Instance) -> go.Figure | None:
    """Short visits per kindergarten and slot: shadowing at the lead (learning) on the row of
    the visitor's kindergarten, guidance (support) on the row of the member visited."""
    horizon, days = inst.horizon, inst.profile.visit_days
    bars: dict[Activity, list[tuple[str, dt.date, dt.date, str]]] = defaultdict(list)
    for a in schedule.assignments:
        t = inst.teacher.get(a.teacher_id)
        if a.semester is None or a.slot is None or t is None or a.host_kg not in inst.kg:
            continue
        if a.slot > horizon.slot_count(a.year, a.semester):
            continue
        if a.activity is Activity.GUIDANCE:
            row, (first, last) = a.host_kg, horizon.visit_dates(a.year, a.semester, a.slot, days)
        else:
            row, (first, last) = t.home_kg, horizon.slot_dates(a.year, a.semester, a.slot)
        what = f"{t.name} · {word(a.activity, inst.profile)} · {first:%Y-%m-%d}–{last:%m-%d}"
        if a.items:
            what += " · " + "、".join(a.items)
        bars[a.activity].append((row, first, last, what))
    if not bars:
        return None
    order = {k.kg_id: i for i, k in enumerate(inst.kindergartens)}
    rows = sorted({r for items in bars.values() for r, *_ in items}, key=order.__getitem__)
    fig = go.Figure()
    for act in sorted(bars, key=list(Activity).index):
        items = bars[act]
        day_ms = 86_400_000
        fig.add_bar(
            name=word(act, inst.profile),
            orientation="h",
            y=[_label(inst.kg[r]) for r, *_ in items],
            base=[first.isoformat() for _, first, _, _ in items],
            x=[((last - first).days + 1) * day_ms for _, first, last, _ in items],
            customdata=[w for *_, w in items],
            hovertemplate="%{customdata}<extra></extra>",
            marker_color=COLOURS[Kind.SUPPORT if act is Activity.GUIDANCE else Kind.LEARNING],
            opacity=0.8,
        )
    labels = [_label(inst.kg[r]) for r in rows]
    return _layout(
        fig,
        _("Short visits by kindergarten and slot"),
        max(320, ROW * len(rows) + 120),
        barmode="overlay",
        showlegend=True,
        xaxis={"type": "date", "tickformat": "%Y-%m", "gridcolor": "#e2e8f0"},
        yaxis={"categoryorder": "array", "categoryarray": labels[::-1], "automargin": True},
        legend={"orientation": "h", "y": -0.08},
    )


def support(schedule: Schedule, inst: Instance, shares: Fairness) -> go.Figure | None:
    """Support each weaker kindergarten receives per planned year (teachers on year-long
    support plus guidance visits), weakest tier first within its group; none is pink."""
    weaker = [k.kg for k in shares.kindergartens if k.weaker]
    if not weaker:
        return None
    years = list(inst.horizon.year_list)
    got = support_received(schedule, inst)
    groups = {g: i for i, g in enumerate(inst.roster.groups)}
    weaker.sort(key=lambda k: (groups[k.group], k.tier))
    z = [[got[(k.kg_id, y, True)] + got[(k.kg_id, y, False)] for y in years] for k in weaker]
    hover = [
        [
            _("{years} teacher(s) for the year, {visits} guidance visit(s)").format(
                years=got[(k.kg_id, y, True)], visits=got[(k.kg_id, y, False)]
            )
            for y in years
        ]
        for k in weaker
    ]
    top = max(1, max(max(row) for row in z))
    heat = go.Heatmap(
        z=z,
        x=[year_label(y) for y in years],
        y=[_label(k) for k in weaker],
        text=z,
        texttemplate="%{text}",
        customdata=hover,
        hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>",
        colorscale=[[0, "#fed7d7"], [0.5 / top, "#fed7d7"], [0.5 / top, "#ebf8ff"], [1, "#2b6cb0"]],
        zmin=0,
        zmax=top,
        xgap=2,
        ygap=2,
        showscale=False,
    )
    return _layout(
        go.Figure(heat),
        _("Support received by the weaker kindergartens, per school year (tier in brackets)"),
        max(260, ROW * len(weaker) + 130),
        top=80,
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"side": "top"},
    )


def staffing(rows: Sequence[dict[str, Any]], inst: Instance) -> go.Figure | None:
    """Teachers present against required (实有/应有) per kindergarten, grade and year, from the
    kindergarten view's rows: green above the requirement, red below."""
    if not rows:
        return None
    grades = list(dict.fromkeys(r["grade"] for r in rows))
    columns = sorted(
        dict.fromkeys((r["year"], r["grade"]) for r in rows),
        key=lambda c: (c[0], grades.index(c[1])),
    )
    kgs = list(dict.fromkeys(r["kg_id"] for r in rows))
    cell = {(r["kg_id"], r["year"], r["grade"]): r for r in rows}
    z: list[list[int | None]] = []
    text: list[list[str]] = []
    for k in kgs:
        z.append([])
        text.append([])
        for year, grade in columns:
            r = cell.get((k, year, grade))
            z[-1].append(None if r is None else r["present"] - r["required"])
            text[-1].append("" if r is None else f"{r['present']}/{r['required']}")
    heat = go.Heatmap(
        z=z,
        x=[f"{year} {grade}" for year, grade in columns],
        y=[inst.kg[k].name for k in kgs],
        text=text,
        texttemplate="%{text}",
        textfont={"size": 9},
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        colorscale=[[0, "#e53e3e"], [0.5, "#ffffff"], [1, "#38a169"]],
        zmid=0,
        xgap=1,
        ygap=1,
        showscale=False,
    )
    return _layout(
        go.Figure(heat),
        _("Staffing kept: teachers present / required, per kindergarten, year and grade"),
        max(260, ROW * len(kgs) + 170),
        top=120,
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 10}},
        xaxis={"side": "top", "tickangle": -45, "tickfont": {"size": 10}},
    )


def exchange_counts(shares: Fairness, inst: Instance) -> go.Figure | None:
    """Teachers of each kindergarten by exchanges in the window: none, 1, 2, 3 or more."""
    if not shares.teachers:
        return None
    counts: Counter[tuple[str, int]] = Counter()
    for s in shares.teachers:
        counts[(s.teacher.home_kg, min(s.exchanges, 3))] += 1
    labels = [k.name for k in inst.kindergartens]
    names = (_("no exchange"), _("1 exchange"), _("2 exchanges"), _("3 or more"))
    fig = go.Figure()
    for n, (name, colour) in enumerate(zip(names, SHADES, strict=True)):
        fig.add_bar(
            name=name,
            orientation="h",
            y=labels,
            x=[counts[(k.kg_id, n)] for k in inst.kindergartens],
            marker_color=colour,
            hovertemplate="%{y}: %{x}<extra>" + name + "</extra>",
        )
    title = _("Teachers by exchanges, {first} to {last} (history and plan)").format(
        first=year_label(shares.first), last=year_label(shares.last)
    )
    return _layout(
        fig,
        title,
        max(260, ROW * len(labels) + 130),
        barmode="stack",
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 10}},
        xaxis={"gridcolor": "#e2e8f0", "title": {"text": _("teachers")}},
        legend={"orientation": "h", "y": -0.05, "traceorder": "normal"},
    )


def comparison(labels: Sequence[str], rows: Sequence[tuple[str, int, int]]) -> go.Figure:
    """Two plans' figures side by side: one bar pair per figure (name, first, second)."""
    fig = go.Figure()
    for i, (label, colour) in enumerate(zip(labels, ("#2b6cb0", "#dd6b20"), strict=True)):
        fig.add_bar(
            name=label,
            orientation="h",
            y=[name for name, *_ in rows],
            x=[values[i] for _, *values in rows],
            marker_color=colour,
            text=[values[i] for _, *values in rows],
            textposition="outside",
        )
    return _layout(
        fig,
        _("The two plans side by side"),
        max(260, 2 * ROW * len(rows) + 120),
        barmode="group",
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"gridcolor": "#e2e8f0"},
        legend={"orientation": "h", "y": -0.05},
    )

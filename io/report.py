"""The HTML report: one self-contained page a clerk opens by double-click and prints.

plotly.js and every chart's data are inlined, so the page asks the network for nothing. The
words are the workbook's (the tables come from `build_tables`), Chinese unless ``--lang en``;
a print stylesheet lays each section on A4 landscape. Never imported by the core: only the
CLI's report commands load it (and plotly).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plotly.offline import get_plotlyjs

from ..model.i18n import _, language
from . import report_charts as charts
from .atomic import write_atomic
from .compare import Side, chart_rows, comparison_table, differences_table
from .fairness import WINDOW, fairness
from .schedule_tables import build_tables, fairness_text, listing
from .words import status_word, year_label

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import plotly.graph_objects as go

    from ..model import Instance, Report, Schedule
    from .schedule_tables import Cell, Table

ROWS_SHOWN = 200  # rows of a long table on the page; the workbook has them all

STYLE = """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
  sans-serif; color: #1a202c; margin: 0 auto; max-width: 1040px; padding: 16px; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; border-bottom: 2px solid #2b6cb0;
  padding-bottom: 4px; margin-top: 28px; }
p.note { color: #4a5568; font-size: 13px; margin: 4px 0 8px; }
nav a { margin-right: 12px; font-size: 13px; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; width: 100%; }
th, td { border: 1px solid #cbd5e0; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #edf2f7; }
td.num { text-align: right; }
.ok { color: #276749; } .bad { color: #c53030; }
.key span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px;
  vertical-align: middle; }
.chart { margin: 8px 0 16px; min-height: 100px; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { max-width: none; padding: 0; }
  nav { display: none; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  .chart { break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"""


@dataclass(frozen=True)
class Section:
    """A part of the page: an anchor, a heading and its HTML."""

    key: str
    title: str
    body: str


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def paragraph(text: str, cls: str = "note") -> str:
    return f'<p class="{cls}">{esc(text)}</p>'


def chart(key: str, figure: go.Figure | None, empty: str) -> str:
    """A chart's block (its ``data-chart`` names it for the browser test), or a note."""
    if figure is None:
        return paragraph(empty)
    div = figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{key}",
        config={"displayModeBar": False, "responsive": False},
    )
    return f'<div class="chart" data-chart="{esc(key)}">{div}</div>'


def table_html(table: Table, limit: int = ROWS_SHOWN) -> str:
    """A workbook table as HTML, its first ``limit`` rows and a note of the rest."""
    head = "".join(f"<th>{esc(c.heading)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in table.rows[:limit])
    more = ""
    if len(table.rows) > limit:
        text = _("{more} more row(s) in the workbook's {sheet} sheet.")
        more = paragraph(text.format(more=len(table.rows) - limit, sheet=table.title))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _cell(value: Cell) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{esc(value)}</td>'
    return f"<td>{esc(value)}</td>"


def page(title: str, subtitle: str, sections: Sequence[Section]) -> str:
    """The whole document: plotly.js inlined once, then the sections."""
    nav = "".join(f'<a href="#{esc(s.key)}">{esc(s.title)}</a>' for s in sections)
    parts = "".join(
        f'<section id="{esc(s.key)}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections
    )
    lang = "zh-CN" if language() == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
        f"<body><h1>{esc(title)}</h1>{paragraph(subtitle)}<nav>{nav}</nav>{parts}</body></html>"
    )


def write_page(path: Path, text: str) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_atomic(path, write)


def _key() -> str:
    """The colour key of support, learning and induction."""
    return (
        '<p class="note key">'
        + "".join(
            f'<span style="background:{colour}"></span>{esc(charts.kind_word(k))}'
            for k, colour in charts.COLOURS.items()
        )
        + "</p>"
    )


def _rows(table: Table) -> list[dict[str, Any]]:
    keys = [c.key for c in table.columns]
    return [dict(zip(keys, row, strict=True)) for row in table.rows]


def plan_sections(
    schedule: Schedule, instance: Instance, report: Report, window: int = WINDOW
) -> list[Section]:
    """The plan's sections: overview, flows, visits, support, staffing, exchanges, fairness,
    rule check and shortfalls."""
    tables = {t.key: t for t in build_tables(schedule, instance, report)}
    shares = fairness(schedule, instance, window)
    empty = _("Nothing of this kind in the plan.")
    verdict = (
        _("Every hard rule holds.")
        if report.ok
        else _("{n} hard-rule violation(s): see the rule check below.").format(
            n=len(report.failures)
        )
    )
    overview = f'<p class="{"ok" if report.ok else "bad"}">{esc(verdict)}</p>' + table_html(
        tables["summary"]
    )
    flows = [
        chart(f"flows-{y}", charts.flows(schedule, instance, y), empty)
        for y in instance.horizon.year_list
    ]
    flow_note = _(
        "Blue is support (to an equal or weaker kindergarten, or the lead's side of a swap or "
        "cadre exchange); orange is learning (a year at a stronger kindergarten, the member's "
        "side of a swap or exchange); green is a new teacher's induction year at the lead."
    )
    idle = [s for s in shares.teachers if s.exchanges == 0]
    busiest = sorted(shares.teachers, key=lambda s: -s.exchanges)[:10]
    busy_text = listing(
        [
            _("{name} ({n})").format(name=s.teacher.name, n=s.exchanges)
            for s in busiest
            if s.exchanges
        ]
    )
    return [
        Section("overview", _("Overview"), overview),
        Section("flows", _("Flows"), paragraph(flow_note) + _key() + "".join(flows)),
        Section(
            "visits",
            _("Short visits"),
            paragraph(
                _(
                    "Shadowing at the lead (learning, orange) on the row of the visitor's "
                    "kindergarten; guidance visits (support, blue) on the row of the member "
                    "visited. Dates as in the Assignments sheet."
                )
            )
            + chart("visits", charts.visits(schedule, instance), empty),
        ),
        Section(
            "support",
            _("Support to weaker kindergartens"),
            paragraph(
                _(
                    "SUP-YEAR wants each kindergarten of lower tier than its lead to receive "
                    "support every school year; a pink cell is a year without any."
                )
            )
            + chart("support", charts.support(schedule, instance, shares), empty),
        ),
        Section(
            "staffing",
            _("Staffing"),
            paragraph(
                _(
                    "Each cell: teachers present / required (STAFF-CLASS). Red is below the "
                    "requirement, white at it, green above."
                )
            )
            + chart("staffing", charts.staffing(_rows(tables["kindergartens"]), instance), empty),
        ),
        Section(
            "exchanges",
            _("Exchanges per teacher"),
            paragraph(
                _("{idle} of {total} teachers had no exchange in the window. Most: {busy}.").format(
                    idle=len(idle), total=len(shares.teachers), busy=busy_text or "-"
                )
            )
            + chart("exchanges", charts.exchange_counts(shares, instance), empty),
        ),
        Section(
            "fairness",
            _("Fairness"),
            paragraph(fairness_text(shares), "")
            + paragraph(
                _(
                    "Support sent and received per kindergarten, against its tier, over "
                    "{first} to {last}; per teacher in the workbook's fairness sheets."
                ).format(first=year_label(shares.first), last=year_label(shares.last))
            )
            + table_html(tables["fairness"]),
        ),
        Section("rules", _("Rule check"), table_html(tables["rules"])),
        Section("shortfalls", _("Shortfalls and reasons"), table_html(tables["shortfalls"])),
    ]


def plan_title(schedule: Schedule, instance: Instance) -> tuple[str, str]:
    """The page's title and the line under it."""
    first, last = schedule.start_year, schedule.start_year + schedule.years - 1
    title = _("Exchange plan {first} to {last}").format(
        first=year_label(first), last=year_label(last)
    )
    subtitle = _("Profile {profile}; {kgs} kindergartens, {teachers} teachers.").format(
        profile=instance.profile.name,
        kgs=len(instance.kindergartens),
        teachers=len(instance.teachers),
    )
    if schedule.groups:  # solved here, not read back from a file
        subtitle += " " + status_word(schedule.status)
    return title, subtitle


def compare_sections(a: Side, b: Side) -> list[Section]:
    """The comparison of two plans: figures side by side, as a chart, and what differs."""
    differences = differences_table(a, b)
    note = _("{n} assignment(s) differ (teacher, activity, host, year, semester).").format(
        n=len(differences.rows)
    )
    figure = charts.comparison((a.label, b.label), chart_rows(a, b))
    return [
        Section("comparison", _("Comparison"), table_html(comparison_table(a, b))),
        Section("comparison-chart", _("Side by side"), chart("comparison", figure, "")),
        Section(
            "differences", _("Differing assignments"), paragraph(note) + table_html(differences)
        ),
    ]


def write_report(
    path: Path, schedule: Schedule, instance: Instance, report: Report, window: int = WINDOW
) -> Path:
    """Write the plan's report (one HTML file, nothing fetched when viewed)."""
    title, subtitle = plan_title(schedule, instance)
    return write_page(
        path, page(title, subtitle, plan_sections(schedule, instance, report, window))
    )

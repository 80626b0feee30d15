"""The HTML report in a real browser (Debian's Chromium, driven by Playwright): for the demo
and one shenzhen district, no console errors, no request beyond the file itself, every chart
drawn and not empty, and a screenshot that is not blank.

.ci/run installs Chromium and sets KGROTA_BROWSER_TEST=required, so there a missing browser
fails; elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import io
import os
import shutil
from typing import TYPE_CHECKING

import numpy as np
import pytest
from click.testing import CliRunner

from kgrota.io.cli import main
from kgrota.io.roster_write import write_roster
from kgrota.model.generate import generate

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

CHROMIUM = os.environ.get("KGROTA_CHROMIUM", "/usr/bin/chromium")
# What Chromium needs on a machine without a network or a screen, as root.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARTS = ("visits", "support", "staffing", "exchanges")


def _browser_or_skip() -> None:
    missing = None
    if shutil.which(CHROMIUM) is None:
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed (pip install '.[test]')"
    if missing is None:
        return
    if os.environ.get("KGROTA_BROWSER_TEST") == "required":
        pytest.fail(missing)
    pytest.skip(missing)


def _run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def reports(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo's report in Chinese, and a shenzhen district's (8 kindergartens) in English."""
    _browser_or_skip()
    folder = tmp_path_factory.mktemp("reports")
    demo = folder / "demo.html"
    _run("--lang", "zh", "report", str(demo_dir / "roster.xlsx"), str(demo_dir / "schedule.xlsx"), "-o", str(demo))  # fmt: skip
    roster, plan, district = folder / "sz.xlsx", folder / "sz-plan.xlsx", folder / "sz.html"
    write_roster(generate(groups=1, kgs=8, seed=1, start_year=2026), roster)
    _run("solve", str(roster), "-o", str(plan), "--profile", "shenzhen", "--start-year", "2026", "--time-limit", "30")  # fmt: skip
    _run("report", str(roster), str(plan), "-o", str(district))
    return {"demo": demo, "shenzhen": district}


def _open(page: Page, path: Path) -> tuple[list[str], list[str]]:
    """Load the page; (console errors and page errors, every URL it requested)."""
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0")
    return errors, requests


@pytest.mark.parametrize("name", ["demo", "shenzhen"])
def test_report_in_a_real_browser(name: str, reports: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh profile each run
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1100, "height": 900},
        )
        try:
            page = browser.new_page()
            errors, requests = _open(page, reports[name])
            drawn = page.evaluate(
                """() => Object.fromEntries([...document.querySelectorAll('[data-chart]')].map(
                    d => [d.dataset.chart, {
                        marks: d.querySelectorAll('svg path, svg rect, svg text').length,
                        height: d.getBoundingClientRect().height,
                        traces: (d.querySelector('.js-plotly-plot') || {}).data?.length || 0,
                    }]))"""
            )
            shot = page.screenshot(full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith("file://")] == []  # nothing from a network
    assert len(requests) == 1  # the page itself: scripts and data are inlined
    years = ("2026", "2027", "2028")
    for key in (*CHARTS, *(f"flows-{y}" for y in years)):
        assert key in drawn, f"{name}: chart {key} missing"
        assert drawn[key]["traces"] > 0 and drawn[key]["marks"] > 50, (key, drawn[key])
        assert drawn[key]["height"] > 200, (key, drawn[key])
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("L"), dtype=float)
    assert pixels.shape[0] > 3000  # the whole page, charts and tables
    assert pixels.var() > 200  # not a blank page
    (tmp_path / f"{name}.png").write_bytes(shot)

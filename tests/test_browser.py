"""Notebooks in JupyterLab, in a real browser (issue #9).

JupyterLab runs from this environment on copies of the notebooks; headless Chromium (Debian's
``chromium`` package, driven by Playwright with ``executable_path``) opens a notebook, runs all
cells from the *Run* menu, and checks what a person would see: no error or warning output, the
widgets drawn, the matplotlib figures and maps shown. Then it changes a widget and checks that
its output changes to the value the package computes. A screenshot lands in the test's
``tmp_path``.

Without Chromium the test is skipped locally; under ``CI`` it fails, so CI cannot skip it by
accident (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
from browser_lab import CHROMIUM_ARGS, copy_notebooks, find_chromium, start_lab

PROJECT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("00_einfuehrung", "08_karten_chatbot")

# Started first with the other notebook runs (tests/conftest.py orders by this marker).
pytestmark = [pytest.mark.notebook, pytest.mark.browser]

RUN_TIMEOUT_S = 300  # upper bound only, against a hang; a run takes about 20 s
WIDGET_TIMEOUT_S = 60
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


@pytest.fixture(scope="module")
def chromium() -> Path:
    path = find_chromium()
    if path is None:
        message = ("no Chromium executable found (looked for /usr/lib/chromium/chromium, "
                   "chromium, chromium-browser); install it with `apt-get install chromium`")
        if os.environ.get("CI"):
            pytest.fail(f"{message} -- CI must run the browser test (.ci/run installs it)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory, chromium):
    """JupyterLab on copies of the notebooks; never on notebooks/ (autosave, checkpoints)."""
    base = tmp_path_factory.mktemp("lab")
    copy_notebooks(list(NOTEBOOKS), PROJECT / "notebooks", base / "notebooks")
    server = start_lab(base / "notebooks", base)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def console_errors(page, lab) -> list[str]:
    """Collect the page's JavaScript errors and error messages on the console.

    The network is closed in CI: a failed request to an address other than the local server
    (e.g. a font or news feed on the internet) is noise from that, not a notebook problem.
    Failed requests to the server itself still count.
    """
    errors: list[str] = []

    def on_console(msg):
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if "Failed to load resource" in msg.text and url and not url.startswith(lab.base):
            return
        errors.append(f"console: {msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


def wait_until(condition, timeout_s: float, what: str, interval_s: float = 0.5):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


def notebook_panel(page):
    """The notebook tab in front (hidden tabs keep their cells in the DOM)."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def run_all_cells(page, lab, name: str):
    """Open ``name``, wait for its kernel, run all cells from the Run menu, wait until done.

    Each notebook gets its own fresh workspace, so no tab of an earlier test is restored.
    Returns the notebook's panel.
    """
    page.goto(lab.url(f"lab/workspaces/{Path(name).stem}/tree/{name}", "reset"))
    panel = notebook_panel(page)
    panel.locator(".jp-Cell").first.wait_for(timeout=RUN_TIMEOUT_S * 1000)
    wait_until(lambda: lab.kernel_state(name) == "idle", RUN_TIMEOUT_S, f"the kernel of {name}")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    code_cells = sum(c.cell_type == "code"
                     for c in nbformat.read(PROJECT / "notebooks" / name, as_version=4).cells)
    prompts = panel.locator(".jp-CodeCell .jp-InputPrompt")
    idle_since = [None]

    def finished():
        texts = [t.strip() for t in prompts.all_inner_texts()]
        idle = lab.kernel_state(name) == "idle"
        if idle and len(texts) == code_cells and all(re.fullmatch(r"\[\d+\]:", t) for t in texts):
            return True
        # Run All stops at the first error: an idle kernel with cells left over means that.
        idle_since[0] = (idle_since[0] or time.monotonic()) if idle else None
        if idle_since[0] is not None and time.monotonic() - idle_since[0] > 30:
            stderr = "\n---\n".join(panel.locator(STDERR).all_inner_texts())
            raise AssertionError(f"{name}: the kernel is idle but not all cells ran: {texts}\n{stderr}")
        return False

    wait_until(finished, RUN_TIMEOUT_S, f"all {code_cells} code cells of {name} to run")
    return panel


def assert_clean_outputs(panel, name: str, *, min_figures: int) -> None:
    stderr = panel.locator(STDERR).all_inner_texts()
    assert stderr == [], f"{name}: error or warning output in JupyterLab:\n" + "\n---\n".join(stderr)
    outputs = "\n".join(panel.locator(".jp-OutputArea-output").all_inner_texts())
    for word in ("Traceback", "Error displaying widget", "Warning:"):
        assert word not in outputs, f"{name}: output contains {word!r}"
    assert panel.page.locator(".jp-Dialog").count() == 0, f"{name}: a dialog is open"
    figures = panel.locator(".jp-OutputArea-output img").evaluate_all(
        "imgs => imgs.filter(i => i.complete && i.naturalWidth > 100).length")
    assert figures >= min_figures, f"{name}: {figures} figures rendered, expected {min_figures}+"


def widget_output(widget) -> str:
    return widget.locator(".widget-output").inner_text().strip()


@contextmanager
def notebook_page(browser, lab, tmp_path: Path, stem: str):
    """A browser tab and its collected errors; on leaving, a screenshot ``<stem>.png`` of
    what the tab shows then (after a failure too) goes to ``tmp_path``."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = console_errors(page, lab)
    try:
        yield page, errors
    finally:
        path = tmp_path / f"{stem}.png"
        page.screenshot(path=str(path))
        print(f"screenshot: {path}")
        page.close()


def test_intro_notebook_runs_and_its_radius_slider_updates(lab, browser, tmp_path):
    from urbanki_helpers.accessibility import grid_to_points, share_within
    from urbanki_helpers.data.catalog import dataset_file
    from urbanki_helpers.data.geo import read_geodata
    from urbanki_helpers.data.tables import read_table
    from urbanki_helpers.evaluation import format_de

    with notebook_page(browser, lab, tmp_path, "00_einfuehrung") as (page, errors):
        panel = run_all_cells(page, lab, "00_einfuehrung.ipynb")
        assert_clean_outputs(panel, "00", min_figures=3)  # map, coverage curve, forecast

        widget = panel.locator(".widget-vbox").filter(has=page.locator(".widget-slider"))
        assert widget.count() == 1
        widget.scroll_into_view_if_needed()
        before = widget_output(widget)
        assert "400 m" in before  # the default radius_m
        widget.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")  # one step of 50 m
        after = wait_until(lambda: (t := widget_output(widget)) != before and t,
                           WIDGET_TIMEOUT_S, "the slider's output to change")
        assert widget.locator(".widget-readout").inner_text().strip() == "450"
        assert errors == []

    points = grid_to_points(read_table(dataset_file("musterstadt_basis", "bevoelkerung_100m.csv"),
                                       keep_str=["stadtteil_id"]))
    stops = read_geodata(dataset_file("musterstadt_basis", "haltestellen.geojson"))
    expected = f"{format_de(share_within(points, stops, 450) * 100)} % wohnen höchstens 450 m"
    assert expected in after, after


def test_map_chatbot_runs_and_its_question_box_answers(lab, browser, tmp_path):
    from urbanki_helpers.citylayers import load_city_layers

    with notebook_page(browser, lab, tmp_path, "08_karten_chatbot") as (page, errors):
        panel = run_all_cells(page, lab, "08_karten_chatbot.ipynb")
        assert_clean_outputs(panel, "08", min_figures=2)  # answer map, defibrillator coverage

        widget = panel.locator(".widget-vbox").filter(has=page.locator(".widget-text"))
        assert widget.count() == 1
        widget.scroll_into_view_if_needed()
        assert widget_output(widget) == ""  # nothing asked yet
        widget.locator(".widget-text input").fill(
            "Wie viele Schulen gibt es im Stadtteil Nordviertel?")
        widget.get_by_role("button", name="Fragen").click()
        answer = wait_until(lambda: widget_output(widget), WIDGET_TIMEOUT_S,
                            "the chatbot's answer")
        assert errors == []

    facilities = load_city_layers("musterstadt").facilities
    schools = int(((facilities["layer"] == "schule")
                   & (facilities["stadtteil"] == "Nordviertel")).sum())
    assert f"In Nordviertel gibt es {schools} Schulen" in answer, answer

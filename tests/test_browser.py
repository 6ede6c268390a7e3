"""The notebooks as a researcher meets them: JupyterLab in a real (headless) browser.

JupyterLab is started on 127.0.0.1 with a token, in a temporary folder that
holds a copy of one notebook of the suite pointed at the seed batch; headless
Chromium opens it through selenium, runs every cell from the Run menu and reads
what the page shows. Every cell that saves a figure must display it, and every
picker (a drop-down of :func:`sourcebias.browse`) must filter its table.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them);
skips, saying so, when either is missing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import nbformat
import pytest

from sourcebias.config import NOTEBOOK_DIR, SEED_BATCH
from sourcebias.run.analysis import analyze
from sourcebias.run.report import list_notebooks
from sourcebias.run.store import write_tables

pytestmark = pytest.mark.notebooks

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("headless Chromium is absent: install Debian's chromium and chromium-driver "
                "(apt-get install chromium chromium-driver; .ci/run does)",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                "(pip install -e '.[dev]')")
from selenium.common.exceptions import (  # noqa: E402
    ElementClickInterceptedException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

#: Notebooks opened in the browser: the loaded terms (the headline figures, a picker) and the
#: actor labels (figures saved in a loop, a picker). Every check below holds for any notebook
#: of the suite: set
#: ``SOURCEBIAS_BROWSER_NOTEBOOKS`` to ``all`` or to names separated by commas to open others.
NOTEBOOKS = (
    [p.name for p in list_notebooks()]
    if os.environ.get("SOURCEBIAS_BROWSER_NOTEBOOKS") == "all"
    else os.environ.get("SOURCEBIAS_BROWSER_NOTEBOOKS",
                        "02_loaded_terms.ipynb,03_actor_labels.ipynb").split(","))
#: Seconds allowed for JupyterLab to start, and for all cells to run.
START_TIMEOUT, RUN_TIMEOUT = 60, 150
#: Chromium flags: no sandbox (CI containers run as root), no network but the local server.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,1000")
#: The notebook on show (others opened before it stay in the page, hidden).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
#: Where a cell that raised shows its traceback (JupyterLab renders errors as stderr).
STDERR_OUTPUT = f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
#: JupyterLab settings: every cell kept in the page (no windowing) and no news pop-up.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(root: Path, notebook: Path, data_dir: Path) -> Path:
    """Copy ``notebook`` into ``root`` with its parameters cell pointed at the seed batch and a
    report folder of its own, ``root/<notebook name>-report``."""
    nb = nbformat.read(notebook, as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    out = root / f"{notebook.stem}-report"
    parameters.source += (f"\nbatch = {str(SEED_BATCH)!r}\nout_dir = {str(out)!r}\n"
                          f"data_dir = {str(data_dir)!r}\n")
    copy = root / notebook.name
    nbformat.write(nb, copy)
    return copy


def _lab_environment(home: Path) -> dict[str, str]:
    """Environment of the server: its own settings, no user state, this checkout's code."""
    settings = home / "settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    config = home / "config" / "labconfig"
    config.mkdir(parents=True)
    (config / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    src = str(Path(__file__).resolve().parents[1] / "src")
    return {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "run"),
            "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


@pytest.fixture(scope="module")
def seed_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed batch's annotated tables, so the notebook does not analyse it again."""
    data = tmp_path_factory.mktemp("seed") / "data"
    write_tables(analyze(SEED_BATCH), data)
    return data


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server on 127.0.0.1: (URL of a workspace and a notebook, to be filled in
    with :meth:`str.format`, with the token; the server's working folder)."""
    home = tmp_path_factory.mktemp("lab-home")
    root = tmp_path_factory.mktemp("lab-root")
    token = secrets.token_hex(16)
    environment = _lab_environment(home)
    for _ in range(3):  # a free port can be taken before the server binds it: try another
        port = _free_port()
        log = (home / "server.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             "--ServerApp.allow_root=True", "--ServerApp.terminals_enabled=False",
             "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT)
        if _started(server, f"http://127.0.0.1:{port}", token):
            break
        _stop(server, log)
    else:
        pytest.fail("JupyterLab did not start:\n"
                    + (home / "server.log").read_text(errors="replace"))
    try:
        yield f"http://127.0.0.1:{port}/lab/workspaces/{{}}/tree/{{}}?token={token}", root
    finally:
        _stop(server, log)


def _started(server: subprocess.Popen, base: str, token: str) -> bool:
    """Wait until the server answers; False when it exits or does not answer in time."""
    deadline = time.monotonic() + START_TIMEOUT
    while server.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def _stop(server: subprocess.Popen, log: IO[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(START_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


def _run_all(driver: webdriver.Chrome, *, after: int = 0) -> None:
    """Run every cell from the Run menu and wait until each code cell has run (again: with an
    execution count above ``after``)."""

    def ran(prompt: str) -> bool:
        return prompt.isdigit() and int(prompt) > after

    wait = WebDriverWait(driver, START_TIMEOUT)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-CodeCell"))
    wait.until(lambda d: _kernel_idle(d))
    dialogs = driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog")
    assert not dialogs, f"JupyterLab asks: {dialogs[0].text}"
    for _ in range(3):  # a click before the kernel is fully connected can be lost: retry
        try:
            wait.until(lambda d: d.find_element(
                By.XPATH, "//div[contains(@class,'lm-MenuBar-itemLabel')][normalize-space()='Run']"
            )).click()
            wait.until(lambda d: d.find_element(
                By.CSS_SELECTOR, "li.lm-Menu-item[data-command='runmenu:run-all']")).click()
        except ElementClickInterceptedException:
            _wait_for_dialogs_to_close(driver)
            continue
        try:
            WebDriverWait(driver, 20).until(
                lambda d: any(p == "*" or ran(p) for p in _prompts(d)))
            break
        except TimeoutException:
            continue

    def finished(d: webdriver.Chrome) -> bool:
        # Queued cells show "*" until they run; a cell that raises empties the queue.
        prompts = _prompts(d)
        return "*" not in prompts and any(ran(p) for p in prompts) and _kernel_idle(d)

    try:
        WebDriverWait(driver, RUN_TIMEOUT, poll_frequency=0.5).until(finished)
    except TimeoutException:
        pytest.fail(f"the cells did not finish in {RUN_TIMEOUT} s; prompts {_prompts(driver)}, "
                    f"kernel idle: {_kernel_idle(driver)}")


def _wait_for_dialogs_to_close(driver: webdriver.Chrome, seconds: float = 30) -> None:
    """Wait for a passing dialog (a kernel still connecting on a busy machine) to close;
    fail with its text if it stays."""
    try:
        WebDriverWait(driver, seconds).until(
            lambda d: not d.find_elements(By.CSS_SELECTOR, ".jp-Dialog"))
    except TimeoutException:
        dialogs = driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog")
        pytest.fail(f"JupyterLab asks: {dialogs[0].text if dialogs else '(dialog closed)'}")


def _prompts(driver: webdriver.Chrome) -> list[str]:
    """What each code cell's prompt holds: its execution count, ``*`` or nothing."""
    return [p.text.strip()[1:-2].strip() for p in driver.find_elements(
        By.CSS_SELECTOR, f"{PANEL} .jp-CodeCell .jp-InputArea-prompt")]


def _kernel_idle(driver: webdriver.Chrome) -> bool:
    """True when the kernel status of the open notebook reads idle."""
    return bool(driver.find_elements(
        By.CSS_SELECTOR, f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']"))


def _cells(driver: webdriver.Chrome) -> list[tuple[str, object]]:
    """(source, element) of every code cell, in order."""
    cells = driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-CodeCell")
    return [(driver.execute_script(
        "return arguments[0].querySelector('.cm-content').innerText", c), c) for c in cells]


@pytest.fixture(scope="module", params=NOTEBOOKS)
def opened(request, lab, browser, seed_data) -> Iterator[tuple[webdriver.Chrome, Path]]:
    """A notebook of the suite, opened in JupyterLab and run through the UI: (driver, the
    notebook's report folder)."""
    url, root = lab
    copy = _prepare(root, NOTEBOOK_DIR / request.param, seed_data)
    browser.get(url.format(copy.stem, copy.name))  # a workspace of its own: this notebook alone
    _run_all(browser)
    yield browser, root / f"{copy.stem}-report"
    _shut_down_kernels(url)


def _shut_down_kernels(url: str) -> None:
    """Shut down every kernel the server runs (through its REST API)."""
    base, token = url.split("/lab/")[0], url.split("token=")[1]
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/kernels", headers=headers),
                                timeout=10) as response:
        kernels = json.load(response)
    for kernel in kernels:
        urllib.request.urlopen(urllib.request.Request(
            f"{base}/api/kernels/{kernel['id']}", method="DELETE", headers=headers), timeout=30)


def test_every_cell_raises_nothing(opened):
    driver, _ = opened
    errors = [e.text[:1000] for e in driver.find_elements(By.CSS_SELECTOR, STDERR_OUTPUT)
              if "Traceback" in e.text or re.search(r"\w+(Error|Exception)\b", e.text)]
    assert not errors
    assert all(p.isdigit() for p in _prompts(driver)), "some cells did not run"


def _assert_figures_displayed(driver: webdriver.Chrome, report: Path) -> None:
    """Every code cell that saves a figure displays it: as many images as figures saved."""
    saved = sorted((report / "figures").glob("*.png"))
    assert saved, "the notebook saved no figure"
    shown = {}
    for number, (source, cell) in enumerate(_cells(driver), start=1):
        if "write_figure(" in source:
            images = cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")
            shown[number] = sum(1 for i in images if driver.execute_script(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", i))
    assert shown, "no cell calls write_figure"
    blank = [number for number, n in shown.items() if n == 0]
    assert not blank, f"code cells {blank} save a figure but display none"
    assert sum(shown.values()) >= len(saved), (
        f"{len(saved)} figures saved ({', '.join(p.stem for p in saved)}) but "
        f"{sum(shown.values())} displayed")


def test_every_saved_figure_is_displayed(opened):
    driver, report = opened
    _assert_figures_displayed(driver, report)


def _column(table, name: str) -> list[str]:
    """The cells of the column headed ``name`` in a displayed table."""
    headers = [th.text.strip() for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    index = headers.index(name)
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    return [row.find_elements(By.CSS_SELECTOR, "th, td")[index].text.strip() for row in rows]


def test_pickers_filter_their_tables(opened):
    driver, _ = opened
    pickers = driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .widget-dropdown")
    if not any("browse(" in source for source, _ in _cells(driver)):
        pytest.skip("this notebook has no picker")
    assert pickers, "a cell calls browse but no drop-down is displayed"
    for picker in pickers:
        by = picker.find_element(By.CSS_SELECTOR, "label").text.strip()
        box = picker.find_element(By.XPATH, "./ancestor::div[contains(@class,'widget-vbox')][1]")
        select = Select(picker.find_element(By.TAG_NAME, "select"))
        choices = [o.text for o in select.options]
        assert len(choices) > 2, f"picker on {by} offers nothing to pick: {choices}"
        assert box.find_elements(By.CSS_SELECTOR, "table tbody tr"), (
            f"the picker on {by} shows no table before anything is picked")
        for choice in choices[1:3]:
            select.select_by_visible_text(choice)

            def filtered(_, choice=choice, box=box, by=by) -> list[str] | None:
                try:
                    tables = box.find_elements(By.CSS_SELECTOR, "table")
                    values = _column(tables[0], by) if tables else []
                except StaleElementReferenceException:
                    return None
                return values if values and set(values) == {choice} else None

            values = WebDriverWait(driver, 20).until(
                filtered, f"picking {choice!r} did not filter the table on {by}")
            assert values


def test_every_saved_figure_is_displayed_again_when_run_again_in_the_same_kernel(opened):
    driver, report = opened
    _run_all(driver, after=max(int(p) for p in _prompts(driver) if p.isdigit()))
    _assert_figures_displayed(driver, report)

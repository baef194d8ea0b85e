"""Lesson 12's studio in a real browser: JupyterLab, Run All, press Generate, hear a piece.

Starts ``jupyter lab`` at the repository root (quick mode, a token, a free
port, the studio's library in a temporary folder), opens the lesson in
Debian's Chromium through Playwright, runs every cell from the Run menu,
types a prompt, presses Generate, and checks that an ``<audio>`` element with
a duration above zero appears and that the library lists the new piece.
Screenshots go to ``output/test-screenshots/`` for review.

Needs ``/usr/bin/chromium`` (``.ci/browser.sh`` installs it) and the
``playwright`` package (the ``dev`` extra); never ``playwright install``.
Without either, the test is skipped and says which is missing.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LESSON = "notebooks/easy/12_the_studio.ipynb"
SCREENSHOTS = REPO_ROOT / "output" / "test-screenshots"
PROMPT = "a slow German waltz in F"          # a prompt the notebook's own cells do not use
NEW_PIECE = "a_slow_German_waltz_in_F-1"
LAB_SETTINGS = {"@jupyterlab/docmanager-extension/plugin": {"autosave": False},
                "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"}}
CODE_PIECE = "a_slow_air_in_E_minor-1"      # what the notebook's last code cell makes and prints
ALL_CELLS_RAN = """() => ![...document.querySelectorAll('.jp-InputPrompt')]
                          .some(prompt => prompt.textContent.includes('*'))"""
AUDIO_READY = """() => [...document.querySelectorAll('.course-studio-results audio')]
                       .some(audio => audio.duration > 0)"""


def browser_missing() -> str:
    """Why the browser test cannot run here ('' when it can)."""
    if not CHROMIUM.exists():
        return f"no browser: {CHROMIUM} is missing (run .ci/browser.sh as root to install Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright module: pip install -e '.[dev]' installs it"
    return ""


def lab_settings(folder: Path) -> Path:
    """JupyterLab user settings for the test: no autosave (the lesson stays without outputs), no news."""
    for plugin, settings in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(url: str, process, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {process.returncode}:\n"
                               + log.read_text()[-2000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"jupyter lab did not answer {url} within {seconds} s")


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server at the repository root: (base url, token, library folder)."""
    reason = browser_missing()
    if reason:
        pytest.skip(reason)     # the one skip the suite allows: no browser on this machine
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "COURSE_QUICK": "1", "COURSE_STUDIO_DIR": str(tmp_path / "studio"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
           "JUPYTERLAB_SETTINGS_DIR": str(lab_settings(tmp_path / "settings"))}
    env.pop("MPLBACKEND", None)     # the kernel's own inline backend draws the piano rolls
    log = open(tmp_path / "lab.log", "w")
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []   # CI runs as root
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={REPO_ROOT}", *root],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={token}", process, tmp_path / "lab.log")
        yield base, token, tmp_path / "studio"
    finally:
        process.send_signal(signal.SIGINT)      # twice: jupyter asks to confirm the first one
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.slow
def test_run_all_then_generate_plays_a_piece_and_lists_it(lab):
    from playwright.sync_api import sync_playwright

    base, token, library = lab
    lesson = (REPO_ROOT / LESSON).read_bytes()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            drive_the_studio(page, f"{base}/lab/tree/{LESSON}?token={token}")
        except Exception:
            shoot(page, "studio-failure")
            raise
        finally:
            browser.close()
    assert (REPO_ROOT / LESSON).read_bytes() == lesson, "the browser saved the lesson with its outputs"
    assert (library / f"{NEW_PIECE}.mid").is_file() and (library / f"{NEW_PIECE}.json").is_file()


def drive_the_studio(page, url: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url)
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
    choose = page.locator(".jp-Dialog button", has_text="Select")   # JupyterLab may ask for a kernel
    try:
        choose.wait_for(timeout=15_000)
        choose.click()
    except PlaywrightTimeout:
        pass
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first \
        .wait_for(state="attached", timeout=60_000)
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()
    generate = page.locator("button.jupyter-button", has_text="Generate")
    generate.wait_for(timeout=180_000)
    # Run All ends with the cell that generates from code and prints the library: wait for it
    page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']",
                 has_text=CODE_PIECE).first.wait_for(timeout=180_000)
    page.wait_for_function(ALL_CELLS_RAN, timeout=60_000)
    shoot(page, "studio-after-run-all")
    page.locator(".course-studio-results").first.scroll_into_view_if_needed()
    page.locator(".widget-text input").first.fill(PROMPT)
    generate.click()
    page.wait_for_function(AUDIO_READY, timeout=120_000)
    library = page.locator(".course-studio-library").first
    library.locator(".course-studio-entry", has_text=NEW_PIECE).first.wait_for(timeout=30_000)
    page.locator(".course-studio-results audio").first.scroll_into_view_if_needed()
    shoot(page, "studio-after-generate")
    durations = page.evaluate("""() => [...document.querySelectorAll('.course-studio-results audio')]
                                      .map(audio => audio.duration)""")
    assert durations and all(d > 0 for d in durations), durations
    assert "REGION_german" in page.locator(".course-studio-understood").first.inner_text()

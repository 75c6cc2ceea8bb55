"""Real-browser test of the KAM dashboard: ``make dashboard``'s Voilà command, headless Chromium, Playwright.

The server is started with the very command the Makefile's ``dashboard`` target runs (``make -n`` prints it;
the test sets a free port, a token and a 1 MB upload limit through the target's variables). In the page:
no error text; the key-account tab shows its chart; moving a portfolio weight changes the matrix (its
picture and the weights line); the report button offers a workbook whose bytes open in openpyxl; a file
over the upload limit is stopped in the browser with a message; the example export uploads and its load
report is shown. Screenshots go to ``.tmp/dashboard_screenshots/``.

Skipped, with the reason, where Playwright or /usr/bin/chromium is missing.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, ROOT, VENV_BIN, free_port, require_browser_stack

pytestmark = pytest.mark.browser

EXAMPLE = ROOT / "datasets" / "examples" / "umsatzliste_nord_2025q4.csv"
SCREENSHOTS = ROOT / ".tmp" / "dashboard_screenshots"
LIMIT_MB = 1
SERVER_TIMEOUT_S = 90
PAGE_TIMEOUT_S = 120  # the kernel imports pandas & co. and loads the case company
REPORT_TIMEOUT_S = 240  # the case company's full report (account plans, potential) on a 2-core machine
ARROW_PRESSES = 30
# the page asks a CDN for icon stylesheets (blocked here): those console errors are expected
IGNORED_CONSOLE = ("Failed to load resource", "net::ERR_FAILED")


def dashboard_command(port: int, token: str) -> str:
    """The shell command of ``make dashboard`` with this test's port, token and upload limit."""
    if shutil.which("make") is None:
        pytest.skip("`make` is not installed: the test runs the Makefile's dashboard command")
    printed = subprocess.run(
        ["make", "-s", "-n", "dashboard", f"DASHBOARD_PORT={port}", f"DASHBOARD_UPLOAD_MB={LIMIT_MB}",
         f"DASHBOARD_ARGS=--token={token}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    start = printed.find("KAMLAB_UPLOAD_LIMIT_MB=")
    assert start >= 0, f"make -n dashboard printed no voila command:\n{printed}"
    command = printed[start:].replace("\\\n", " ")
    assert "websocket_max_message_size" in command and "voila" in command
    return command


@contextlib.contextmanager
def running_dashboard(state_dir: Path):
    port, token = free_port(), secrets.token_hex(16)
    log_path = state_dir / "voila.log"
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    env["JUPYTER_RUNTIME_DIR"] = str(state_dir / "runtime")
    env["IPYTHONDIR"] = str(state_dir / "ipython")
    env["KAMLAB_LANG"] = "en"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["bash", "-c", dashboard_command(port, token)], cwd=ROOT, env=env,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise AssertionError(f"voila exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"voila did not listen on {port} within {SERVER_TIMEOUT_S} s")
            time.sleep(0.25)
        yield f"http://127.0.0.1:{port}/?token={token}", log_path
    finally:
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture(scope="module")
def browser():
    require_browser_stack()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


ERROR_TEXT_JS = """
() => {
  const found = [];
  const text = document.body.innerText;
  for (const word of ['Traceback', 'Error:', 'Exception']) if (text.includes(word)) found.push(word);
  document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type*=error]')
    .forEach((node) => found.push('stderr: ' + node.textContent.slice(0, 300)));
  return found;
}
"""


#: A chart on the page: the explorers draw on a live ipympl canvas (an image in an Output widget before).
CHART = ".jupyter-matplotlib canvas, .widget-output img"


def matrix_state(panel):
    """The portfolio matrix's picture (the canvas's pixels as a data URI) and the panel's text (the weights)."""
    canvas = panel.locator(".jupyter-matplotlib canvas").first
    if canvas.count():
        picture = canvas.evaluate("c => c.toDataURL()")
    else:
        picture = panel.locator(".widget-output img").first.get_attribute("src") or ""
    return picture, panel.inner_text()


def shoot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SCREENSHOTS / name)
    return SCREENSHOTS / name


def test_dashboard_in_chromium(browser, tmp_path):
    import openpyxl

    phases, start = [], time.monotonic()

    def mark(name):
        phases.append(f"{name} {time.monotonic() - start:.1f} s")

    (tmp_path / "runtime").mkdir()
    with running_dashboard(tmp_path) as (url, log_path):
        mark("server up")
        context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            ("http://127.0.0.1", "data:", "blob:")) else route.abort())
        console, page_errors = [], []
        page.on("console", lambda m: m.type == "error" and console.append(m.text))
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        shots = []
        try:
            page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_S * 1000)
            dashboard = page.locator(".kamlab-dashboard")
            dashboard.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
            dashboard.locator(CHART).first.wait_for(timeout=PAGE_TIMEOUT_S * 1000)
            mark("page with the ABC chart")
            assert "Key-account dashboard" in dashboard.inner_text()
            assert not page.evaluate(ERROR_TEXT_JS), page.evaluate(ERROR_TEXT_JS)
            assert not page.locator(".jp-InputArea, .jp-Cell-inputWrapper").count(), "code is shown"
            shots.append(shoot(page, tmp_path, "01_key_accounts.png"))

            # portfolio: move the first attractiveness weight down, the matrix must change
            dashboard.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text="Portfolio").first.click()
            panel = dashboard.locator(".widget-tab-contents > :not(.lm-mod-hidden):not(.p-mod-hidden)").first
            panel.locator(CHART).first.wait_for(timeout=60_000)
            time.sleep(1.0)  # the live chart's first image arrives after the canvas
            before_src, before_text = matrix_state(panel)
            handle = panel.locator(".widget-slider .noUi-handle").first
            readout_before = handle.get_attribute("aria-valuenow")
            handle.focus()
            for _ in range(ARROW_PRESSES):
                handle.press("ArrowLeft")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                after_src, after_text = matrix_state(panel)
                if after_src and after_src != before_src and after_text != before_text:
                    break
                time.sleep(0.2)
            mark("weight moved, matrix redrawn")
            assert float(handle.get_attribute("aria-valuenow")) < float(readout_before)
            assert after_src != before_src, "the matrix picture did not change"
            assert after_text != before_text, "the weights line did not change"
            assert "changed quadrant" in after_text
            shots.append(shoot(page, tmp_path, "02_portfolio_weight_moved.png"))

            # the report of what is on screen, as an Excel download
            dashboard.locator("button", has_text="Create report").click()
            link = dashboard.locator("a.kamlab-download")
            link.wait_for(timeout=REPORT_TIMEOUT_S * 1000)
            mark("report built")
            with page.expect_download(timeout=60_000) as download_info:
                link.click()
            download = download_info.value
            payload = Path(download.path()).read_bytes()
            assert download.suggested_filename == "kam_report_en.xlsx"
            book = openpyxl.load_workbook(io.BytesIO(payload))
            assert len(book.sheetnames) >= 5, book.sheetnames
            mark("workbook downloaded")
            shots.append(shoot(page, tmp_path, "03_report_download.png"))
            assert not page.evaluate(ERROR_TEXT_JS), page.evaluate(ERROR_TEXT_JS)

            # a file over the limit is stopped in the browser, with what to do
            with page.expect_file_chooser() as chooser:
                dashboard.locator(".widget-upload").first.click()
            chooser.value.set_files(files=[{"name": "big.csv", "mimeType": "text/csv",
                                            "buffer": b"x" * (LIMIT_MB * 1024 * 1024 + 1)}])
            status = dashboard.locator(".kamlab-status")
            status.get_by_text("more than the 1 MB").wait_for(timeout=10_000)
            assert "kamlab report" in status.inner_text()
            shots.append(shoot(page, tmp_path, "04_upload_too_big.png"))
            # the example export (318 KB) uploads; its load report is shown
            with page.expect_file_chooser() as chooser:
                dashboard.locator(".widget-upload").first.click()
            chooser.value.set_files(str(EXAMPLE))
            status.get_by_text("180 accounts").wait_for(timeout=60_000)
            mark("export uploaded")
            assert "umsatzliste_nord_2025q4.csv" in status.inner_text()
            shots.append(shoot(page, tmp_path, "05_upload_export.png"))
            # German
            dashboard.locator(".kamlab-language button", has_text="Deutsch").click()
            dashboard.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text="Nachfassen").first.wait_for(timeout=30_000)
            dashboard.get_by_text("Bewertungen der Kunden").first.wait_for(timeout=30_000)
            assert "Bericht erstellen" in dashboard.inner_text()
            mark("German")
            shots.append(shoot(page, tmp_path, "06_german.png"))
            assert not page_errors, page_errors
            unexpected = [c for c in console if not any(word in c for word in IGNORED_CONSOLE)]
            assert not unexpected, unexpected
        except Exception as exc:
            failure = shoot(page, tmp_path, "failure.png")
            raise AssertionError(f"{exc}\nscreenshot {failure}\nphases: {phases}\nconsole: {console[-10:]}\n"
                                 f"voila log (tail):\n{log_path.read_text(errors='replace')[-2000:]}") from exc
        finally:
            context.close()
    print("phases:", "; ".join(phases), "| screenshots:", ", ".join(map(str, shots)))

"""Harness for the real-browser tests: a JupyterLab server on 127.0.0.1 and Debian's headless Chromium.

Used by ``tests/test_browser.py``. Everything a test writes (the notebook copy, the server's settings,
workspaces, runtime files, log and any failure screenshot) lives in the test's ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
CHROMIUM = Path("/usr/bin/chromium")

# Measured on this machine (see the shared NOTES): without the networking flags Chromium floods
# refused connections; a user-data-dir must not be passed to launch().
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT_S = 90


def require_browser_stack() -> None:
    """Skip the calling test, with a reason that says what to install, if Playwright or Chromium is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        pytest.skip(
            f"Playwright for Python cannot be imported ({exc}); install the test extras "
            "(pip install -e '.[test]') to run the browser tests"
        )
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}; install Debian's chromium (see .ci/run) "
            "to run the browser tests"
        )


def jupyter_executable() -> str:
    """The project's ``jupyter`` (the venv's), else the one next to the running Python."""
    for candidate in (VENV_BIN / "jupyter", Path(sys.executable).parent / "jupyter"):
        if candidate.exists():
            return str(candidate)
    pytest.skip("no `jupyter` executable in .venv/bin or next to the running Python; install the test extras")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running ``jupyter lab`` subprocess (its own process group)."""

    process: subprocess.Popen
    port: int
    token: str
    root_dir: Path
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{separator}token={self.token}"

    def api(self, path: str, method: str = "GET", timeout: float = 5) -> object:
        request = urllib.request.Request(
            f"{self.base_url}/api/{path.lstrip('/')}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait_until_ready(self, timeout: float = SERVER_START_TIMEOUT_S) -> float:
        """Poll ``/api/status`` with the token until it answers; return the seconds it took."""
        start = time.monotonic()
        last_error: Exception | None = None
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"jupyter lab exited with code {self.process.returncode} before it answered; "
                    f"log {self.log_path}:\n{self.log_tail()}"
                )
            try:
                self.api("status", timeout=2)
                return time.monotonic() - start
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                last_error = exc
                time.sleep(0.25)
        raise AssertionError(
            f"jupyter lab did not answer /api/status on port {self.port} within {timeout:.0f} s "
            f"(last error: {last_error}); log {self.log_path}:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """Shut the kernels down through the API, then end the server's process group (TERM, then KILL).

        Kernels run in their own sessions (jupyter_client starts them so), so they are shut down through
        the API first; the server also shuts them down on SIGTERM, and an orphaned ipykernel exits when
        its parent dies.
        """
        if self.process.poll() is None:
            with contextlib.suppress(Exception):
                for kernel in self.api("kernels", timeout=3):
                    with contextlib.suppress(Exception):
                        self.api(f"kernels/{kernel['id']}", method="DELETE", timeout=10)
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue


def write_lab_settings(settings_dir: Path) -> None:
    """User settings that keep JupyterLab quiet: no news pop-up, no update check."""
    notification = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # render every cell: with JupyterLab's default windowing, cells scrolled out of view are not in the page,
    # and a long notebook's explorer would be invisible to the test after "run all" scrolled to the end
    tracker = settings_dir / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))


@contextlib.contextmanager
def running_lab(root_dir: Path, state_dir: Path):
    """Start ``jupyter lab`` serving ``root_dir`` (its state in ``state_dir``); yield a ready LabServer.

    The server is always stopped (process group) when the block ends, whatever happened.
    """
    settings_dir = state_dir / "lab-settings"
    workspaces_dir = state_dir / "lab-workspaces"
    runtime_dir = state_dir / "jupyter-runtime"
    for folder in (settings_dir, workspaces_dir, runtime_dir):
        folder.mkdir(parents=True, exist_ok=True)
    write_lab_settings(settings_dir)

    port = free_port()
    token = secrets.token_hex(24)
    log_path = state_dir / "jupyter-lab.log"
    env = dict(os.environ)
    # The kernel's `python` must be the venv's, and nothing may be written to the user's runtime dir.
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    env["JUPYTER_RUNTIME_DIR"] = str(runtime_dir)
    env["IPYTHONDIR"] = str(state_dir / "ipython")
    command = [
        jupyter_executable(),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--allow-root",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={workspaces_dir}",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(process=process, port=port, token=token, root_dir=root_dir, log_path=log_path)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()

"""Plumbing for the browser test: a JupyterLab server in a temporary folder and Chromium.

The server runs from this Python environment (``sys.executable``) on a free loopback port
with a random token. Its configuration, data, runtime, settings and workspace folders all live
in the temporary folder, so neither the user's Jupyter setup nor the repository is touched.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# Debian's /usr/bin/chromium is a shell wrapper around this binary; the binary itself is
# started directly so that the wrapper's own checks cannot get in the way.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser",
                       "/usr/bin/chromium")

# Headless, as root, in a closed network: no sandbox, no GPU, no background requests.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# User settings written before the server starts (JupyterLab reads them on page load).
LAB_SETTINGS = {
    # No requests to jupyter.org and no toast asking for them.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    # Every cell is attached to the DOM, so the test can see all prompts and outputs.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def find_chromium() -> Path | None:
    """The Chromium executable to drive, or ``None`` when none is installed."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name) if "/" not in name else (name if os.access(name, os.X_OK) else None)
        if found:
            return Path(found)
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_notebooks(stems: list[str], source: Path, target: Path) -> list[Path]:
    """Copy ``<stem>.ipynb`` from ``source`` to ``target`` (JupyterLab writes only there)."""
    target.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(source / f"{stem}.ipynb", target / f"{stem}.ipynb"))
            for stem in stems]


def server_env(base: Path) -> dict[str, str]:
    """Environment for the server and its kernels: an ordinary interactive session."""
    env = dict(os.environ)
    # Batch runs build no widgets; a matplotlib backend from outside would hide the figures.
    for name in ("URBANKI_BATCH", "MPLBACKEND", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
        env.pop(name, None)
    for name, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        path = base / folder
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


def write_settings(folder: Path) -> None:
    for name, values in LAB_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@dataclass
class LabServer:
    """A running ``jupyter lab``; ``url(path)`` gives an address that logs the browser in."""

    process: subprocess.Popen
    port: int
    token: str
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, query: str = "") -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}{'&' if query else ''}{query}"

    def _request(self, path: str, method: str = "GET", timeout: float = 5.0) -> int:
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status

    def api(self, path: str):
        """GET ``/api/<path>`` and return the decoded JSON."""
        request = urllib.request.Request(f"{self.base}/api/{path.lstrip('/')}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5.0) as response:
            return json.loads(response.read())

    def kernel_state(self, notebook: str) -> str | None:
        """Execution state of the kernel of ``notebook`` (a path below the root), if any."""
        for session in self.api("sessions"):
            if session.get("path") == notebook and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None

    def wait_ready(self, timeout_s: float = 90.0) -> None:
        """Poll ``/api/status`` until it answers; fail early if the server died."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            try:
                if self._request("/api/status") == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"jupyter lab not ready after {timeout_s} s:\n"
                           + self.log.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        """Shut the server and its kernels down; escalate to signals if it does not stop."""
        if self.process.poll() is None:
            try:
                self._request("/api/shutdown", method="POST")  # also shuts all kernels down
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
        for sig, wait_s in ((None, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if sig is not None and self.process.poll() is None:
                # The server was started in its own session: its group holds it and its kernels.
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait_s)
                break
            except subprocess.TimeoutExpired:
                continue
        # Kernels that outlived the server would still sit in the server's process group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def start_lab(root: Path, base: Path) -> LabServer:
    """Start ``jupyter lab`` on ``root`` with all of its state under ``base``."""
    settings, workspaces = base / "settings", base / "workspaces"
    write_settings(settings)
    workspaces.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(24)
    log = base / "jupyter.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # The default extension manager asks PyPI, which a closed network leaves hanging.
        "--LabApp.extension_manager=readonly",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=server_env(base), stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = LabServer(process=process, port=port, token=token, log=log)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server

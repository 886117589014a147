"""A live server on a free port of 127.0.0.1, and Debian's Chromium for Playwright: for tests, bench and screenshots.

:class:`LiveServer` runs ``xieshang serve`` in a child process and stops it;
:func:`launch_chromium` starts the system's ``/usr/bin/chromium`` through
Playwright's Python API (never ``playwright install``: no browser download).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["LiveServer", "free_port", "launch_chromium", "CHROMIUM", "CHROMIUM_ARGS"]

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium (``apt-get install chromium``; ``.ci/run`` installs it when missing)."""
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync")


def free_port() -> int:
    """A TCP port of 127.0.0.1 free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``xieshang serve --model PATH`` on a free port of 127.0.0.1, as a context manager.

    Parameters
    ----------
    model_path : str or Path
    timeout : float
        Seconds to wait for ``/healthz``.
    workers : int
        uvicorn worker processes.

    Raises
    ------
    RuntimeError
        If the server stops or does not answer in time (its output is quoted).
    """

    def __init__(self, model_path: str | Path, timeout: float = 60.0, workers: int = 1):
        self.model_path = model_path
        self.workers = workers
        self.timeout = timeout
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.port = free_port()
        self._log = tempfile.TemporaryFile()
        env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"), "MPLBACKEND": "Agg"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xieshang.cli", "serve", "--model", str(self.model_path), "--port", str(self.port),
             "--workers", str(self.workers)],
            stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.process.returncode}): {self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"the server did not answer /healthz within {self.timeout:g} s: {self.output()}")

    def output(self) -> str:
        """What the server printed so far."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def rss_mib(self) -> float:
        """The server process's resident memory now (MiB, from /proc)."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc: this needs Linux")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uvicorn's graceful stop
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def launch_chromium(playwright: Any) -> Any:
    """Debian's headless Chromium through Playwright (``playwright.chromium.launch`` with the system executable).

    Raises
    ------
    FileNotFoundError
        If ``/usr/bin/chromium`` is missing (``apt-get install chromium``).
    """
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"{CHROMIUM}: no Chromium; install it with 'apt-get install chromium'")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))

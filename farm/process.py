"""Run the farm in a child process (demo, tests, benchmark): start, wait until ready, stop."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from farm.server import WebLike
from tools.processes import LocalServer, process_cpu, stop_process

_READY_RE = re.compile(r"farm ready: port=(\d+) refused_port=(\d+)")


class FarmProcess(LocalServer):
    """``with FarmProcess(blogs=200, latency=0.1) as farm: ... farm.port ...``

    The farm listens on a free port of 127.0.0.1; it is stopped (by its PID) on exit.
    ``realistic=True``: real-sized, compressed pages (``python -m farm --realistic``);
    ``web``: hosts as on the web (:class:`farm.server.WebLike`); ``tls_dir``: HTTPS with a test
    CA made there (``tools/testca.py``).
    """

    def __init__(
        self,
        blogs: int = 200,
        latency: float = 0.1,
        list_file: Path | None = None,
        *,
        specials: bool = True,
        fixtures: bool = False,
        blogs_per_host: int = 1,
        faults: float = 0.0,
        fault_seed: int = 1,
        port: int = 0,
        seed: int = 1,
        startup_timeout: float = 60.0,
        realistic: bool = False,
        web: WebLike | None = None,
        tls_dir: Path | None = None,
        prewarm: bool = False,
    ) -> None:
        self.blogs, self.latency, self.list_file = blogs, latency, list_file
        self.specials, self.seed, self.startup_timeout = specials, seed, startup_timeout
        self.fixtures = fixtures
        self.realistic = realistic
        self.web, self.tls_dir, self.prewarm = web, tls_dir, prewarm
        self.blogs_per_host = blogs_per_host
        self.faults, self.fault_seed, self.requested_port = faults, fault_seed, port
        self.port = self.refused_port = 0
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> FarmProcess:
        command = [sys.executable, "-m", "farm", "--port", str(self.requested_port)]
        command += ["--blogs", str(self.blogs)]
        if self.faults:
            command += ["--faults", str(self.faults), "--fault-seed", str(self.fault_seed)]
        command += ["--latency", str(self.latency), "--seed", str(self.seed)]
        command += ["--blogs-per-host", str(self.blogs_per_host)]
        if self.list_file is not None:
            command += ["--list-file", str(self.list_file)]
        if not self.specials:
            command.append("--no-specials")
        if self.fixtures:
            command.append("--fixtures")
        if self.realistic:
            command.append("--realistic")
        if self.web is not None:
            command += ["--web", str(self.web.median), "--web-sigma", str(self.web.sigma)]
            command += ["--hang-share", str(self.web.hang_share)]
            command += ["--trickle-share", str(self.web.trickle_share)]
        if self.tls_dir is not None:
            command += ["--tls-dir", str(self.tls_dir)]
        if self.prewarm:
            command.append("--prewarm")
        match = self.launch(command, _READY_RE, "the farm")
        self.port, self.refused_port = int(match.group(1)), int(match.group(2))
        return self

    @property
    def scheme(self) -> str:
        return "https" if self.tls_dir is not None else "http"

    def url(self, host: str, path: str = "/") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def ask(self, path: str, host: str = "farm.test") -> Any:
        """A control path of the (plain-HTTP) farm as ``host`` (``/_farm/publish``, the load
        report, the revalidation switches): its JSON answer."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback direct
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Host": host}
        )
        with opener.open(request, timeout=10) as answer:
            return json.loads(answer.read())

    def cpu(self) -> float:
        """CPU seconds the farm has used so far."""
        return process_cpu(self.process.pid) if self.process is not None else 0.0

    def stop(self) -> None:
        stop_process(self.process)
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()

"""A local Redis for the distributed mode: tests, ``make workers`` and the benchmark.

:class:`RedisProcess` starts Debian's ``redis-server`` on 127.0.0.1 on a free port (append-only
file in the folder it is given, so a restart keeps the queue), and stops it by its PID.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tools.processes import LocalServer, free_port, stop_process


class RedisProcess(LocalServer):
    """``with RedisProcess(folder) as redis: ... redis.url ...``; ``restart()`` keeps the data."""

    def __init__(self, folder: Path, port: int = 0) -> None:
        self.folder, self.port = folder.resolve(), port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisProcess:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server not found: apt-get install -y redis-server")
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            server, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder),
            "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
            "--protected-mode", "yes", "--logfile", str(self.folder / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        stop_process(self.process, timeout=20)  # SIGTERM: Redis writes its append-only file

    def restart(self, down_for: float = 0.0) -> None:
        """Stop it, wait ``down_for`` seconds, start it again on the same port and data."""
        self.stop()
        time.sleep(down_for)
        self.start()

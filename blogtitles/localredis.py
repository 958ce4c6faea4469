"""A local Redis for the distributed mode: tests, ``make workers`` and the benchmark.

``python -m blogtitles.localredis [start|stop] [--port 6379]`` starts Debian's ``redis-server`` on
127.0.0.1 (append-only file under ``output/redis/``, so a restart keeps the queue), records its
PID and stops it by that PID. :class:`RedisProcess` does the same from Python, on a free port.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from blogtitles.processes import LocalServer, free_port, stop_process


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


PID_FILE = Path("output/redis/redis.pid")  # in the project folder, where make runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blogtitles.localredis", description=__doc__)
    parser.add_argument("action", choices=("start", "stop"), nargs="?", default="start")
    parser.add_argument("--port", type=int, default=int(os.environ.get("REDIS_PORT", "6379")))
    args = parser.parse_args(argv)
    if args.action == "stop":
        if PID_FILE.exists():
            os.kill(int(PID_FILE.read_text()), signal.SIGTERM)
            PID_FILE.unlink()
            print("Redis stopped")
        return 0
    if PID_FILE.exists():
        print(f"Redis already running (PID {PID_FILE.read_text().strip()}), port {args.port}")
        return 0
    redis = RedisProcess(PID_FILE.parent, args.port).start()
    assert redis.process is not None
    PID_FILE.write_text(str(redis.process.pid))
    print(f"Redis on {redis.url} (PID {redis.process.pid}); stop it: make redis-stop")
    return 0


if __name__ == "__main__":
    sys.exit(main())

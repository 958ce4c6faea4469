"""Small helpers for the local servers the project starts (the farm, Redis, Splash, Scrapyd):
a free loopback port, stopping a child process, whether a recorded PID still runs, the CPU a
process has used."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import Self


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[Any] | None, timeout: float = 10.0) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it is still there after ``timeout``."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def pid_alive(pid: int) -> bool:
    """Whether the process ``pid`` (recorded in a PID file) still runs."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class LocalServer:
    """A server the project starts as a child process on 127.0.0.1: ``with Server(...) as
    server:`` starts it and stops it (by its PID) at the end. Subclasses give ``start`` (which
    returns the server) and ``stop``."""

    process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        raise NotImplementedError

    def launch(self, command: list[str], ready: re.Pattern[str], what: str) -> re.Match[str]:
        """Start ``command`` as :attr:`process`; the match of ``ready`` in the one line the
        server prints when it listens (stopped, and an error naming ``what``, if it does not)."""
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = ready.search(line)
        if match is None:
            self.stop()
            raise RuntimeError(f"{what} did not start: {line!r}")
        return match

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

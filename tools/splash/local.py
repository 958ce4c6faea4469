"""A local Splash for development and the tests: ``make splash`` / ``make splash-stop``.

``python tools/splash/local.py start [PORT]`` starts Splash 3.5 from ``.venv-splash`` (built by
``make splash-venv``) in the background on 127.0.0.1, waits until it answers ``/_ping`` and
records its PID in ``output/splash/splash.pid``; ``stop`` stops that process (and only it).
:class:`SplashProcess` does the same for a test session, on a free port.

Splash runs headless (``QT_QPA_PLATFORM=offscreen``, no Xvfb), WebKit only, with a private
``XDG_RUNTIME_DIR``; ``launch.py`` applies its three Python 3.11 fixes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tools.processes import LocalServer, free_port, pid_alive, stop_process

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = ROOT / ".venv-splash" / "bin" / "python"
LAUNCHER = Path(__file__).resolve().parent / "launch.py"
STATE = ROOT / "output" / "splash"


class SplashProcess(LocalServer):
    """Splash on ``127.0.0.1:port`` (a free one by default) while the ``with`` block runs."""

    def __init__(self, port: int = 0, state: Path = STATE, timeout: float = 60.0) -> None:
        self.port = port or free_port()
        self.state = state
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SplashProcess:
        if not PYTHON.exists():
            raise RuntimeError("no .venv-splash: run `make splash-venv` (make test does)")
        runtime = self.state / "xdg"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "QTWEBENGINE_DISABLE_SANDBOX": "1",
            "XDG_RUNTIME_DIR": str(runtime),
        }
        command = [
            str(PYTHON), str(LAUNCHER), "--ip", "127.0.0.1", "--port", str(self.port),
            "--disable-xvfb", "--browser-engines", "webkit", "--max-timeout", "120",
        ]  # fmt: skip
        log = (self.state / f"splash-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"Splash exited ({self.process.returncode}); see {self.log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/_ping", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Splash did not answer /_ping within {self.timeout} s; see {self.log}")

    @property
    def log(self) -> Path:
        return self.state / f"splash-{self.port}.log"

    def stop(self) -> None:
        stop_process(self.process)


def start(port: int) -> None:
    """``make splash``: start in the background, record the PID, leave it running."""
    pid_file = STATE / "splash.pid"
    if pid_file.exists() and pid_alive(int(pid_file.read_text())):
        print(f"Splash already running (PID {pid_file.read_text().strip()}); make splash-stop")
        return
    splash = SplashProcess(port).start()
    assert splash.process is not None
    pid_file.write_text(str(splash.process.pid))
    print(f"Splash {splash.url} (PID {splash.process.pid}, log {splash.log})")
    print(
        f"crawl with: scrapy crawl blogs -s BLOGTITLES_RENDERER=splash -s SPLASH_URL={splash.url}"
    )


def stop() -> None:
    """``make splash-stop``: stop the Splash that ``start`` recorded."""
    pid_file = STATE / "splash.pid"
    if not pid_file.exists():
        print("no Splash started by make splash")
        return
    pid = int(pid_file.read_text())
    if pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not pid_alive(pid):
                break
            time.sleep(0.2)
    pid_file.unlink()
    print(f"Splash (PID {pid}) stopped")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "stop":
        stop()
    else:
        start(int(sys.argv[2]) if len(sys.argv) > 2 else 8050)

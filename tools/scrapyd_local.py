"""``make scrapyd``: start a local Scrapyd (127.0.0.1, basic auth), deploy the project, show how
to schedule a crawl. ``make scrapyd-stop`` stops it (by the PID it wrote). Run as a module from
the project folder (``python -m tools.scrapyd_local [start|stop]``), as the Makefile does.

Scrapyd's environment is the operator's word on what jobs may do (``blogtitles/guard/scrapyd.py``):
list files only from ``output/`` (``BLOGTITLES_LISTS_DIR``), and the address guard as the
environment of ``make scrapyd`` says (``BLOGTITLES_ALLOW_PRIVATE_ADDRESSES=true make scrapyd``
to crawl the farm on 127.0.0.1).

Scrapyd runs from ``.venv-scrapyd`` with this folder's ``scrapyd.conf``: eggs, logs, items and its
queue under ``output/scrapyd/``. The password is ``$SCRAPYD_PASSWORD``, or one generated once into
``output/scrapyd/password``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tools.processes import pid_alive

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "output" / "scrapyd"
VENV = ROOT / ".venv-scrapyd" / "bin"
URL = "http://127.0.0.1:6800/"
USER = "blogtitles"


def password() -> str:
    """``$SCRAPYD_PASSWORD``, else the one generated on first use (kept, mode 600)."""
    if os.environ.get("SCRAPYD_PASSWORD"):
        return os.environ["SCRAPYD_PASSWORD"]
    saved = STATE / "password"
    if not saved.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        saved.write_text(secrets.token_urlsafe(18))
        saved.chmod(0o600)
    return saved.read_text().strip()


def api(path: str, secret: str) -> dict:
    token = base64.b64encode(f"{USER}:{secret}".encode()).decode()
    request = urllib.request.Request(URL + path, headers={"Authorization": f"Basic {token}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as answer:
        return json.loads(answer.read())


def start() -> int:
    secret = password()
    lists = str(ROOT / "output")
    env = {**os.environ, "SCRAPYD_PASSWORD": secret, "BLOGTITLES_LISTS_DIR": lists}
    pid_file = STATE / "scrapyd.pid"
    if pid_file.exists() and pid_alive(int(pid_file.read_text())):
        print(f"Scrapyd already runs (PID {pid_file.read_text().strip()})")
    else:
        STATE.mkdir(parents=True, exist_ok=True)
        log = (STATE / "scrapyd.out").open("ab")
        process = subprocess.Popen(
            [str(VENV / "scrapyd")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        pid_file.write_text(str(process.pid))
        for _ in range(60):
            try:
                api("daemonstatus.json", secret)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        else:
            print(f"Scrapyd did not start: see {STATE / 'scrapyd.out'}", file=sys.stderr)
            return 1
        print(f"Scrapyd runs on {URL} (PID {process.pid}, log {STATE / 'scrapyd.out'})")
    deploy = subprocess.run([str(VENV / "scrapyd-deploy")], cwd=ROOT, env=env, check=False)
    if deploy.returncode:
        return deploy.returncode
    auth = (
        f'-u {USER}:"$(cat output/scrapyd/password)"'
        if not os.environ.get("SCRAPYD_PASSWORD")
        else f'-u {USER}:"$SCRAPYD_PASSWORD"'
    )
    print(
        "\nSchedule a crawl of the sample farm (offline; start it first with `make farm`, and this"
    )
    print("Scrapyd with BLOGTITLES_ALLOW_PRIVATE_ADDRESSES=true: the farm is on 127.0.0.1):")
    print(f"  curl {auth} {URL}schedule.json -d project=blogtitles -d spider=blogs \\")
    print(f"       -d urls_file={ROOT}/output/farm-blogs.txt \\")
    print("       -d setting=TWISTED_DNS_RESOLVER=farm.resolver.FarmResolver")
    print("or of real blogs (needs internet):")
    print(
        f"  curl {auth} {URL}schedule.json -d project=blogtitles -d spider=blogs -d urls=https://blog.python.org/"
    )
    print(f"Jobs:  curl {auth} '{URL}listjobs.json?project=blogtitles'")
    print(
        "Items: output/scrapyd/items/blogtitles/blogs/JOB_ID.jl   Logs: output/scrapyd/logs/blogtitles/blogs/JOB_ID.log"
    )
    return 0


def stop() -> int:
    pid_file = STATE / "scrapyd.pid"
    if not pid_file.exists():
        print("Scrapyd is not running (no PID file)")
        return 0
    pid = int(pid_file.read_text())
    if pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        print(f"Stopped Scrapyd (PID {pid})")
    pid_file.unlink()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.scrapyd_local", description=__doc__)
    parser.add_argument("action", choices=("start", "stop"), nargs="?", default="start")
    return stop() if parser.parse_args(argv).action == "stop" else start()


if __name__ == "__main__":
    sys.exit(main())

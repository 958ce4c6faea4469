"""Shared fixtures: the sample farm in a child process, and a helper to run `scrapy crawl`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from blogtitles import settings as project
from blogtitles.runs.commandline import crawl_command, setting_args
from farm.listing import Listed, farm_listing
from farm.process import FarmProcess
from farm.resolver import FARM_SETTINGS
from tools.splash.local import PYTHON as SPLASH_PYTHON
from tools.splash.local import SplashProcess

ROOT = Path(__file__).resolve().parent.parent
RESOLVER = f"TWISTED_DNS_RESOLVER={FARM_SETTINGS['TWISTED_DNS_RESOLVER']}"
#: The farm is on 127.0.0.1: crawls of it switch the address guard off, explicitly.
ALLOW_LOOPBACK = "BLOGTITLES_ALLOW_PRIVATE_ADDRESSES=True"
#: What every crawl of the suite runs with, at the least (see run_crawl).
LOOPBACK_ONLY = {
    "BLOGTITLES_LOOPBACK_ONLY": True,
    "TWISTED_DNS_RESOLVER": FARM_SETTINGS["TWISTED_DNS_RESOLVER"],
}
#: The farm's settings as command-line arguments (for commands that pass them on to crawls).
FARM_ARGS = tuple(setting_args(FARM_SETTINGS))
FARM_BLOGS = 30


@dataclass
class Farm:
    """A running farm, its list file and what each listed line must give."""

    process: FarmProcess
    list_file: Path
    listing: list[Listed] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.process.port


@pytest.fixture(scope="session")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    """30 normal blogs and every special kind, 20 ms latency."""
    list_file = tmp_path_factory.mktemp("farm") / "farm-blogs.txt"
    with FarmProcess(blogs=FARM_BLOGS, latency=0.02, list_file=list_file) as process:
        listing = farm_listing(FARM_BLOGS, process.port, process.refused_port)
        yield Farm(process, list_file, listing)


@pytest.fixture(scope="session")
def splash(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SplashProcess]:
    """A real Splash 3.5 (``.venv-splash``, ``tools/splash/launch.py``) on a free port, started
    once for the session and stopped by its PID."""
    if not SPLASH_PYTHON.exists():
        pytest.fail("no .venv-splash: run `make splash-venv` (make test does)")
    with SplashProcess(state=tmp_path_factory.mktemp("splash")) as process:
        yield process


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    log: str

    def records(self, path: Path) -> list[dict[str, Any]]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return json.loads(text)
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def run_scrapy(
    *args: str, cwd: Path = ROOT, timeout: float = 240, env: dict[str, str] | None = None
) -> CrawlResult:
    """Run the real command line (`python -m scrapy ...`) in a subprocess."""
    return run_command([sys.executable, "-m", "scrapy", *args], cwd=cwd, timeout=timeout, env=env)


def run_crawl(
    *args: str,
    cwd: Path = ROOT,
    timeout: float = 240,
    env: dict[str, str] | None = None,
    settings: dict[str, object] | None = None,
    spider: str = "blogs",
) -> CrawlResult:
    """``scrapy crawl SPIDER ARGS`` in a subprocess, its command line built as every crawl's;
    loopback-only by construction: names resolve through the farm's resolver (never the
    system's DNS), and any other address is refused (``settings`` may change the resolver)."""
    settings = {**LOOPBACK_ONLY, **(settings or {})}
    command = crawl_command(*args, spider=spider, settings=settings)
    return run_command(command, cwd=cwd, timeout=timeout, env=env)


def run_command(
    command: list[str], cwd: Path = ROOT, timeout: float = 240, env: dict[str, str] | None = None
) -> CrawlResult:
    """Run ``command`` (a ``python -m scrapy`` line) in a subprocess, from ``cwd``; a crawl
    that tried to leave the machine fails the test, whatever the test checks after."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    if cwd != ROOT:  # outside the project folder, name the settings module as Scrapyd does
        environ["SCRAPY_SETTINGS_MODULE"] = "blogtitles.settings"
    done = subprocess.run(
        command,
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if "(BLOGTITLES_LOOPBACK_ONLY)" in done.stderr:
        pytest.fail(f"a crawl tried to reach an address off the machine:\n{done.stderr[-3000:]}")
    return CrawlResult(done.returncode, done.stdout, done.stderr, done.stderr)


def project_crawler(
    spidercls: type[Spider] | None = None, settings: dict[str, Any] | None = None
) -> Crawler:
    """A crawler (not started) with the project's settings, as ``scrapy crawl`` has them, and
    ``settings`` over them: components read their defaults from ``settings.py`` only."""
    values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    return get_crawler(spidercls, {**values, **(settings or {})})


def farm_crawl_command(*args: str) -> list[str]:
    """The command line of ``scrapy crawl blogs ARGS`` against the farm (resolver, no guard)."""
    return crawl_command(*args, settings=FARM_SETTINGS)


def start_farm_crawl(*args: str, **popen: Any) -> subprocess.Popen[str]:
    """``farm_crawl_command`` in the background (to kill it, or to run two at once)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(farm_crawl_command(*args), cwd=ROOT, env=env, text=True, **popen)


def crawl_farm(*args: str, timeout: float = 240, cwd: Path = ROOT) -> CrawlResult:
    """`scrapy crawl blogs` with the farm resolver and a short download timeout."""
    settings = {**FARM_SETTINGS, "DOWNLOAD_TIMEOUT": 1}
    return run_crawl(*args, settings=settings, timeout=timeout, cwd=cwd)


def requests_per_blog(log: str) -> float:
    """The ``requests per blog`` figure of a crawl's summary."""
    found = re.search(r"requests per blog:\s+([\d.]+)", log)
    assert found is not None, "no summary in the log"
    return float(found.group(1))

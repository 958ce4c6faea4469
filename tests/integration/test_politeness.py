"""Politeness seen from the server: at most CONCURRENT_REQUESTS_PER_DOMAIN requests in flight
per host, over connections that are reused (the farm counts both)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from farm.listing import farm_listing, write_listing
from farm.process import FarmProcess
from farm.server import LOAD_PATH
from tests.conftest import ROOT, crawl_farm

pytestmark = pytest.mark.integration

HOSTS, BLOGS_PER_HOST = 3, 12


@pytest.fixture(scope="module")
def shared_hosts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FarmProcess, Path]]:
    """36 blogs on 3 host names, 100 ms per page: many requests queue for each host."""
    blogs = HOSTS * BLOGS_PER_HOST
    with FarmProcess(
        blogs=blogs, latency=0.1, specials=False, blogs_per_host=BLOGS_PER_HOST
    ) as farm:
        listing = farm_listing(
            blogs, farm.port, farm.refused_port, specials=False, blogs_per_host=BLOGS_PER_HOST
        )
        list_file = tmp_path_factory.mktemp("polite") / "blogs.txt"
        write_listing(list_file, listing)
        yield farm, list_file


def load(farm: FarmProcess) -> dict[str, Any]:
    """The farm's load report, its counters reset for the next crawl."""
    return farm.ask(f"{LOAD_PATH}?reset=1")


def crawl_and_load(
    farm: FarmProcess, list_file: Path, tmp_path: Path, *settings: str
) -> dict[str, Any]:
    load(farm)
    out = tmp_path / "titles.jsonl"
    result = crawl_farm("-a", f"urls_file={list_file}", "-O", str(out), *settings)
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(out)
    assert len(records) == HOSTS * BLOGS_PER_HOST
    assert all(record["status"] == "ok" for record in records)
    return load(farm)


def test_at_most_two_requests_per_host_over_two_connections(
    shared_hosts: tuple[FarmProcess, Path], tmp_path: Path
) -> None:
    seen = crawl_and_load(*shared_hosts, tmp_path)
    assert len(seen["max_in_flight"]) == HOSTS
    assert set(seen["max_in_flight"].values()) == {2}  # the limit, reached and never passed
    # One robots.txt and 24 pages per host, over two reused connections (+1: the report's own).
    assert seen["connections"] == 2 * HOSTS + 1


def test_scrapy_default_downloader_passes_the_limit(
    shared_hosts: tuple[FarmProcess, Path], tmp_path: Path
) -> None:
    """Why ``blogtitles.compat.downloader.PoliteDownloader`` exists: when this fails, Scrapy counts
    requests before it starts them, and ``PoliteDownloader`` can go.

    Seen with Scrapy's Twisted handler, whose connection pool has no per-host cap. The project's
    aiohttp handler caps connections per host, so the server would see 2 even without the fix;
    but the requests over the limit would then wait inside the handler with their download
    timeout already running."""
    seen = crawl_and_load(
        *shared_hosts,
        tmp_path,
        "-s",
        "DOWNLOADER=scrapy.core.downloader.Downloader",
        "-s",
        'DOWNLOAD_HANDLERS={"http": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"}',
    )
    assert max(seen["max_in_flight"].values()) > 2
    assert seen["connections"] > 2 * HOSTS + 1


def test_idle_connections_are_kept_seconds_not_minutes() -> None:
    """The project's handler gives the connection pool ``BLOGTITLES_IDLE_CONNECTION_TIMEOUT``."""
    script = (
        "import asyncio\n"
        "from scrapy.utils.reactor import install_reactor\n"
        "install_reactor('twisted.internet.asyncioreactor.AsyncioSelectorReactor')\n"
        "from scrapy.utils.project import get_project_settings\n"
        "from scrapy.utils.test import get_crawler\n"
        "from scrapy.utils.misc import load_object\n"
        "async def main():\n"
        "    settings = get_project_settings()\n"
        "    for value in (None, '2.5'):\n"
        "        if value: settings.set('BLOGTITLES_IDLE_CONNECTION_TIMEOUT', value)\n"
        "        crawler = get_crawler(settings_dict=settings.copy_to_dict())\n"
        "        handler = load_object(settings.getdict('DOWNLOAD_HANDLERS')['https'])(crawler)\n"
        "        print(handler._session.connector._keepalive_timeout)\n"
        "        await handler.close()\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0.5", "2.5"]

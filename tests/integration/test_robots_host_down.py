"""A host whose robots.txt hangs: its blog is recorded as ``timeout`` without a second wait for
its index page (``blogtitles.compat.robots.HostDownRobotsTxtMiddleware``), in a real crawl."""

from __future__ import annotations

from pathlib import Path

from farm.listing import farm_listing
from farm.process import FarmProcess
from farm.server import WebLike
from tests.conftest import FARM_SETTINGS, run_crawl


def test_a_hanging_host_is_waited_for_once(tmp_path: Path) -> None:
    every_host_hangs = WebLike(median=0.01, sigma=0.1, hang_share=1.0, trickle_share=0.0)
    with FarmProcess(blogs=3, latency=0, specials=False, web=every_host_hangs) as farm:
        listing = farm_listing(3, farm.port, farm.refused_port, specials=False)
        list_file = tmp_path / "blogs.txt"
        list_file.write_text("".join(f"{item.line}\n" for item in listing), encoding="utf-8")
        out = tmp_path / "titles.jsonl"
        settings = {**FARM_SETTINGS, "DOWNLOAD_TIMEOUT": 1}
        result = run_crawl("-a", f"urls_file={list_file}", "-O", str(out), settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(out)
    assert [record["status"] for record in records] == ["timeout"] * 3
    assert all("robots.txt took longer" in record["error"] for record in records)
    # robots.txt was tried (and retried) on each host; the index pages were never sent.
    assert result.log.count("Gave up retrying <GET") == 3
    assert all("/robots.txt>" in line for line in result.log.splitlines() if "Gave up" in line)

"""A host whose robots.txt hangs: its blog is recorded as ``timeout`` without a second wait for
its index page (``blogtitles.compat.robots.HostDownRobotsTxtMiddleware``), in a real crawl."""

from __future__ import annotations

import re
from pathlib import Path

from farm.listing import check_records, farm_listing, write_listing
from farm.process import FarmProcess
from farm.server import WebLike
from tests.conftest import FARM_SETTINGS, Farm, crawl_farm, run_crawl


def test_a_hanging_host_is_waited_for_once(tmp_path: Path) -> None:
    every_host_hangs = WebLike(median=0.01, sigma=0.1, hang_share=1.0, trickle_share=0.0)
    with FarmProcess(blogs=3, latency=0, specials=False, web=every_host_hangs) as farm:
        listing = farm_listing(3, farm.port, farm.refused_port, specials=False)
        list_file = write_listing(tmp_path / "blogs.txt", listing)
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


def test_with_one_host_kept_every_blog_still_obeys_its_robots(farm: Farm, tmp_path: Path) -> None:
    """``BLOGTITLES_ROBOTS_CACHE_SIZE=1``: hosts' parsed robots.txt are forgotten as soon as
    another host's comes, and fetched again when needed; every blog still gets the record its
    robots.txt decides (the farm's forbidding blog: ``robots_forbidden``)."""
    out = tmp_path / "titles.json"
    result = crawl_farm(
        "-a", f"urls_file={farm.list_file}", "-O", str(out), "-s", "BLOGTITLES_ROBOTS_CACHE_SIZE=1"
    )
    assert result.returncode == 0, result.log[-3000:]
    assert check_records(result.records(out), farm.listing) == []
    fetched = int(re.search(r"'robotstxt/request_count': (\d+)", result.log).group(1))
    hosts = len({item.blog.host for item in farm.listing if item.blog})
    assert fetched > hosts  # some hosts' robots.txt had to be fetched again

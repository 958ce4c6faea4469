"""The feed as evidence, in real crawls of the farm: each ``BLOGTITLES_FEED_EVIDENCE`` mode on
the blogs where it matters (a landing page, SEO-rewritten metadata, a stale feed, a page without
a title, a sticky post), with the requests it costs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from farm.listing import check_records, record_key, write_listing
from tests.conftest import FARM_SETTINGS, Farm, requests_per_blog, run_crawl

pytestmark = pytest.mark.integration

KINDS = ("landing", "seo-titles", "stale-feed", "untitled", "sticky")


def crawl(farm: Farm, tmp_path: Path, mode: str) -> tuple[dict[str, Any], list[str], str]:
    """Records by blog kind, the problems against the farm, and the log."""
    listing = [listed for listed in farm.listing if listed.blog and listed.blog.kind in KINDS]
    list_file = tmp_path / f"{mode}.txt"
    write_listing(list_file, listing)
    out = tmp_path / f"{mode}.jsonl"
    settings = {**FARM_SETTINGS, "DOWNLOAD_TIMEOUT": 2, "BLOGTITLES_FEED_EVIDENCE": mode}
    result = run_crawl("-a", f"urls_file={list_file}", "-O", str(out), settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    records = {record["blog_url"]: record for record in result.records(out)}
    by_kind = {listed.blog.kind: records[record_key(listed)] for listed in listing if listed.blog}
    return by_kind, check_records(records.values(), listing), result.log


def expected_title(farm: Farm, kind: str) -> str:
    return next(
        item.expected.title for item in farm.listing if item.blog and item.blog.kind == kind
    )


def test_doubt_asks_the_feed_only_where_the_page_leaves_doubt(farm: Farm, tmp_path: Path) -> None:
    records, problems, log = crawl(farm, tmp_path, "doubt")
    assert problems == []
    assert records["landing"]["found_by"] == "microformats"  # read on /blog/, its menu's link
    assert "/blog/" in records["landing"]["article_url"]
    assert records["seo-titles"]["title"] == expected_title(farm, "seo-titles")
    assert records["untitled"]["status"] == "no_title"  # its feed has no title for it either
    # 5 blogs: 6 index pages (the landing page and its /blog/), 5 articles, and 2 feeds asked
    # about a title (seo-titles, untitled).
    assert requests_per_blog(log) == pytest.approx((6 + 5 + 2) / 5, abs=0.01)


def test_index_only_keeps_the_seo_title(farm: Farm, tmp_path: Path) -> None:
    records, problems, log = crawl(farm, tmp_path, "index")
    assert records["seo-titles"]["title"].startswith("Everything you need to know")
    assert len(problems) == 1 and "seo-titles" in problems[0]
    assert requests_per_blog(log) == pytest.approx((6 + 5) / 5, abs=0.01)


def test_always_reads_every_feed_and_a_stale_one_loses(farm: Farm, tmp_path: Path) -> None:
    records, problems, log = crawl(farm, tmp_path, "always")
    assert problems == []
    assert records["stale-feed"]["found_by"] == "microformats (feed: older)"
    assert records["seo-titles"]["found_by"] == "platform:ghost+feed"
    assert records["sticky"]["found_by"] == "microformats+dates+feed"
    # Every blog reads its feed once (the landing page's, from /blog/): 6 + 5 feeds + 5 articles.
    assert requests_per_blog(log) == pytest.approx((6 + 5 + 5) / 5, abs=0.01)

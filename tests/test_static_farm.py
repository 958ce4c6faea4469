"""The benchmark's static copy of the farm, served by a real nginx: what a crawl fetches, right."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from blogtitles.farm import engines
from blogtitles.farm.catalog import make_blog
from blogtitles.farm.listing import check_records, farm_listing
from blogtitles.farm.static import StaticFarm
from tests.conftest import crawl_farm

pytestmark = pytest.mark.integration

BLOGS = 40


def fetch(port: int, host: str, path: str) -> tuple[int, str, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], b""


def test_nginx_serves_the_farms_pages_and_a_crawl_gets_every_title(tmp_path: Path) -> None:
    with StaticFarm(BLOGS, tmp_path / "nginx", blogs_per_host=10) as farm:
        blog = make_blog(3, blogs_per_host=10)
        status, kind, body = fetch(farm.port, blog.host, blog.base_path)
        assert (status, kind) == (200, "text/html; charset=utf-8")
        assert engines.article_path(blog, blog.newest).encode() in body
        assert f"http://{blog.host}:{farm.port}/".encode() in body  # links on nginx's port
        status, kind, body = fetch(farm.port, blog.host, "/robots.txt")
        assert (status, kind, body) == (
            200,
            "text/plain; charset=utf-8",
            b"User-agent: *\nDisallow: /wp-admin/\n",
        )
        assert fetch(farm.port, blog.host, blog.base_path + "no-such-page/")[0] == 404
        listing = farm_listing(BLOGS, farm.port, 0, specials=False, blogs_per_host=10)
        blogs_file = tmp_path / "blogs.txt"
        blogs_file.write_text("".join(listed.line + "\n" for listed in listing))
        out = tmp_path / "titles.jsonl"
        result = crawl_farm("-a", f"urls_file={blogs_file}", "-O", str(out))
        assert len(farm.pids()) == 2  # master and one worker: what cpu() adds up
    assert result.returncode == 0, result.log[-2000:]
    records = result.records(out)
    assert len(records) == BLOGS
    assert check_records(records, listing) == []

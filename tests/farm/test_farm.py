"""The sample farm: deterministic catalog, replies per kind, resolver, and the record checker."""

from __future__ import annotations

import urllib.request

import pytest

from farm import engines
from farm.catalog import ENGINES, SPECIAL_KINDS, UNLISTED_KINDS, make_blog
from farm.listing import check_records, farm_blogs, farm_listing, record_key
from farm.resolver import resolve_farm_name
from farm.server import BlogFarm
from tests.conftest import Farm

ORIGIN = "http://x.farm.test:8800"


def test_catalog_is_deterministic_and_hosts_unique() -> None:
    assert make_blog(5) == make_blog(5)
    assert make_blog(5, seed=2) != make_blog(5)
    blogs = farm_blogs(100)
    assert (
        len({blog.host for blog in blogs})
        == len(blogs)
        == 100 + len(SPECIAL_KINDS) + len(UNLISTED_KINDS)
    )
    assert {blog.engine for blog in blogs} == set(ENGINES)


def test_titles_need_decoding_on_the_page() -> None:
    """Some titles carry characters that the pages must escape (&, <, quotes)."""
    titles = [post.title for blog in farm_blogs(60) for post in blog.posts]
    assert any("&" in t for t in titles)
    assert any("<" in t for t in titles)
    assert any('"' in t for t in titles)
    assert any(" - " in t for t in titles)
    assert any(not t.isascii() for t in titles)


@pytest.fixture
def farm_resource() -> BlogFarm:
    return BlogFarm(farm_blogs(6), alias_target=make_blog(0), reactor=object())  # type: ignore[arg-type]


def host_of(kind: str) -> str:
    return f"{kind}.farm.test"


@pytest.mark.parametrize(
    ("kind", "path", "status", "action"),
    [
        ("missing-index", "/", 404, ""),
        ("not-html", "/", 200, ""),
        ("hang", "/", 200, "hang"),
        ("reset", "/", 200, "reset"),
        ("huge", "/", 200, "huge"),
        ("redirect-loop", "/", 302, ""),
        ("moved", "/", 301, ""),
        ("alias", "/", 301, ""),
    ],
)
def test_special_index_replies(
    farm_resource: BlogFarm, kind: str, path: str, status: int, action: str
) -> None:
    base_path = farm_resource.blogs[host_of(kind)][0].base_path
    path = base_path if path == "/" and kind != "moved" else path
    reply = farm_resource.reply(host_of(kind), path, ORIGIN)
    assert (reply.status, reply.action) == (status, action)


def test_robots_forbidden(farm_resource: BlogFarm) -> None:
    reply = farm_resource.reply(host_of("robots-forbidden"), "/robots.txt", ORIGIN)
    assert b"Disallow: /\n" in reply.body


def test_normal_blog_pages(farm_resource: BlogFarm) -> None:
    blog = make_blog(1)
    index = farm_resource.reply(blog.host, blog.base_path, ORIGIN)
    assert index.status == 200
    assert index.headers["Content-Type"].startswith("text/html")
    article = farm_resource.reply(blog.host, engines.article_path(blog, blog.newest), ORIGIN)
    assert article.status == 200
    feed = farm_resource.reply(blog.host, engines.feed_path(blog), ORIGIN)
    assert "xml" in feed.headers["Content-Type"]
    assert farm_resource.reply("unknown.farm.test", "/", ORIGIN).status == 404


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("wordpress-00001.farm.test", "127.0.0.1"),
        ("WORDPRESS-00001.FARM.TEST.", "127.0.0.1"),
        ("localhost", "127.0.0.1"),
        ("127.0.0.5", "127.0.0.5"),
        ("nxdomain.farm.test", None),
        ("example.com", None),
        ("farm.test.example.com", None),
        ("8.8.8.8", None),
        ("10.0.0.1", None),
    ],
)
def test_resolver_never_leaves_loopback(name: str, address: str | None) -> None:
    assert resolve_farm_name(name) == address


def test_served_over_http(farm: Farm) -> None:
    """The real server answers by Host header (urllib, no proxy, straight to 127.0.0.1)."""
    blog = make_blog(2)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        f"http://127.0.0.1:{farm.port}{blog.base_path}",
        headers={"Host": f"{blog.host}:{farm.port}"},
    )
    with opener.open(request, timeout=10) as answer:
        body = answer.read().decode("utf-8")
    assert engines.article_path(blog, blog.newest) in body


def good_records(listing: list) -> list[dict[str, str]]:
    records = []
    for listed in listing:
        status = listed.expected.status
        if status in ("duplicate_input", "duplicate"):
            continue
        records.append(
            {
                "blog_url": record_key(listed),
                "article_url": "http://h" + listed.expected.article_path if status == "ok" else "",
                "title": listed.expected.title,
                "status": status,
                "error": "" if status == "ok" else "index page: x",
            }
        )
    return records


def test_checker_accepts_the_right_records_and_catches_wrong_ones() -> None:
    listing = farm_listing(5, 8800, 9)
    records = good_records(listing)
    assert check_records(records, listing) == []
    wrong_title = [dict(r) for r in records]
    wrong_title[1]["title"] += "!"
    assert any("title" in p for p in check_records(wrong_title, listing))
    wrong_status = [dict(r) for r in records]
    wrong_status[-2]["status"] = "timeout"
    assert check_records(wrong_status, listing)
    assert any("0 records" in p for p in check_records(records[1:], listing))
    assert any("2 records" in p for p in check_records([*records, records[3]], listing))
    alias = next(listed for listed in listing if listed.expected.status == "duplicate")
    both = [*records, {**records[0], "blog_url": record_key(alias)}]
    assert any("alias" in p for p in check_records(both, listing))
    assert check_records([*records, {**records[0], "blog_url": "http://other/"}], listing)

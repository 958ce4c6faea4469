"""The realistic farm mode: real-sized pages the extractor reads right, and compressed replies."""

from __future__ import annotations

import gzip
import html
import json
import re
import statistics
import time

import brotli
import pytest

from blogtitles.extract import analyze_index, read_article
from farm import compression, engines, realistic
from farm.catalog import ENGINES, Blog, make_blog
from farm.compression import BoundedCache, choose_coding, compress
from farm.listing import farm_blogs
from farm.server import BlogFarm, Reply, negotiated

ORIGIN = "http://x.farm.test:8800"
#: ~50 blogs, every engine, some sharing hosts (blogs under a path) and a sticky post.
BLOGS = [
    *(make_blog(index) for index in range(42)),
    *(make_blog(index, blogs_per_host=4) for index in range(100, 112)),
]


def origin_of(blog: Blog) -> str:
    return f"http://{blog.host}:8800"


def percentile(values: list[int], share: float) -> int:
    return sorted(values)[int(share * len(values))]


def test_the_blogs_cover_every_engine_and_hard_titles() -> None:
    assert {blog.engine for blog in BLOGS} == set(ENGINES)
    assert any(blog.sticky for blog in BLOGS)
    assert any(blog.base_path.count("/") > 1 for blog in BLOGS)  # /wordpress-00104/
    titles = [post.title for blog in BLOGS for post in blog.posts[:2]]
    for needs_escaping in ("&", "<", '"', "'"):
        assert any(needs_escaping in title for title in titles), needs_escaping
    assert any(not title.isascii() for title in titles)


@pytest.mark.parametrize("blog", BLOGS, ids=lambda blog: f"{blog.host}{blog.base_path}")
def test_the_extractor_reads_the_newest_post_and_its_title(blog: Blog) -> None:
    origin = origin_of(blog)
    index = realistic.index_page(blog, origin)
    newest_url = origin + engines.article_path(blog, blog.newest)
    link = analyze_index(index, origin + blog.base_path).link
    assert link is not None
    assert link.url == newest_url
    for post in (blog.newest, blog.posts[1], realistic.archive(blog)[-1]):
        url = origin + engines.article_path(blog, post)
        page = realistic.article_bytes(blog, post, origin)
        title = read_article(page, url).title
        assert title is not None
        assert title.text == post.title
        assert title.published is not None
        assert title.published.startswith(str(post.published))


def test_a_published_post_is_the_newest_on_the_realistic_index() -> None:
    blog = make_blog(3)
    farm = BlogFarm([blog], reactor=object(), realistic=True)  # type: ignore[arg-type]
    post = farm.publish(blog.host)
    fresh = farm.blogs[blog.host][0]
    index = farm.reply(blog.host, blog.base_path, ORIGIN).body
    link = analyze_index(index, ORIGIN + blog.base_path).link
    assert link is not None
    assert link.url == ORIGIN + engines.article_path(fresh, post)
    article = farm.reply(blog.host, engines.article_path(fresh, post), ORIGIN).body
    title = read_article(article, link.url).title
    assert title is not None
    assert title.text == post.title


def test_article_page_metadata_and_chrome() -> None:
    blog = next(blog for blog in BLOGS if '"' in blog.newest.title or "&" in blog.newest.title)
    post, origin = blog.newest, origin_of(blog)
    page = realistic.article_page(blog, post, origin)
    (graph,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    posting = next(node for node in json.loads(graph)["@graph"] if node["@type"] == "BlogPosting")
    assert posting["headline"] == post.title
    assert posting["datePublished"] == f"{post.published}T09:00:00+00:00"
    og_title = re.search(r'<meta property="og:title" content="([^"]*)">', page)
    site = re.search(r'<meta property="og:site_name" content="([^"]*)">', page)
    title = re.search(r"<title>(.*?)</title>", page)
    assert og_title and site and title
    assert html.unescape(og_title.group(1)) == post.title
    assert html.unescape(site.group(1)) == blog.name
    assert html.unescape(title.group(1)) == f"{post.title} – {blog.name}"
    assert re.search(r'<h1 class="entry-title">[^<]+</h1>', page)
    assert f'<time class="entry-date published" datetime="{post.published}T09:00:00' in page
    menu = page[page.index('<nav id="site-navigation"') : page.index("</nav>")]
    assert menu.count("<a href=") >= 50
    for part in (
        'class="breadcrumbs"',
        'class="share-buttons"',
        'class="author-box"',
        'class="related-posts"',
        'class="comment-list"',
        "Recent posts",
        "Popular posts",
        'class="newsletter-form"',
        'id="colophon"',
        "<svg",
    ):
        assert part in page, part
    assert page.count('class="comment-body"') >= 2
    assert page.count("<style") >= 3
    assert page.count("<script") >= 4
    assert "</script" not in graph
    others = [other for other in realistic.archive(blog) if other is not post]
    assert any(engines.article_path(blog, other) in page for other in others)
    assert "@CID@" not in page
    assert "@DAY@" not in page


def test_index_page_entries_feed_and_chrome() -> None:
    for blog in BLOGS[:12]:
        origin = origin_of(blog)
        page = realistic.index_page(blog, origin)
        entries = re.findall(r'<article id="post-\d+" class="post-\d+ post [^"]*hentry', page)
        assert 10 <= len(entries) <= 21  # 10 to 20, and a sticky post in front of them
        dates = re.findall(r'<time class="entry-date published" datetime="([^"]+)"', page)
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT09:00:00\+00:00", date) for date in dates)
        unpinned = dates[1:] if blog.sticky else dates
        assert unpinned == sorted(unpinned, reverse=True)  # newest first
        assert f'href="{origin}{engines.feed_path(blog)}"' in page
        assert re.search(r'<link rel="alternate" type="application/(rss|atom)\+xml"', page)
        assert '<h2 class="entry-title"><a href=' in page
        menu = page[page.index('<nav id="site-navigation"') : page.index("</nav>")]
        assert menu.count("<a href=") >= 50
        assert "Recent posts" in page
        assert "Popular posts" in page
    counts = {realistic.entries_per_page(blog) for blog in BLOGS}
    assert min(counts) >= 10
    assert max(counts) <= 20
    assert len(counts) > 3


def test_archive_posts_are_served_and_paginated() -> None:
    blog = make_blog(1)
    farm = BlogFarm([blog], reactor=object(), realistic=True)  # type: ignore[arg-type]
    posts = realistic.archive(blog)
    assert posts[: len(blog.posts)] == blog.posts
    assert len({post.slug for post in posts}) == len(posts) == realistic.ARCHIVE_POSTS
    assert [post.published for post in posts] == sorted(
        (post.published for post in posts), reverse=True
    )
    oldest = farm.reply(blog.host, engines.article_path(blog, posts[-1]), ORIGIN)
    assert oldest.status == 200
    assert oldest.body == realistic.article_bytes(blog, posts[-1], ORIGIN)
    last = realistic.page_count(blog)
    assert farm.reply(blog.host, f"{blog.base_path}page/{last}/", ORIGIN).status == 200
    assert farm.reply(blog.host, f"{blog.base_path}page/{last + 1}/", ORIGIN).status == 404


def test_pages_are_deterministic() -> None:
    blog = make_blog(5)
    assert realistic.article_page(blog, blog.newest, ORIGIN) == realistic.article_page(
        make_blog(5), make_blog(5).newest, ORIGIN
    )
    assert realistic.index_page(blog, ORIGIN) == realistic.index_page(make_blog(5), ORIGIN)
    assert realistic.index_page(blog, ORIGIN) != realistic.index_page(make_blog(6), ORIGIN)


def test_size_distribution() -> None:
    """Article pages: median 60-100 KB, p90 220-400 KB; index pages: median near 60 KB."""
    articles = [
        len(realistic.article_bytes(blog, post, ORIGIN))
        for blog in map(make_blog, range(150))
        for post in blog.posts[:3]
    ]
    assert 60_000 <= statistics.median(articles) <= 100_000
    assert 220_000 <= percentile(articles, 0.9) <= 400_000
    assert max(articles) <= realistic.MAX_PAGE_BYTES * 1.01 < 2 * 1024 * 1024
    indexes = [len(realistic.index_bytes(make_blog(index), ORIGIN)) for index in range(300)]
    assert 45_000 <= statistics.median(indexes) <= 80_000
    assert 150_000 <= percentile(indexes, 0.9) <= 320_000


def test_size_targets_follow_the_log_normal() -> None:
    sizes = [realistic.size_target(f"host-{n}|slug", realistic.ARTICLE_MEDIAN) for n in range(5000)]
    assert 72_000 <= statistics.median(sizes) <= 88_000
    assert 270_000 <= percentile(sizes, 0.9) <= 330_000
    assert max(sizes) <= realistic.MAX_PAGE_BYTES


def test_pages_reach_their_size_with_bulk_not_one_blob() -> None:
    blog = max(
        BLOGS,
        key=lambda b: realistic.size_target(f"{b.host}|{b.newest.slug}|size", 80_000),
    )
    page = realistic.article_page(blog, blog.newest, origin_of(blog))
    size = len(page.encode())
    assert size > 200_000
    styles = sum(map(len, re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)))
    scripts = sum(map(len, re.findall(r"<script>(.*?)</script>", page, re.S)))
    paragraphs = page.count("<p>")
    comments = page.count('class="comment-body"')
    assert styles > size * 0.1
    assert scripts > size * 0.08
    assert paragraphs > 100
    assert comments > 20
    assert max(map(len, page.splitlines())) < 20_000  # no single huge line


def test_generation_is_fast() -> None:
    realistic.article_page(make_blog(0), make_blog(0).newest, ORIGIN)  # builds the pools
    blogs = [make_blog(index) for index in range(200, 260)]
    start = time.perf_counter()
    for blog in blogs:
        realistic.article_page(blog, blog.newest, ORIGIN)
        realistic.index_page(blog, ORIGIN)
    per_page = (time.perf_counter() - start) / (2 * len(blogs))
    assert per_page < 0.005, per_page


# -- compression ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        (None, "identity"),
        ("", "identity"),
        ("gzip, deflate, br", "br"),
        ("gzip, br", "br"),
        ("br", "br"),
        ("BR", "br"),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("deflate", "identity"),
        ("identity", "identity"),
        ("*", "br"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, *", "gzip"),
        ("gzip;q=0.5, br;q=0.4", "gzip"),
        ("gzip;q=1.0, br;q=1.0", "br"),
        ("gzip;q=0, br;q=0", "identity"),
        ("*;q=0", "identity"),  # nothing acceptable: identity all the same
        ("br, gzip, identity;q=0", "br"),
        ("gzip;q=bogus, br", "br"),
    ],
)
def test_coding_negotiation(header: str | None, coding: str) -> None:
    assert choose_coding(header) == coding


def test_compress_round_trips_and_caches() -> None:
    body = realistic.article_bytes(make_blog(9), make_blog(9).newest, ORIGIN)
    as_br, coding = compress(body, "gzip, br")
    assert coding == "br"
    assert brotli.decompress(as_br) == body
    assert len(as_br) < len(body) / 3
    as_gzip, coding = compress(body, "gzip")
    assert coding == "gzip"
    assert gzip.decompress(as_gzip) == body
    assert compress(body, None) == (body, "identity")
    assert compress(body, "br;q=0, gzip;q=0") == (body, "identity")
    assert compress(body, "br")[0] is as_br  # from the cache


def test_bounded_cache_drops_the_least_recently_used() -> None:
    cache = BoundedCache(10)
    cache.put(("br", b"a"), b"1234")
    cache.put(("br", b"b"), b"1234")
    assert cache.get(("br", b"a")) == b"1234"  # now the most recent
    cache.put(("br", b"c"), b"1234")
    assert cache.get(("br", b"b")) is None
    assert cache.get(("br", b"a")) == b"1234"
    assert cache.size == 8
    cache.put(("br", b"d"), b"x" * 11)  # larger than the whole cache: not kept
    assert len(cache) == 2


def test_cache_is_bounded_by_size() -> None:
    assert compression.CACHE_BYTES <= 256 * 1024 * 1024
    assert realistic.index_bytes.cache_info().maxsize == realistic.PAGE_CACHE


# -- the server ---------------------------------------------------------------------------------


def test_realistic_farm_serves_normal_blogs_realistically_and_specials_as_before() -> None:
    blogs = farm_blogs(6)
    plain = BlogFarm(blogs, alias_target=make_blog(0), reactor=object())  # type: ignore[arg-type]
    real = BlogFarm(blogs, alias_target=make_blog(0), reactor=object(), realistic=True)  # type: ignore[arg-type]
    for blog in blogs:
        paths = [blog.base_path, engines.article_path(blog, blog.newest), "/robots.txt"]
        paths.append(engines.feed_path(blog))
        for path in paths:
            before, after = (
                plain.reply(blog.host, path, ORIGIN),
                real.reply(blog.host, path, ORIGIN),
            )
            if blog.kind == "normal" and path in paths[:2]:
                assert len(after.body) > 30_000
                assert before.body != after.body
                assert after.headers["Content-Type"] == "text/html; charset=utf-8"
            else:
                assert (before.status, before.body, before.action, before.headers) == (
                    after.status,
                    after.body,
                    after.action,
                    after.headers,
                ), (blog.kind, path)


def test_default_farm_is_unchanged() -> None:
    blog = make_blog(4)
    farm = BlogFarm([blog], reactor=object())  # type: ignore[arg-type]
    assert not farm.realistic
    index = farm.reply(blog.host, blog.base_path, ORIGIN)
    assert index.body == engines.index_page(blog, ORIGIN).encode()
    path = engines.article_path(blog, blog.newest)
    assert farm.reply(blog.host, path, ORIGIN).body == engines.article_page(
        blog, blog.newest, ORIGIN
    ).encode("utf-8")
    older = engines.article_path(blog, realistic.archive(blog)[-1])
    assert farm.reply(blog.host, older, ORIGIN).status == 404


def test_negotiated_replies() -> None:
    blog = make_blog(2)
    farm = BlogFarm([blog], reactor=object(), realistic=True)  # type: ignore[arg-type]
    index = farm.reply(blog.host, blog.base_path, ORIGIN)
    encoded = negotiated(index, "gzip, br")
    assert encoded.headers["Content-Encoding"] == "br"
    assert encoded.headers["Vary"] == "Accept-Encoding"
    assert brotli.decompress(encoded.body) == index.body
    plain = negotiated(index, None)
    assert plain.body == index.body
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == "Accept-Encoding"
    feed = negotiated(farm.reply(blog.host, engines.feed_path(blog), ORIGIN), "gzip")
    assert feed.headers["Content-Encoding"] == "gzip"
    robots = farm.reply(blog.host, "/robots.txt", ORIGIN)
    assert negotiated(robots, "br") is robots  # text/plain: as it is
    bomb = Reply(body=b"x", headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    assert negotiated(bomb, "br") is bomb  # already encoded (a fault's gzip bomb)
    action = Reply(body=index.body, headers=index.headers, action="truncated")
    assert negotiated(action, "br") is action


def test_prewarmed_replies_are_the_pages_compressed_ahead() -> None:
    """A prewarmed farm holds each normal blog's index and newest article in br and gzip, the
    very bytes it would compress on demand."""
    blogs = farm_blogs(4)
    farm = BlogFarm(blogs, realistic=True)
    assert farm.prewarm("https", 8443) > 0
    blog = next(blog for blog in blogs if blog.kind == "normal")
    origin = f"https://{blog.host}:8443"
    for path, page in (
        (blog.base_path, realistic.index_bytes(blog, origin)),
        (
            engines.article_path(blog, blog.newest),
            realistic.article_bytes(blog, blog.newest, origin),
        ),
    ):
        assert brotli.decompress(farm.prepared[(blog.host, path, "br")]) == page
        assert gzip.decompress(farm.prepared[(blog.host, path, "gzip")]) == page
    assert not any(host.startswith(("hang", "untitled")) for host, _, _ in farm.prepared)

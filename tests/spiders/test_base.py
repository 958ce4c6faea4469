"""The spider's callbacks and errbacks, called directly on responses (no network)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from blogtitles.extract.feeds import sitemap_index_child
from blogtitles.items import BlogRecord
from blogtitles.rendering import MODE
from blogtitles.spiders.blogs import BlogsSpider
from farm import engines
from farm.catalog import make_blog
from tests.conftest import project_crawler

ORIGIN = "http://wp.farm.test:8800"
BLOG = f"{ORIGIN}/"


@pytest.fixture
def spider() -> BlogsSpider:
    crawler = project_crawler(BlogsSpider)
    return BlogsSpider.from_crawler(crawler, urls=BLOG)


def response(cls: type[Response], url: str, body: bytes, **kw: object) -> Response:
    request = Request(url, cb_kwargs={"blog_url": BLOG})
    return cls(url=url, body=body, request=request, **kw)


def test_index_yields_article_request_tied_to_the_blog(spider: BlogsSpider) -> None:
    blog = make_blog(0, "wordpress")
    page = engines.index_page(blog, ORIGIN).encode()
    request = spider.parse_index(
        response(HtmlResponse, BLOG, page, encoding="utf-8"), blog_url=BLOG
    )
    assert isinstance(request, Request)
    assert request.url == ORIGIN + engines.article_path(blog, blog.newest)
    assert request.cb_kwargs == {
        "blog_url": BLOG,
        "blog_title": blog.name,
        "found_by": "microformats",
        "published": f"{blog.newest.published}T09:00:00+00:00",
        "feed_url": ORIGIN + engines.feed_path(blog),
        "blog_feed": ORIGIN + engines.feed_path(blog),  # for the record's feed_url
        "feed_title": "",
    }
    assert request.meta[MODE] == "auto"  # the blog's rendering choice travels with it
    assert request.callback == spider.parse_article
    assert request.errback == spider.article_failed
    assert request.dont_filter


def test_article_yields_the_record(spider: BlogsSpider) -> None:
    blog = make_blog(0, "wordpress")
    url = ORIGIN + engines.article_path(blog, blog.newest)
    page = engines.article_page(blog, blog.newest, ORIGIN).encode()
    record = spider.parse_article(
        response(HtmlResponse, url, page, encoding="utf-8"), blog_url=BLOG
    )
    assert isinstance(record, BlogRecord)
    assert (record.blog_url, record.article_url, record.title, record.status) == (
        BLOG,
        url,
        blog.newest.title,
        "ok",
    )
    assert record.feed_url == ""  # the index advertised none
    feed = ORIGIN + engines.feed_path(blog)
    with_feed = spider.parse_article(
        response(HtmlResponse, url, page, encoding="utf-8"), blog_url=BLOG, blog_feed=feed
    )
    assert with_feed.feed_url == feed


def test_binary_index_is_not_html(spider: BlogsSpider) -> None:
    res = response(Response, BLOG, b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    record = spider.parse_index(res, blog_url=BLOG)
    assert record.status == "not_html"
    assert record.error == "index page: not an HTML page (Content-Type: application/pdf)"


def test_json_article_is_not_html(spider: BlogsSpider) -> None:
    res = response(TextResponse, BLOG + "p", b"{}", headers={"Content-Type": "application/json"})
    record = spider.parse_article(res, blog_url=BLOG)
    assert (record.status, record.article_url) == ("not_html", BLOG + "p")


def test_feed_index_is_followed(spider: BlogsSpider) -> None:
    blog = make_blog(2, "hugo")
    _, xml = engines.feed_document(blog, ORIGIN)
    res = response(XmlResponse, BLOG + "index.xml", xml.encode())
    request = spider.parse_index(res, blog_url=BLOG)
    assert request.url == ORIGIN + engines.article_path(blog, blog.newest)


def test_index_without_links(spider: BlogsSpider) -> None:
    res = response(
        HtmlResponse, BLOG, b"<html><body><p>nothing</p></body></html>", encoding="utf-8"
    )
    request = spider.parse_index(res, blog_url=BLOG)
    # No link, no feed, no blog section: the site's sitemap is the last place to look.
    assert isinstance(request, Request)
    assert (request.url, request.callback) == (BLOG + "sitemap.xml", spider.parse_feed)
    nothing = response(XmlResponse, BLOG + "sitemap.xml", b"<urlset/>", encoding="utf-8")
    record = spider.parse_feed(nothing, **request.cb_kwargs)
    assert (record.status, record.error) == (
        "no_article_link",
        "index page: no article link found, and the sitemap has no entries",
    )


def sitemap_request(spider: BlogsSpider) -> Request:
    """The request for ``/sitemap.xml`` that a landing page with nothing else to follow makes."""
    res = response(HtmlResponse, BLOG, b"<html><body><h1>Acme</h1></body></html>", encoding="utf-8")
    request = spider.parse_index(res, blog_url=BLOG)
    assert isinstance(request, Request)
    return request


def test_a_sitemap_gives_its_newest_page(spider: BlogsSpider) -> None:
    request = sitemap_request(spider)
    sitemap = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>" + BLOG.encode() + b"about/</loc><lastmod>2026-11-30</lastmod></url>"
        b"<url><loc>"
        + BLOG.encode()
        + b"2026/10/old-post/</loc><lastmod>2026-10-01</lastmod></url>"
        b"<url><loc>"
        + BLOG.encode()
        + b"2026/11/new-post/</loc><lastmod>2026-11-20</lastmod></url>"
        b"</urlset>"
    )
    page = response(XmlResponse, BLOG + "sitemap.xml", sitemap, encoding="utf-8")
    article = spider.parse_feed(page, **request.cb_kwargs)
    assert isinstance(article, Request)
    assert article.url == BLOG + "2026/11/new-post/"  # "about/" is no article
    assert article.cb_kwargs["found_by"] == "sitemap (index: no_link)"


def test_extractor_bug_becomes_an_internal_error_record(
    spider: BlogsSpider, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_response: object, _blog_url: str, _hints: object = None) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(spider, "read_article", broken)
    res = response(HtmlResponse, BLOG + "p", b"<html><h1>x</h1></html>", encoding="utf-8")
    record = spider.parse_article(res, blog_url=BLOG)
    assert (record.status, record.error) == ("internal_error", "article page: RuntimeError: boom")


def test_errbacks_record_the_stage_and_code(spider: BlogsSpider) -> None:
    index_request = spider.index_request(BLOG)
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))
    failure.request = index_request  # type: ignore[attr-defined]
    record = spider.index_failed(failure)
    assert (record.status, record.error, record.article_url) == (
        "robots_forbidden",
        "index page: forbidden by robots.txt",
        "",
    )
    article = Request(BLOG + "p/", cb_kwargs={"blog_url": BLOG})
    res = HtmlResponse(BLOG + "p/", status=500, request=article)
    failure = Failure(HttpError(res, "Ignoring non-200 response"))
    failure.request = article  # type: ignore[attr-defined]
    record = spider.article_failed(failure)
    assert (record.status, record.error, record.article_url) == (
        "http_500",
        "article page: HTTP 500",
        BLOG + "p/",
    )


def test_json_output_is_valid_utf8_when_the_page_lies_about_its_encoding(
    spider: BlogsSpider,
) -> None:
    """A page that says UTF-8 but is windows-1252: the record still exports as valid UTF-8 JSON."""
    import io
    import json

    from scrapy.exporters import JsonLinesItemExporter

    body = "<html><head><meta charset='utf-8'><title>Caf\u00e9 cr\u00e8me \u201cquoted\u201d</title></head></html>".encode(
        "cp1252"
    )
    res = response(
        HtmlResponse, BLOG + "p", body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    record = spider.parse_article(res, blog_url=BLOG)
    assert record.status == "ok"
    stream = io.BytesIO()
    exporter = JsonLinesItemExporter(stream, encoding="utf-8", ensure_ascii=False)
    exporter.export_item(record)
    line = stream.getvalue().decode("utf-8")  # strict: raises on invalid UTF-8
    assert json.loads(line)["title"].startswith("Caf")


def test_a_utf8_page_that_declares_another_charset_is_read_as_utf8(spider: BlogsSpider) -> None:
    """The usual mojibake (``sanciÃ³n``): UTF-8 bytes, a server or page that says ISO-8859-1."""
    body = "<html><head><meta charset='iso-8859-1'><title>Sanción: «fin» — ½</title></head></html>"
    res = response(
        HtmlResponse,
        BLOG + "p",
        body.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=iso-8859-1"},
    )
    record = spider.parse_article(res, blog_url=BLOG)
    assert record.title == "Sanción: «fin» — ½"


def test_a_page_that_is_not_utf8_keeps_its_declared_charset(spider: BlogsSpider) -> None:
    body = "<html><head><title>Café crème</title></head></html>".encode("cp1252")
    res = response(
        HtmlResponse, BLOG + "p", body, headers={"Content-Type": "text/html; charset=windows-1252"}
    )
    assert spider.parse_article(res, blog_url=BLOG).title == "Café crème"


def test_a_sitemap_index_is_followed_to_its_posts_once(spider: BlogsSpider) -> None:
    """``/sitemap.xml`` is an index (WordPress core, Yoast, Ghost): its posts' child sitemap is
    read, the latest of them; a child that is an index again is not followed further."""
    request = sitemap_request(spider)
    index = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>" + BLOG.encode() + b"post-sitemap.xml</loc>"
        b"<lastmod>2026-11-01</lastmod></sitemap>"
        b"<sitemap><loc>" + BLOG.encode() + b"post-sitemap2.xml</loc>"
        b"<lastmod>2026-11-20</lastmod></sitemap>"
        b"<sitemap><loc>" + BLOG.encode() + b"page-sitemap.xml</loc>"
        b"<lastmod>2026-12-01</lastmod></sitemap>"
        b"<sitemap><loc>" + BLOG.encode() + b"category-sitemap.xml</loc></sitemap>"
        b"</sitemapindex>"
    )
    page = response(XmlResponse, BLOG + "sitemap.xml", index, encoding="utf-8")
    child = spider.parse_feed(page, **request.cb_kwargs)
    assert isinstance(child, Request)
    assert (child.url, child.callback) == (BLOG + "post-sitemap2.xml", spider.parse_feed)
    posts = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>" + BLOG.encode() + b"2026/11/new-post/</loc>"
        b"<lastmod>2026-11-20</lastmod></url></urlset>"
    )
    listed = response(XmlResponse, child.url, posts, encoding="utf-8")
    article = spider.parse_feed(listed, **child.cb_kwargs)
    assert article.url == BLOG + "2026/11/new-post/"
    assert article.cb_kwargs["found_by"] == "sitemap (index: no_link)"
    again = response(XmlResponse, child.url, index, encoding="utf-8")  # an index once more
    record = spider.parse_feed(again, **child.cb_kwargs)
    assert record.status == "no_article_link"


def test_sitemap_index_child_choice() -> None:
    def index(*children: str) -> bytes:
        return ("<sitemapindex>" + "".join(children) + "</sitemapindex>").encode()

    def child(name: str, lastmod: str = "") -> str:
        dated = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        return f"<sitemap><loc>{name}</loc>{dated}</sitemap>"

    # WordPress core: the posts' sitemaps, paged, oldest first, undated: the last one.
    core = index(
        child("wp-sitemap-posts-post-1.xml"),
        child("wp-sitemap-posts-post-2.xml"),
        child("wp-sitemap-posts-page-1.xml"),
        child("wp-sitemap-taxonomies-category-1.xml"),
        child("wp-sitemap-users-1.xml"),
    )
    assert sitemap_index_child(core, BLOG) == BLOG + "wp-sitemap-posts-post-2.xml"
    # Nothing named for posts: any child not named for something else.
    assert sitemap_index_child(index(child("tag.xml"), child("s-1.xml")), BLOG) == BLOG + "s-1.xml"
    assert sitemap_index_child(index(child("page-sitemap.xml")), BLOG) is None
    assert sitemap_index_child(b"<urlset><url><loc>/a</loc></url></urlset>", BLOG) is None
    assert sitemap_index_child(b"<html>not xml", BLOG) is None

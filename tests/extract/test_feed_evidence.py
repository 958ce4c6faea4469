"""The feed's newest entry against the index's, a feed's title for one article, and a landing
page's link to its blog section: pure functions, small documents written for each case."""

from __future__ import annotations

import pytest

from blogtitles.extract import (
    ArticleLink,
    analyze_index,
    cross_check,
    feed_entry_title,
    newest_feed_entry,
)
from blogtitles.extract.feeds import read_sitemap
from blogtitles.extract.titles import TitleEvidence

INDEX = ArticleLink("https://b.test/2026/11/new/", "microformats", "2026-11-20")


def test_the_same_article_on_both_sides_keeps_the_index_and_gains_the_feeds_title() -> None:
    feed = ArticleLink("https://www.b.test/2026/11/new", "feed", "2026-11-20", "New post")
    assert cross_check(feed, INDEX, "") == ArticleLink(
        INDEX.url, "microformats+feed", "2026-11-20", "New post"
    )


def test_a_stale_feed_loses_to_a_newer_index() -> None:
    feed = ArticleLink("https://b.test/2026/10/old/", "feed", "2026-10-01", "Old post")
    chosen = cross_check(feed, INDEX, "pinned")
    assert (chosen.url, chosen.found_by) == (INDEX.url, "microformats (feed: older)")


def test_a_newer_feed_entry_wins_over_the_index() -> None:
    feed = ArticleLink("https://b.test/2026/12/newer/", "feed", "2026-12-01", "Newer")
    chosen = cross_check(feed, INDEX, "")
    assert (chosen.url, chosen.found_by, chosen.title) == (feed.url, "feed (index: older)", "Newer")


@pytest.mark.parametrize(
    ("doubt", "winner", "found_by"),
    [
        ("first_undated", "feed", "feed (index: first_undated)"),
        ("", "index", "microformats (feed: differs)"),
    ],
)
def test_undated_disagreement_goes_to_the_side_that_is_sure(
    doubt: str, winner: str, found_by: str
) -> None:
    index = ArticleLink("https://b.test/a/", "microformats")
    feed = ArticleLink("https://b.test/b/", "feed", None, "B")
    chosen = cross_check(feed, index, doubt)
    assert chosen.url == (feed.url if winner == "feed" else index.url)
    assert chosen.found_by == found_by


def test_no_index_link_takes_the_feed() -> None:
    feed = ArticleLink("https://b.test/b/", "feed", "2026-11-01", "B")
    assert cross_check(feed, None, "no_link").found_by == "feed (index: no_link)"


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>
<item><title>Shipping the &lt;new&gt; parser</title><link>https://b.test/p/2?utm_source=rss</link></item>
<item><title>Older</title><link>https://b.test/p/1</link></item></channel></rss>"""


def test_the_feeds_title_for_one_article() -> None:
    assert feed_entry_title(RSS, "https://b.test/feed", "https://b.test/p/2/") == (
        "Shipping the <new> parser"
    )
    assert feed_entry_title(RSS, "https://b.test/feed", "https://b.test/p/3") == ""
    assert feed_entry_title("<html></html>", "https://b.test/feed", "https://b.test/p/2") == ""


def test_the_feeds_title_settles_a_title_in_doubt() -> None:
    evidence = TitleEvidence(
        (("Shipping the new parser", False),),
        (
            ("og:title", "10 things about parsers", False),
            ("title", "10 things about parsers", False),
        ),
    )
    assert evidence.with_feed("Shipping the new parser") == ("h1", "Shipping the new parser", True)
    assert evidence.with_feed("") == ("og:title", "10 things about parsers", False)


LANDING = """<html><head><title>Acme</title></head><body><header><a class="logo" href="/">Acme</a>
<nav><a href="/">Home</a> <a href="/pricing/">Pricing</a> <a href="https://www.acme.test/blog/">Blog</a>
<a href="https://elsewhere.test/news/">Partner news</a></nav></header>
<main><h1>Acme: tools for careful people</h1><a href="/pricing/">See plans</a></main></body></html>"""


def test_a_landing_page_names_its_blog_section() -> None:
    page = analyze_index(LANDING, "https://acme.test/")
    assert page.link is None
    assert page.section_url == "https://www.acme.test/blog/"


def test_a_page_without_a_section_link_has_none() -> None:
    page = analyze_index(LANDING.replace("/blog/", "/careers/"), "https://acme.test/")
    assert (page.link, page.section_url) == (None, None)


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://acme.test/pricing/</loc><lastmod>2026-12-01</lastmod></url>
<url><loc>https://acme.test/blog/2026/11/launch/</loc><lastmod>2026-11-20T10:00:00+00:00</lastmod></url>
<url><loc>https://acme.test/blog/2026/10/hello/</loc><lastmod>2026-10-01</lastmod></url>
<url><loc>https://acme.test/blog/undated-post/</loc></url>
</urlset>"""


def test_a_sitemaps_newest_dated_article() -> None:
    link, _ = newest_feed_entry(SITEMAP, "https://acme.test/sitemap.xml", "https://acme.test/")
    assert link is not None
    assert (link.url, link.found_by) == ("https://acme.test/blog/2026/11/launch/", "sitemap")


def test_a_sitemap_never_expands_entities_nor_fetches_a_dtd() -> None:
    hostile = SITEMAP.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?><!DOCTYPE urlset SYSTEM "http://127.0.0.1:9/evil.dtd" '
        '[<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ).replace("launch/", "launch/&b;")
    entries = read_sitemap(hostile, "https://acme.test/sitemap.xml")
    assert all("aaaaaaaaaa" not in entry.url for entry in entries)

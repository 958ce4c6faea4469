"""The pure extractors, on pages in the style of each engine the farm imitates and on edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogtitles.extract import extract_title, find_first_article
from blogtitles.extract.feeds import looks_like_feed
from blogtitles.extract.links import is_article_candidate
from blogtitles.extract.sitenames import SiteNames
from blogtitles.pipelines import clean_title
from farm import engines
from farm.catalog import ENGINES, make_blog

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ORIGIN = "http://blog.farm.test:8800"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("index", [1, 7, 12])
def test_first_article_on_each_engine_index(engine: str, index: int) -> None:
    blog = make_blog(index, engine)
    page = engines.index_page(blog, ORIGIN)
    link = find_first_article(page, ORIGIN + blog.base_path)
    assert link is not None
    assert link.url.split("?")[0] == ORIGIN + engines.article_path(blog, blog.newest)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("index", [1, 7, 12])
def test_exact_title_on_each_engine_article(engine: str, index: int) -> None:
    blog = make_blog(index, engine)
    post = blog.newest
    page = engines.article_page(blog, post, ORIGIN)
    title = extract_title(page, ORIGIN + engines.article_path(blog, post))
    assert title is not None
    assert clean_title(title.text) == post.title


@pytest.mark.parametrize("engine", ENGINES)
def test_first_article_from_each_engine_feed(engine: str) -> None:
    blog = make_blog(3, engine)
    _content_type, xml = engines.feed_document(blog, ORIGIN)
    link = find_first_article(xml.encode(), ORIGIN + engines.feed_path(blog))
    assert link is not None
    assert link.found_by == "feed"
    assert link.url == ORIGIN + engines.article_path(blog, blog.newest)


def test_base_href_and_relative_links() -> None:
    link = find_first_article(fixture("index_base_href.html"), "https://example.test/blog/")
    assert link is not None
    assert link.url == "https://cdn.example.test/blog/2026/10/hello-again/"
    assert link.found_by == "article_heading"


def test_no_article_among_chrome_taxonomy_and_other_schemes() -> None:
    assert find_first_article(fixture("index_only_chrome.html"), "https://e.test/") is None


def test_generic_post_like_url() -> None:
    link = find_first_article(fixture("index_generic.html"), "https://plain.test/")
    assert link is not None
    assert link.url == "https://plain.test/2026/11/03/a-plain-newest-post/"
    assert link.found_by == "post_url"


def test_feed_newest_by_date_not_position() -> None:
    text = fixture("feed_rss_unordered.xml")
    assert looks_like_feed(text)
    link = find_first_article(text, "https://u.test/feed")
    assert link is not None and link.url == "https://u.test/newest/"


def test_atom_relative_links_resolve_against_xml_base() -> None:
    link = find_first_article(fixture("feed_atom_relative.xml"), "https://a.test/blog/atom.xml")
    assert link is not None
    assert link.url == "https://a.test/blog/posts/first/"


@pytest.mark.parametrize("page", ["", "   ", "\x00\x01", "<html>", "<<<>>>", "not html at all"])
def test_junk_pages_give_none(page: str) -> None:
    assert find_first_article(page, "https://e.test/") is None
    assert extract_title(page, "https://e.test/p") is None


def test_title_suffix_removed_only_when_it_is_the_site_name() -> None:
    title = extract_title(fixture("article_title_suffix.html"), "https://g.test/rps")
    assert title is not None
    assert (title.text, title.found_by) == ("Rock - Paper - Scissors", "title")


def test_entry_title_heading_wins_over_site_heading() -> None:
    title = extract_title(fixture("article_headings.html"), "https://h.test/p")
    assert title is not None
    assert (title.text, title.found_by) == ("The real title & more", "h1")


def test_no_title() -> None:
    assert extract_title(fixture("article_no_title.html"), "https://n.test/p") is None


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Post | Site", "Site", "Post"),
        ("Site | Post", "Site", "Post"),
        ("A - B - C", "", "A - B - C"),
        ("A - B - C", "Other", "A - B - C"),
        ("Post – Site", "site", "Post"),
        ("Just a title", "Site", "Just a title"),
    ],
)
def test_strip_site_name(title: str, site: str, expected: str) -> None:
    assert SiteNames.of("https://x.test/p", [], (site,)).strip(title) == expected


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("https://e.test/2026/11/01/post/", True),
        ("https://e.test/", False),
        ("https://e.test/tag/python/", False),
        ("https://e.test/category/x/", False),
        ("https://e.test/page/2/", False),
        ("https://e.test/author/me/", False),
        ("https://e.test/feed/", False),
        ("https://e.test/?s=search", False),
    ],
)
def test_article_candidates(link: str, ok: bool) -> None:
    assert is_article_candidate(link, "https://e.test/") is ok

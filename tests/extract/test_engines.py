"""Pages built by real blog engines (farm/sites): newest article, exact title, date.

Expected answers are in each fixture's expected.json, written by hand from the posts the
generator was given (tools/fixtures/SPEC.md), not from the extractor's output.
"""

from __future__ import annotations

import pytest

from blogtitles.extract import analyze_index, extract_title
from blogtitles.extract.feeds import looks_like_feed
from blogtitles.pipelines import clean_title
from farm.fixtures import FixtureSite, load_fixture_sites, same_url

SITES = load_fixture_sites()
IDS = [site.slug for site in SITES]


def test_corpus_has_at_least_twelve_engines() -> None:
    assert len(SITES) >= 12, IDS


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_newest_article_on_the_index(site: FixtureSite) -> None:
    page = analyze_index(site.index_page, site.index_url)
    assert page.link is not None, "no article found"
    assert same_url(page.link.url, site.newest_url), (page.link, site.newest_url)
    assert not page.is_article


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_exact_title_of_the_newest_article(site: FixtureSite) -> None:
    title = extract_title(site.article_page, site.newest_url)
    assert title is not None
    assert clean_title(title.text) == site.title


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_published_date(site: FixtureSite) -> None:
    title = extract_title(site.article_page, site.newest_url)
    page = analyze_index(site.index_page, site.index_url)
    published = (title and title.published) or (page.link and page.link.published) or ""
    assert published[:10] == site.published


@pytest.mark.parametrize(
    "site", [s for s in SITES if s.feeds()], ids=[s.slug for s in SITES if s.feeds()]
)
def test_feed_names_the_same_newest_article(site: FixtureSite) -> None:
    feeds = [site.read(path) for path in site.feeds()]
    feed = next(text for text in feeds if looks_like_feed(text))
    link = analyze_index(feed, site.index_url).link
    assert link is not None and same_url(link.url, site.newest_url)


ARTICLE_MARKED = [s for s in SITES if 'content="article"' in s.article_page]


@pytest.mark.parametrize("site", ARTICLE_MARKED, ids=[s.slug for s in ARTICLE_MARKED])
def test_an_article_page_given_as_the_blog_is_recognised(site: FixtureSite) -> None:
    """An input URL that is already an article (og:type article): no index step needed."""
    page = analyze_index(site.article_page, site.newest_url)
    assert page.is_article
    assert page.link is not None and page.link.url == site.newest_url


@pytest.mark.parametrize("site", SITES, ids=IDS)
def test_an_index_is_never_taken_for_an_article(site: FixtureSite) -> None:
    assert not analyze_index(site.index_page, site.index_url).is_article

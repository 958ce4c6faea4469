"""The rendering layer on its own: which request goes through the renderer, and what a shell page
becomes, for each backend and mode (no network: requests are built, not sent)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from blogtitles import errors
from blogtitles.items import BlogRecord
from blogtitles.rendering import MODE, RENDERED, RenderPolicy
from tests.conftest import project_crawler

BLOG = "https://shell.test/"
POST = BLOG + "post/"


def callback(response: object, blog_url: str) -> None:
    """Stands for a spider callback."""


def policy(renderer: str = "none", mode: str = "auto") -> RenderPolicy:
    crawler = project_crawler(settings={"BLOGTITLES_RENDERER": renderer})
    return RenderPolicy(crawler, mode)


def page(url: str, *, mode: str = "auto", rendered: str = "") -> HtmlResponse:
    meta = {MODE: mode, **({RENDERED: rendered} if rendered else {})}
    request = Request(url, callback=callback, cb_kwargs={"blog_url": BLOG}, meta=meta, priority=2)
    return HtmlResponse(
        url, body=b"<html><body><div id='app'></div></body></html>", request=request
    )


def no_title() -> BlogRecord:
    return errors.error_record(BLOG, errors.NO_TITLE, errors.ARTICLE, "no title found", POST)


def test_a_page_that_is_no_shell_keeps_its_outcome() -> None:
    record = no_title()
    assert policy("splash").settle(page(POST), record, errors.ARTICLE, script_built=False) is record


@pytest.mark.parametrize(("renderer", "mode"), [("none", "auto"), ("splash", "never")])
def test_a_shell_that_cannot_be_rendered_needs_javascript(renderer: str, mode: str) -> None:
    outcome = policy(renderer).settle(
        page(POST, mode=mode), no_title(), errors.ARTICLE, script_built=True
    )
    assert isinstance(outcome, BlogRecord)
    assert (outcome.status, outcome.article_url) == (errors.NEEDS_JAVASCRIPT, POST)
    why = "BLOGTITLES_RENDERER = none" if renderer == "none" else "render=never"
    assert outcome.error.startswith("article page: no title found: the page is built by JavaScript")
    assert why in outcome.error


@pytest.mark.parametrize("renderer", ["splash", "playwright"])
def test_a_shell_goes_once_through_the_renderer_with_the_same_callback(renderer: str) -> None:
    layer = policy(renderer)
    outcome = layer.settle(page(POST), no_title(), errors.ARTICLE, script_built=True)
    assert isinstance(outcome, Request)
    assert outcome.meta[RENDERED] == renderer
    assert (outcome.callback, outcome.cb_kwargs, outcome.priority) == (
        callback,
        {"blog_url": BLOG},
        2,
    )
    assert layer.crawler.stats.get_value("blogtitles/requests/rendered_article") == 1


def test_a_rendered_page_still_empty_is_its_own_error_and_a_title_stands() -> None:
    layer = policy("splash")
    rendered = page(POST, rendered="splash")
    outcome = layer.settle(rendered, no_title(), errors.ARTICLE, script_built=True)
    assert isinstance(outcome, BlogRecord)
    assert (outcome.status, outcome.error) == (
        errors.NO_TITLE,
        "article page: no title found, even rendered by splash",
    )
    titled = BlogRecord(blog_url=BLOG, article_url=POST, title="T")
    assert layer.settle(rendered, titled, errors.ARTICLE, script_built=True) is titled


def test_render_always_goes_to_the_renderer_from_the_first_request() -> None:
    request = policy("playwright", mode="always").request(
        BLOG, "index", callback=callback, cb_kwargs={"blog_url": BLOG}
    )
    assert isinstance(request, Request)
    assert (request.meta[RENDERED], request.meta["playwright"], request.meta[MODE]) == (
        "playwright",
        True,
        "always",
    )


def test_render_always_without_a_renderer_is_a_record_and_no_request() -> None:
    layer = policy("none", mode="always")
    outcome = layer.request(BLOG, "index", callback=callback, cb_kwargs={"blog_url": BLOG})
    assert isinstance(outcome, BlogRecord)
    assert outcome.status == errors.NEEDS_JAVASCRIPT
    assert outcome.error.endswith("(render=always)")
    assert layer.crawler.stats.get_value("blogtitles/requests/index") is None


def test_the_mode_travels_from_page_to_next_request_and_a_feed_is_never_rendered() -> None:
    layer = policy("splash")
    index = page(BLOG, mode="always")
    feed = layer.request(BLOG + "feed.xml", "feed", via=index, callback=callback, cb_kwargs={})
    article = layer.request(POST, "article", via=index, callback=callback, cb_kwargs={})
    assert isinstance(feed, Request) and isinstance(article, Request)
    assert RENDERED not in feed.meta and feed.meta[MODE] == "always"
    assert article.meta[RENDERED] == "splash"

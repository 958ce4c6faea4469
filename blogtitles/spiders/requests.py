"""How the spider asks for each page of a blog: index, feed, article, and the feed again when an
article's title is in doubt. Every request is made through the rendering layer
(:class:`blogtitles.rendering.RenderPolicy`), which decides whether a renderer takes it."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import scrapy

from blogtitles.items import BlogRecord
from blogtitles.tracking.conditional import CONDITIONAL

if TYPE_CHECKING:
    from scrapy.http import Response

    from blogtitles.extract import ArticleLink, IndexPage
    from blogtitles.rendering import RenderPolicy

#: What every callback and errback returns: one next request or one record. (Not generators:
#: Scrapy parses a generator callback's source at every call, costlier than the callback.)
Outcome = scrapy.Request | BlogRecord


class BlogRequests:
    """The requests of :class:`blogtitles.spiders.base.BlogTitlesSpider`, each with its
    callback, errback and what the next step needs to know (``cb_kwargs``)."""

    rendering: RenderPolicy
    parse_index: Any
    index_failed: Any
    parse_feed: Any
    feed_failed: Any
    parse_article: Any
    article_failed: Any
    parse_title_feed: Any
    title_feed_failed: Any
    # ``dont_filter`` everywhere: inputs are deduplicated already, and two blogs may share a feed
    # or an article while each needs its own record. Later steps go first (priority), so blogs
    # that have started finish before new ones start. ``via``: the response (or request) this
    # one follows, whose rendering mode it keeps.

    def index_request(
        self, blog_url: str, *, mode: str = "", section_url: str = "", via: Response | None = None
    ) -> Outcome:
        """The request for a blog's index page; with ``section_url``, for the blog section a
        landing page (``via``) links to, read as the index (once: a section page is not asked
        for a section of its own)."""
        cb_kwargs: dict[str, Any] = {"blog_url": blog_url}
        if section_url:
            cb_kwargs["landing"] = False
        return self.rendering.request(
            section_url or blog_url,
            "index",
            via=via,
            mode=mode,
            meta={CONDITIONAL: "index"},
            priority=1 if section_url else 0,
            callback=self.parse_index,
            errback=self.index_failed,
            cb_kwargs=cb_kwargs,
        )

    def feed_request(
        self, blog_url: str, page: IndexPage, via: Response, sitemap: str = ""
    ) -> Outcome:
        """The request for the blog's feed (or, given, its ``sitemap``), carrying the index's
        own answer as the fallback."""
        link = page.link
        return self.rendering.request(
            sitemap or page.feed_url or "",
            "sitemap" if sitemap else "feed",
            via=via,
            meta={CONDITIONAL: "feed"},
            priority=1,
            callback=self.parse_feed,
            errback=self.feed_failed,
            cb_kwargs={
                "blog_url": blog_url,
                "blog_title": page.blog_title,
                "reason": page.doubt,
                "fallback_url": link.url if link else "",
                "fallback_by": link.found_by if link else "",
                "fallback_published": (link.published or "") if link else "",
                "source": "sitemap" if sitemap else "feed",
            },
        )

    def child_sitemap_request(
        self, blog_url: str, url: str, via: Response, fallback: dict[str, str]
    ) -> Outcome:
        """The child sitemap a sitemap index (``via``) points to for the newest posts; read as
        the sitemap was, once (a child that is an index again is not followed)."""
        return self.rendering.request(
            url,
            "sitemap",
            via=via,
            meta={CONDITIONAL: "feed"},
            priority=1,
            callback=self.parse_feed,
            errback=self.feed_failed,
            cb_kwargs={"blog_url": blog_url, **fallback, "child": "1"},
        )

    def article_request(
        self,
        blog_url: str,
        link: ArticleLink,
        blog_title: str = "",
        *,
        via: Response | scrapy.Request | None = None,
        mode: str = "",
        feed_url: str = "",
        blog_feed: str = "",
    ) -> Outcome:
        """The request for the newest article (``feed_url``: the feed to ask if the title is
        in doubt; ``blog_feed``: the blog's feed, for its record, when it is not that one; the
        link's ``title``: the feed's own title for it)."""
        return self.rendering.request(
            link.url,
            "article",
            via=via,
            mode=mode,
            priority=2,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={
                "blog_url": blog_url,
                "found_by": link.found_by,
                "blog_title": blog_title,
                "published": link.published or "",
                "feed_url": feed_url,
                "blog_feed": blog_feed or feed_url,
                "feed_title": link.title,
            },
        )

    def title_feed_request(
        self, response: Response, feed_url: str, record: BlogRecord, evidence: Any
    ) -> Outcome:
        """The request for the blog's feed, to settle an article title no heading confirmed;
        ``record``: the title as the page alone chose it, kept if the feed does not help."""
        return self.rendering.request(
            feed_url,
            "feed",
            via=response,
            priority=3,
            callback=self.parse_title_feed,
            errback=self.title_feed_failed,
            cb_kwargs={**asdict(record), "evidence": evidence},
        )

"""The flow of a blog-title spider: index -> (feed) -> article -> one record per blog; errbacks.

Everything around the flow lives elsewhere: where blogs come from (:mod:`blogtitles.inputs`),
what a page says (:mod:`blogtitles.extract`), whether a page goes through a renderer
(:mod:`blogtitles.rendering`). A spider for one site or platform subclasses
:class:`BlogTitlesSpider` and states only what differs: ``site_rules`` (selectors), or
:meth:`analyze_index` / :meth:`read_article`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse

from blogtitles import accounting, errors
from blogtitles.errors import ARTICLE, FEED, INDEX, error_record
from blogtitles.extract import (
    ArticleLink,
    ArticlePage,
    IndexPage,
    SiteRule,
    SiteRules,
    TitleEvidence,
    TitleHints,
    analyze_index,
    cross_check,
    feed_entry_title,
    looks_like_feed,
    newest_feed_entry,
    read_article,
    sitemap_index_child,
)
from blogtitles.guard.scrapyd import is_scrapyd_job
from blogtitles.inputs import BlogInput, InputListError
from blogtitles.inputs.sources import BlogSource, open_source
from blogtitles.items import STATUS_OK, BlogRecord
from blogtitles.rendering import RenderConfigError, RenderPolicy, check_mode, rendered_by
from blogtitles.spiders.records import is_document, not_html, text_of
from blogtitles.spiders.requests import BlogRequests, Outcome
from blogtitles.tracking.conditional import unchanged_record

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

INPUT_KINDS = ("blogs", "articles")
FEED_EVIDENCE = ("doubt", "index", "always")


class BlogTitlesSpider(BlogRequests, scrapy.Spider):
    """Index page -> first (newest) article -> its title; exactly one :class:`BlogRecord` per blog.

    Spider arguments: ``urls_file`` (a list file, default setting ``BLOGTITLES_URLS_FILE``),
    ``urls`` (comma-separated URLs, instead of a file), ``format`` (``text``, ``csv``, ``opml``;
    detected when omitted), ``input`` (``blogs``: index pages, the default; ``articles``: each
    URL is an article page, its title is extracted directly), ``since`` (``last``: report only
    blogs whose newest article changed since the last successful run, see
    :mod:`blogtitles.runs.state`), ``shard`` (``K/N``: only this process's share of the list, see
    :mod:`blogtitles.inputs.shards`), ``render`` (``auto``: render the pages that are built by
    JavaScript, the default; ``always``: every page; ``never``; see :mod:`blogtitles.rendering`).
    """

    #: Per-site selectors, ``{"example.com/blog/": {"article": "css", "title": "xpath:..."}}``;
    #: merged over the rules file named by ``BLOGTITLES_SITE_RULES``.
    site_rules: ClassVar[Mapping[str, Mapping[str, str]]] = {}

    source: BlogSource
    rendering: RenderPolicy

    def __init__(  # noqa: PLR0917 - Scrapy passes -a arguments by keyword
        self,
        name: str | None = None,
        urls_file: str | None = None,
        urls: str | None = None,
        format: str | None = None,  # noqa: A002 - the argument users type is -a format=...
        input: str = "blogs",  # noqa: A002 - the argument users type is -a input=...
        since: str = "",
        shard: str = "",
        render: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        if input not in INPUT_KINDS:
            raise InputListError(f"-a input={input!r}: use one of {', '.join(INPUT_KINDS)}")
        if since not in ("", "last"):
            raise InputListError(f"-a since={since!r}: the only value is 'last'")
        self.since = since
        self.input_kind = input
        try:
            self.render_mode = check_mode(render, "-a")
        except RenderConfigError as exc:
            raise InputListError(str(exc)) from None
        self.source_args = {"urls_file": urls_file, "urls": urls, "list_format": format or None}
        self.source_args |= {"shard": shard, "scrapyd_job": is_scrapyd_job(kwargs)}
        self.rules = SiteRules({})

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider.rendering = RenderPolicy(crawler, spider.render_mode)
        except RenderConfigError as exc:
            raise InputListError(str(exc)) from None
        spider.source = open_source(crawler, **spider.source_args)
        spider.rules = spider.load_site_rules()
        spider.feed_evidence = crawler.settings.get("BLOGTITLES_FEED_EVIDENCE")
        if spider.feed_evidence not in FEED_EVIDENCE:
            raise InputListError(f"BLOGTITLES_FEED_EVIDENCE: use one of {', '.join(FEED_EVIDENCE)}")
        return spider

    def load_site_rules(self) -> SiteRules:
        """``BLOGTITLES_SITE_RULES`` (a TOML file), then the spider's own ``site_rules``."""
        path = self.settings.get("BLOGTITLES_SITE_RULES")
        loaded = SiteRules.load(path).rules if path else {}
        own = SiteRules.from_mapping(self.site_rules).rules
        return SiteRules({**loaded, **own})

    async def start(self) -> AsyncIterator[Any]:
        """One request per valid input (its index, or the article itself with ``input=articles``);
        an ``invalid_url`` record per unusable one."""
        async for entry in self.source.entries():
            yield self.first_step(entry)

    def first_step(self, entry: BlogInput) -> Outcome:
        """The entry's first request, or its ``invalid_url`` record."""
        if entry.error:
            return errors.invalid_input_record(entry)
        mode = entry.render or self.render_mode
        try:
            if self.input_kind == "articles":
                link = ArticleLink(entry.url, "input:articles")
                outcome = self.article_request(entry.url, link, mode=mode)
            else:
                outcome = self.index_request(entry.url, mode=mode)
        except ValueError as exc:  # a URL Scrapy cannot request: never a crashed crawl
            return errors.invalid_input_record(entry, str(exc))
        if isinstance(outcome, scrapy.Request):
            self.crawler.stats.inc_value(accounting.BLOGS_FETCHED)
        return outcome

    # -- extraction hooks (override in a site-specific spider) ---------------------------------

    def rule_for(self, url: str) -> SiteRule | None:
        return self.rules.for_url(url)

    def analyze_index(self, response: TextResponse, blog_url: str) -> IndexPage:
        """What the index ``response`` says (newest article, feed, doubt)."""
        rule = self.rule_for(blog_url) or self.rule_for(response.url)
        return analyze_index(text_of(response), response.url, rule)

    def read_article(
        self, response: TextResponse, blog_url: str, hints: TitleHints | None = None
    ) -> ArticlePage:
        """The title (date, blog name) of the article ``response``, and whether it is a shell."""
        rule = self.rule_for(response.url) or self.rule_for(blog_url)
        return read_article(text_of(response), response.url, rule, hints)

    # -- callbacks -----------------------------------------------------------------------------

    def parse_index(self, response: Response, blog_url: str, landing: bool = True) -> Outcome:
        """Follow the newest article (or the feed, when the index leaves doubt; or the blog
        section a ``landing`` page links to).

        @blog_url BLOGTITLES_CHECK_BLOG_URL https://blog.python.org/
        @returns requests 1 1
        """
        try:
            if response.status == 304:  # not modified since the last run (a crawl with state)
                return unchanged_record(response)
            if not is_document(response):
                return error_record(blog_url, errors.NOT_HTML, INDEX, not_html(response))
            assert isinstance(response, TextResponse)
            page = self.analyze_index(response, blog_url)
            feed = page.feed_url if page.feed_url and page.feed_url != response.url else None
            if page.is_article:
                return self._title_record(response, blog_url, "input_is_article", page.blog_title)
            if feed and (page.doubt or page.link is None or self.feed_evidence == "always"):
                return self.feed_request(blog_url, page, response)
            if page.link is not None:
                link, title = page.link, page.blog_title
                return self.article_request(
                    blog_url, link, title, via=response, feed_url=feed or ""
                )
            if page.section_url and landing:
                return self.index_request(blog_url, section_url=page.section_url, via=response)
            if landing and not feed and not page.script_built:  # the site's sitemap, last
                sitemap = urljoin(response.url, "/sitemap.xml")
                return self.feed_request(blog_url, page, response, sitemap)
            record = error_record(blog_url, errors.NO_ARTICLE_LINK, INDEX, "no article link found")
            return self.rendering.settle(response, record, INDEX, script_built=page.script_built)
        except Exception as exc:
            self.logger.exception("Failed on the index of %s", blog_url)
            message = f"{type(exc).__name__}: {exc}"
            return error_record(blog_url, errors.INTERNAL_ERROR, INDEX, message)

    def parse_feed(self, response: Response, blog_url: str, **fallback: str) -> Outcome:
        """Follow the feed's newest entry; if the feed has none, the index's own answer."""
        try:
            if response.status == 304:  # not modified since the last run (a crawl with state)
                return unchanged_record(response)
            link, feed_title = None, ""
            if isinstance(response, TextResponse):
                child = fallback.get("source") == "sitemap" and not fallback.get("child")
                if child and (url := sitemap_index_child(response.text, response.url)):
                    return self.child_sitemap_request(blog_url, url, response, fallback)
                link, feed_title = newest_feed_entry(response.text, response.url, blog_url)
            if link is None:
                return self._fallback(blog_url, fallback, "has no entries", response)
            index = fallback["fallback_url"] and ArticleLink(
                fallback["fallback_url"], fallback["fallback_by"], fallback["fallback_published"]
            )
            link = cross_check(link, index or None, fallback["reason"])
            title = fallback["blog_title"] or feed_title
            feed = response.url if fallback.get("source") == "feed" else ""
            return self.article_request(blog_url, link, title, via=response, blog_feed=feed)
        except Exception as exc:
            self.logger.exception("Failed on the feed of %s", blog_url)
            return error_record(
                blog_url, errors.INTERNAL_ERROR, FEED, f"{type(exc).__name__}: {exc}"
            )

    def parse_article(
        self,
        response: Response,
        blog_url: str,
        *,
        found_by: str = "",
        blog_title: str = "",
        published: str = "",
        feed_url: str = "",
        blog_feed: str = "",
        feed_title: str = "",
    ) -> Outcome:
        """Record the article's title, or why there is none (or ask the feed about it).

        @blog_url BLOGTITLES_CHECK_ARTICLE_URL https://blog.python.org/
        @returns items 1 1
        @scrapes blog_url article_url title status
        """
        try:
            if not is_document(response) or looks_like_feed(response.body[:4096]):
                return error_record(
                    blog_url, errors.NOT_HTML, ARTICLE, not_html(response), response.url
                )
            assert isinstance(response, TextResponse)
            hints = TitleHints(feed_title, (blog_title,) if blog_title else ())
            return self._title_record(
                response, blog_url, found_by, blog_title, published, hints=hints,
                feed_url=feed_url, blog_feed=blog_feed,
            )  # fmt: skip
        except Exception as exc:
            self.logger.exception("Failed on the article %s of %s", response.url, blog_url)
            message = f"{type(exc).__name__}: {exc}"
            return error_record(blog_url, errors.INTERNAL_ERROR, ARTICLE, message, response.url)

    def _title_record(
        self,
        response: TextResponse,
        blog_url: str,
        found_by: str,
        blog_title: str,
        published: str = "",
        *,
        hints: TitleHints | None = None,
        feed_url: str = "",
        blog_feed: str = "",
    ) -> Outcome:
        article = self.read_article(response, blog_url, hints)
        title = article.title
        if title is None:
            record = error_record(
                blog_url, errors.NO_TITLE, ARTICLE, "no title found", response.url
            )
            record.found_by, record.blog_title = found_by, blog_title
            record.published, record.feed_url = published, blog_feed
        else:
            record = BlogRecord(
                blog_url=blog_url,
                blog_title=blog_title or title.blog_title,
                article_url=response.url,
                title=title.text,
                published=title.published or published,
                found_by=found_by,
                feed_url=blog_feed,
            )
        in_doubt = title is None or not title.confirmed
        if in_doubt and feed_url and self.feed_evidence != "index" and not article.script_built:
            evidence = (article.evidence.headlines, article.evidence.witnesses)
            return self.title_feed_request(response, feed_url, record, evidence)
        return self.rendering.settle(response, record, ARTICLE, script_built=article.script_built)

    def parse_title_feed(self, response: Response, **record: Any) -> BlogRecord:
        """The article's title once more, with the feed's own title for it as a witness."""
        evidence = TitleEvidence(*record.pop("evidence"))
        result = BlogRecord(**record)
        try:
            if isinstance(response, TextResponse):
                feed_title = feed_entry_title(response.text, response.url, result.article_url)
                choice = evidence.with_feed(feed_title) if feed_title else None
                if choice is not None:
                    result = replace(result, title=choice.text, status=STATUS_OK, error="")
        except Exception:  # the page's own choice stands
            self.logger.exception("Failed on the feed of %s", result.blog_url)
        return result

    def title_feed_failed(self, failure: Failure) -> BlogRecord:
        """The feed could not help: the title as the article page alone chose it."""
        record = dict(failure.request.cb_kwargs)  # type: ignore[attr-defined]
        del record["evidence"]
        return BlogRecord(**record)

    def _fallback(
        self, blog_url: str, fallback: Mapping[str, str], why: str, via: Response | scrapy.Request
    ) -> Outcome:
        """After a feed that failed or said nothing: the index's own answer, marked as such."""
        if not fallback["fallback_url"]:
            message = f"no article link found, and the {fallback.get('source', 'feed')} {why}"
            return error_record(blog_url, errors.NO_ARTICLE_LINK, INDEX, message)
        found_by = f"{fallback['fallback_by']} (feed {why})"
        link = ArticleLink(fallback["fallback_url"], found_by, fallback["fallback_published"])
        return self.article_request(blog_url, link, fallback["blog_title"], via=via)

    # -- errbacks ------------------------------------------------------------------------------

    def index_failed(self, failure: Failure) -> BlogRecord:
        """The index could not be downloaded: record the error code."""
        return self._failure_record(failure, INDEX)

    def feed_failed(self, failure: Failure) -> Outcome:
        """The feed could not be downloaded: fall back to the index's answer (recorded)."""
        request = failure.request  # type: ignore[attr-defined]
        code, _message = errors.classify_failure(failure.value)
        kwargs = dict(request.cb_kwargs)
        return self._fallback(kwargs.pop("blog_url"), kwargs, f"failed: {code}", request)

    def article_failed(self, failure: Failure) -> BlogRecord:
        """The article could not be downloaded: record the error code."""
        return self._failure_record(failure, ARTICLE)

    def _failure_record(self, failure: Failure, stage: str) -> BlogRecord:
        request = failure.request  # type: ignore[attr-defined]
        code, message = errors.classify_failure(failure.value, rendered_by(request))
        article_url = request.url if stage == ARTICLE else ""
        record = error_record(request.cb_kwargs["blog_url"], code, stage, message, article_url)
        record.found_by = request.cb_kwargs.get("found_by", "")
        return record

"""The whole flow of a blog-title spider: input, requests, callbacks, errbacks, one record per blog.

A spider for one site or platform subclasses :class:`BlogTitlesSpider` and states only what
differs: ``site_rules`` (selectors), or :meth:`analyze_index` / :meth:`find_title`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import sleep
from scrapy.utils.conf import closest_scrapy_cfg

from blogtitles import accounting, errors
from blogtitles.distributed import is_distributed
from blogtitles.extract import ArticleLink, ArticleTitle, IndexPage, analyze_index, extract_title
from blogtitles.extract.feeds import looks_like_feed, read_feed
from blogtitles.extract.links import choose_entry
from blogtitles.extract.rules import SiteRule, SiteRules
from blogtitles.extract.scripts import page_looks_script_built
from blogtitles.inputs import (
    BlogInput,
    InputListError,
    iter_inline,
    open_blog_list,
    open_packaged_list,
)
from blogtitles.items import BlogRecord
from blogtitles.redisqueue import BlogQueue
from blogtitles.render import (
    RENDERED,
    RenderConfigError,
    check_mode,
    render_request,
    rendered_by,
    renderer_of,
)
from blogtitles.resume import read_done, resumable_feeds
from blogtitles.seen import SeenUrls
from blogtitles.shards import WHOLE, Shard
from blogtitles.spiders.records import ARTICLE, FEED, INDEX, error_record, is_document, not_html

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

INPUT_KINDS = ("blogs", "articles")
_NO_RENDERER = "no renderer is configured (BLOGTITLES_RENDERER = none)"
#: The code of a rendered page that still shows nothing.
_NOT_FOUND_CODES = {INDEX: errors.NO_ARTICLE_LINK, ARTICLE: errors.NO_TITLE}

#: What every callback and errback returns: exactly one next request or one record. (Plain
#: functions, not generators: Scrapy parses a generator callback's source on every call to warn
#: about ``return`` values, which cost more CPU than the rest of the callback.)
Outcome = scrapy.Request | BlogRecord


class BlogTitlesSpider(scrapy.Spider):
    """Index page -> first (newest) article -> its title; exactly one :class:`BlogRecord` per blog.

    Spider arguments: ``urls_file`` (a list file, default setting ``BLOGTITLES_URLS_FILE``),
    ``urls`` (comma-separated URLs, instead of a file), ``format`` (``text``, ``csv``, ``opml``;
    detected when omitted), ``input`` (``blogs``: index pages, the default; ``articles``: each
    URL is an article page, its title is extracted directly), ``since`` (``last``: report only
    blogs whose newest article changed since the last successful run, see :mod:`blogtitles.state`),
    ``shard`` (``K/N``: only this process's share of the list, see :mod:`blogtitles.shards`),
    ``render`` (``auto``: render the pages that are built by JavaScript, the default; ``always``:
    every page; ``never``; see :mod:`blogtitles.render`).
    """

    #: Per-site selectors, ``{"example.com/blog/": {"article": "css", "title": "xpath:..."}}``;
    #: merged over the rules file named by ``BLOGTITLES_SITE_RULES``.
    site_rules: ClassVar[Mapping[str, Mapping[str, str]]] = {}

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
        self.shard = Shard.parse(shard) if shard else WHOLE
        try:
            self.render_mode = check_mode(render, "-a")
        except RenderConfigError as exc:
            raise InputListError(str(exc)) from None
        #: The rendering backend (``BLOGTITLES_RENDERER``), set from the settings.
        self.renderer = "none"
        self.urls_file = urls_file
        self.urls = urls
        self.list_format = format or None
        self.input_kind = input
        self._inputs: Iterator[BlogInput] = iter(())
        self._done_before = SeenUrls()
        self.rules = SiteRules({})
        self.queue: BlogQueue | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider.renderer = renderer_of(crawler.settings)
        except RenderConfigError as exc:
            raise InputListError(str(exc)) from None
        spider.open_inputs()
        spider.rules = spider.load_site_rules()
        crawler.signals.connect(spider.count_inputs, signal=signals.spider_opened)
        return spider

    # -- input ---------------------------------------------------------------------------------

    def list_path(self) -> Path | None:
        """The list file to read: ``-a urls_file``, else ``BLOGTITLES_URLS_FILE``.

        A relative default is looked up in the working directory, then beside ``scrapy.cfg``;
        ``None`` when it is in neither (under Scrapyd, say): the list packaged with the project
        is read then.
        """
        if self.urls_file:
            return Path(self.urls_file)
        path = Path(self.settings.get("BLOGTITLES_URLS_FILE", "blogs.txt"))
        if path.is_absolute() or path.exists():
            return path
        cfg = closest_scrapy_cfg()
        beside_cfg = Path(cfg).parent / path if cfg else None
        if beside_cfg is not None and beside_cfg.exists():
            return beside_cfg
        return None if path == Path("blogs.txt") else path

    def _open_list(self) -> Iterator[BlogInput]:
        if self.urls is not None:
            entries = iter_inline(self.urls)
        elif (path := self.list_path()) is None:
            entries = open_packaged_list()
        else:
            entries = open_blog_list(path, self.list_format)
        return self.shard.select(entries)

    def open_inputs(self) -> None:
        """Check the input and prepare its lazy iterator (raises ``InputListError`` at once).

        With ``JOBDIR`` (a resumed crawl), blogs that have a record in the run's JSON Lines
        feeds already are read too, to be skipped (see :mod:`blogtitles.resume`).
        """
        if is_distributed(self.settings):
            self.queue = self._open_queue()
            return
        self._inputs = self._open_list()
        self._done_before = SeenUrls()
        if self.settings.get("JOBDIR"):
            self._done_before, count = read_done(resumable_feeds(self.settings))
            if count:
                self.logger.info("Resuming: %d blogs have their record already", count)

    def _open_queue(self) -> BlogQueue:
        """Distributed mode: the Redis queue, checked now (a clear error when unreachable)."""
        url = self.settings.get("BLOGTITLES_REDIS_URL")
        if self.shard.count > 1 or self.urls_file or self.urls is not None:
            raise InputListError(
                "with BLOGTITLES_REDIS_URL the blogs come from Redis: load them with "
                "python -m blogtitles.enqueue, not -a urls_file/urls/shard"
            )
        queue = BlogQueue.from_settings(self.settings, self.name)
        try:
            queue.server.ping()
        except RedisError as exc:
            raise InputListError(f"Redis at {url} is not reachable: {exc}") from exc
        self.logger.info("Distributed mode: blogs from Redis %s, key %s", url, queue.start_key)
        return queue

    def load_site_rules(self) -> SiteRules:
        """``BLOGTITLES_SITE_RULES`` (a TOML file), then the spider's own ``site_rules``."""
        path = self.settings.get("BLOGTITLES_SITE_RULES")
        loaded = SiteRules.load(path).rules if path else {}
        own = SiteRules.from_mapping(self.site_rules).rules
        return SiteRules({**loaded, **own})

    def count_inputs(self) -> None:
        """Count the list up front (one streaming pass) so progress can show a total."""
        if self.queue is not None:
            return  # distributed: the total is the queue's (python -m blogtitles.collect)
        total = sum(1 for _ in self._open_list())
        self.crawler.stats.set_value(accounting.INPUTS_EXPECTED, total)
        if total == 0:
            self.logger.warning("The blog list is empty: nothing to crawl.")

    async def start(self) -> AsyncIterator[Any]:
        """Yield one request per new, valid input; an error record per invalid one.

        The list is read lazily: reading pauses while ``BLOGTITLES_START_BACKLOG`` requests
        already wait in the scheduler, so memory stays flat however long the list is.
        """
        stats = self.crawler.stats
        seen = SeenUrls()
        backlog = self.settings.getint("BLOGTITLES_START_BACKLOG", 1000)
        async for entry in self._entries(backlog):
            stats.inc_value(accounting.INPUTS_READ)
            if (entry.url or entry.raw) in self._done_before:
                stats.inc_value(accounting.INPUTS_DONE_BEFORE)
                continue
            if entry.error:
                message = f"input {entry.source}: {entry.error}"
                yield BlogRecord(blog_url=entry.raw, status=errors.INVALID_URL, error=message)
                continue
            # From Redis, the enqueue deduplicated the list (a blog read again was put back), and
            # the scheduler's room is checked once a batch (in _queued_entries).
            if self.queue is None:
                if not seen.add(entry.url):
                    stats.inc_value(accounting.INPUTS_DUPLICATE)
                    self.logger.info(
                        "Duplicate input %s (%s): crawled once", entry.url, entry.source
                    )
                    continue
                await self._wait_for_scheduler_room(backlog)
            try:
                render = entry.render or self.render_mode
                if render == "always" and self.renderer == "none":
                    yield error_record(
                        entry.url, errors.NEEDS_JAVASCRIPT, INDEX, _NO_RENDERER + " (render=always)"
                    )
                    continue
                if self.input_kind == "articles":
                    request = self.article_request(
                        entry.url, ArticleLink(entry.url, "input:articles"), render=render
                    )
                else:
                    request = self.index_request(entry.url, render)
            except ValueError as exc:  # a URL Scrapy cannot request: never a crashed crawl
                message = f"input {entry.source}: {exc}"
                yield BlogRecord(blog_url=entry.raw, status=errors.INVALID_URL, error=message)
                continue
            stats.inc_value(accounting.BLOGS_FETCHED)
            yield request

    async def _entries(self, backlog: int) -> AsyncIterator[BlogInput]:
        """The list's entries; in distributed mode, batches claimed from Redis until it stays
        drained (see :meth:`_queued_entries`)."""
        if self.queue is None:
            for entry in self._inputs:
                yield entry
            return
        room = min(backlog, self.settings.getint("CONCURRENT_REQUESTS")) if backlog else 0
        async for entry in self._queued_entries(self.queue, room):  # few held: others get work
            yield entry

    async def _queued_entries(self, queue: BlogQueue, backlog: int) -> AsyncIterator[BlogInput]:
        """Claim batches of blogs while the scheduler has room.

        With nothing left to claim, put back the claims of dead workers (older than
        ``BLOGTITLES_REDIS_RECLAIM_AFTER`` without an outcome), and stop once no blog is waiting
        or claimed anywhere, no enqueue is loading and none is in flight here, for
        ``BLOGTITLES_REDIS_IDLE_TIMEOUT`` seconds (0: never stop, wait for more). Redis going
        away is waited out up to the same time, then the worker stops (what it holds is put back
        by the others or the collector).
        """
        stats = self.crawler.stats
        stats.set_value(accounting.REDIS_WORKER, True)
        timeout = self.settings.getfloat("BLOGTITLES_REDIS_IDLE_TIMEOUT", 30.0)
        reclaim_after = self.settings.getfloat("BLOGTITLES_REDIS_RECLAIM_AFTER", 120.0)
        size = self.settings.getint("REDIS_START_URLS_BATCH_SIZE", 64)
        idle_since: float | None = None
        down_since: float | None = None
        next_reconcile = 0.0  # reconcile reads every claim: once a second is plenty
        while True:
            await self._wait_for_scheduler_room(backlog)
            try:
                batch = queue.claim(size)
                waiting, claimed, loading = (0, 0, False) if batch else queue.unfinished()
                if not batch and claimed and monotonic() >= next_reconcile:
                    next_reconcile = monotonic() + 1.0
                    if back := queue.reconcile(reclaim_after):
                        self.logger.warning("Put back %d blogs of a dead worker", back)
                        continue
            except RedisError as exc:
                now = monotonic()
                if down_since is None:
                    self.logger.warning("Redis unavailable (%s): waiting for it", exc)
                down_since = down_since or now
                if timeout > 0 and now - down_since >= timeout:
                    self.logger.error("Redis unreachable for %.0f s: stopping", timeout)
                    stats.set_value(accounting.REDIS_GAVE_UP, True)
                    return
                await sleep(0.5)
                continue
            if down_since is not None:
                self.logger.info("Redis is back")
                down_since = None
            if batch:
                idle_since = None
                stats.inc_value(accounting.REDIS_BATCHES)
                for entry in batch:
                    yield entry
                continue
            done = (
                waiting == claimed == 0
                and not loading
                and not self.crawler.engine.downloader.active
            )
            now = monotonic()
            idle_since = (idle_since or now) if done else None
            if timeout > 0 and idle_since is not None and now - idle_since >= timeout:
                self.logger.info("Queue drained, every blog done, idle %.0f s: stopping", timeout)
                return
            await sleep(0.1)  # nothing to claim: look again soon (a few cheap Redis calls)

    async def _wait_for_scheduler_room(self, backlog: int) -> None:
        scheduler = self.crawler.engine.scheduler
        if backlog > 0 and scheduler is not None and len(scheduler) >= backlog:  # type: ignore[arg-type]
            self.crawler.stats.inc_value(accounting.START_PAUSES)
            await self.crawler.signals.wait_for(signals.scheduler_empty)

    # -- requests ------------------------------------------------------------------------------
    # ``dont_filter`` everywhere: inputs are deduplicated already, and two blogs may share a feed
    # or an article while each needs its own record. Later steps go first (priority), so blogs
    # that have started finish before new ones start.

    def _request(
        self, url: str, kind: str, priority: int, *, rendered: bool = False, **kw: Any
    ) -> scrapy.Request:
        """A plain request; through the renderer when ``rendered``."""
        self.crawler.stats.inc_value(accounting.REQUESTS_PREFIX + kind)
        if rendered:
            return render_request(self.renderer, url, self.settings, priority=priority, **kw)
        return scrapy.Request(url, dont_filter=True, priority=priority, **kw)

    def index_request(self, blog_url: str, render: str = "auto") -> scrapy.Request:
        """The request for a blog's index page (rendered at once with ``render=always``)."""
        return self._request(
            blog_url,
            "index",
            0,
            rendered=render == "always",
            callback=self.parse_index,
            errback=self.index_failed,
            cb_kwargs={"blog_url": blog_url, "render": render},
        )

    def feed_request(self, blog_url: str, page: IndexPage, render: str = "auto") -> scrapy.Request:
        """The request for the blog's feed, carrying the index's own answer as the fallback."""
        link = page.link
        return self._request(
            page.feed_url or "",
            "feed",
            1,
            callback=self.parse_feed,
            errback=self.feed_failed,
            cb_kwargs={
                "blog_url": blog_url,
                "blog_title": page.blog_title,
                "reason": page.doubt,
                "fallback_url": link.url if link else "",
                "fallback_by": link.found_by if link else "",
                "fallback_published": (link.published or "") if link else "",
                "render": render,
            },
        )

    def article_request(
        self, blog_url: str, link: ArticleLink, blog_title: str = "", render: str = "auto"
    ) -> scrapy.Request:
        """The request for the newest article (rendered at once with ``render=always``)."""
        return self._request(
            link.url,
            "article",
            2,
            rendered=render == "always",
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={
                "blog_url": blog_url,
                "found_by": link.found_by,
                "blog_title": blog_title,
                "published": link.published or "",
                "render": render,
            },
        )

    def rendering(
        self, response: Response, stage: str, render: str, what: str, **cb_kwargs: Any
    ) -> Outcome:
        """The page ``response`` is built by JavaScript: the same request again through the
        renderer; or, when that cannot be, a ``needs_javascript`` record saying why not."""
        blog_url = cb_kwargs["blog_url"]
        article_url = response.url if stage == ARTICLE else ""
        if renderer := rendered_by(response):
            message = f"{what}, even rendered by {renderer}"
            return error_record(blog_url, _NOT_FOUND_CODES[stage], stage, message, article_url)
        if self.renderer == "none" or render == "never":
            why = _NO_RENDERER if self.renderer == "none" else "rendering is off (render=never)"
            message = f"{what}: the page is built by JavaScript; {why}"
            return error_record(blog_url, errors.NEEDS_JAVASCRIPT, stage, message, article_url)
        request = response.request
        assert request is not None
        return self._request(
            response.url,
            "rendered_" + ("index" if stage == INDEX else "article"),
            request.priority,
            rendered=True,
            callback=request.callback,
            errback=request.errback,
            cb_kwargs={**cb_kwargs, "render": render},
        )

    # -- extraction hooks (override in a site-specific spider) ---------------------------------

    def rule_for(self, url: str) -> SiteRule | None:
        return self.rules.for_url(url)

    def analyze_index(self, response: TextResponse, blog_url: str) -> IndexPage:
        """What the index ``response`` says (newest article, feed, doubt)."""
        rule = self.rule_for(blog_url) or self.rule_for(response.url)
        return analyze_index(response.text, response.url, rule)

    def find_title(self, response: TextResponse, blog_url: str) -> ArticleTitle | None:
        """The title (and date, blog name) of the article ``response``."""
        rule = self.rule_for(response.url) or self.rule_for(blog_url)
        return extract_title(response.text, response.url, rule)

    # -- callbacks -----------------------------------------------------------------------------

    def parse_index(self, response: Response, blog_url: str, render: str = "auto") -> Outcome:
        """Follow the newest article (or the feed, when the index leaves doubt).

        @blog_url BLOGTITLES_CHECK_BLOG_URL https://blog.python.org/
        @returns requests 1 1
        """
        try:
            self._count_rendered(response)
            if not is_document(response):
                return error_record(blog_url, errors.NOT_HTML, INDEX, not_html(response))
            assert isinstance(response, TextResponse)
            page = self.analyze_index(response, blog_url)
            feed = page.feed_url if page.feed_url and page.feed_url != response.url else None
            if page.is_article:
                return self._title_record(
                    response,
                    blog_url,
                    "input_is_article",
                    page.blog_title,
                    published="",
                    render=render,
                )
            if feed and (page.doubt or page.link is None):
                return self.feed_request(blog_url, page, render)
            if page.link is not None:
                return self.article_request(blog_url, page.link, page.blog_title, render)
            if page.script_built:
                return self.rendering(
                    response, INDEX, render, "no article link found", blog_url=blog_url
                )
            return error_record(blog_url, errors.NO_ARTICLE_LINK, INDEX, "no article link found")
        except Exception as exc:
            self.logger.exception("Failed on the index of %s", blog_url)
            message = f"{type(exc).__name__}: {exc}"
            return error_record(blog_url, errors.INTERNAL_ERROR, INDEX, message)

    def parse_feed(self, response: Response, blog_url: str, **fallback: str) -> Outcome:
        """Follow the feed's newest entry; if the feed has none, the index's own answer."""
        render = fallback.pop("render", "auto")
        try:
            link = None
            title = fallback["blog_title"]
            if isinstance(response, TextResponse) and looks_like_feed(response.text):
                entries, feed_title = read_feed(response.text, response.url)
                link = choose_entry(entries, "feed", blog_url)[0]
                title = title or feed_title
            if link is not None:
                reason = fallback["reason"] or "no_link"
                link = ArticleLink(link.url, f"feed (index: {reason})", link.published)
                return self.article_request(blog_url, link, title, render)
            return self._fallback(blog_url, fallback, "has no entries", render)
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
        render: str = "auto",
    ) -> Outcome:
        """Record the article's title, or why there is none.

        @blog_url BLOGTITLES_CHECK_ARTICLE_URL https://blog.python.org/
        @returns items 1 1
        @scrapes blog_url article_url title status
        """
        try:
            self._count_rendered(response)
            if not is_document(response) or looks_like_feed(response.body[:4096]):
                return error_record(
                    blog_url, errors.NOT_HTML, ARTICLE, not_html(response), response.url
                )
            assert isinstance(response, TextResponse)
            return self._title_record(
                response, blog_url, found_by, blog_title, published=published, render=render
            )
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
        *,
        published: str,
        render: str = "auto",
    ) -> Outcome:
        title = self.find_title(response, blog_url)
        if rendered_by(response):
            script_built = False  # what the renderer shows is what there is
        else:
            script_built = title.script_built if title else page_looks_script_built(response.text)
        if script_built:  # the "title" of an empty shell is not the article's
            kwargs = {"found_by": found_by, "blog_title": blog_title, "published": published}
            return self.rendering(
                response, ARTICLE, render, "no title found", blog_url=blog_url, **kwargs
            )
        if title is None:
            record = error_record(
                blog_url, errors.NO_TITLE, ARTICLE, "no title found", response.url
            )
            record.found_by, record.blog_title = found_by, blog_title
            return record
        return BlogRecord(
            blog_url=blog_url,
            blog_title=blog_title or title.blog_title,
            article_url=response.url,
            title=title.text,
            published=title.published or published,
            found_by=found_by,
        )

    def _fallback(
        self, blog_url: str, fallback: Mapping[str, str], why: str, render: str = "auto"
    ) -> Outcome:
        """After a feed that failed or said nothing: the index's own answer, marked as such."""
        if not fallback["fallback_url"]:
            message = f"no article link found, and the feed {why}"
            return error_record(blog_url, errors.NO_ARTICLE_LINK, INDEX, message)
        found_by = f"{fallback['fallback_by']} (feed {why})"
        link = ArticleLink(fallback["fallback_url"], found_by, fallback["fallback_published"])
        return self.article_request(blog_url, link, fallback["blog_title"], render)

    def _count_rendered(self, response: Response) -> None:
        if rendered_by(response):
            self.crawler.stats.inc_value(accounting.RENDERED_PAGES)

    # -- errbacks ------------------------------------------------------------------------------

    def index_failed(self, failure: Failure) -> BlogRecord:
        """The index could not be downloaded: record the error code."""
        return self._failure_record(failure, INDEX)

    def feed_failed(self, failure: Failure) -> Outcome:
        """The feed could not be downloaded: fall back to the index's answer (recorded)."""
        request = failure.request  # type: ignore[attr-defined]
        code, _message = errors.classify_failure(failure.value)
        kwargs = dict(request.cb_kwargs)
        render = kwargs.pop("render", "auto")
        return self._fallback(kwargs.pop("blog_url"), kwargs, f"failed: {code}", render)

    def article_failed(self, failure: Failure) -> BlogRecord:
        """The article could not be downloaded: record the error code."""
        return self._failure_record(failure, ARTICLE)

    def _failure_record(self, failure: Failure, stage: str) -> BlogRecord:
        request = failure.request  # type: ignore[attr-defined]
        renderer = request.meta.get(RENDERED)
        if renderer:
            code, message = errors.classify_render_failure(failure.value, renderer)
        else:
            code, message = errors.classify_failure(failure.value)
        article_url = request.url if stage == ARTICLE else ""
        record = error_record(request.cb_kwargs["blog_url"], code, stage, message, article_url)
        record.found_by = request.cb_kwargs.get("found_by", "")
        return record

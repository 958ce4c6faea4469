"""The whole flow of a blog-title spider: input, requests, callbacks, errbacks, one record per blog.

A spider for one site or platform subclasses :class:`BlogTitlesSpider` and overrides only what
differs (its start list, :meth:`find_article`, :meth:`find_title`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.conf import closest_scrapy_cfg

from blogtitles import accounting, errors
from blogtitles.extract import ArticleLink, ArticleTitle, extract_title, find_first_article
from blogtitles.inputs import BlogInput, count_entries, iter_inline, open_blog_list
from blogtitles.items import BlogRecord
from blogtitles.seen import SeenUrls

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

INDEX = "index page"
ARTICLE = "article page"


class BlogTitlesSpider(scrapy.Spider):
    """Index page -> first (newest) article -> its title; exactly one :class:`BlogRecord` per blog.

    Spider arguments: ``urls_file`` (a list file, default setting ``BLOGTITLES_URLS_FILE``),
    ``urls`` (comma-separated URLs, instead of a file), ``format`` (``text``, ``csv``, ``opml``;
    detected when omitted).
    """

    def __init__(
        self,
        name: str | None = None,
        urls_file: str | None = None,
        urls: str | None = None,
        format: str | None = None,  # noqa: A002 - the argument users type is -a format=...
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        self.urls_file = urls_file
        self.urls = urls
        self.list_format = format or None
        self._inputs: Iterator[BlogInput] = iter(())

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.open_inputs()
        crawler.signals.connect(spider.count_inputs, signal=signals.spider_opened)
        return spider

    # -- input ---------------------------------------------------------------------------------

    def list_path(self) -> Path:
        """The list file to read: ``-a urls_file``, else ``BLOGTITLES_URLS_FILE``.

        A relative default is looked up in the working directory, then beside ``scrapy.cfg``.
        """
        if self.urls_file:
            return Path(self.urls_file)
        path = Path(self.settings.get("BLOGTITLES_URLS_FILE", "blogs.txt"))
        cfg = closest_scrapy_cfg()
        if not path.is_absolute() and not path.exists() and cfg:
            return Path(cfg).parent / path
        return path

    def open_inputs(self) -> None:
        """Check the input and prepare its lazy iterator (raises ``InputListError`` at once)."""
        if self.urls is not None:
            self._inputs = iter_inline(self.urls)
        else:
            self._inputs = open_blog_list(self.list_path(), self.list_format)

    def count_inputs(self) -> None:
        """Count the list up front (one streaming pass) so progress can show a total."""
        if self.urls is not None:
            total = sum(1 for _ in iter_inline(self.urls))
        else:
            total = count_entries(self.list_path(), self.list_format)
        self.crawler.stats.set_value(accounting.INPUTS_EXPECTED, total)
        if total == 0:
            self.logger.warning("The blog list is empty: nothing to crawl.")

    async def start(self) -> AsyncIterator[Any]:
        """Yield one index request per new, valid input; an error record per invalid one.

        The list is read lazily: reading pauses while ``BLOGTITLES_START_BACKLOG`` requests
        already wait in the scheduler, so memory stays flat however long the list is.
        """
        stats = self.crawler.stats
        seen = SeenUrls()
        backlog = self.settings.getint("BLOGTITLES_START_BACKLOG", 1000)
        for entry in self._inputs:
            stats.inc_value(accounting.INPUTS_READ)
            if entry.error:
                message = f"input {entry.source}: {entry.error}"
                yield BlogRecord(blog_url=entry.raw, status=errors.INVALID_URL, error=message)
                continue
            if not seen.add(entry.url):
                stats.inc_value(accounting.INPUTS_DUPLICATE)
                self.logger.info("Duplicate input %s (%s): crawled once", entry.url, entry.source)
                continue
            await self._wait_for_scheduler_room(backlog)
            yield self.index_request(entry.url)

    async def _wait_for_scheduler_room(self, backlog: int) -> None:
        scheduler = self.crawler.engine.scheduler
        if backlog > 0 and scheduler is not None and len(scheduler) >= backlog:  # type: ignore[arg-type]
            self.crawler.stats.inc_value(accounting.START_PAUSES)
            await self.crawler.signals.wait_for(signals.scheduler_empty)

    # -- requests ------------------------------------------------------------------------------

    def index_request(self, blog_url: str) -> scrapy.Request:
        """The request for a blog's index page. ``dont_filter``: inputs are deduplicated already."""
        return scrapy.Request(
            blog_url,
            callback=self.parse_index,
            errback=self.index_failed,
            cb_kwargs={"blog_url": blog_url},
            dont_filter=True,
        )

    def article_request(self, blog_url: str, link: ArticleLink) -> scrapy.Request:
        """The request for the newest article; first in the queue so started blogs finish first.

        ``dont_filter``: two blogs may share an article, and each needs its own record.
        """
        return scrapy.Request(
            link.url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"blog_url": blog_url},
            priority=1,
            dont_filter=True,
        )

    # -- extraction hooks (override in a site-specific spider) ---------------------------------

    def find_article(self, response: TextResponse) -> ArticleLink | None:
        """The newest article linked from the index ``response``."""
        return find_first_article(response.text, response.url)

    def find_title(self, response: TextResponse) -> ArticleTitle | None:
        """The title of the article ``response``."""
        return extract_title(response.text, response.url)

    # -- callbacks -----------------------------------------------------------------------------

    def parse_index(self, response: Response, blog_url: str) -> Iterator[Any]:
        """Follow the newest article, or record why there is none."""
        try:
            if not is_document(response):
                yield error_record(blog_url, errors.NOT_HTML, INDEX, not_html_message(response))
                return
            link = self.find_article(response)  # type: ignore[arg-type]
            if link is None:
                yield error_record(blog_url, errors.NO_ARTICLE_LINK, INDEX, "no article link found")
                return
            yield self.article_request(blog_url, link)
        except Exception as exc:
            self.logger.exception("Failed on the index of %s", blog_url)
            yield error_record(
                blog_url, errors.INTERNAL_ERROR, INDEX, f"{type(exc).__name__}: {exc}"
            )

    def parse_article(self, response: Response, blog_url: str) -> Iterator[Any]:
        """Record the article's title, or why there is none."""
        article_url = response.url
        try:
            if not is_document(response) or isinstance(response, XmlResponse):
                message = not_html_message(response)
                yield error_record(blog_url, errors.NOT_HTML, ARTICLE, message, article_url)
                return
            title = self.find_title(response)  # type: ignore[arg-type]
            if title is None:
                yield error_record(
                    blog_url, errors.NO_TITLE, ARTICLE, "no title found", article_url
                )
                return
            yield BlogRecord(blog_url=blog_url, article_url=article_url, title=title.text)
        except Exception as exc:
            self.logger.exception("Failed on the article %s of %s", article_url, blog_url)
            message = f"{type(exc).__name__}: {exc}"
            yield error_record(blog_url, errors.INTERNAL_ERROR, ARTICLE, message, article_url)

    def index_failed(self, failure: Failure) -> Iterator[BlogRecord]:
        """The index could not be downloaded: record the error code."""
        yield self._failure_record(failure, INDEX)

    def article_failed(self, failure: Failure) -> Iterator[BlogRecord]:
        """The article could not be downloaded: record the error code."""
        yield self._failure_record(failure, ARTICLE)

    def _failure_record(self, failure: Failure, stage: str) -> BlogRecord:
        request = failure.request  # type: ignore[attr-defined]
        code, message = errors.classify_failure(failure.value)
        article_url = request.url if stage == ARTICLE else ""
        return error_record(request.cb_kwargs["blog_url"], code, stage, message, article_url)


def is_document(response: Response) -> bool:
    """HTML, or XML (a feed, XHTML): something the extractors can read."""
    return isinstance(response, HtmlResponse | XmlResponse)


def not_html_message(response: Response) -> str:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or "none"
    return f"not an HTML page (Content-Type: {content_type})"


def error_record(
    blog_url: str, code: str, stage: str, message: str, article_url: str = ""
) -> BlogRecord:
    """A record for a blog that ended in an error; ``stage`` says index or article."""
    return BlogRecord(
        blog_url=blog_url, article_url=article_url, status=code, error=f"{stage}: {message}"
    )

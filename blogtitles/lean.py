"""Scrapy components that do what Scrapy's do, for less CPU per page (``make bench`` measures it).

At a few pages per blog and thousands of blogs, the crawl is CPU-bound, and Scrapy's own work per
request is most of it. Each class here replaces one Scrapy component through its documented
setting, keeps its behaviour, and skips work this project does not need:

- :class:`QuietLogFormatter` (``LOG_FORMATTER``): the two DEBUG lines per page ("Crawled",
  "Scraped") are not built when ``LOG_LEVEL`` would drop them anyway. Scrapy sets the root
  logger to let everything through and filters at its handler, so otherwise every page pays for
  two log records that nobody sees.
- :class:`PlainStatsCollector` (``STATS_CLASS``): Scrapy 2.19's collector wraps every attribute
  access (to warn about a deprecated ``spider`` argument), raising and catching an exception on
  each internal one; the crawl updates stats a dozen times per page.
- :class:`QuickMetaRefreshMiddleware` (in place of Scrapy's ``MetaRefreshMiddleware``): looks for
  the word "refresh" before running Scrapy's regular expressions over the page's head.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.logformatter import LogFormatter
from scrapy.statscollectors import MemoryStatsCollector

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.logformatter import LogFormatterResult
    from twisted.python.failure import Failure

#: Scrapy's meta refresh search covers the first 4096 characters of the page.
_HEAD_CHARS = 4096
_REFRESH = re.compile("refresh", re.IGNORECASE)


class QuietLogFormatter(LogFormatter):
    """Scrapy's log formatter; the per-page DEBUG lines only when ``LOG_LEVEL`` shows them."""

    def __init__(self, debug: bool = True) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        level = logging.getLevelName(str(crawler.settings.get("LOG_LEVEL", "DEBUG")).upper())
        return cls(debug=not isinstance(level, int) or level <= logging.DEBUG)

    def crawled(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider
    ) -> LogFormatterResult | None:
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(  # type: ignore[override]
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        return super().scraped(item, response, spider) if self.debug else None


class PlainStatsCollector(MemoryStatsCollector):
    """Scrapy's in-memory stats collector with plain attribute access (same methods, same
    stats; a ``spider`` argument is accepted and ignored, without Scrapy's deprecation warning).
    """

    __getattribute__ = object.__getattribute__


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware``, skipping pages whose head has no "refresh" at all."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not _REFRESH.search(
            response.text, 0, _HEAD_CHARS
        ):
            return response
        return super().process_response(request, response)

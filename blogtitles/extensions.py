"""Extensions: the end-of-run summary that must add up, progress while crawling, quieter logs.

:class:`QuietLogFormatter` is Scrapy's ``LOG_FORMATTER``, minus the two DEBUG lines per page
("Crawled", "Scraped") when ``LOG_LEVEL`` would drop them anyway: Scrapy sets the root logger to
let everything through and filters at its handler, so otherwise every page pays for two log
records that nobody sees.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.logformatter import LogFormatter
from scrapy.utils.asyncio import create_looping_call

from blogtitles import accounting

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.logformatter import LogFormatterResult
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class CrawlSummary:
    """Counts records by status, and at the end logs the summary and checks that it adds up.

    The verdict is the stat ``blogtitles/summary/balanced``; the project's ``crawl`` command
    exits non-zero when it is false.
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_scraped(self, item: Any) -> None:
        status = ItemAdapter(item).get("status") or "unknown"
        self.stats.inc_value(accounting.RECORDS_PREFIX + str(status))

    def spider_closed(self, reason: str) -> None:
        summary = accounting.Summary.from_stats(self.stats.get_stats())
        self.stats.set_value(accounting.BALANCED, summary.balanced)
        level = logging.INFO if summary.balanced else logging.ERROR
        logger.log(level, "Summary (%s):\n  %s", reason, "\n  ".join(summary.lines()))


class CrawlProgress:
    """Blogs done out of the total, rate and errors so far.

    On a terminal a live line on stderr, refreshed every ``BLOGTITLES_PROGRESS_LIVE_INTERVAL``
    seconds; otherwise a log line every ``BLOGTITLES_PROGRESS_INTERVAL`` seconds (0: off).
    """

    def __init__(self, stats: StatsCollector, interval: float, live: bool, stream: TextIO) -> None:
        self.stats = stats
        self.interval = interval
        self.live = live
        self.stream = stream
        self.started = time.monotonic()
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        live_setting = settings.get("BLOGTITLES_PROGRESS_LIVE")
        live = (
            sys.stderr.isatty()
            if live_setting == "auto"
            else settings.getbool("BLOGTITLES_PROGRESS_LIVE")
        )
        interval = settings.getfloat(
            "BLOGTITLES_PROGRESS_LIVE_INTERVAL" if live else "BLOGTITLES_PROGRESS_INTERVAL"
        )
        if interval <= 0:
            raise NotConfigured("progress interval is 0")
        extension = cls(crawler.stats, interval, live, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.task = create_looping_call(self.report)
        self.task.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.live:
            self.report()
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        """``1234/2000 blogs (61.7%), 412.3 blogs/s, 12 errors``."""
        summary = accounting.Summary.from_stats(self.stats.get_stats())
        done = summary.accounted
        total = summary.inputs_expected
        elapsed = max(time.monotonic() - self.started, 1e-9)
        share = f"/{total} blogs ({100 * done / total:.1f}%)" if total else " blogs"
        errors = sum(summary.errors.values())
        return f"{done}{share}, {done / elapsed:.1f} blogs/s, {errors} errors"

    def report(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K[blogtitles] " + self.line())
            self.stream.flush()
        else:
            logger.info("Progress: %s", self.line())


class OneLineRobotsErrors:
    """Scrapy's robots.txt middleware logs every failed robots.txt download at ERROR with a full
    traceback (a blog whose host does not resolve gives two screens of it). The blog's own record
    says what went wrong; here that log line keeps its message and loses the traceback, and
    becomes a WARNING. Off with ``BLOGTITLES_ONE_LINE_ROBOTS_ERRORS = False``.
    """

    LOGGER = "scrapy.downloadermiddlewares.robotstxt"

    def __init__(self) -> None:
        self.filter = _OneLine()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("BLOGTITLES_ONE_LINE_ROBOTS_ERRORS"):
            raise NotConfigured("BLOGTITLES_ONE_LINE_ROBOTS_ERRORS is off")
        extension = cls()
        logging.getLogger(cls.LOGGER).addFilter(extension.filter)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_stopped(self) -> None:
        logging.getLogger(self.LOGGER).removeFilter(self.filter)


class _OneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.levelno >= logging.ERROR:
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietLogFormatter(LogFormatter):
    """Scrapy's log formatter; the per-page DEBUG lines only when ``LOG_LEVEL`` shows them."""

    def __init__(self, debug: bool = True) -> None:
        self.debug = debug

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        level = logging.getLevelName(str(crawler.settings.get("LOG_LEVEL")).upper())
        return cls(debug=not isinstance(level, int) or level <= logging.DEBUG)

    def crawled(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider
    ) -> LogFormatterResult | None:
        return super().crawled(request, response, spider) if self.debug else None

    def scraped(  # type: ignore[override]
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult | None:
        return super().scraped(item, response, spider) if self.debug else None

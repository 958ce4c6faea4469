"""``scrapy crawl``, plus: a one-line error for an unreadable blog list, and a non-zero exit code
when the end-of-run summary does not add up (a blog without its record)."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from blogtitles import accounting
from blogtitles.extract import SiteRuleError
from blogtitles.guard import GuardConfigError
from blogtitles.inputs import InputListError
from blogtitles.rendering import RenderConfigError

logger = logging.getLogger(__name__)

#: Problems with what the user gave (list file, arguments, rules file): one line, no traceback.
STARTUP_ERRORS = (InputListError, SiteRuleError, RenderConfigError, GuardConfigError)

if TYPE_CHECKING:
    import argparse

    from twisted.python.failure import Failure


class Command(ScrapyCrawlCommand):
    """Scrapy's ``crawl`` command; exit code 1 when bootstrap failed or the summary is off."""

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name exactly one spider: scrapy crawl blogs")
        assert self.crawler_process
        crawler = self.crawler_process.create_crawler(args[0])
        finished = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(finished, asyncio.Future):  # AsyncCrawlerProcess (Scrapy's default)
            finished.add_done_callback(self._report_bad_input_task)
        else:  # CrawlerProcess (TWISTED_REACTOR_ENABLED with another reactor)
            finished.addErrback(self._report_bad_input)
        self.crawler_process.start()
        balanced = True
        if getattr(crawler, "spider", None) is not None:
            balanced = bool(crawler.stats.get_value(accounting.BALANCED, True))
        if self.crawler_process.bootstrap_failed or not balanced:
            self.exitcode = 1

    def _report_bad_input(self, failure: Failure) -> Any:
        """An unreadable blog list ends the run with one line on stderr, not a traceback."""
        if failure.check(*STARTUP_ERRORS):
            self._report(failure.value)
            return None
        return failure

    def _report(self, error: BaseException) -> None:
        """One line: in the log (a Scrapyd job's log file, say), and on stderr when the log goes
        to a file, so a terminal user sees it too."""
        logger.error("Cannot start: %s", error)
        if self.settings.get("LOG_FILE"):
            print(f"error: {error}", file=sys.stderr)

    def _report_bad_input_task(self, task: asyncio.Future[Any]) -> None:
        """The same for the asyncio task of ``AsyncCrawlerProcess``; other errors keep their
        traceback (asyncio logs them)."""
        if task.cancelled():
            return
        error = task.exception()  # retrieved: asyncio will not print it again
        if isinstance(error, STARTUP_ERRORS):
            self._report(error)
        elif error is not None:
            task.get_loop().call_exception_handler(
                {"message": "Crawl failed", "exception": error, "future": task}
            )

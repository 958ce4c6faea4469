"""Scrapy's robots.txt middleware, told what a failed robots.txt says about its host.

Scrapy fetches a host's ``/robots.txt`` before its first page; when that fetch fails, it logs the
error and sends the page's request anyway. For a host that hangs, that is a second full wait
(``DOWNLOAD_TIMEOUT``, retried: 4 x the timeout in all, measured in ``make bench``'s web
workload); for one that refuses connections or whose name does not resolve, a second failure of
the same kind. :class:`HostDownRobotsTxtMiddleware` fails the page's request at once with the
error robots.txt met when that error is one of those (``timeout``, ``connection_refused``,
``dns_error``, ``tls_error``: the host's certificate is the same for its pages): the blog's
record says the same, sooner. Other failures (a lost connection, an HTTP error) leave the page
to be tried, as before.

Relies on Scrapy's private ``RobotsTxtMiddleware._robots_error(exc, netloc)``, called once per
host whose robots.txt fetch failed (Scrapy 2.13-2.19). Remove when Scrapy lets a failed
robots.txt fail its host's requests (no such option upstream as of 2.19).

It also keeps at most ``BLOGTITLES_ROBOTS_CACHE_SIZE`` hosts' parsed robots.txt: Scrapy keeps
every host's for the whole crawl (private ``RobotsTxtMiddleware._parsers``, a dict by host; no
upstream issue), about 1.2 KB each with Protego, 120 MB at 100,000 blogs on their own hosts. A
blog's requests follow each other within seconds, so the oldest hosts' parsers are forgotten
first (never one still being fetched); a host asked again after that has its robots.txt
fetched again.
"""

from __future__ import annotations

import itertools
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from blogtitles import errors

#: What a failed robots.txt says of its whole host.
HOST_DOWN: frozenset[str] = frozenset(
    {errors.TIMEOUT, errors.CONNECTION_REFUSED, errors.DNS_ERROR, errors.TLS_ERROR}
)


class HostDownRobotsTxtMiddleware(RobotsTxtMiddleware):
    """``RobotsTxtMiddleware`` whose host-down failures fail the host's pages too, keeping at
    most ``BLOGTITLES_ROBOTS_CACHE_SIZE`` hosts' robots.txt (0: every host's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._down: dict[str, Exception] = {}
        self._keep = self.crawler.settings.getint("BLOGTITLES_ROBOTS_CACHE_SIZE")

    async def robot_parser(self, request: Request) -> Any:
        parser = await super().robot_parser(request)
        if self._keep and len(self._parsers) > self._keep:
            self._forget_oldest(len(self._parsers) - self._keep)
        return parser

    def _forget_oldest(self, count: int) -> None:
        """Forget the ``count`` oldest hosts (the dict keeps insertion order) whose robots.txt
        is settled: parsed, or failed (then what the failure said of the host too)."""
        window = itertools.islice(self._parsers.items(), count + 64)
        settled = [netloc for netloc, value in window if not isinstance(value, Deferred)]
        for netloc in settled[:count]:
            del self._parsers[netloc]
            self._down.pop(netloc, None)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if errors.classify_failure(exc)[0] in HOST_DOWN:
            self._down[netloc] = exc
        super()._robots_error(exc, netloc)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        await super().process_request(request)
        down = self._down.get(urlparse_cached(request).netloc)
        if down is not None and not request.meta.get("dont_obey_robotstxt"):
            request.meta["dont_retry"] = True  # robots.txt was retried already
            raise down

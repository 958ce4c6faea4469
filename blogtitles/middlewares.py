"""Downloader middlewares: the address guard's checks before a request is sent, Scrapy's
meta refresh with a cheap pre-check, and ``Retry-After`` honoured before a retry.

**Address guard.** Safe by default: no connection to a private, loopback, link-local or otherwise
internal address (the table: :mod:`blogtitles.guard.addresses`). A blog list may come from anyone
(a Scrapyd ``schedule.json`` call, a shared file): without the guard, a URL such as
``http://169.254.169.254/`` would make the crawler fetch internal services (SSRF).

Names are checked where the connection is made, by the HTTP handler's resolver
(:mod:`blogtitles.compat.downloader`), so the address checked is the address connected to. Here,
before a request is sent: an address written in the URL (no lookup happens for it); a page
going to a renderer (looked up now, refused when the lookup fails); a request to the Splash
endpoint that is not a render; a proxy on a request. At start, a crawl with the guard on refuses
to run with a proxy (``http_proxy``/``https_proxy``, ``BLOGTITLES_RENDER_PROXY``) or another
HTTP download handler: both would connect where the guard cannot look.
Switch the guard off only for lists you trust (``BLOGTITLES_ALLOW_PRIVATE_ADDRESSES``), or allow
some internal networks (``BLOGTITLES_ALLOWED_NETWORKS``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import urllib.request
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from blogtitles import accounting
from blogtitles.errors import ForbiddenAddress, ForbiddenAddressError
from blogtitles.guard import AddressPolicy, GuardConfigError
from blogtitles.guard.addresses import splash_endpoint
from blogtitles.guard.lookup import address_of
from blogtitles.rendering import RENDERED

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

#: The download handlers the guard holds with: the project's own (its resolver checks).
GUARDED_HANDLERS = (
    "blogtitles.compat.downloader.AiohttpHandler",
    "blogtitles.rendering.backends.BrowserOrPlainHandler",
)


def bypass(settings: BaseSettings) -> str:
    """What in the settings or environment would let requests past the guard (``""``: none)."""
    proxies = urllib.request.getproxies() if settings.getbool("HTTPPROXY_ENABLED") else {}
    if proxy := proxies.get("https") or proxies.get("http"):
        return f"a proxy is set in the environment ({proxy}): it would resolve the names"
    if settings.get("BLOGTITLES_RENDER_PROXY"):
        return "BLOGTITLES_RENDER_PROXY is set: the renderer's proxy would resolve the names"
    if settings.getdict("BLOGTITLES_SPLASH_ARGS").get("proxy"):
        return "BLOGTITLES_SPLASH_ARGS has a proxy: it would resolve the names"
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    for scheme in ("http", "https"):
        handler = handlers.get(scheme)
        if handler is not None and handler not in GUARDED_HANDLERS:
            return f"DOWNLOAD_HANDLERS[{scheme!r}] is {handler}, which the guard does not check"
    return ""


class AddressGuardMiddleware:
    """Downloader middleware: the guard's checks before a request is sent (module docstring)."""

    def __init__(self, crawler: Crawler, policy: AddressPolicy) -> None:
        self.crawler = crawler
        self.policy = policy
        #: ``host:port`` of the user's Splash (often on a private network): render requests to
        #: it pass; anything else aimed at it is refused.
        splash = splash_endpoint(crawler.settings)
        self.renderer = f"{splash[0]}:{splash[1]}" if splash else ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        policy = AddressPolicy.from_settings(crawler.settings)
        if policy is None:
            raise NotConfigured("BLOGTITLES_ALLOW_PRIVATE_ADDRESSES is on")
        if policy.guard and (why := bypass(crawler.settings)):
            raise GuardConfigError(
                f"{why}, and the address guard is on: unset it, or turn the guard off for a "
                "trusted list (BLOGTITLES_ALLOW_PRIVATE_ADDRESSES)"
            )
        return cls(crawler, policy)

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if self.renderer and f"{(parts.hostname or '').lower()}:{port}" == self.renderer:
            if request.meta.get("_splash_processed"):  # scrapy-splash's own render request
                return
            if self.policy.guard:
                raise ForbiddenAddress(f"{parts.netloc} is the renderer's endpoint: refused")
        if self.policy.guard and request.meta.get("proxy"):
            raise ForbiddenAddress(f"a proxy on the request ({request.meta['proxy']}): refused")
        host = parts.hostname or ""
        try:
            address = str(ipaddress.ip_address(host.strip("[]")))
        except ValueError:
            if not request.meta.get(RENDERED):
                return  # a name: checked where the connection is made (the resolver)
            address = await self._resolve(host)  # the renderer connects: check it now
        try:
            self.policy.enforce(host, address, self.crawler.stats)
        except ForbiddenAddressError as exc:
            raise ForbiddenAddress(str(exc)) from exc

    async def _resolve(self, host: str) -> str:
        """The address of a page going to a renderer; a failed lookup fails the request."""
        try:
            return await address_of(host)
        except Exception as exc:
            raise DNSLookupError(f"DNS lookup failed: {host}: {exc}") from exc


#: Scrapy's meta refresh search covers the first 4096 characters of the page.
_HEAD_CHARS = 4096
_REFRESH = re.compile("refresh", re.IGNORECASE)


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


logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """The wait a ``Retry-After`` header asks for: seconds, or until an HTTP date; ``None`` when
    absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """A ``429 Too Many Requests`` or ``503 Service Unavailable`` with a ``Retry-After`` waits
    what it asks before Scrapy's ``RetryMiddleware`` retries (which would retry at once), up to
    ``BLOGTITLES_RETRY_AFTER_MAX`` seconds; a longer wait is not retried at all: the blog gets
    its ``http_429``/``http_503`` record now rather than hours later. Off with the setting at 0.

    The wait holds one of the crawl's ``CONCURRENT_REQUESTS``, not its other requests.
    """

    def __init__(self, limit: float, max_retries: int, stats: StatsCollector) -> None:
        self.limit = limit
        self.max_retries = max_retries
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        limit = crawler.settings.getfloat("BLOGTITLES_RETRY_AFTER_MAX")
        if limit <= 0 or not crawler.settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("BLOGTITLES_RETRY_AFTER_MAX is 0 or retries are off")
        return cls(limit, crawler.settings.getint("RETRY_TIMES"), crawler.stats)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in (429, 503) or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"), datetime.now(UTC))
        if wait is None:
            return response
        if request.meta.get("retry_times", 0) >= request.meta.get(
            "max_retry_times", self.max_retries
        ):
            return response  # no retry follows: nothing to wait for
        if wait > self.limit:
            logger.info(
                "%s asks to retry after %.0f s (more than BLOGTITLES_RETRY_AFTER_MAX): not retried",
                request.url,
                wait,
            )
            request.meta["dont_retry"] = True
            return response
        self.stats.inc_value(accounting.RETRY_AFTER_WAITS)
        self.stats.inc_value(accounting.RETRY_AFTER_SECONDS, wait)
        await asyncio.sleep(wait)
        return response

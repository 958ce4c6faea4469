"""Downloader middlewares: the address guard, and Scrapy's meta refresh with a cheap pre-check.

**Address guard.** Safe by default: no request to a private, loopback, link-local or otherwise
internal address.

A blog list may come from anyone (a Scrapyd ``schedule.json`` call, a shared file). Without this
guard, a URL such as ``http://169.254.169.254/`` or ``http://localhost:6800/`` would make the
crawler fetch internal services (SSRF). The check runs after DNS resolution, so a public name that
resolves to an internal address is refused too, and the download uses the same cached answer.
Switch it off only for lists you trust, or to crawl a server on this machine (the sample farm):
``-s BLOGTITLES_ALLOW_PRIVATE_ADDRESSES=True``.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from blogtitles.errors import ForbiddenAddress
from blogtitles.rendering import renderer_host

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response


def is_internal(address: str) -> bool:
    """Whether an IP address is one a public blog cannot have."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


class AddressGuardMiddleware:
    """Downloader middleware: refuse requests whose host resolves to an internal address."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # The renderer the user configured (their Splash, often on a private network) is not a
        # blog: requests to it pass. The page itself was checked before it went to Splash.
        self.renderer = renderer_host(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if crawler.settings.getbool("BLOGTITLES_ALLOW_PRIVATE_ADDRESSES"):
            raise NotConfigured("BLOGTITLES_ALLOW_PRIVATE_ADDRESSES is on")
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if self.renderer and urlparse_cached(request).netloc.lower() == self.renderer:
            return
        host = urlparse_cached(request).hostname or ""
        try:
            address = str(ipaddress.ip_address(host.strip("[]")))
        except ValueError:
            address = await self._resolve(host)
            if not address:
                return  # unresolvable: the download fails with dns_error, as it should
        if is_internal(address):
            self.crawler.stats.inc_value("blogtitles/address_guard/refused")
            raise ForbiddenAddress(
                f"{host} is {address}, an internal address: refused by the address guard"
            )

    async def _resolve(self, host: str) -> str:
        from twisted.internet import reactor

        try:
            return str(await maybe_deferred_to_future(reactor.resolve(host)))  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - any DNS failure is for the download to report
            return ""


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

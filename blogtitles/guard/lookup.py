"""A host's address by the crawl's resolver: the one lookup every check of the guard uses."""

from __future__ import annotations

import contextlib
import ipaddress

from scrapy.utils.defer import maybe_deferred_to_future


async def address_of(host: str) -> str:
    """``host``'s address by the reactor's resolver (``TWISTED_DNS_RESOLVER``, with Scrapy's
    cache and timeout); an IP literal as it is. A failed lookup raises."""
    from twisted.internet import reactor

    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host.strip("[]")))
    return str(await maybe_deferred_to_future(reactor.resolve(host)))  # type: ignore[attr-defined]

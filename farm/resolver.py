"""A DNS resolver for farm runs: ``*.farm.test`` and ``*.fixtures.test`` are 127.0.0.1, every
other name fails.

Enable it with ``-s TWISTED_DNS_RESOLVER=farm.resolver.FarmResolver``. It gives each
sample blog its own host name (so per-host concurrency and robots.txt work as on the web), lets
the farm have a blog whose name does not resolve (``nxdomain.farm.test``), and guarantees that a
farm crawl never sends a packet off the machine: names outside ``.farm.test`` and addresses
outside 127.0.0.0/8 are refused.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from farm.catalog import DOMAIN
from farm.fixtures import FIXTURE_DOMAIN

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Self

LOOPBACK = "127.0.0.1"
#: The settings of every crawl of the farm (demo, tests, bench): this resolver; the address
#: guard off, the farm being on 127.0.0.1; and the loopback-only check on, so that no regression
#: can reach another address (the crawl would log it CRITICAL and exit 1).
FARM_SETTINGS = {
    "TWISTED_DNS_RESOLVER": "farm.resolver.FarmResolver",
    "BLOGTITLES_ALLOW_PRIVATE_ADDRESSES": True,
    "BLOGTITLES_LOOPBACK_ONLY": True,
}
#: Names under the farm domain that deliberately do not resolve.
UNRESOLVABLE_PREFIX = "nxdomain"


def resolve_farm_name(name: str) -> str | None:
    """The address of ``name`` in a farm run, or ``None`` when it must not resolve."""
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return str(address) if address.is_loopback else None
    name = name.lower().rstrip(".")
    if name == "localhost":
        return LOOPBACK
    farm_name = name.endswith(("." + DOMAIN, "." + FIXTURE_DOMAIN))
    if farm_name and not name.startswith(UNRESOLVABLE_PREFIX):
        return LOOPBACK
    return None


@implementer(IResolverSimple)
class FarmResolver:
    """Scrapy ``TWISTED_DNS_RESOLVER`` for crawls of the sample farm."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> Self:
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802
        address = resolve_farm_name(name)
        if address is None:
            return defer.fail(DNSLookupError(f"{name} does not resolve (farm resolver)"))
        return defer.succeed(address)

"""``TWISTED_DNS_RESOLVER = "blogtitles.network.dns.NameServerResolver"`` (the project's
default): names resolved by ``/etc/hosts``, then by the DNS servers in
``BLOGTITLES_DNS_SERVERS`` (``["10.0.0.2:53"]``; empty: those of ``/etc/resolv.conf``),
asynchronously.

Scrapy's default resolver runs the system's ``getaddrinfo`` in the reactor's thread pool
(``REACTOR_THREADPOOL_MAXSIZE``, 10 threads): with thousands of distinct hosts and real DNS
latency, at most 10 lookups are in flight, so lookups a second are capped at 10 / latency. This
one sends its queries with Twisted Names, as many in flight as the crawl has downloads
(``make bench``: 1,283 lookups a second with 32 threads against 6,394 this way, at 20 ms a DNS
answer; a crawl of C = 100 downloads at 150 ms a page needs 667), and keeps
Scrapy's DNS cache (``DNSCACHE_ENABLED``, ``DNSCACHE_SIZE``) and timeout (``DNS_TIMEOUT``). It
answers only IPv4 (``A``) as Scrapy's default does. The address guard checks what it returns as
it checks any resolver's answer (:class:`blogtitles.compat.downloader.ReactorResolver`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.resolver import dnscache
from twisted.internet import defer
from twisted.internet.interfaces import IResolverSimple
from twisted.names import client, hosts
from zope.interface import implementer

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Self

    from scrapy.crawler import Crawler


class DnsServersError(ValueError):
    """``BLOGTITLES_DNS_SERVERS`` names something that is not ``host:port`` (or ``host``)."""


def parse_servers(values: Sequence[str]) -> list[tuple[str, int]]:
    """``["127.0.0.1:5353", "::1", "[::1]:53"]`` -> ``[("127.0.0.1", 5353), ("::1", 53), ...]``."""
    servers = []
    for value in values:
        text = str(value).strip()
        host, port = text, "53"
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            port = rest.removeprefix(":") or "53"
        elif text.count(":") == 1:
            host, port = text.split(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise DnsServersError(f"BLOGTITLES_DNS_SERVERS: {value!r} is not host:port")
        servers.append((host, int(port)))
    return servers


@implementer(IResolverSimple)
class NameServerResolver:
    """Scrapy's resolver interface over Twisted Names, with Scrapy's DNS cache in front."""

    def __init__(
        self,
        reactor: Any,
        servers: list[tuple[str, int]],
        timeout: float,
        cache_size: int = 10000,
        hosts_file: str = "/etc/hosts",
    ) -> None:
        self.reactor = reactor
        self.timeout = timeout
        dnscache.limit = cache_size
        resolv = None if servers else "/etc/resolv.conf"
        self.hosts = hosts.Resolver(file=hosts_file.encode())
        self.client = client.Resolver(resolv=resolv, servers=servers or None, reactor=reactor)

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        settings = crawler.settings
        cache = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        servers = parse_servers(settings.getlist("BLOGTITLES_DNS_SERVERS"))
        return cls(reactor, servers, settings.getfloat("DNS_TIMEOUT"), cache)

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802 - Twisted's name
        if name in dnscache:
            return defer.succeed(dnscache[name])
        found = self.hosts.getHostByName(name)
        found.addErrback(lambda _: self.ask_dns(name))
        if dnscache.limit:
            found.addCallback(self._cache, name)
        return found

    def ask_dns(self, name: str) -> defer.Deferred[str]:
        """One try of ``DNS_TIMEOUT`` seconds, as Scrapy's resolver (Twisted's default would try
        for 1, 3, 11 and 45 seconds)."""
        return self.client.getHostByName(name, timeout=(self.timeout,))  # type: ignore[arg-type]

    @staticmethod
    def _cache(address: str, name: str) -> str:
        dnscache[name] = address
        return address

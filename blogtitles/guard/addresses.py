"""Which IP addresses a crawl may connect to: pure functions, no network.

An address is *internal* when it is not globally routable: private, loopback, link-local,
shared (CGNAT), reserved, documentation, multicast, the IETF protocol block ``192.0.0.0/24``,
IPv6 site-local ``fec0::/10``, and any IPv6 address that carries an internal IPv4 address
(IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96`` and
``64:ff9b:1::/48``, 6to4 ``2002::/16``, Teredo ``2001::/32``).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from blogtitles import accounting
from blogtitles.errors import ForbiddenAddressError, NotLoopbackError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_IETF_PROTOCOL: Final = ipaddress.ip_network("192.0.0.0/24")
_SITE_LOCAL: Final = ipaddress.ip_network("fec0::/10")
_NAT64: Final = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE: Final = ipaddress.ip_network("::/96")


class GuardConfigError(ValueError):
    """A setting that would let the guard be bypassed (a proxy, another download handler), or
    that a Scrapyd job may not set for itself: the crawl does not start."""


def embedded_ipv4(ip: IPAddress) -> Iterator[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (none for an IPv4 address)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return
    if ip.ipv4_mapped is not None:
        yield ip.ipv4_mapped
    if ip.sixtofour is not None:
        yield ip.sixtofour
    if ip.teredo is not None:
        yield from ip.teredo  # the Teredo server, and the client's own address
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        yield ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


def is_internal(address: str) -> bool:
    """Whether an IP address is one a public blog cannot have (see the module docstring)."""
    ip = ipaddress.ip_address(address.strip("[]"))
    if any(is_internal(str(inner)) for inner in embedded_ipv4(ip)):
        return True
    if ip in _IETF_PROTOCOL or ip in _SITE_LOCAL:
        return True
    return not ip.is_global or ip.is_multicast


def is_loopback(address: str) -> bool:
    """127.0.0.0/8 or ::1 (also written as ``::ffff:127.x.y.z``)."""
    ip = ipaddress.ip_address(address.strip("[]"))
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def splash_endpoint(settings: BaseSettings) -> tuple[str, int] | None:
    """``(host, port)`` of the user's Splash when it renders (``BLOGTITLES_RENDERER=splash``):
    a service of theirs, often on a private network, that the guard lets the crawl reach."""
    if str(settings.get("BLOGTITLES_RENDERER")).strip().lower() != "splash":
        return None
    parts = urlsplit(str(settings.get("SPLASH_URL")))
    if not parts.hostname:
        return None
    return parts.hostname.lower(), parts.port or (443 if parts.scheme == "https" else 80)


@dataclass(frozen=True)
class AddressPolicy:
    """What a crawl may connect to: with the guard on (``guard``), no internal address but those
    in ``allowed``; with ``loopback_only`` (tests, demo, benchmark), nothing but loopback."""

    guard: bool = True
    allowed: tuple[Network, ...] = ()
    loopback_only: bool = False
    #: ``(host, port)`` endpoints the guard lets through (the user's Splash).
    trusted: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> AddressPolicy | None:
        """The crawl's policy; ``None`` when nothing is checked (guard off, not loopback-only)."""
        guard = not settings.getbool("BLOGTITLES_ALLOW_PRIVATE_ADDRESSES")
        loopback_only = settings.getbool("BLOGTITLES_LOOPBACK_ONLY")
        if not guard and not loopback_only:
            return None
        allowed = parse_networks(settings.getlist("BLOGTITLES_ALLOWED_NETWORKS"))
        splash = splash_endpoint(settings)
        trusted = frozenset([splash] if splash else [])
        return cls(guard=guard, allowed=allowed, loopback_only=loopback_only, trusted=trusted)

    def check(self, host: str, address: str, port: int = 0) -> None:
        """Raise :class:`ForbiddenAddressError` when ``host``'s ``address`` is refused
        (:class:`NotLoopbackError` when it leaves the machine in a loopback-only run)."""
        if self.loopback_only and not is_loopback(address):
            why = "not a loopback address, and this run is loopback-only"
            raise NotLoopbackError(f"{host} is {address}, {why} (BLOGTITLES_LOOPBACK_ONLY)")
        if (host.lower(), port) in self.trusted:
            return
        ip = ipaddress.ip_address(address.strip("[]"))
        if self.guard and is_internal(address) and not any(ip in net for net in self.allowed):
            why = "an internal address: refused by the address guard"
            raise ForbiddenAddressError(f"{host} is {address}, {why}")

    def refuses(self, host: str, address: str) -> bool:
        """Whether :meth:`check` refuses it."""
        try:
            self.check(host, address)
        except ForbiddenAddressError:
            return True
        return False

    def enforce(self, host: str, address: str, stats: StatsCollector, port: int = 0) -> None:
        """:meth:`check`, counted in the stats; leaving a loopback-only run is logged CRITICAL
        and fails the run's summary (a test, the demo or the benchmark must never do it)."""
        try:
            self.check(host, address, port)
        except NotLoopbackError as exc:
            logger.critical("%s: refused", exc)
            stats.inc_value(accounting.NOT_LOOPBACK)
            raise
        except ForbiddenAddressError:
            stats.inc_value(accounting.GUARD_REFUSED)
            raise


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``BLOGTITLES_ALLOWED_NETWORKS``: CIDR blocks (``10.20.0.0/16``, ``fd00:1::/64``)."""
    try:
        return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)
    except ValueError as exc:
        raise GuardConfigError(f"BLOGTITLES_ALLOWED_NETWORKS: {exc}") from None

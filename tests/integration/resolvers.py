"""DNS resolvers for the guard's tests (``TWISTED_DNS_RESOLVER``): each answers with loopback
addresses only, in the ways that used to get past the guard."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from farm.resolver import resolve_farm_name

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Self


@implementer(IResolverSimple)
class _CountingResolver:
    """A resolver that knows how often each name was asked."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor
        self.asked: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> Self:
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802
        self.asked[name] += 1
        address = self.answer(name, self.asked[name])
        if address is None:
            return defer.fail(DNSLookupError(f"{name}: no answer this time"))
        return defer.succeed(address)

    def answer(self, name: str, nth: int) -> str | None:
        raise NotImplementedError


class FailsFirstResolver(_CountingResolver):
    """Fails every name's first lookup, then gives the farm's answer (127.0.0.1)."""

    def answer(self, name: str, nth: int) -> str | None:
        return None if nth == 1 else resolve_farm_name(name)


class TwoFacedResolver(_CountingResolver):
    """Answers 127.0.0.2 and 127.0.0.1 in turn for every farm name: a check and a connection
    that looked up separately would see different addresses."""

    def answer(self, name: str, nth: int) -> str | None:
        if resolve_farm_name(name) is None:
            return None
        return "127.0.0.2" if nth % 2 else "127.0.0.1"

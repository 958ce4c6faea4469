"""The HTTP handler: its resolver (where the address guard checks what the connection will use)
and the TLS read size it sets while open."""

from __future__ import annotations

import asyncio
import asyncio.sslproto

import pytest

from blogtitles.compat.downloader import AiohttpHandler, ReactorResolver, TLSReadBuffer
from blogtitles.errors import ForbiddenAddressError
from blogtitles.guard import AddressPolicy
from blogtitles.guard.addresses import parse_networks
from tests.conftest import project_crawler


def two_faced(*answers: str):
    """An async lookup that gives ``answers`` in turn."""
    asked = iter(answers)

    async def lookup(host: str) -> str:
        return next(asked)

    return lookup


def resolve(resolver: ReactorResolver, host: str = "blog.test") -> str:
    return asyncio.run(resolver.resolve(host, 80))[0]["host"]


def test_the_address_returned_for_the_connection_is_the_one_checked() -> None:
    """Allowed first, internal second: each lookup is checked, and what is connected to is
    exactly what was checked (there is no second lookup in between)."""
    policy = AddressPolicy(allowed=parse_networks(["127.0.0.2/32"]))
    resolver = ReactorResolver(policy, project_crawler(), two_faced("127.0.0.2", "127.0.0.1"))
    assert resolve(resolver) == "127.0.0.2"
    with pytest.raises(ForbiddenAddressError, match=r"127\.0\.0\.1, an internal address"):
        resolve(resolver)


def test_a_failed_lookup_fails_the_connection() -> None:
    async def fails(host: str) -> str:
        raise OSError("no answer")

    resolver = ReactorResolver(AddressPolicy(), project_crawler(), fails)
    with pytest.raises(OSError, match="DNS lookup failed"):
        resolve(resolver)


def test_without_a_policy_nothing_is_checked() -> None:
    resolver = ReactorResolver(None, project_crawler(), two_faced("10.0.0.1"))
    assert resolve(resolver) == "10.0.0.1"


def test_the_tls_read_size_is_set_while_a_handler_is_open() -> None:
    python_own = asyncio.sslproto.SSLProtocol.max_size

    def handler(size: int) -> AiohttpHandler:
        return AiohttpHandler(project_crawler(settings={"BLOGTITLES_TLS_READ_BUFFER": size}))

    async def open_and_close() -> list[int]:
        seen = []
        http, https = handler(4096), handler(4096)  # one per scheme, as a crawl has them
        seen.append(asyncio.sslproto.SSLProtocol.max_size)
        await http.close()
        await http.close()  # a second close changes nothing
        seen.append(asyncio.sslproto.SSLProtocol.max_size)  # https still open
        await https.close()
        seen.append(asyncio.sslproto.SSLProtocol.max_size)
        python = handler(0)
        seen.append(asyncio.sslproto.SSLProtocol.max_size)
        await python.close()
        return seen

    assert asyncio.run(open_and_close()) == [4096, 4096, python_own, python_own]
    assert asyncio.sslproto.SSLProtocol.max_size == python_own
    assert project_crawler().settings.getint("BLOGTITLES_TLS_READ_BUFFER") == 16384


def test_a_negative_tls_read_size_is_refused() -> None:
    python_own = asyncio.sslproto.SSLProtocol.max_size
    with pytest.raises(ValueError, match="BLOGTITLES_TLS_READ_BUFFER"):
        TLSReadBuffer(-1)
    assert asyncio.sslproto.SSLProtocol.max_size == python_own
    assert TLSReadBuffer.holders == 0

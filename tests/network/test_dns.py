"""``BLOGTITLES_DNS_SERVERS`` as the resolver reads it (the resolver itself is tested against a
real DNS server on loopback in ``tests/integration/test_dns_resolver.py``)."""

from __future__ import annotations

import pytest

from blogtitles.network.dns import DnsServersError, parse_servers


def test_servers_with_and_without_ports() -> None:
    assert parse_servers(["127.0.0.1:5353", "127.0.0.1", "::1", "[::1]:5300"]) == [
        ("127.0.0.1", 5353),
        ("127.0.0.1", 53),
        ("::1", 53),
        ("::1", 5300),
    ]


@pytest.mark.parametrize("bad", ["", "127.0.0.1:", "127.0.0.1:99999", "host:port", "[::1]:x"])
def test_a_bad_server_is_a_clear_error(bad: str) -> None:
    with pytest.raises(DnsServersError, match="BLOGTITLES_DNS_SERVERS"):
        parse_servers([bad])

"""``BLOGTITLES_DNS_SERVERS`` as the resolver reads it (the resolver itself is tested against a
real DNS server on loopback in ``tests/integration/test_dns_resolver.py``)."""

from __future__ import annotations

from pathlib import Path

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


def test_a_name_in_the_hosts_file_is_answered_without_a_query(tmp_path: Path) -> None:
    """``/etc/hosts`` first, as the system's resolver: no DNS server is needed for it (the one
    named here is a loopback port where nothing answers)."""
    from twisted.internet import reactor

    from blogtitles.network.dns import NameServerResolver

    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 myblog.test\n", encoding="utf-8")
    resolver = NameServerResolver(reactor, [("127.0.0.1", 9)], timeout=1, hosts_file=str(hosts))
    answers: list[str] = []
    resolver.getHostByName("myblog.test").addCallback(answers.append)
    assert answers == ["127.0.0.1"]  # the hosts file answers synchronously


def test_it_is_the_projects_resolver() -> None:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert settings["TWISTED_DNS_RESOLVER"] == "blogtitles.network.dns.NameServerResolver"

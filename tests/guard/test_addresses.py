"""The address guard's table, as pure functions: no address here is ever put on the wire."""

from __future__ import annotations

import ipaddress

import pytest

from blogtitles.errors import ForbiddenAddressError, NotLoopbackError
from blogtitles.guard import AddressPolicy, GuardConfigError, embedded_ipv4, is_internal
from blogtitles.guard.addresses import parse_networks, splash_endpoint
from tests.conftest import project_crawler


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("::1", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", True),
        ("100.64.0.1", True),
        ("224.0.0.1", True),
        ("255.255.255.255", True),
        ("198.18.0.1", True),  # benchmarking
        ("192.0.2.1", True),  # documentation
        # The IETF protocol block, its globally routable exceptions included.
        ("192.0.0.1", True),
        ("192.0.0.9", True),
        # IPv6 forms that carry an internal IPv4 address.
        ("64:ff9b::7f00:1", True),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", True),  # NAT64 of 169.254.169.254
        ("64:ff9b:1::a00:1", True),  # local-use NAT64 of 10.0.0.1
        ("2002:7f00:1::", True),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", True),  # 6to4 of 169.254.169.254
        ("::127.0.0.1", True),  # IPv4-compatible
        ("::a9fe:a9fe", True),  # IPv4-compatible 169.254.169.254
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", True),  # Teredo, client 127.0.0.1
        ("fec0::1", True),  # site-local
        ("ff02::1", True),  # multicast
        ("::", True),
        ("93.184.216.34", False),
        ("2606:4700::1111", False),
        ("8.8.8.8", False),
        ("64:ff9b::5db8:d822", False),  # NAT64 of a public address
        ("2002:5db8:d822::1", False),  # 6to4 of a public address
    ],
)
def test_internal_addresses(address: str, internal: bool) -> None:
    assert is_internal(address) is internal


def test_embedded_ipv4_forms() -> None:
    def inner(text: str) -> list[str]:
        return [str(ip) for ip in embedded_ipv4(ipaddress.ip_address(text))]

    assert inner("::ffff:10.0.0.1") == ["10.0.0.1"]
    assert inner("2002:a00:1::") == ["10.0.0.1"]
    assert inner("64:ff9b::a00:1") == ["10.0.0.1"]
    assert inner("::a00:1") == ["10.0.0.1"]
    assert inner("::1") == []
    assert inner("10.0.0.1") == []


def test_allowed_networks_let_through_only_what_they_name() -> None:
    policy = AddressPolicy(allowed=parse_networks(["10.20.0.0/16"]))
    policy.check("intranet.test", "10.20.3.4")
    with pytest.raises(ForbiddenAddressError, match="refused by the address guard"):
        policy.check("other.test", "10.21.0.1")
    with pytest.raises(GuardConfigError):
        parse_networks(["not a network"])


def test_loopback_only_refuses_every_other_address_even_with_the_guard_off() -> None:
    policy = AddressPolicy(guard=False, loopback_only=True)
    policy.check("farm.test", "127.0.0.1")
    policy.check("farm.test", "::1")
    policy.check("farm.test", "::ffff:127.0.0.1")
    for address in ("10.0.0.1", "93.184.216.34", "::ffff:10.0.0.1", "2606:4700::1111"):
        with pytest.raises(NotLoopbackError, match="loopback-only"):
            policy.check("x.test", address)


def test_the_splash_endpoint_is_trusted_on_its_own_port_only() -> None:
    settings = {"BLOGTITLES_RENDERER": "splash", "SPLASH_URL": "http://splash.lan:8050"}
    policy = AddressPolicy.from_settings(project_crawler(settings=settings).settings)
    assert policy is not None and policy.trusted == {("splash.lan", 8050)}
    policy.check("splash.lan", "10.0.0.5", 8050)
    with pytest.raises(ForbiddenAddressError):
        policy.check("splash.lan", "10.0.0.5", 6379)
    assert splash_endpoint(project_crawler().settings) is None  # no renderer: nothing trusted


def test_no_policy_when_the_guard_is_off_and_the_run_is_not_loopback_only() -> None:
    settings = project_crawler(settings={"BLOGTITLES_ALLOW_PRIVATE_ADDRESSES": True}).settings
    assert AddressPolicy.from_settings(settings) is None


def test_leaving_a_loopback_only_run_is_loud(caplog: pytest.LogCaptureFixture) -> None:
    """Refused, logged CRITICAL, counted; and the run's summary then does not add up."""
    from blogtitles import accounting

    crawler = project_crawler()
    policy = AddressPolicy(guard=False, loopback_only=True)
    with pytest.raises(NotLoopbackError):
        policy.enforce("elsewhere.test", "10.0.0.1", crawler.stats)
    assert crawler.stats.get_value(accounting.NOT_LOOPBACK) == 1
    assert any(r.levelname == "CRITICAL" and "loopback-only" in r.message for r in caplog.records)
    stats = {accounting.INPUTS_READ: 1, accounting.RECORDS_PREFIX + "forbidden_address": 1}
    stats[accounting.NOT_LOOPBACK] = 1
    summary = accounting.Summary.from_stats(stats)
    assert not summary.balanced
    assert "OFF-LOOPBACK CONNECTIONS REFUSED" in "\n".join(summary.lines())


@pytest.mark.parametrize(
    "settings",
    [
        {"BLOGTITLES_RENDER_PROXY": "http://127.0.0.1:3128"},
        {"BLOGTITLES_SPLASH_ARGS": {"proxy": "http://127.0.0.1:3128"}},
        {
            "DOWNLOAD_HANDLERS": {
                "https": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"
            }
        },
    ],
)
def test_what_would_route_around_the_guard_is_named(settings: dict[str, object]) -> None:
    from blogtitles.middlewares import bypass

    assert bypass(project_crawler(settings=settings).settings)
    assert bypass(project_crawler().settings) == ""

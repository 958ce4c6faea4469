"""The farm's DNS server (farm/dns.py): its answers as a pure function, then the real server in
a child process on 127.0.0.1, asked over UDP and TCP with messages built by twisted.names."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from twisted.internet.task import Clock
from twisted.names import dns

from farm.dns import DnsProcess, FarmDNSServerFactory, Latency


def query_message(name: str, qtype: int = dns.A, message_id: int = 4321) -> bytes:
    message = dns.Message(id=message_id, recDes=True)
    message.queries = [dns.Query(name, qtype, dns.IN)]
    return message.toStr()


def parse(data: bytes) -> dns.Message:
    message = dns.Message()
    message.fromStr(data)
    return message


def ask_udp(port: int, name: str, qtype: int = dns.A) -> dns.Message:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(query_message(name, qtype), ("127.0.0.1", port))
        data, source = sock.recvfrom(4096)
    assert source == ("127.0.0.1", port)
    return parse(data)


def ask_tcp(port: int, name: str, qtype: int = dns.A) -> dns.Message:
    data = query_message(name, qtype)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(len(data).to_bytes(2, "big") + data)
        reader = sock.makefile("rb")
        length = int.from_bytes(reader.read(2), "big")
        return parse(reader.read(length))


def addresses(message: dns.Message) -> list[str]:
    return [answer.payload.dottedQuad() for answer in message.answers if answer.type == dns.A]


# -- the policy, in-process --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "qtype", "rcode", "answers"),
    [
        ("wordpress-00042.farm.test", dns.A, dns.OK, 1),
        ("WordPress-00042.Farm.Test.", dns.A, dns.OK, 1),
        ("hugo.fixtures.test", dns.A, dns.OK, 1),
        ("wordpress-00042.farm.test", dns.AAAA, dns.OK, 0),
        ("wordpress-00042.farm.test", dns.MX, dns.OK, 0),
        ("farm.test", dns.SOA, dns.OK, 1),
        ("farm.test", dns.A, dns.OK, 0),
        ("nxdomain.farm.test", dns.A, dns.ENAME, 0),
        ("nxdomain-x.farm.test", dns.AAAA, dns.ENAME, 0),
        ("example.com", dns.A, dns.EREFUSED, 0),
        ("localhost", dns.A, dns.EREFUSED, 0),
        ("farm.test.example.com", dns.A, dns.EREFUSED, 0),
        ("notfarm.test", dns.A, dns.EREFUSED, 0),
    ],
)
def test_answers(name: str, qtype: int, rcode: int, answers: int) -> None:
    got_rcode, got_answers, authority = FarmDNSServerFactory().answer(dns.Query(name, qtype))
    assert (got_rcode, len(got_answers)) == (rcode, answers)
    if rcode == dns.OK and qtype == dns.A and answers:
        assert got_answers[0].payload.dottedQuad() == "127.0.0.1"
    if rcode == dns.ENAME or (rcode == dns.OK and not answers):
        assert [record.type for record in authority] == [dns.SOA]  # negative answers carry it


def test_never_recurses() -> None:
    factory = FarmDNSServerFactory()
    assert not factory.canRecurse
    assert factory.resolver.resolvers == []


def test_latency_is_log_normal_around_the_median() -> None:
    assert Latency(0).draw() == 0
    assert Latency(40, 0).draw() == pytest.approx(0.040)
    latency = Latency(20, 0.5, seed=3)
    draws = [latency.draw() for _ in range(4000)]
    assert statistics.median(draws) == pytest.approx(0.020, rel=0.1)
    assert min(draws) > 0
    assert max(draws) > 0.05  # a tail


class Recorder:
    """A stand-in for a DNS protocol: keeps what the server writes."""

    transport = object()

    def __init__(self) -> None:
        self.sent: list[dns.Message] = []

    def writeMessage(self, message: dns.Message, address: object = None) -> None:  # noqa: N802
        self.sent.append(parse(message.toStr()))


def test_answers_wait_their_delay_side_by_side() -> None:
    clock = Clock()
    factory = FarmDNSServerFactory(Latency(50, 0), call_later=clock.callLater)
    protocol = Recorder()
    for index in range(3):
        request = parse(query_message(f"blog-{index}.farm.test", message_id=index))
        factory.messageReceived(request, protocol, ("127.0.0.1", 5000))
    assert protocol.sent == []
    assert factory.stats.pending == factory.stats.max_pending == 3
    clock.advance(0.049)
    assert protocol.sent == []
    clock.advance(0.002)
    assert [(message.id, message.answer, message.auth) for message in protocol.sent] == [
        (0, 1, 1),
        (1, 1, 1),
        (2, 1, 1),
    ]
    assert (factory.stats.answered, factory.stats.pending) == (3, 0)


def test_malformed_and_other_opcodes() -> None:
    factory = FarmDNSServerFactory()
    protocol = Recorder()
    empty = dns.Message(id=1)
    factory.messageReceived(empty, protocol, ("127.0.0.1", 5000))
    notify = dns.Message(id=2, opCode=dns.OP_NOTIFY)
    notify.queries = [dns.Query("farm.test", dns.SOA)]
    factory.messageReceived(notify, protocol, ("127.0.0.1", 5000))
    assert [(m.id, m.answer, m.rCode) for m in protocol.sent] == [
        (1, 1, dns.EFORMAT),
        (2, 1, dns.ENOTIMP),
    ]


# -- the real server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dns_server() -> Iterator[DnsProcess]:
    """No latency: quick answers."""
    with DnsProcess(median_ms=0) as server:
        yield server


@pytest.mark.integration
def test_farm_name_is_loopback(dns_server: DnsProcess) -> None:
    for ask in (ask_udp, ask_tcp):
        response = ask(dns_server.port, "wordpress-00042.farm.test")
        assert (response.rCode, response.answer, response.auth) == (dns.OK, 1, 1)
        assert response.id == 4321
        assert addresses(response) == ["127.0.0.1"]
        assert not response.recAv


@pytest.mark.integration
def test_nxdomain_and_aaaa(dns_server: DnsProcess) -> None:
    assert ask_udp(dns_server.port, "nxdomain-x.farm.test").rCode == dns.ENAME
    no_data = ask_udp(dns_server.port, "blog-00001.farm.test", dns.AAAA)
    assert (no_data.rCode, no_data.answers) == (dns.OK, [])


@pytest.mark.integration
def test_other_names_refused_at_once(dns_server: DnsProcess) -> None:
    """No upstream: the answer comes back REFUSED (from the server alone) and fast."""
    for name in ("example.com", "www.google.com", "localhost"):
        started = time.monotonic()
        response = ask_udp(dns_server.port, name)
        assert time.monotonic() - started < 1
        assert (response.rCode, response.answers, response.recAv) == (dns.EREFUSED, [], 0)


@pytest.mark.integration
def test_responses_are_not_answered(dns_server: DnsProcess) -> None:
    """A response sent to the server is dropped, not reflected."""
    response = dns.Message(id=7, answer=True)
    response.queries = [dns.Query("blog-00001.farm.test")]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        sock.sendto(response.toStr(), ("127.0.0.1", dns_server.port))
        with pytest.raises(TimeoutError):
            sock.recvfrom(4096)


@pytest.mark.integration
def test_latency_and_stats(tmp_path: Path) -> None:
    stats_file = tmp_path / "dns-stats.json"
    with DnsProcess(median_ms=50, sigma=0.5, seed=1, stats_file=stats_file) as server:
        timings = []
        for index in range(7):
            started = time.monotonic()
            assert addresses(ask_udp(server.port, f"blog-{index:05}.farm.test")) == ["127.0.0.1"]
            timings.append(time.monotonic() - started)
        assert statistics.median(timings) >= 0.025
        # 300 queries at once wait side by side: far less than 300 x 50 ms
        started = time.monotonic()
        answered = burst(server.port, 300)
        assert answered == 300
        assert time.monotonic() - started < 4
        assert ask_tcp(server.port, "example.com").rCode == dns.EREFUSED
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGUSR1)  # the stats file, while it runs
        deadline = time.monotonic() + 5
        while not stats_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert stats_file.exists()
        assert server.cpu() > 0
    assert server.stats is not None
    assert server.stats["answered"] == server.stats["received"] == 7 + 300 + 1
    assert (server.stats["udp"], server.stats["tcp"]) == (307, 1)
    assert server.stats["rcodes"] == {"NOERROR": 307, "REFUSED": 1}
    assert server.stats["max_pending"] > 50
    assert 25 < server.stats["mean_delay_ms"] < 150
    assert server.cpu() == server.stats["cpu_s"] > 0


def burst(port: int, count: int) -> int:
    """Send ``count`` queries at once from one UDP socket; how many were answered."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        for index in range(count):
            sock.sendto(
                query_message(f"b-{index}.farm.test", message_id=index), ("127.0.0.1", port)
            )
        seen: set[int] = set()
        with selectors.DefaultSelector() as selector:
            selector.register(sock, selectors.EVENT_READ)
            deadline = time.monotonic() + 5
            while len(seen) < count and time.monotonic() < deadline:
                if selector.select(timeout=0.5):
                    message = parse(sock.recv(4096))
                    assert addresses(message) == ["127.0.0.1"]
                    seen.add(message.id)
    return len(seen)

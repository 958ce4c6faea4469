"""``python -m farm.dns``: an authoritative DNS server for the farm's names, on loopback only.

It answers for two zones, ``farm.test`` and ``fixtures.test``, over UDP and TCP on the same port,
and never forwards nor recurses (it has no upstream at all: no query it gets makes it send a
packet anywhere but back to the asker):

* ``A`` (and ``ANY``): 127.0.0.1 for every name that :func:`farm.resolver.resolve_farm_name`
  resolves (so ``nxdomain*.farm.test`` is NXDOMAIN, as with the in-process resolver);
* ``AAAA``: NOERROR with no answer (NODATA) -- the farm listens on 127.0.0.1 only, so a ``::1``
  answer would only make clients that try IPv6 first lose a connection attempt;
* ``SOA`` and ``NS`` at each zone's apex; any other type of an existing name: NODATA; negative
  answers carry the zone's SOA, every answer has the AA flag;
* every name outside the two zones, and any class but IN: REFUSED.

Each answer waits a delay drawn from a log-normal distribution (``--median-ms``, ``--sigma``;
median 0 answers at once) on ``reactor.callLater``, so thousands of queries wait at once.

Prints one line when ready: ``dns ready: port=P host=H median_ms=M sigma=S``, and on exit (SIGTERM,
SIGINT) one line ``dns stats: {JSON}`` (also written to ``--stats-file``; SIGUSR1 writes it while
running): queries, answers by rcode and type, peak of pending answers, CPU seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import math
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twisted.internet.error import CannotListenError
from twisted.names import dns, server

from farm.catalog import DOMAIN
from farm.fixtures import FIXTURE_DOMAIN
from farm.resolver import LOOPBACK, resolve_farm_name
from tools.processes import LocalServer, process_cpu, stop_process

if TYPE_CHECKING:
    from collections.abc import Callable

#: The zones the server is authoritative for; every other name is refused.
ZONES = (DOMAIN, FIXTURE_DOMAIN)
DEFAULT_MEDIAN_MS = 20.0
DEFAULT_SIGMA = 0.5
DEFAULT_TTL = 60
_READY_RE = re.compile(r"dns ready: port=(\d+)")
_STATS_PREFIX = "dns stats: "
_RCODE_NAMES = {
    dns.OK: "NOERROR",
    dns.EFORMAT: "FORMERR",
    dns.ESERVER: "SERVFAIL",
    dns.ENAME: "NXDOMAIN",
    dns.ENOTIMP: "NOTIMP",
    dns.EREFUSED: "REFUSED",
}


class Latency:
    """Per-answer delays in seconds: log-normal with the given median (ms) and sigma."""

    def __init__(
        self,
        median_ms: float = DEFAULT_MEDIAN_MS,
        sigma: float = DEFAULT_SIGMA,
        seed: int | None = None,
    ) -> None:
        if median_ms < 0 or sigma < 0:
            raise ValueError("median and sigma must be >= 0")
        self.median_ms, self.sigma = median_ms, sigma
        self._mu = math.log(median_ms / 1000) if median_ms > 0 else 0.0
        self._random = random.Random(seed)

    def draw(self) -> float:
        """One delay, in seconds (0 when the median is 0)."""
        if self.median_ms <= 0:
            return 0.0
        if self.sigma == 0:
            return self.median_ms / 1000
        return self._random.lognormvariate(self._mu, self.sigma)


@dataclass
class DnsStats:
    """What the server has done so far (see :meth:`as_dict` for the JSON)."""

    started: float = field(default_factory=time.monotonic)
    received: int = 0
    answered: int = 0
    dropped: int = 0  # responses sent to us, never answered
    pending: int = 0
    max_pending: int = 0
    udp: int = 0
    tcp: int = 0
    delay_total: float = 0.0
    rcodes: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)

    def as_dict(self, port: int = 0) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "port": port,
            "received": self.received,
            "answered": self.answered,
            "dropped": self.dropped,
            "pending": self.pending,
            "max_pending": self.max_pending,
            "udp": self.udp,
            "tcp": self.tcp,
            "mean_delay_ms": round(1000 * self.delay_total / self.answered, 3)
            if self.answered
            else 0.0,
            "rcodes": dict(self.rcodes),
            "types": dict(self.types),
            "uptime_s": round(time.monotonic() - self.started, 3),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        }


def _type_name(qtype: int) -> str:
    return dns.QUERY_TYPES.get(qtype) or dns.EXT_QUERIES.get(qtype) or str(qtype)


def zone_of(name: str) -> str | None:
    """The zone (of :data:`ZONES`) ``name`` is in, or ``None``."""
    for zone in ZONES:
        if name == zone or name.endswith("." + zone):
            return zone
    return None


def _soa(zone: str, ttl: int) -> dns.RRHeader:
    record = dns.Record_SOA(
        mname=f"ns.{zone}",
        rname=f"hostmaster.{zone}",
        serial=1,
        refresh=3600,
        retry=600,
        expire=86400,
        minimum=ttl,
        ttl=ttl,
    )
    return dns.RRHeader(zone, dns.SOA, dns.IN, ttl, record, auth=True)


class FarmDNSServerFactory(server.DNSServerFactory):
    """Authoritative for :data:`ZONES`, no resolvers behind it (``canRecurse`` is false);
    :meth:`answer` is the whole policy, :meth:`handleQuery` delays its reply."""

    def __init__(
        self,
        latency: Latency | None = None,
        ttl: int = DEFAULT_TTL,
        call_later: Callable[..., Any] | None = None,
    ) -> None:
        super().__init__(authorities=[], caches=None, clients=None, verbose=0)
        self.latency = latency or Latency(0)
        self.ttl = ttl
        self.call_later = call_later
        self.stats = DnsStats()
        self._soa = {zone: _soa(zone, ttl) for zone in ZONES}
        self._a = dns.Record_A(LOOPBACK, ttl)

    # -- policy ------------------------------------------------------------------------------

    def answer(self, query: dns.Query) -> tuple[int, list[dns.RRHeader], list[dns.RRHeader]]:
        """``(rcode, answers, authority)`` for one question."""
        try:
            name = query.name.name.decode("ascii").lower().rstrip(".")
        except UnicodeDecodeError:
            return dns.EREFUSED, [], []
        zone = zone_of(name)
        if zone is None or query.cls not in (dns.IN, dns.ANY):
            return dns.EREFUSED, [], []
        soa = self._soa[zone]
        if name == zone:
            if query.type in (dns.SOA, dns.ALL_RECORDS):
                return dns.OK, [soa], []
            if query.type == dns.NS:
                ns = dns.Record_NS(f"ns.{zone}", self.ttl)
                return dns.OK, [dns.RRHeader(zone, dns.NS, dns.IN, self.ttl, ns, auth=True)], []
            return dns.OK, [], [soa]
        if resolve_farm_name(name) is None:
            return dns.ENAME, [], [soa]
        if query.type in (dns.A, dns.ALL_RECORDS):
            header = dns.RRHeader(query.name.name, dns.A, dns.IN, self.ttl, self._a, auth=True)
            return dns.OK, [header], []
        return dns.OK, [], [soa]  # AAAA and the rest: the name exists, no such record

    # -- protocol ----------------------------------------------------------------------------

    def messageReceived(  # noqa: N802 (Twisted's name)
        self, message: dns.Message, proto: Any, address: tuple[str, int] | None = None
    ) -> None:
        if message.answer:  # a response sent to a server: never answer it (no reflection)
            self.stats.dropped += 1
            return
        self.stats.received += 1
        if address is None:
            self.stats.tcp += 1
        else:
            self.stats.udp += 1
        super().messageReceived(message, proto, address)

    def allowQuery(self, message: dns.Message, protocol: Any, address: Any) -> bool:  # noqa: N802
        return True  # handleQuery answers FORMERR itself (Twisted's refusal lacks the QR bit)

    def handleQuery(  # noqa: N802
        self, message: dns.Message, protocol: Any, address: tuple[str, int] | None
    ) -> None:
        if len(message.queries) != 1:
            self._reply(message, protocol, address, dns.EFORMAT)
            return
        query = message.queries[0]
        self.stats.types[_type_name(query.type)] += 1
        rcode, answers, authority = self.answer(query)
        self._reply(message, protocol, address, rcode, answers=answers, authority=authority)

    def handleInverseQuery(self, message: dns.Message, protocol: Any, address: Any) -> None:  # noqa: N802
        self._reply(message, protocol, address, dns.ENOTIMP)

    handleStatus = handleNotify = handleOther = handleInverseQuery  # noqa: N815

    def _reply(
        self,
        message: dns.Message,
        protocol: Any,
        address: tuple[str, int] | None,
        rcode: int,
        *,
        answers: list[dns.RRHeader] | None = None,
        authority: list[dns.RRHeader] | None = None,
    ) -> None:
        response = self._responseFromMessage(
            message, rCode=rcode, answers=answers, authority=authority
        )
        response.auth = rcode in (dns.OK, dns.ENAME)
        delay = self.latency.draw()
        self.stats.rcodes[_RCODE_NAMES.get(rcode, str(rcode))] += 1
        self.stats.delay_total += delay
        if delay <= 0 or self.call_later is None:
            self._send(protocol, response, address, delayed=False)
            return
        self.stats.pending += 1
        self.stats.max_pending = max(self.stats.max_pending, self.stats.pending)
        self.call_later(delay, self._send, protocol, response, address)

    def _send(
        self, protocol: Any, response: dns.Message, address: Any, *, delayed: bool = True
    ) -> None:
        if delayed:
            self.stats.pending -= 1
        if protocol.transport is None:  # the UDP port was closed while the answer waited
            return
        self.sendReply(protocol, response, address)  # a closed TCP connection drops the write
        self.stats.answered += 1


# -- the command line --------------------------------------------------------------------------


def loopback_host(value: str) -> str:
    """argparse type: a loopback IP address (the server never listens elsewhere)."""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an IP address") from None
    if not address.is_loopback:
        raise argparse.ArgumentTypeError(f"{value} is not a loopback address")
    return str(address)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m farm.dns", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=5300, help="UDP and TCP port (0: a free one)")
    parser.add_argument("--host", type=loopback_host, default=LOOPBACK, help="a loopback address")
    parser.add_argument(
        "--median-ms", type=float, default=DEFAULT_MEDIAN_MS, help="median delay (0: none)"
    )
    parser.add_argument(
        "--sigma", type=float, default=DEFAULT_SIGMA, help="sigma of the log-normal delay"
    )
    parser.add_argument("--ttl", type=int, default=DEFAULT_TTL, help="TTL of the answers")
    parser.add_argument("--seed", type=int, help="seed of the delays")
    parser.add_argument("--stats-file", type=Path, help="write the stats (JSON) here on exit")
    return parser.parse_args(argv)


def listen(reactor: Any, factory: FarmDNSServerFactory, host: str, port: int) -> tuple[Any, Any]:
    """UDP and TCP listeners on the same ``port`` of ``host`` (0: a free one for both)."""
    for _attempt in range(50):
        udp = reactor.listenUDP(port, dns.DNSDatagramProtocol(factory), interface=host)
        chosen = udp.getHost().port
        try:
            tcp = reactor.listenTCP(chosen, factory, backlog=1024, interface=host)
        except CannotListenError:
            udp.stopListening()
            if port:
                raise
            continue
        with contextlib.suppress(OSError):  # room for bursts (capped by net.core.rmem_max)
            udp.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        return udp, tcp
    raise CannotListenError(host, port, "no port free for both UDP and TCP")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    from twisted.internet import reactor

    latency = Latency(args.median_ms, args.sigma, args.seed)
    factory = FarmDNSServerFactory(latency, args.ttl, call_later=reactor.callLater)  # type: ignore[attr-defined]
    udp, _tcp = listen(reactor, factory, args.host, args.port)
    port = udp.getHost().port

    def write_stats() -> str:
        text = json.dumps(factory.stats.as_dict(port), sort_keys=True)
        if args.stats_file is not None:
            temporary = args.stats_file.with_name(args.stats_file.name + ".tmp")
            temporary.write_text(text + "\n", encoding="utf-8")
            temporary.replace(args.stats_file)
        return text

    signal.signal(signal.SIGUSR1, lambda *_: reactor.callFromThread(write_stats))  # type: ignore[attr-defined]
    print(
        f"dns ready: port={port} host={args.host} median_ms={args.median_ms} sigma={args.sigma}",
        flush=True,
    )
    reactor.run()  # type: ignore[attr-defined]
    print(_STATS_PREFIX + write_stats(), flush=True)


# -- in a child process ------------------------------------------------------------------------


class DnsProcess(LocalServer):
    """``with DnsProcess(median_ms=20) as dns: ... dns.port ... dns.cpu() ...``

    The server listens on UDP and TCP ``host:port`` (a free port by default); it is stopped (by
    its PID) on exit, after which :attr:`stats` holds its final counts (with ``cpu_s``).
    """

    def __init__(
        self,
        median_ms: float = DEFAULT_MEDIAN_MS,
        sigma: float = DEFAULT_SIGMA,
        *,
        port: int = 0,
        host: str = LOOPBACK,
        ttl: int = DEFAULT_TTL,
        seed: int | None = None,
        stats_file: Path | None = None,
    ) -> None:
        self.median_ms, self.sigma, self.ttl, self.seed = median_ms, sigma, ttl, seed
        self.host, self.requested_port, self.stats_file = host, port, stats_file
        self.port = 0
        self.stats: dict[str, Any] | None = None
        self.process: subprocess.Popen[str] | None = None
        self._last_cpu = 0.0

    @property
    def servers(self) -> list[tuple[str, int]]:
        """For ``twisted.names.client.Resolver(servers=...)``."""
        return [(self.host, self.port)]

    def start(self) -> DnsProcess:
        command = [sys.executable, "-m", "farm.dns", "--port", str(self.requested_port)]
        command += ["--host", self.host, "--median-ms", str(self.median_ms)]
        command += ["--sigma", str(self.sigma), "--ttl", str(self.ttl)]
        if self.seed is not None:
            command += ["--seed", str(self.seed)]
        if self.stats_file is not None:
            command += ["--stats-file", str(self.stats_file)]
        self.port = int(self.launch(command, _READY_RE, "the DNS server").group(1))
        return self

    def live_stats(self) -> dict[str, Any]:
        """The server's counts now (needs ``stats_file``): it writes them on SIGUSR1."""
        assert self.process is not None and self.stats_file is not None
        before = self.stats_file.stat().st_mtime_ns if self.stats_file.exists() else 0
        self.process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.stats_file.exists() and self.stats_file.stat().st_mtime_ns != before:
                with contextlib.suppress(ValueError):
                    return json.loads(self.stats_file.read_text(encoding="utf-8"))
            time.sleep(0.02)
        raise RuntimeError("the DNS server did not write its stats")

    def cpu(self) -> float:
        """CPU seconds the server has used so far (its final figure once stopped)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(OSError):
                self._last_cpu = process_cpu(self.process.pid)
        elif self.stats is not None:
            self._last_cpu = float(self.stats.get("cpu_s", self._last_cpu))
        return self._last_cpu

    def stop(self) -> None:
        self.cpu()
        stop_process(self.process)
        if self.process is not None and self.process.stdout is not None:
            for line in self.process.stdout.read().splitlines():
                if line.startswith(_STATS_PREFIX):
                    self.stats = json.loads(line.removeprefix(_STATS_PREFIX))
            self.process.stdout.close()
            self.cpu()


if __name__ == "__main__":
    sys.exit(main())

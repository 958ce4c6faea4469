"""``python -m bench.dns``: lookups a second under DNS latency, threaded against asynchronous.

n distinct farm names are looked up at once against a real DNS server on 127.0.0.1
(``farm/dns.py``) whose answers wait a log-normal delay (median L):

- ``threaded-N``: what Scrapy's default resolver does (``CachingThreadedResolver``: the system's
  ``getaddrinfo`` in the reactor's thread pool of N threads), here as a blocking UDP query in
  each thread, since the system resolver cannot be pointed at a loopback server without changing
  the machine's configuration. At most N lookups are in flight: about N / L a second.
- ``async``: :class:`blogtitles.network.dns.NameServerResolver` (Twisted Names), every lookup in
  flight at once.

Prints a table (lookups a second, wall, the ideal C / L for C lookups in flight) and returns the
rows for ``make bench``. A measurement, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from scrapy.resolver import dnscache
from twisted.internet import defer, threads
from twisted.names import dns
from twisted.python.threadpool import ThreadPool

from blogtitles.network.dns import NameServerResolver
from farm.catalog import DOMAIN
from farm.dns import DnsProcess


class ThreadedNameServerResolver(NameServerResolver):
    """``TWISTED_DNS_RESOLVER`` for a crawl: Scrapy's default way (a blocking lookup in each of
    the reactor's ``REACTOR_THREADPOOL_MAXSIZE`` threads, Scrapy's DNS cache in front), asking
    ``BLOGTITLES_DNS_SERVERS``' first server: the threaded resolver under DNS latency."""

    def ask_dns(self, name: str) -> defer.Deferred[str]:
        server = self.client.servers[0]
        return threads.deferToThreadPool(
            self.reactor, self.reactor.getThreadPool(), blocking_lookup, name, server, self.timeout
        )


@dataclass
class Lookups:
    """One resolver's run: n lookups, their wall time, and how many were in flight at most."""

    resolver: str
    n: int
    wall: float
    in_flight: int
    median_ms: float

    @property
    def per_second(self) -> float:
        return self.n / self.wall if self.wall else 0.0


def blocking_lookup(name: str, server: tuple[str, int], timeout: float = 5.0) -> str:
    """One ``A`` query over UDP, waiting for its answer (as ``getaddrinfo`` waits in a thread)."""
    message = dns.Message(id=random.randrange(65536), recDes=True)
    message.queries = [dns.Query(name, dns.A, dns.IN)]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(message.toStr(), server)
        answer = dns.Message()
        answer.fromStr(sock.recv(4096))
    for record in answer.answers:
        if record.type == dns.A:
            return record.payload.dottedQuad()
    raise OSError(f"{name}: no address")


def measure(n: int, median_ms: float, threads_sizes: tuple[int, ...] = (10, 32)) -> list[Lookups]:
    """Each resolver in turn, in this process's reactor, against one DNS server."""
    from twisted.internet import reactor

    rows = []
    with DnsProcess(median_ms=median_ms, sigma=0.5) as server:
        address = (server.host, server.port)
        for size in threads_sizes:
            names = [f"t{size}-{i}.{DOMAIN}" for i in range(n)]
            pool = ThreadPool(size, size, name=f"dns-{size}")
            pool.start()

            def threaded(name: str, pool: ThreadPool = pool) -> defer.Deferred[str]:
                return threads.deferToThreadPool(reactor, pool, blocking_lookup, name, address)

            try:
                wall = _in_reactor(reactor, names, threaded)
            finally:
                pool.stop()
            rows.append(Lookups(f"threaded-{size}", n, wall, size, median_ms))
        dnscache.limit = 0
        resolver = NameServerResolver(reactor, [address], timeout=10.0, cache_size=0)
        names = [f"async-{i}.{DOMAIN}" for i in range(n)]
        wall = _in_reactor(reactor, names, resolver.getHostByName)
        rows.append(Lookups("async", n, wall, n, median_ms))
    return rows


def _in_reactor(reactor: Any, names: list[str], lookup: Any) -> float:
    """Every name looked up at once with ``lookup`` (Deferred-returning); the wall time. The
    reactor is iterated by hand: it cannot be restarted between resolvers."""
    result: dict[str, float] = {}
    started = time.perf_counter()
    done = defer.gatherResults([lookup(name) for name in names], consumeErrors=True)

    def finished(_: object) -> None:
        result["wall"] = time.perf_counter() - started

    done.addBoth(finished)
    while "wall" not in result:
        reactor.iterate(0.01)  # type: ignore[attr-defined]
    return result["wall"]


def table(rows: list[Lookups]) -> str:
    lines = [f"{'resolver':<12} {'n':>6} {'in flight':>9} {'wall s':>8} {'lookups/s':>10}"]
    for row in rows:
        lines.append(
            f"{row.resolver:<12} {row.n:>6} {row.in_flight:>9} {row.wall:>8.2f} "
            f"{row.per_second:>10.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dns", description=__doc__)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--median-ms", type=float, default=50.0)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    rows = measure(args.lookups, args.median_ms)
    if args.json:
        data = [{**asdict(row), "per_second": row.per_second} for row in rows]
        args.json.write_text(json.dumps(data, indent=2))
    print(
        f"{args.lookups} distinct names, DNS answers after a log-normal delay, median {args.median_ms:g} ms"
    )
    print(table(rows))


if __name__ == "__main__":
    main()

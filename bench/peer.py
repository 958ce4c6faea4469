"""A plain asyncio + aiohttp + lxml crawler doing the same job, for comparison.

``python -m bench.peer LIST OUT CONCURRENCY [--dns HOST:PORT] [--ca FILE] [--timeout S]``: every
blog's index, its first article, its title, ``CONCURRENCY`` downloads in flight; the project's
pure extraction functions. No robots.txt, retries, pipelines or feed exports: the lean floor a
Scrapy crawl is measured against. Names resolve in-process to 127.0.0.1 (farm names only), or,
with ``--dns``, by asking that DNS server on loopback (asynchronously, many lookups in flight);
``--ca``: HTTPS verified against that CA.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import ssl
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from twisted.names import dns

from blogtitles.extract import extract_title, find_first_article
from farm.resolver import resolve_farm_name


def _result(host: str, address: str, port: int) -> list[ResolveResult]:
    return [
        {
            "hostname": host,
            "host": address,
            "port": port,
            "family": socket.AF_INET,
            "proto": 0,
            "flags": socket.AI_NUMERICHOST,
        }
    ]


class FarmResolver(AbstractResolver):
    """Farm names to 127.0.0.1; any other name fails (no traffic leaves the machine)."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address = resolve_farm_name(host)
        if address is None:
            raise OSError(f"{host} is not a farm name")
        return _result(host, address, port)

    async def close(self) -> None:
        return None


class _Answers(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.waiting: dict[int, asyncio.Future[dns.Message]] = {}

    def datagram_received(self, data: bytes, addr: Any) -> None:
        message = dns.Message()
        message.fromStr(data)
        future = self.waiting.pop(message.id, None)
        if future is not None and not future.done():
            future.set_result(message)


class NameServerResolver(AbstractResolver):
    """``A`` queries to one DNS server over UDP from the event loop, all in flight at once."""

    def __init__(self, server: tuple[str, int], timeout: float) -> None:
        if resolve_farm_name(server[0]) is None:
            raise ValueError("the DNS server must be on loopback")
        self.server, self.timeout = server, timeout
        self.answers = _Answers()
        self.transport: asyncio.DatagramTransport | None = None
        self.cache: dict[str, str] = {}

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.cache:
            self.cache[host] = await self._query(host)
        return _result(host, self.cache[host], port)

    async def _query(self, host: str) -> str:
        loop = asyncio.get_running_loop()
        if self.transport is None:
            self.transport, _ = await loop.create_datagram_endpoint(
                lambda: self.answers, remote_addr=self.server
            )
        query_id = random.randrange(65536)
        while query_id in self.answers.waiting:
            query_id = random.randrange(65536)
        message = dns.Message(id=query_id, recDes=True)
        message.queries = [dns.Query(host, dns.A, dns.IN)]
        future: asyncio.Future[dns.Message] = loop.create_future()
        self.answers.waiting[query_id] = future
        self.transport.sendto(message.toStr())
        try:
            answer = await asyncio.wait_for(future, self.timeout)
        finally:
            self.answers.waiting.pop(query_id, None)
        for record in answer.answers:
            if record.type == dns.A:
                return record.payload.dottedQuad()
        raise OSError(f"{host}: no address (rcode {answer.rCode})")

    async def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def crawl_blog(
    session: aiohttp.ClientSession, gate: asyncio.Semaphore, url: str
) -> dict[str, Any]:
    record = {"blog_url": url, "article_url": "", "title": ""}
    try:
        async with gate, session.get(url) as response:
            index = await response.text()
        link = find_first_article(index, str(response.url))
        if link is not None:
            async with gate, session.get(link.url) as response:
                article = await response.text()
            title = extract_title(article, link.url)
            record.update(article_url=link.url, title=title.text if title else "")
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
    return record


async def main_async(args: argparse.Namespace) -> None:
    urls = Path(args.list_file).read_text(encoding="utf-8").split()
    resolver: AbstractResolver = FarmResolver()
    if args.dns:
        host, _, port = args.dns.rpartition(":")
        resolver = NameServerResolver((host, int(port)), args.timeout)
    context: ssl.SSLContext | bool = True
    if args.ca:
        context = ssl.create_default_context(cafile=args.ca)
    connector = aiohttp.TCPConnector(
        limit=args.concurrency, limit_per_host=0, resolver=resolver, ssl=context
    )
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    gate = asyncio.Semaphore(args.concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        records = await asyncio.gather(*(crawl_blog(session, gate, url) for url in urls))
    with Path(args.out_file).open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__)
    parser.add_argument("list_file")
    parser.add_argument("out_file")
    parser.add_argument("concurrency", type=int)
    parser.add_argument("--dns", help="HOST:PORT of a DNS server on loopback")
    parser.add_argument("--ca", help="CA file to verify HTTPS against")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a page may take")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main_async(parse_args()))

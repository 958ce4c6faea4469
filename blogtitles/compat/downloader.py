"""Scrapy's downloader with its per-host concurrency limit kept under asyncio; the HTTP handler
(Scrapy's aiohttp one, on Scrapy's resolver, not keeping idle connections for minutes).

In Scrapy 2.19, ``Downloader._process_queue`` starts each queued request as an asyncio task
and counts it against the slot's ``CONCURRENT_REQUESTS_PER_DOMAIN`` only once that task runs
(``_download`` adds it to ``slot.transferring``). The loop that starts them checks the count
before any task has run, so every request waiting in a slot starts at once: measured on the farm,
6 requests in flight to one host with the limit at 2, and 239 TCP connections opened for 420
requests on 20 hosts (the pool keeps 2 per host and closes the rest). Under a non-asyncio reactor
the coroutine starts synchronously and the limit holds, which is why the bug hides there.

:class:`PoliteDownloader` counts a request as transferring when it leaves the queue, so the limit
holds and connections are reused (40 connections for the same crawl, 4% less CPU). No upstream
issue reports it (the nearest is scrapy/scrapy#6799, the rewrite of the engine and downloader
internals to coroutines, open): remove it when Scrapy counts requests before scheduling them.

:class:`AiohttpHandler` subclasses Scrapy's aiohttp handler, still a private module
(``scrapy.core.downloader.handlers._aiohttp``, scrapy/scrapy#6707; PR #8118 makes it the
reactorless default). Remove the subclass when the handler is public and takes a resolver and a
keep-alive time of its own (scrapy/scrapy#7932 proposes ``CONNECTION_KEEPALIVE_TIMEOUT``).

:class:`TLSReadBuffer` sets asyncio's TLS read size, ``asyncio.sslproto.SSLProtocol.max_size``
(an undocumented class attribute, 256 KB since Python 3.11): every TLS connection allocates a
buffer of that size and each read from OpenSSL asks for as much. With a hundred connections
open and opening, those buffers, and the heap they leave behind, were the largest share of the
crawl's memory after its code. There is no per-connection way to set it (asyncio makes the
protocol inside ``loop.create_connection``). python/cpython#109534 discusses the same buffers
(reported as a leak); uvloop's PR #726 measures the cost of asking OpenSSL for 256 KB a read.
Remove when asyncio sizes its TLS reads to what arrives.
"""

from __future__ import annotations

import asyncio.sslproto
import socket
from collections.abc import Awaitable, Callable
from time import monotonic
from typing import TYPE_CHECKING, ClassVar

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from scrapy.core.downloader import Downloader, Slot
from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler, _ClientResponse
from scrapy.core.downloader.handlers._base_streaming import BaseStreamingDownloadHandler
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro
from scrapy.utils.ssl import _make_ssl_context

from blogtitles.guard import AddressPolicy
from blogtitles.guard.lookup import address_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class PoliteDownloader(Downloader):
    """``DOWNLOADER``: Scrapy's own, with a request counted against its slot when it starts."""

    def _process_queue(self, slot: Slot) -> None:
        # Scrapy 2.19's method, plus the one ``transferring.add`` marked below.
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # the fix: counted now, not when the task runs
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break


class AiohttpHandler(AiohttpDownloadHandler):
    """``DOWNLOAD_HANDLERS`` for http(s): Scrapy's aiohttp handler, on Scrapy's DNS resolver, idle
    connections kept ``BLOGTITLES_IDLE_CONNECTION_TIMEOUT`` seconds.

    Chosen by measurement over Scrapy's default Twisted HTTP/1.1 handler (``make bench``, README
    "Benchmark"): less CPU per page, the crawl being CPU-bound. Scrapy 2.19 ships it (aiohttp is
    one of Scrapy's own dependencies) and uses it when it runs without a Twisted reactor; it is
    still marked experimental there, so every behaviour the project relies on is covered by its
    tests (timeouts, refused and lost connections, truncated bodies, size limits, redirects,
    gzip bombs, DNS failures). Three things differ from Scrapy's class:

    - names are resolved by the reactor's resolver (``DNS_RESOLVER``/``TWISTED_DNS_RESOLVER``,
      ``DNS_TIMEOUT``, Scrapy's DNS cache), the one the address guard asks, instead of aiohttp's
      own ``getaddrinfo``: the guard and the download see the same answer, and farm crawls can
      never resolve a name outside the farm;
    - ``BLOGTITLES_TLS_CA_FILE``, when set, is trusted besides the system's CAs (whether
      certificates are verified is ``DOWNLOAD_VERIFY_CERTIFICATES``'s choice);
    - idle connections are closed after ``BLOGTITLES_IDLE_CONNECTION_TIMEOUT`` seconds: a
      blog's next request follows its last answer at once, then its host is done, and an idle
      TLS connection holds memory (see the setting in ``settings.py`` for the figures);
    - TLS connections read ``BLOGTITLES_TLS_READ_BUFFER`` bytes at a time (:class:`TLSReadBuffer`).
    """

    # Scrapy logs a warning for experimental handlers at every start; this one was chosen with
    # that status known, and is checked by the project's own tests (see above).
    experimental: ClassVar[bool] = False

    def __init__(self, crawler: Crawler) -> None:
        BaseStreamingDownloadHandler.__init__(self, crawler)  # not the parent's own session
        self._read_buffer = TLSReadBuffer(crawler.settings.getint("BLOGTITLES_TLS_READ_BUFFER"))
        self._ssl_context = _make_ssl_context(crawler.settings)
        if ca_file := crawler.settings.get("BLOGTITLES_TLS_CA_FILE"):
            self._ssl_context.load_verify_locations(cafile=ca_file)
        idle = crawler.settings.getfloat("BLOGTITLES_IDLE_CONNECTION_TIMEOUT")
        connector = aiohttp.TCPConnector(
            local_addr=self._bind_address,
            limit=self._pool_size_total,
            limit_per_host=self._pool_size_per_host,
            resolver=ReactorResolver(AddressPolicy.from_settings(crawler.settings), crawler),
            use_dns_cache=False,  # Scrapy's resolver caches, bounded (DNSCACHE_SIZE)
            **({"keepalive_timeout": idle} if idle > 0 else {}),
        )
        # As Scrapy's handler: no cookies, bodies left compressed for HttpCompressionMiddleware
        # (which enforces DOWNLOAD_MAXSIZE on the inflated size), headers only as Scrapy sets them.
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            response_class=_ClientResponse,
            skip_auto_headers=("Accept", "Accept-Encoding", "Content-Type", "User-Agent"),
        )

    async def close(self) -> None:
        await super().close()
        self._read_buffer.restore()


class TLSReadBuffer:
    """asyncio's TLS read size set to ``size`` bytes (``0``: Python's own) while a handler is
    open. The crawl opens one handler per scheme (``http``, ``https``): Python's own size comes
    back when the last one closes."""

    python_own: ClassVar[int] = asyncio.sslproto.SSLProtocol.max_size
    holders: ClassVar[int] = 0

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError(f"BLOGTITLES_TLS_READ_BUFFER must be 0 or more bytes, not {size}")
        asyncio.sslproto.SSLProtocol.max_size = size or self.python_own
        TLSReadBuffer.holders += 1
        self.held = True

    def restore(self) -> None:
        if self.held:
            self.held = False
            TLSReadBuffer.holders -= 1
            if not TLSReadBuffer.holders:
                asyncio.sslproto.SSLProtocol.max_size = self.python_own


class ReactorResolver(AbstractResolver):
    """aiohttp's resolver interface over the Twisted reactor's resolver (the one Scrapy
    installs from ``DNS_RESOLVER``/``TWISTED_DNS_RESOLVER``, with its cache and timeout).

    The address guard's check is here: the address it checks is the one aiohttp connects to
    (no second lookup between them), and a failed lookup is a failed download (``dns_error``),
    never a pass. A refused address fails the connection as an ``OSError`` whose cause names it
    (``forbidden_address``).
    """

    def __init__(
        self,
        policy: AddressPolicy | None,
        crawler: Crawler,
        lookup: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self.policy = policy
        self.crawler = crawler
        self.lookup = lookup or address_of

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            address = await self.lookup(host)
        except Exception as exc:  # aiohttp reports any OSError as a DNS failure
            raise OSError(f"DNS lookup failed: {exc}") from exc
        if self.policy is not None:
            self.policy.enforce(host, address, self.crawler.stats, port)
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None

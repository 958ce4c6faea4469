"""The guard in Chromium's connection path: a small HTTP proxy inside the crawl.

Request interception sees the requests a page makes, but not the hops of a redirect, and Chromium
looks names up again itself. So, when Chromium renders and the guard (or the loopback-only check)
is on, Chromium goes through this proxy for everything (loopback included:
``--proxy-bypass-list=<-loopback>``). For each request the proxy looks the name up with the
crawl's resolver, checks the address with the crawl's :class:`AddressPolicy`, and connects to
that very address: ``CONNECT`` tunnels for HTTPS, one plain request per connection for HTTP
(``Connection: close``, so a kept-alive connection can never carry a request to another host).
A refused address gets ``403`` with ``X-Blogtitles-Guard: refused``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from blogtitles.errors import ForbiddenAddressError
from blogtitles.guard.addresses import AddressPolicy
from blogtitles.guard.lookup import address_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Request headers a proxy must not pass on (hop-by-hop), replaced by ``Connection: close``.
_HOP_BY_HOP: Final = ("connection", "proxy-connection", "keep-alive", "proxy-authorization")
_MAX_HEAD: Final = 64 * 1024


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BrowserProxy:
    """Extension: runs the guard's proxy for Chromium while the crawl runs (module docstring)."""

    def __init__(self, crawler: Crawler, policy: AddressPolicy, port: int) -> None:
        self.crawler = crawler
        self.policy = policy
        self.port = port
        self.server: asyncio.Server | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        policy = AddressPolicy.from_settings(crawler.settings)
        port = crawler.settings.getint("BLOGTITLES_BROWSER_GUARD_PORT")
        if policy is None or not port:  # set by the Rendering add-on when Chromium renders
            raise NotConfigured  # no Chromium, or nothing to check: no message, no warning
        proxy = cls(crawler, policy, port)
        crawler.signals.connect(proxy.start, signal=signals.engine_started)
        crawler.signals.connect(proxy.stop, signal=signals.engine_stopped)
        return proxy

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        logger.info("Chromium goes through the address guard's proxy on 127.0.0.1:%d", self.port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.tasks):
            task.cancel()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            await self._relay(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # the browser or the server went away, or sent nonsense: close
        finally:
            self.tasks.discard(task)
            writer.close()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > _MAX_HEAD:
            return
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ", 2)
        if method == "CONNECT":
            host, _, port_text = target.rpartition(":")
            host, port, path = host.strip("[]"), int(port_text), ""
        else:
            url = urlsplit(target)
            host, port = url.hostname or "", url.port or 80
            path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        try:
            address = await address_of(host)
            self.policy.enforce(host, address, self.crawler.stats, port)
        except (ForbiddenAddressError, OSError) as exc:
            logger.warning("Chromium's request to %s refused: %s", target, exc)
            writer.write(b"HTTP/1.1 403 Forbidden\r\nX-Blogtitles-Guard: refused\r\n")
            writer.write(b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        up_reader, up_writer = await asyncio.open_connection(address, port)
        try:
            if method == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
                return
            headers = [line for line in lines if line and not _is_hop_by_hop(line)]
            up_writer.write(f"{method} {path} {version}\r\n".encode("latin-1"))
            up_writer.write("".join(f"{line}\r\n" for line in headers).encode("latin-1"))
            up_writer.write(b"Connection: close\r\n\r\n")
            if length := _content_length(headers):
                up_writer.write(await reader.readexactly(length))
            await _pipe(up_reader, writer)
        finally:
            up_writer.close()


def _is_hop_by_hop(line: str) -> bool:
    return line.split(":", 1)[0].strip().lower() in _HOP_BY_HOP


def _content_length(headers: list[str]) -> int:
    for line in headers:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return int(value.strip() or 0)
    return 0


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy ``reader`` to ``writer`` until the end, then end ``writer``'s side."""
    while chunk := await reader.read(64 * 1024):
        writer.write(chunk)
        await writer.drain()
    with contextlib.suppress(OSError):
        if writer.can_write_eof():
            writer.write_eof()

"""The seed's naive loop: for each blog, fetch the index, then the article, one after the other.

``python -m bench.sequential LIST OUT [--dns HOST:PORT] [--ca FILE] [--timeout S]``. Same job and
same extraction functions as the crawl; no concurrency at all: 2n page waits in a row. Farm names
go to 127.0.0.1, or, with ``--dns``, to what that DNS server on loopback answers (one blocking
lookup a host, as ``getaddrinfo``); ``--ca``: HTTPS verified against that CA. Never any other
address.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import ssl
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bench.dns import blocking_lookup
from blogtitles.extract import extract_title, find_first_article
from farm.resolver import resolve_farm_name


class Fetcher:
    """GET one URL at a time, each on its own connection (as ``urlopen`` does)."""

    def __init__(self, dns_server: tuple[str, int] | None, ca: str | None, timeout: float) -> None:
        self.dns_server, self.timeout = dns_server, timeout
        self.context = ssl.create_default_context(cafile=ca) if ca else None
        self.addresses: dict[str, str] = {}

    def address(self, host: str) -> str:
        if host not in self.addresses:
            address = resolve_farm_name(host)
            if self.dns_server is not None and address is not None:
                address = blocking_lookup(host, self.dns_server, self.timeout)
            if address is None or resolve_farm_name(address) is None:
                raise ValueError(f"not a farm name: {host}")  # never another address
            self.addresses[host] = address
        return self.addresses[host]

    def get(self, url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        sock = socket.create_connection((self.address(host), port), timeout=self.timeout)
        if parts.scheme == "https":
            context = self.context or ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=host)
        connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        connection.sock = sock
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path or "/", headers={"User-Agent": "bench-seq"})
            return connection.getresponse().read().decode("utf-8", "replace")
        finally:
            connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sequential", description=__doc__)
    parser.add_argument("list_file")
    parser.add_argument("out_file")
    parser.add_argument("--dns", help="HOST:PORT of a DNS server on loopback")
    parser.add_argument("--ca", help="CA file to verify HTTPS against")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    server = None
    if args.dns:
        host, _, port = args.dns.rpartition(":")
        server = (host, int(port))
    fetcher = Fetcher(server, args.ca, args.timeout)
    with Path(args.out_file).open("w", encoding="utf-8") as out:
        for line in Path(args.list_file).read_text(encoding="utf-8").split():
            record = {"blog_url": line, "article_url": "", "title": ""}
            try:
                link = find_first_article(fetcher.get(line), line)
                if link is not None:
                    title = extract_title(fetcher.get(link.url), link.url)
                    record.update(article_url=link.url, title=title.text if title else "")
            except (OSError, http.client.HTTPException) as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A plain asyncio + aiohttp + lxml crawler doing the same job, for comparison.

``python -m bench.peer LIST OUT CONCURRENCY``: every blog's index, its first article, its title,
``CONCURRENCY`` downloads in flight; the project's pure extraction functions. No robots.txt,
retries, pipelines or feed exports: the lean floor a Scrapy crawl is measured against.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from blogtitles.extract import extract_title, find_first_article
from farm.resolver import resolve_farm_name


class FarmResolver(AbstractResolver):
    """Farm names to 127.0.0.1; any other name fails (no traffic leaves the machine)."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        address = resolve_farm_name(host)
        if address is None:
            raise OSError(f"{host} is not a farm name")
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

    async def close(self) -> None:
        return None


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
    except (aiohttp.ClientError, TimeoutError) as exc:
        record["error"] = f"{type(exc).__name__}: {exc}"
    return record


async def main_async(list_file: str, out_file: str, concurrency: int) -> None:
    urls = Path(list_file).read_text(encoding="utf-8").split()
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0, resolver=FarmResolver())
    timeout = aiohttp.ClientTimeout(total=60)
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        records = await asyncio.gather(*(crawl_blog(session, gate, url) for url in urls))
    with Path(out_file).open("w", encoding="utf-8") as out:
        out.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


if __name__ == "__main__":
    asyncio.run(main_async(sys.argv[1], sys.argv[2], int(sys.argv[3])))

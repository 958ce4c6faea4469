"""Scrapy with nothing of the project but its extraction functions: the benchmark's floor.

``python -m bench.bare LIST OUT CONCURRENCY``: every blog's index, its first article, its title,
as the peer does (same functions, no robots.txt, no retries of note, no pipelines), but through
Scrapy's engine, scheduler, downloader and one JSON Lines feed, with the project's download
handler and every middleware Scrapy does not need for this switched off. The gap between this
client and the peer is Scrapy's own cost per page; the gap between it and ``scrapy`` is what the
project adds (robots.txt, the address guard, pipelines, accounting, the feed fallback...).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response, TextResponse

from blogtitles import settings as project
from blogtitles.extract import extract_title, find_first_article
from farm.resolver import FARM_SETTINGS


class BareSpider(scrapy.Spider):
    """Index -> first article -> title, one dict per blog that has a title."""

    name = "bare"

    def __init__(self, list_file: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.list_file = list_file

    async def start(self) -> Any:
        for url in Path(self.list_file).read_text(encoding="utf-8").split():
            yield scrapy.Request(url, callback=self.parse_index, dont_filter=True)

    def parse_index(self, response: Response) -> scrapy.Request | None:
        assert isinstance(response, TextResponse)
        link = find_first_article(response.text, response.url)
        if link is None:
            return None
        return scrapy.Request(
            link.url, callback=self.parse_article, dont_filter=True, priority=1,
            cb_kwargs={"blog_url": response.url},
        )  # fmt: skip

    def parse_article(self, response: Response, blog_url: str) -> dict[str, str]:
        assert isinstance(response, TextResponse)
        title = extract_title(response.text, response.url)
        return {
            "blog_url": blog_url,
            "article_url": response.url,
            "title": title.text if title else "",
        }


def settings(out: str, concurrency: int) -> dict[str, Any]:
    off = dict.fromkeys
    return {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "CONCURRENT_ITEMS": 1,
        "DOWNLOAD_HANDLERS": {
            "http": "blogtitles.compat.downloader.AiohttpHandler",
            "https": "blogtitles.compat.downloader.AiohttpHandler",
        },
        "DOWNLOADER": "blogtitles.compat.downloader.PoliteDownloader",
        **FARM_SETTINGS,  # the farm's resolver, the guard off, loopback only
        "BLOGTITLES_IDLE_CONNECTION_TIMEOUT": project.BLOGTITLES_IDLE_CONNECTION_TIMEOUT,
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "DOWNLOADER_STATS": False,
        "LOG_LEVEL": "WARNING",
        "LOG_FORMATTER": "blogtitles.extensions.QuietLogFormatter",
        "STATS_CLASS": "blogtitles.compat.stats.PlainStatsCollector",
        "DOWNLOADER_MIDDLEWARES": off(
            [
                "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware",
                "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
                "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
                "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware",
            ],
            None,
        ),
        "SPIDER_MIDDLEWARES": off(
            [
                "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware",
                "scrapy.spidermiddlewares.depth.DepthMiddleware",
                "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware",
            ],
            None,
        ),
        "FEEDS": {out: {"format": "jsonlines", "overwrite": True}},
        "FEED_EXPORT_ENCODING": "utf-8",
    }


def main(list_file: str, out: str, concurrency: int) -> None:
    process = AsyncCrawlerProcess(settings(out, concurrency))
    process.crawl(BareSpider, list_file=list_file)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

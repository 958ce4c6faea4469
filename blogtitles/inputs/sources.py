"""The spider's source of blogs: one object it asks for entries, whatever they come from.

- :class:`ListSource`: a list file (``-a urls_file``, ``BLOGTITLES_URLS_FILE``), the list packaged
  with the project, or ``-a urls``; one process's shard of it (``-a shard``); with ``JOBDIR``,
  without the blogs that have their record already (a resumed crawl, :mod:`blogtitles.runs.resume`).
  Read lazily, pausing while the scheduler holds ``BLOGTITLES_START_BACKLOG`` requests.
- In distributed mode (``BLOGTITLES_REDIS_URL``), batches claimed from Redis:
  :class:`blogtitles.distributed.source.RedisSource` (imported only then, so a plain crawl never
  imports ``redis``).

A source counts every entry it reads (``blogtitles/inputs/read``) and the ones it drops on purpose
(duplicates, done before), so that the end-of-run summary can add up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from scrapy import signals
from scrapy.utils.conf import closest_scrapy_cfg

from blogtitles import accounting
from blogtitles.distributed.addon import is_distributed
from blogtitles.guard.scrapyd import check_job_settings, check_list_file
from blogtitles.inputs.backlog import wait_for_scheduler_room
from blogtitles.inputs.readers import (
    PACKAGED_LIST,
    BlogInput,
    InputListError,
    iter_inline,
    open_blog_list,
    open_packaged_list,
)
from blogtitles.inputs.shards import WHOLE, Shard
from blogtitles.items import SeenUrls
from blogtitles.runs.resume import read_done, resumable_feeds

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class BlogSource(Protocol):
    """What the spider iterates: entries to turn into a request or an ``invalid_url`` record."""

    def entries(self) -> AsyncIterator[BlogInput]: ...


def open_source(
    crawler: Crawler,
    *,
    urls_file: str | None = None,
    urls: str | None = None,
    list_format: str | None = None,
    shard: str = "",
    scrapyd_job: bool = False,
) -> BlogSource:
    """The source the crawl's arguments and settings name; raises ``InputListError`` at once
    when it cannot be read (a missing file, an unreachable Redis, arguments that do not fit).
    A Scrapyd job (``scrapyd_job``) may set neither the guard's settings nor any list file
    (:mod:`blogtitles.guard.scrapyd`)."""
    if scrapyd_job:
        check_job_settings(crawler.settings)
    if is_distributed(crawler.settings):
        if shard or urls_file or urls is not None:
            raise InputListError(
                "with BLOGTITLES_REDIS_URL the blogs come from Redis: load them with "
                "python -m blogtitles.enqueue, not -a urls_file/urls/shard"
            )
        from blogtitles.distributed.source import RedisSource

        return RedisSource(crawler)
    return ListSource(
        crawler,
        urls_file=urls_file,
        urls=urls,
        list_format=list_format,
        shard=Shard.parse(shard) if shard else WHOLE,
        scrapyd_job=scrapyd_job,
    )


class ListSource:
    """A list's entries, lazily, in list order: duplicates and blogs done before skipped
    (counted), invalid lines passed on (they become ``invalid_url`` records)."""

    def __init__(
        self,
        crawler: Crawler,
        *,
        urls_file: str | None = None,
        urls: str | None = None,
        list_format: str | None = None,
        shard: Shard = WHOLE,
        scrapyd_job: bool = False,
    ) -> None:
        self.crawler = crawler
        self.urls_file, self.urls, self.list_format = urls_file, urls, list_format
        self.shard, self.scrapyd_job = shard, scrapyd_job
        self._entries = self._open()  # whole-list problems raise here, before the crawl
        self._done_before = SeenUrls()
        if crawler.settings.get("JOBDIR"):
            journal = read_done(resumable_feeds(crawler.settings))
            self._done_before = journal.done
            if journal.count:
                logger.info("Resuming: %d blogs have their record already", journal.count)
        crawler.signals.connect(self.count, signal=signals.spider_opened)

    def path(self) -> Path | None:
        """The list file to read: ``-a urls_file``, else ``BLOGTITLES_URLS_FILE``.

        A relative default is looked up in the working directory, then beside ``scrapy.cfg``;
        ``None`` when it is in neither (under Scrapyd, say): the list packaged with the project
        is read then.
        """
        if self.urls_file:
            return Path(self.urls_file)
        if self.scrapyd_job:  # a job reads the list it names, or the packaged one
            return None
        path = Path(self.crawler.settings.get("BLOGTITLES_URLS_FILE"))
        if path.is_absolute() or path.exists():
            return path
        cfg = closest_scrapy_cfg()
        beside_cfg = Path(cfg).parent / path if cfg else None
        if beside_cfg is not None and beside_cfg.exists():
            return beside_cfg
        return None if path == Path(PACKAGED_LIST) else path

    def _open(self) -> Iterator[BlogInput]:
        if self.urls is not None:
            entries = iter_inline(self.urls)
        elif (path := self.path()) is None:
            entries = open_packaged_list()
        else:
            if self.scrapyd_job:
                check_list_file(path, self.crawler.settings)
            entries = open_blog_list(path, self.list_format)
        return self.shard.select(entries)

    def count(self) -> None:
        """Count the list up front (one streaming pass) so progress can show a total."""
        total = sum(1 for _ in self._open())
        self.crawler.stats.set_value(accounting.INPUTS_EXPECTED, total)
        if total == 0:
            logger.warning("The blog list is empty: nothing to crawl.")

    async def entries(self) -> AsyncIterator[BlogInput]:
        stats = self.crawler.stats
        backlog = self.crawler.settings.getint("BLOGTITLES_START_BACKLOG")
        seen = SeenUrls()
        for entry in self._entries:
            stats.inc_value(accounting.INPUTS_READ)
            if (entry.url or entry.raw) in self._done_before:
                stats.inc_value(accounting.INPUTS_DONE_BEFORE)
                continue
            if entry.unreadable:
                stats.inc_value(accounting.INPUTS_UNREADABLE)
                logger.error("The list could not be read at %s: %s", entry.source, entry.error)
            if not entry.error:
                if not seen.add(entry.url):
                    stats.inc_value(accounting.INPUTS_DUPLICATE)
                    logger.info("Duplicate input %s (%s): crawled once", entry.url, entry.source)
                    continue
                await wait_for_scheduler_room(self.crawler, backlog)
            yield entry

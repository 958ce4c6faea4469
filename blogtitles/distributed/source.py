"""The spider's source of blogs in distributed mode: batches claimed from the shared Redis queue.

scrapy-redis's ``RedisMixin`` would read the start queue, but only through ``start_requests()``,
which Scrapy 2.16+ no longer calls (see :mod:`blogtitles.compat.scrapy_redis`); this source is
what the spider's ``async def start()`` iterates instead.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from time import monotonic
from typing import TYPE_CHECKING

from redis.exceptions import RedisError
from scrapy.utils.asyncio import sleep

from blogtitles import accounting
from blogtitles.distributed.queue import BlogQueue
from blogtitles.inputs.backlog import wait_for_scheduler_room
from blogtitles.inputs.readers import BlogInput, InputListError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class RedisSource:
    """Blogs claimed in batches while the scheduler has room, until the job stays drained.

    With nothing left to claim, it puts back the claims of dead workers (older than
    ``BLOGTITLES_REDIS_RECLAIM_AFTER`` without an outcome), and stops once no blog is waiting or
    claimed anywhere, no enqueue is loading and none is in flight here, for
    ``BLOGTITLES_REDIS_IDLE_TIMEOUT`` seconds (0: never stop, wait for more). Redis going away is
    waited out up to the same time, then the worker stops (what it holds is put back by the
    others or the collector).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        url = settings.get("BLOGTITLES_REDIS_URL")
        self.queue = BlogQueue.from_settings(settings, crawler.spidercls.name or "blogs")
        try:
            self.queue.server.ping()
        except RedisError as exc:
            raise InputListError(f"Redis at {url} is not reachable: {exc}") from exc
        logger.info("Distributed mode: blogs from Redis %s, key %s", url, self.queue.start_key)

    async def entries(self) -> AsyncIterator[BlogInput]:
        stats = self.crawler.stats
        settings = self.crawler.settings
        stats.set_value(accounting.REDIS_WORKER, True)
        timeout = settings.getfloat("BLOGTITLES_REDIS_IDLE_TIMEOUT")
        reclaim_after = settings.getfloat("BLOGTITLES_REDIS_RECLAIM_AFTER")
        size = settings.getint("REDIS_START_URLS_BATCH_SIZE")
        backlog = settings.getint("BLOGTITLES_START_BACKLOG")
        # Few requests held here, so that the other workers get work too.
        room = min(backlog, settings.getint("CONCURRENT_REQUESTS")) if backlog else 0
        queue = self.queue
        idle_since: float | None = None
        down_since: float | None = None
        next_reconcile = 0.0  # reconcile reads every claim: once a second is plenty
        while True:
            await wait_for_scheduler_room(self.crawler, room)
            try:
                batch = queue.claim(size)
                waiting, claimed, loading = (0, 0, False) if batch else queue.unfinished()
                if not batch and claimed and monotonic() >= next_reconcile:
                    next_reconcile = monotonic() + 1.0
                    if back := queue.reconcile(reclaim_after):
                        logger.warning("Put back %d blogs of a dead worker", back)
                        continue
            except RedisError as exc:
                now = monotonic()
                if down_since is None:
                    logger.warning("Redis unavailable (%s): waiting for it", exc)
                down_since = down_since or now
                if timeout > 0 and now - down_since >= timeout:
                    logger.error("Redis unreachable for %.0f s: stopping", timeout)
                    stats.set_value(accounting.REDIS_GAVE_UP, True)
                    return
                await sleep(0.5)
                continue
            if down_since is not None:
                logger.info("Redis is back")
                down_since = None
            if batch:
                idle_since = None
                stats.inc_value(accounting.REDIS_BATCHES)
                for entry in batch:
                    stats.inc_value(accounting.INPUTS_READ)
                    yield entry
                continue
            done = (
                waiting == claimed == 0
                and not loading
                and not self.crawler.engine.downloader.active  # type: ignore[union-attr]
            )
            now = monotonic()
            idle_since = (idle_since or now) if done else None
            if timeout > 0 and idle_since is not None and now - idle_since >= timeout:
                logger.info("Queue drained, every blog done, idle %.0f s: stopping", timeout)
                return
            await sleep(0.1)  # nothing to claim: look again soon (a few cheap Redis calls)

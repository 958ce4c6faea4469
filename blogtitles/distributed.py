"""Distributed mode (``BLOGTITLES_REDIS_URL``): workers anywhere share one crawl through Redis.

Built on scrapy-redis 0.9.1, the distributed engine of the Scrapy world:

- its **scheduler** holds every worker's requests in one Redis priority queue
  (``NAME:requests``): a blog's index fetched by one worker may have its article fetched by
  another, and a worker with nothing of its own takes what the others queued;
- its **duplicate filter** lives in Redis too (``NAME:dupefilter``), shared by all workers;
- its connection settings (``REDIS_PARAMS``) and start-URL queue (``NAME:start_urls``,
  ``REDIS_START_URLS_KEY``, ``REDIS_START_URLS_BATCH_SIZE``), filled by
  ``python -m blogtitles.enqueue``.

What scrapy-redis 0.9.1 lacks for this project is adapted here and in
:mod:`blogtitles.redisqueue`, in small documented pieces:

1. **Scrapy 2.16+ starts spiders with ``async def start()``**; scrapy-redis's ``RedisMixin``
   defines only ``start_requests()``, which Scrapy no longer calls (rmax/scrapy-redis#305,
   #316). The spider's own ``start()`` reads the start-URL queue (in batches, while the scheduler
   has room) instead of ``RedisMixin``.
2. **Nothing lost**: scrapy-redis pops and forgets, so a worker killed with SIGKILL loses what it
   had popped. Here a batch of blogs is popped *and claimed* (blog -> when) in one Lua script; a
   blog's outcome (its record, delivered by :class:`RedisRecordPipeline`, or its drop) clears
   the claim in another. Claims older than ``BLOGTITLES_REDIS_RECLAIM_AFTER`` seconds without an
   outcome belong to a dead worker: an idle worker (or ``python -m blogtitles.collect
   --reconcile``) puts them back in the queue.
3. **Nothing twice**: the duplicate filter that matters here is of *records*: a blog that has its
   outcome gets no second record (a blog put back while its first worker was only slow), and an
   article recorded by one worker is a duplicate for all (the dedupe pipeline's rule, across
   workers). The spider's requests are ``dont_filter`` (each blog needs its own requests even
   when two share a feed), so scrapy-redis's request filter is configured but not consulted.
4. **Redis outages**: :class:`RedisScheduler` is scrapy-redis's scheduler with Redis errors
   turned into "nothing to hand out" / "request not kept" instead of a crashed engine; what a
   worker could not queue or deliver stays claimed, and is put back once Redis is back.
5. ``SCHEDULER_PERSIST`` is on: scrapy-redis flushes the shared queue when a spider closes
   otherwise, which would throw away the other workers' requests.
6. **Serialising a request** (:class:`RequestQueue`): ``Request.to_dict`` finds the names of the
   callback and errback by listing every member of the spider (``inspect.getmembers``), twice
   per request; here the spider's own methods are named directly (a third of a worker's Redis
   overhead, measured).
7. **Round trips** (:class:`RequestQueue`): scrapy-redis pushes and pops one request per round
   trip; here they move in batches of ``BLOGTITLES_REDIS_REQUEST_BATCH`` (a worker's CPU per
   page at zero latency: 2.82 -> 2.32 ms, measured).
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from blogtitles import accounting
from blogtitles.addons import set_over
from blogtitles.pipelines import duplicate_key
from blogtitles.redisqueue import ALREADY_RECORDED, DUPLICATE_ARTICLE, BlogQueue

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: Requests that could not be queued in Redis (their blogs are put back by reconcile).
LOST_REQUESTS = accounting.PREFIX + "redis/requests_not_queued"
#: Exchanges with the shared request queue (pushes sent, a batch popped), and those that found
#: it empty.
ROUND_TRIPS = accounting.PREFIX + "redis/request_round_trips"


def is_distributed(settings: Any) -> bool:
    return bool(settings.get("BLOGTITLES_REDIS_URL"))


class Distributed:
    """Add-on: with ``BLOGTITLES_REDIS_URL``, scrapy-redis's scheduler and duplicate filter on
    that Redis (set at the priority the settings already have: the project's settings file sets
    ``SCHEDULER``), its queue kept when a worker closes; the dedupe pipeline off (Redis does it)."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not is_distributed(settings):
            return
        url = settings.get("BLOGTITLES_REDIS_URL")
        for name, value in (
            ("SCHEDULER", "blogtitles.distributed.RedisScheduler"),
            ("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter"),
            ("REDIS_URL", url),
            ("SCHEDULER_PERSIST", True),
            ("SCHEDULER_QUEUE_CLASS", "blogtitles.distributed.RequestQueue"),
            # Articles are deduplicated in Redis at delivery, across workers; a worker's own
            # dedupe set would remember an article whose record never reached Redis, and drop
            # it when its blog comes back.
            ("BLOGTITLES_DEDUPE_ENABLED", False),
        ):
            set_over(settings, name, value)


class RequestQueue(PriorityQueue):
    """scrapy-redis's priority queue (one sorted set for every worker), moving requests in
    batches and naming the spider's callbacks without a member scan.

    scrapy-redis makes a Redis round trip for every push and every pop: at zero latency that was
    a fifth of a worker's CPU. Here pushes wait in memory (up to ``batch``) and go to Redis
    with the next exchange, and a pop takes up to ``batch`` requests at once, in one
    ``MULTI``/``EXEC`` with the waiting pushes. What a worker holds is at most ``batch`` requests
    each way; it is given back to Redis when the worker closes. A worker killed with SIGKILL
    loses what it held, like the requests it had in flight: their blogs are still claimed, and
    are put back (see item 2 of the module docstring).
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.batch = max(1, spider.settings.getint("BLOGTITLES_REDIS_REQUEST_BATCH", 16))
        self._outgoing: list[Any] = []  # score, data, score, data...: pushes not in Redis yet
        self._held: deque[bytes] = deque()  # popped from Redis, not handed out yet

    def __len__(self) -> int:
        return self.held() + super().__len__()

    def held(self) -> int:
        """Requests in this worker's memory (pushed or popped), not in Redis."""
        return len(self._outgoing) // 2 + len(self._held)

    def push(self, request: Request) -> None:
        self._outgoing += (-request.priority, self._encode_request(request))
        if len(self._outgoing) >= 2 * self.batch:
            with contextlib.suppress(RedisError):  # kept; sent with the next exchange
                self._send()

    def pop(self, timeout: int = 0) -> Request | None:
        if not self._held:
            self._exchange()
        return self._decode_request(self._held.popleft()) if self._held else None

    def _send(self) -> None:
        self.server.execute_command("ZADD", self.key, *self._outgoing)
        self._outgoing.clear()

    def _exchange(self) -> None:
        """Send the waiting pushes and take the next batch, in one transaction."""
        pipe = self.server.pipeline()
        if self._outgoing:
            pipe.execute_command("ZADD", self.key, *self._outgoing)
        pipe.zrange(self.key, 0, self.batch - 1).zremrangebyrank(self.key, 0, self.batch - 1)
        results = pipe.execute()
        self._outgoing.clear()
        self._held.extend(results[-2])
        self.spider.crawler.stats.inc_value(ROUND_TRIPS)
        if not results[-2]:
            self.spider.crawler.stats.inc_value(ROUND_TRIPS + "/empty")

    def give_back(self) -> None:
        """Put what this worker holds back in Redis (at closing)."""
        count = len(self._held)
        for k, data in enumerate(self._held):  # at the front, in the order they were popped
            self._outgoing += (-_FRONT - count + k, data)
        self._held.clear()
        if self._outgoing:
            self._send()

    def _encode_request(self, request: Request) -> Any:
        callback, errback = request.callback, request.errback
        names = [
            _NOT_OWN if f is not None and not self._is_own(f) else f for f in (callback, errback)
        ]
        if _NOT_OWN in names:  # not this spider's methods: Scrapy's own lookup (and its errors)
            return super()._encode_request(request)
        try:  # to_dict keeps a callback that is not callable (a method's name) as it is
            request.callback, request.errback = (f and f.__func__.__name__ for f in names)  # type: ignore[assignment]
            return self.serializer.dumps(request.to_dict())
        finally:
            request.callback, request.errback = callback, errback

    def _is_own(self, func: Any) -> bool:
        """Whether ``func`` is a method of the spider, found again by its name."""
        if getattr(func, "__self__", None) is not self.spider:
            return False
        own = getattr(self.spider, getattr(func.__func__, "__name__", ""), None)
        return getattr(own, "__func__", None) is func.__func__


#: Given-back popped requests are queued above this priority: before every other.
_FRONT = 1 << 30


_NOT_OWN = object()


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler, surviving Redis outages (see item 4 of the module docstring)."""

    def enqueue_request(self, request: Request) -> bool:
        try:
            return bool(super().enqueue_request(request))
        except RedisError as exc:
            if self.stats:
                self.stats.inc_value(LOST_REQUESTS)
            logger.warning(
                "Redis unavailable, %s not queued (its blog is put back): %s", request, exc
            )
            return False

    def next_request(self) -> Request | None:
        try:
            return super().next_request()
        except RedisError as exc:
            logger.warning("Redis unavailable, no request to hand out: %s", exc)
            return None

    def has_pending_requests(self) -> bool:
        if self.queue.held():  # no round trip to learn it
            return True
        try:
            return bool(super().has_pending_requests())
        except RedisError:
            return False

    def close(self, reason: str) -> None:
        """Give what this worker holds back to the shared queue (else its blogs wait for the
        reclaim)."""
        try:
            self.queue.give_back()
        except RedisError as exc:
            held = self.queue.held()
            if self.stats:
                self.stats.inc_value(LOST_REQUESTS, held)
            logger.warning(
                "Redis unavailable, %d requests not given back (their blogs are put back): %s",
                held,
                exc,
            )
        super().close(reason)

    def __len__(self) -> int:
        try:
            return super().__len__()
        except RedisError:
            return 0


class _Delivery(DropItem):
    """A record dropped by :class:`RedisRecordPipeline` itself (its outcome is Redis's say)."""


class RedisRecordPipeline:
    """The last pipeline in distributed mode: each record goes to Redis, once per blog.

    A record whose blog has an outcome already, or whose article another worker has recorded,
    is dropped and counted. A record dropped by an earlier pipeline (invalid, a duplicate article
    in this worker, unchanged since the last run) still settles its blog's outcome, so the blog is
    not put back. When Redis cannot be reached the record is dropped and counted as undelivered:
    its blog stays claimed, and is put back in the queue, so it is crawled again, not lost.
    """

    def __init__(self, queue: BlogQueue, stats: StatsCollector) -> None:
        self.queue = queue
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not is_distributed(crawler.settings):
            raise NotConfigured  # off unless distributed: no message, no warning on every run
        name = crawler.spidercls.name or "blogs"
        pipeline = cls(BlogQueue.from_settings(crawler.settings, name), crawler.stats)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        try:
            result = self.queue.deliver(adapter["blog_url"], adapter.asdict(), duplicate_key(item))
        except RedisError as exc:
            self.stats.inc_value(accounting.DROPPED_UNDELIVERED)
            raise _Delivery(
                f"Record of {adapter['blog_url']} not delivered, Redis: {exc} (the blog stays "
                "claimed: it is put back in the queue)"
            ) from exc
        if result == ALREADY_RECORDED:
            self.stats.inc_value(accounting.DROPPED_ALREADY_RECORDED)
            raise _Delivery(f"{adapter['blog_url']} has its record already", log_level="INFO")
        if result == DUPLICATE_ARTICLE:
            self.stats.inc_value(accounting.DROPPED_DUPLICATE)
            raise _Delivery(
                f"Duplicate article {adapter['article_url']} (recorded by another worker)",
                log_level="INFO",
            )
        return item

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        """An earlier pipeline dropped the record: the blog is done all the same. (Not one this
        pipeline dropped: an undelivered record's blog must stay claimed, even if Redis is back
        by now, to be put back and crawled again.)"""
        if isinstance(exception, _Delivery):
            return
        with contextlib.suppress(RedisError):  # else still claimed: put back, crawled again
            self.queue.settle(ItemAdapter(item)["blog_url"])

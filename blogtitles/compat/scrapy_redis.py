"""scrapy-redis 0.9.1 adapted to this project and to Scrapy 2.19: the scheduler queue and scheduler.

Each item below names what it works around; remove it when scrapy-redis does the same:

1. **Redis outages** (:class:`RedisScheduler`): scrapy-redis's scheduler lets a ``RedisError``
   crash the engine. Here it becomes "nothing to hand out" / "request not kept"; what a worker
   could not queue or deliver stays claimed, and is put back once Redis is back (no upstream
   fix yet: rmax/scrapy-redis#167 "Should we auto reconnect to redis?" and #108 are open).
2. **Serialising a request** (:class:`RequestQueue`, overriding scrapy-redis's private
   ``_encode_request``): ``Request.to_dict`` finds the names of the callback and errback by
   listing every member of the spider (``inspect.getmembers``), twice per request; here the
   spider's own methods are named directly (a third of a worker's Redis overhead, measured).
   The scan dates from scrapy/scrapy#4500 (Scrapy 2.1); no upstream issue asks to speed it up.
   Removable when ``to_dict`` stops calling ``inspect.getmembers``.
3. **Round trips** (:class:`RequestQueue`): scrapy-redis pushes and pops one request per round
   trip; here they move in batches of ``BLOGTITLES_REDIS_REQUEST_BATCH`` (a worker's CPU per
   page at zero latency: 2.82 -> 2.32 ms, measured). No upstream issue asks for it (the
   nearest, rmax/scrapy-redis#169, batched only start-URL reads, in 0.7.1). Removable if
   scrapy-redis batches the scheduler queue.
4. **Scrapy 2.16+ starts spiders with ``async def start()``**; scrapy-redis's ``RedisMixin``
   defines only ``start_requests()``, which Scrapy 2.16 no longer calls (rmax/scrapy-redis#305;
   the open pull request #316 adds ``start()``).
   Not a class here: the project's own source of blogs (:mod:`blogtitles.distributed.source`)
   reads the start queue instead of ``RedisMixin``. Removable when scrapy-redis ships ``start()``.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from blogtitles import accounting

if TYPE_CHECKING:
    from scrapy import Request

logger = logging.getLogger(__name__)

#: Requests that could not be queued in Redis (their blogs are put back by reconcile).
LOST_REQUESTS = accounting.PREFIX + "redis/requests_not_queued"
#: Exchanges with the shared request queue (pushes sent, a batch popped), and those that found
#: it empty.
ROUND_TRIPS = accounting.PREFIX + "redis/request_round_trips"


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
        self.batch = max(1, spider.settings.getint("BLOGTITLES_REDIS_REQUEST_BATCH"))
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

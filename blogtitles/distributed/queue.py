"""The distributed mode's shared state in Redis: the blog queue, claims, outcomes and records.

Keys, for spider ``NAME`` (``blogs``), in the scrapy-redis naming scheme:

- ``NAME:start_urls`` (a list): blogs waiting, one JSON entry each (scrapy-redis's start-URL
  queue, ``REDIS_START_URLS_KEY``), pushed by ``python -m blogtitles.enqueue``;
- ``NAME:claims`` (a hash): blog URL -> its entry and when a worker took it;
- ``NAME:outcomes`` (a set): blogs that have their record: the duplicate filter of records;
- ``NAME:articles`` (a set): canonical article URLs of ``ok`` records (dedupe across workers);
- ``NAME:records`` (a list): the records, JSON, drained by ``python -m blogtitles.collect``;
- ``NAME:enqueued`` (a counter): entries the enqueue command accounted for;
- ``NAME:loading`` (a flag, expiring): an enqueue is still reading its list; workers do not stop
  while it is set;
- ``NAME:requests`` and ``NAME:dupefilter``: scrapy-redis's scheduler queue and request filter,
  shared by the workers (see :mod:`blogtitles.distributed`).

Taking a batch (pop + claim) and delivering a record (outcome + record + unclaim) are each one
Lua script, so atomic: a worker killed at any point leaves every blog either waiting, claimed
without an outcome (``reconcile`` puts it back), or done with exactly one record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from scrapy_redis import connection, defaults

from blogtitles.inputs import BlogInput

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.settings import BaseSettings

# KEYS: start queue, claims. ARGV: how many, now. Pops up to ARGV[1] entries, claims each.
_CLAIM = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then redis.call('LTRIM', KEYS[1], #items, -1) end
for _, item in ipairs(items) do
  local url = cjson.decode(item)['url']
  redis.call('HSET', KEYS[2], url, cjson.encode({entry = item, at = tonumber(ARGV[2])}))
end
return items
"""

# KEYS: outcomes, claims, articles, records. ARGV: blog key, record JSON, article key or "".
# 0: the blog has its record already; 2: a duplicate article (the blog is done, no record);
# 1: delivered.
_DELIVER = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[3] ~= '' and redis.call('SADD', KEYS[3], ARGV[3]) == 0 then return 2 end
redis.call('RPUSH', KEYS[4], ARGV[2])
return 1
"""

# KEYS: claims, outcomes, start queue. ARGV: claimed before this time. Puts back every claim
# older than that whose blog has no outcome; drops claims of blogs that have one.
_RECONCILE = """
local back = 0
local claims = redis.call('HGETALL', KEYS[1])
for i = 1, #claims, 2 do
  local url, claim = claims[i], cjson.decode(claims[i + 1])
  if redis.call('SISMEMBER', KEYS[2], url) == 1 then
    redis.call('HDEL', KEYS[1], url)
  elseif claim['at'] < tonumber(ARGV[1]) then
    redis.call('HDEL', KEYS[1], url)
    redis.call('RPUSH', KEYS[3], claim['entry'])
    back = back + 1
  end
end
return back
"""

DELIVERED, ALREADY_RECORDED, DUPLICATE_ARTICLE = 1, 0, 2
#: Seconds the loading flag lives without being renewed (an enqueue renews it every third of it).
LOADING_TTL = 60


@dataclass(frozen=True)
class QueueStatus:
    """Where the job's blogs are; ``complete`` when every enqueued one has its outcome."""

    enqueued: int
    waiting: int
    claimed: int
    outcomes: int
    records: int
    loading: bool = False

    @property
    def complete(self) -> bool:
        return (
            not self.loading
            and self.waiting == 0
            and self.claimed == 0
            and self.outcomes == self.enqueued
        )


class BlogQueue:
    """One job's keys on one Redis (see the module docstring)."""

    def __init__(self, server: Redis, name: str = "blogs", start_key: str = "") -> None:
        self.server = server
        self.name = name
        self.start_key = (start_key or defaults.START_URLS_KEY) % {"name": name}
        self.claims_key = f"{name}:claims"
        self.outcomes_key = f"{name}:outcomes"
        self.articles_key = f"{name}:articles"
        self.records_key = f"{name}:records"
        self.enqueued_key = f"{name}:enqueued"
        self.loading_key = f"{name}:loading"
        # scrapy-redis's scheduler keys (SCHEDULER_QUEUE_KEY, SCHEDULER_DUPEFILTER_KEY defaults)
        self.requests_key = defaults.SCHEDULER_QUEUE_KEY % {"spider": name}
        self.dupefilter_key = defaults.SCHEDULER_DUPEFILTER_KEY % {"spider": name}
        self._claim = server.register_script(_CLAIM)
        self._deliver = server.register_script(_DELIVER)
        self._reconcile = server.register_script(_RECONCILE)

    @classmethod
    def from_url(cls, url: str, name: str = "blogs") -> BlogQueue:
        """A queue on the Redis at ``url``, with scrapy-redis's connection defaults."""
        server = connection.get_redis(url=url, **_params({}))
        return cls(server, name)

    @classmethod
    def from_settings(cls, settings: BaseSettings, name: str) -> BlogQueue:
        """The queue of ``BLOGTITLES_REDIS_URL`` (``REDIS_PARAMS``, ``REDIS_START_URLS_KEY``
        as in scrapy-redis)."""
        server = connection.get_redis(
            url=settings.get("BLOGTITLES_REDIS_URL"),
            **_params(settings.getdict("REDIS_PARAMS")),
        )
        return cls(server, name, settings.get("REDIS_START_URLS_KEY"))

    # -- enqueue ---------------------------------------------------------------------------------

    def push(self, entries: Iterable[BlogInput]) -> int:
        """Append valid entries to the queue, in one round trip; how many."""
        payloads = [json.dumps(asdict(entry), ensure_ascii=False) for entry in entries]
        if payloads:
            with self.server.pipeline() as pipe:
                pipe.rpush(self.start_key, *payloads)
                pipe.incrby(self.enqueued_key, len(payloads))
                pipe.execute()
        return len(payloads)

    def mark_loading(self, seconds: int = LOADING_TTL) -> None:
        """An enqueue is reading its list: workers wait for it (the enqueue renews it; it expires
        ``seconds`` after the last renewal if the enqueue dies)."""
        self.server.set(self.loading_key, 1, ex=seconds)

    def done_loading(self) -> None:
        self.server.delete(self.loading_key)

    def count_enqueued(self, n: int) -> None:
        """Count entries that end without being queued (an invalid line's record, a duplicate)."""
        if n:
            self.server.incrby(self.enqueued_key, n)

    def clear(self) -> None:
        """Forget the job: queue, claims, outcomes, records, the shared request queue."""
        self.server.delete(
            self.requests_key,
            self.dupefilter_key,
            self.start_key,
            self.claims_key,
            self.outcomes_key,
            self.articles_key,
            self.records_key,
            self.enqueued_key,
            self.loading_key,
        )

    # -- workers ---------------------------------------------------------------------------------

    def claim(self, count: int) -> list[BlogInput]:
        """Take up to ``count`` waiting blogs for this worker (atomically popped and claimed)."""
        items = self._claim(keys=[self.start_key, self.claims_key], args=[count, time.time()])
        return [BlogInput(**json.loads(item)) for item in items]

    def deliver(self, blog_key: str, record: Mapping[str, Any], article_key: str | None) -> int:
        """Record the outcome of ``blog_key`` and queue its record, unless it has one already.

        Returns :data:`DELIVERED`, :data:`ALREADY_RECORDED` or :data:`DUPLICATE_ARTICLE`.
        """
        payload = json.dumps(dict(record), ensure_ascii=False, default=str)
        keys = [self.outcomes_key, self.claims_key, self.articles_key, self.records_key]
        return int(self._deliver(keys=keys, args=[blog_key, payload, article_key or ""]))

    def settle(self, blog_key: str) -> None:
        """The blog is done without a record of its own (dropped: a duplicate article, invalid,
        unchanged): its outcome is set and its claim cleared, so it is not put back."""
        with self.server.pipeline() as pipe:  # MULTI/EXEC: both or neither
            pipe.sadd(self.outcomes_key, blog_key)
            pipe.hdel(self.claims_key, blog_key)
            pipe.execute()

    def unfinished(self) -> tuple[int, int, bool]:
        """``(waiting, claimed, loading)``: blogs in the queue, blogs taken by a worker without an
        outcome, and whether an enqueue is still reading its list."""
        with self.server.pipeline(transaction=False) as pipe:
            pipe.llen(self.start_key)
            pipe.hlen(self.claims_key)
            pipe.exists(self.loading_key)
            waiting, claimed, loading = pipe.execute()
        return int(waiting), int(claimed), bool(loading)

    # -- operators -------------------------------------------------------------------------------

    def reconcile(self, older_than: float) -> int:
        """Put back blogs claimed more than ``older_than`` seconds ago without an outcome (their
        worker died); how many."""
        keys = [self.claims_key, self.outcomes_key, self.start_key]
        return int(self._reconcile(keys=keys, args=[time.time() - older_than]))

    def status(self) -> QueueStatus:
        with self.server.pipeline() as pipe:
            pipe.get(self.enqueued_key)
            pipe.llen(self.start_key)
            pipe.hlen(self.claims_key)
            pipe.scard(self.outcomes_key)
            pipe.llen(self.records_key)
            pipe.exists(self.loading_key)
            enqueued, waiting, claimed, outcomes, records, loading = pipe.execute()
        return QueueStatus(int(enqueued or 0), waiting, claimed, outcomes, records, bool(loading))

    def records(self, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every queued record, oldest first, left in Redis (see :meth:`trim_records`)."""
        start = 0
        while chunk := self.server.lrange(self.records_key, start, start + batch - 1):
            yield from (json.loads(item) for item in chunk)
            start += len(chunk)

    def trim_records(self, count: int) -> None:
        """Remove the first ``count`` records (once they are safely written elsewhere)."""
        self.server.ltrim(self.records_key, count, -1)


def _params(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """scrapy-redis's connection defaults, answers decoded as text, ``overrides`` on top."""
    return {**defaults.REDIS_PARAMS, "decode_responses": True, **overrides}

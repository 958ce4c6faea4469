"""Distributed mode (``BLOGTITLES_REDIS_URL``): workers anywhere share one crawl through Redis.

Built on scrapy-redis 0.9.1, the distributed engine of the Scrapy world:

- its **scheduler** holds every worker's requests in one Redis priority queue
  (``NAME:requests``): a blog's index fetched by one worker may have its article fetched by
  another, and a worker with nothing of its own takes what the others queued;
- its **duplicate filter** lives in Redis too (``NAME:dupefilter``), shared by all workers;
- its connection settings (``REDIS_PARAMS``) and start-URL queue (``NAME:start_urls``,
  ``REDIS_START_URLS_KEY``, ``REDIS_START_URLS_BATCH_SIZE``), filled by
  ``python -m blogtitles.enqueue``.

How the job stays exact, and what is adapted where:

- **Nothing lost**: scrapy-redis pops and forgets, so a worker killed with SIGKILL loses what it
  had popped. Here a batch of blogs is popped *and claimed* (blog -> when) in one Lua script
  (:mod:`.queue`); a blog's outcome (its record, delivered by
  :class:`~blogtitles.distributed.pipelines.RedisRecordPipeline`, or its drop) clears the claim in
  another. Claims older than ``BLOGTITLES_REDIS_RECLAIM_AFTER`` seconds without an outcome belong
  to a dead worker: an idle worker (or ``python -m blogtitles.collect --reconcile``) puts them
  back in the queue.
- **Nothing twice**: the duplicate filter that matters here is of *records*: a blog that has its
  outcome gets no second record (a blog put back while its first worker was only slow), and an
  article recorded by one worker is a duplicate for all (the dedupe pipeline's rule, across
  workers). The spider's requests are ``dont_filter`` (each blog needs its own requests even
  when two share a feed), so scrapy-redis's request filter is configured but not consulted.
- ``SCHEDULER_PERSIST`` is on: scrapy-redis flushes the shared queue when a spider closes
  otherwise, which would throw away the other workers' requests.
- scrapy-redis's scheduler and queue, adapted (outages, batches, ``start()``):
  :mod:`blogtitles.compat.scrapy_redis`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blogtitles.addons import set_over

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def is_distributed(settings: Any) -> bool:
    return bool(settings.get("BLOGTITLES_REDIS_URL"))


class Distributed:
    """Add-on: with ``BLOGTITLES_REDIS_URL``, scrapy-redis's scheduler and duplicate filter on
    that Redis (set at the priority the settings already have: the project's settings file sets
    ``SCHEDULER``), its queue kept when a worker closes; the dedupe pipeline off (Redis does it)
    and :class:`~blogtitles.distributed.pipelines.RedisRecordPipeline` on."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not is_distributed(settings):
            return
        url = settings.get("BLOGTITLES_REDIS_URL")
        for name, value in (
            ("SCHEDULER", "blogtitles.compat.scrapy_redis.RedisScheduler"),
            ("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter"),
            ("REDIS_URL", url),
            ("SCHEDULER_PERSIST", True),
            ("SCHEDULER_QUEUE_CLASS", "blogtitles.compat.scrapy_redis.RequestQueue"),
            # Articles are deduplicated in Redis at delivery, across workers; a worker's own
            # dedupe set would remember an article whose record never reached Redis, and drop
            # it when its blog comes back.
            ("BLOGTITLES_DEDUPE_ENABLED", False),
        ):
            set_over(settings, name, value)
        # Imported here: redis and scrapy-redis are loaded by distributed crawls only.
        from blogtitles.distributed.pipelines import RedisRecordPipeline

        settings.setdefault_in_component_priority_dict("ITEM_PIPELINES", RedisRecordPipeline, 900)

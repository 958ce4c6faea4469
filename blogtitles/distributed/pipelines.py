"""The last pipeline in distributed mode: each record to Redis, once per blog."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured

from blogtitles import accounting
from blogtitles.distributed.addon import is_distributed
from blogtitles.distributed.queue import ALREADY_RECORDED, DUPLICATE_ARTICLE, BlogQueue
from blogtitles.items import duplicate_key

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


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

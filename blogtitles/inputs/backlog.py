"""Reading a list pauses while the scheduler already holds enough requests: memory stays flat
however long the list is (``BLOGTITLES_START_BACKLOG``). Shared by every source of blogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals

from blogtitles import accounting

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


async def wait_for_scheduler_room(crawler: Crawler, backlog: int) -> None:
    """Pause while the scheduler holds ``backlog`` requests or more (0: never pause)."""
    scheduler = crawler.engine.scheduler if crawler.engine else None
    if backlog > 0 and scheduler is not None and len(scheduler) >= backlog:  # type: ignore[arg-type]
        crawler.stats.inc_value(accounting.START_PAUSES)
        await crawler.signals.wait_for(signals.scheduler_empty)

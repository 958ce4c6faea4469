"""Scrapy's in-memory stats collector without its per-attribute deprecation shim (``STATS_CLASS``).

Scrapy 2.19's ``StatsCollector`` wraps every attribute access (``__getattribute__``, to warn about
a deprecated ``spider`` argument), raising and catching an exception on each internal one; the
crawl updates stats a dozen times per page (measured by ``make bench``). Relies on that internal
shim being the only ``__getattribute__`` override: remove this class when Scrapy drops the
``spider`` argument of the stats methods (the deprecation: scrapy/scrapy#6750, merged in PR
#7011; PR #7842 made the check cheaper, and Scrapy 2.19 still wraps every call).
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class PlainStatsCollector(MemoryStatsCollector):
    """Scrapy's in-memory stats collector with plain attribute access (same methods, same
    stats; a ``spider`` argument is accepted and ignored, without Scrapy's deprecation warning).
    """

    __getattribute__ = object.__getattribute__

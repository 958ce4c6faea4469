"""Item pipelines, in order: validate, clean the title, drop duplicate articles.

Each is built with ``from_crawler`` and can be switched off in ``ITEM_PIPELINES`` (or with its
``BLOGTITLES_*_ENABLED`` setting). Drops are counted in the stats, so the summary adds up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from blogtitles import accounting, errors
from blogtitles.extract.html import clean_title
from blogtitles.items import ARTICLE_STATUSES, RECORD_FIELDS, STATUS_OK, SeenUrls, duplicate_key
from blogtitles.runs.resume import read_done, resumable_feeds

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

_STATUS_RE = re.compile(r"^(ok|[a-z][a-z0-9_]*)$")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class _Pipeline:
    """Shared ``from_crawler``: the ``enabled_setting`` toggle and the stats collector."""

    enabled_setting = ""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if cls.enabled_setting and not crawler.settings.getbool(cls.enabled_setting):
            raise NotConfigured(f"{cls.enabled_setting} is off")
        return cls(crawler.stats)


class ValidateRecordPipeline(_Pipeline):
    """Check every record's fields; an invalid one is logged, counted and dropped, never silently.

    An ``ok`` record without a title or article URL is turned into a ``no_title`` /
    ``no_article_link`` error instead of being dropped: the blog still gets its record.
    """

    enabled_setting = "BLOGTITLES_VALIDATE_ENABLED"

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        problems = record_problems(adapter)
        if problems:
            self.stats.inc_value(accounting.DROPPED_INVALID)
            raise DropItem(f"Invalid record ({'; '.join(problems)}): {adapter.asdict()}")
        if adapter["status"] == STATUS_OK and not adapter["article_url"]:
            demote(adapter, errors.NO_ARTICLE_LINK, "record had no article URL")
        elif adapter["status"] == STATUS_OK and not str(adapter["title"]).strip():
            demote(adapter, errors.NO_TITLE, "record had an empty title")
        return item


def record_problems(adapter: ItemAdapter) -> list[str]:
    """What is wrong with a record's fields (empty when it is valid)."""
    problems = [f"missing field {name!r}" for name in RECORD_FIELDS if name not in adapter]
    if problems:
        return problems
    for name in RECORD_FIELDS:
        if not isinstance(adapter[name], str):
            problems.append(f"{name} is not a string")
    if problems:
        return problems
    if not _STATUS_RE.match(adapter["status"]):
        problems.append(f"bad status {adapter['status']!r}")
    if adapter["status"] not in ARTICLE_STATUSES and not adapter["error"]:
        problems.append("error status without a message")
    if not adapter["blog_url"]:
        problems.append("empty blog_url")
    article_url = adapter["article_url"]
    if article_url and urlsplit(article_url).scheme not in ("http", "https"):
        problems.append("article_url is not http(s)")
    if not _ISO_RE.match(adapter["crawled_at"]):
        problems.append("crawled_at is not ISO-8601")
    return problems


def demote(adapter: ItemAdapter, code: str, message: str) -> None:
    """Turn an ``ok`` record into an error record."""
    adapter["status"] = code
    adapter["error"] = f"article page: {message}"
    adapter["title"] = ""


class CleanTitlePipeline(_Pipeline):
    """Tidy titles and blog titles: HTML entities decoded, format characters (Unicode category
    Cf: zero-width and bidi controls) and control characters removed, white space collapsed,
    Unicode normalised to NFC (kept, never transliterated)."""

    enabled_setting = "BLOGTITLES_CLEAN_TITLE_ENABLED"

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("blog_title"):
            adapter["blog_title"] = clean_title(adapter["blog_title"])
        if adapter.get("title"):
            adapter["title"] = clean_title(adapter["title"])
            if not adapter["title"] and adapter["status"] == STATUS_OK:
                demote(adapter, errors.NO_TITLE, "title was empty once cleaned")
        return item


class DedupeArticlePipeline(_Pipeline):
    """Drop a second ``ok`` record of the same article (by canonical URL), counted in the stats.

    Happens when two input URLs lead to the same blog (``http://`` and ``https://``, an alias
    domain that redirects). Error records are never dropped: each stands for its own input.
    Memory: 8 bytes of hash per distinct article.
    """

    enabled_setting = "BLOGTITLES_DEDUPE_ENABLED"

    def __init__(self, stats: StatsCollector) -> None:
        super().__init__(stats)
        self._seen = SeenUrls()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """With ``JOBDIR`` (a resumed crawl), the articles of the records already in the run's
        journal count as seen: a blog that shares one with a blog done before gets no record."""
        pipeline = super().from_crawler(crawler)
        if crawler.settings.get("JOBDIR"):
            feeds = resumable_feeds(crawler.settings, warn=False)  # the source warned already
            pipeline._seen = read_done(feeds).articles
        return pipeline

    def process_item(self, item: Any) -> Any:
        canonical = duplicate_key(item)
        if canonical is not None and not self._seen.add(canonical):
            self.stats.inc_value(accounting.DROPPED_DUPLICATE)
            raise DropItem(
                f"Duplicate article {canonical} (from {ItemAdapter(item)['blog_url']})",
                log_level="INFO",
            )
        return item

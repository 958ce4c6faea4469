"""Resumable crawls: ``-s JOBDIR=output/job-NAME`` with a JSON Lines feed survives ``kill -9``.

The feed is the journal. Started again with the same JOBDIR (and the same ``-o FILE.jsonl``,
which appends), the crawl reads the blogs that already have a record in its JSON Lines feeds,
cuts a last line the kill left half-written, and skips those blogs: every blog ends as exactly
one record across the runs. A record still in a write buffer when the process died was never on
disk, so its blog is simply crawled again. Scrapy's own request queue in JOBDIR is not used
(:class:`InputDrivenScheduler`): after ``kill -9`` it is not reliable, and the input list plus the
feed say all there is to know.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.core.scheduler import Scheduler
from scrapy.utils.misc import build_from_crawler, load_object

from blogtitles.items import STATUS_OK, SeenUrls, duplicate_key

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)
RESUMABLE_FORMATS = ("jsonlines", "jsonl", "jl")


def resumable_feeds(settings: BaseSettings, *, warn: bool = True) -> list[Path]:
    """The local JSON Lines files among the run's feeds; warns about feeds that cannot resume."""
    paths = []
    for key, options in settings.getdict("FEEDS").items():
        uri = str(key)
        parts = urlsplit(uri)
        local = parts.scheme in ("", "file") or len(parts.scheme) == 1  # a Windows drive letter
        path = Path(parts.path if parts.scheme == "file" else uri)
        if local and options.get("format") in RESUMABLE_FORMATS:
            if options.get("overwrite") and warn:
                logger.warning("Feed %s overwrites: with JOBDIR use -o (append), not -O", uri)
            paths.append(path)
        elif warn:
            logger.warning("Feed %s is not a local JSON Lines file: it cannot resume", uri)
    return paths


@dataclass
class Journal:
    """What the feeds of earlier runs hold: the blogs that have their record, the canonical
    articles of their ``ok`` records (the duplicate-article check goes on from them), and how
    many records there are."""

    done: SeenUrls = field(default_factory=SeenUrls)
    articles: SeenUrls = field(default_factory=SeenUrls)
    count: int = 0


def read_done(paths: Iterable[Path]) -> Journal:
    """Read the journal: every record already in the feeds.

    A last line cut short by a kill is removed from its file first (the next run appends there).
    """
    journal = Journal()
    for path in paths:
        if not path.exists():
            continue
        good_end = 0
        with path.open("rb") as handle:
            for line in handle:
                record = _parse(line)
                if record is None:
                    break
                good_end += len(line)
                journal.done.add(str(record.get("blog_url", "")))
                if record.get("status") == STATUS_OK and record.get("article_url"):
                    journal.articles.add(duplicate_key(record) or "")
                journal.count += 1
        if good_end < path.stat().st_size:
            logger.warning("Cut a half-written last record from %s (at byte %d)", path, good_end)
            with path.open("r+b") as handle:
                handle.truncate(good_end)
    return journal


def _parse(line: bytes) -> dict[str, Any] | None:
    if not line.endswith(b"\n"):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class InputDrivenScheduler(Scheduler):
    """Scrapy's scheduler with memory queues only, even with JOBDIR (see the module docstring)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            dupefilter=build_from_crawler(load_object(settings["DUPEFILTER_CLASS"]), crawler),
            jobdir=None,
            mqclass=load_object(settings["SCHEDULER_MEMORY_QUEUE"]),
            logunser=settings.getbool("SCHEDULER_DEBUG"),
            stats=crawler.stats,
            pqclass=load_object(settings["SCHEDULER_PRIORITY_QUEUE"]),
            crawler=crawler,
        )

"""The record: one per input blog, whether its title was found or not; and what makes two
records the same (their canonical article URL), remembered compactly."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from itemadapter import ItemAdapter
from w3lib.url import canonicalize_url

#: ``status`` of a record whose title was found.
STATUS_OK = "ok"
#: ``status`` of a record a crawl that keeps state gave without reading the blog again: its
#: index (or feed) answered ``304 Not Modified``, or was still fresh by its ``Cache-Control``.
#: The record is the blog's last known one (see :mod:`blogtitles.tracking.conditional`).
STATUS_UNCHANGED = "unchanged"
#: The statuses of a record that gives the blog's newest article (read in this run, or unchanged
#: since the last); every other status is an error code, with its message.
ARTICLE_STATUSES = (STATUS_OK, STATUS_UNCHANGED)


def utc_now_iso() -> str:
    """The current UTC time as ISO-8601 with second precision (``2026-11-25T15:09:55+00:00``)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def as_datetime(value: str) -> datetime | None:
    """A record's ISO-8601 date or date-time (``published``, ``crawled_at``) as an aware
    datetime (a date alone: midnight UTC; no zone: UTC), or ``None``."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@dataclass
class BlogRecord:
    """What the crawl found for one blog. Field order is the export order (JSON, CSV).

    ``status`` is ``"ok"`` or an error code (see :mod:`blogtitles.errors`); ``error`` is a
    human-readable message, empty when ``status`` is ``"ok"``. ``published`` is ISO-8601 (a date
    or a date-time) when the blog shows one; ``found_by`` names the signal that chose the article;
    ``feed_url`` is the blog's feed when it advertises one.
    """

    blog_url: str
    blog_title: str = ""
    article_url: str = ""
    title: str = ""
    published: str = ""
    status: str = STATUS_OK
    error: str = ""
    found_by: str = ""
    #: The blog's own feed, when it advertises one (a feed reader subscribes to it).
    feed_url: str = ""
    crawled_at: str = field(default_factory=utc_now_iso)


#: Column order of the CSV output (and of every feed), in one place.
RECORD_FIELDS: list[str] = list(BlogRecord.__dataclass_fields__)


def duplicate_key(item: Any) -> str | None:
    """What two records must share to be duplicates: the canonical article URL of an ``ok``
    record; ``None`` for an error record (each stands for its own input). Also used to merge
    the outputs of several processes (:mod:`blogtitles.runs.merge`)."""
    adapter = ItemAdapter(item)
    if adapter["status"] != STATUS_OK:
        return None
    return canonicalize_url(adapter["article_url"])


class SeenUrls:
    """Remembers which URLs were seen (a million URLs: about 70 MB).

    A 64-bit hash collision between two different URLs is possible but negligible: about one
    chance in 10^7 for a million URLs.
    """

    def __init__(self) -> None:
        self._hashes: set[int] = set()

    def add(self, url: str) -> bool:
        """Remember ``url``; ``False`` when it was seen before."""
        key = self._key(url)
        if key in self._hashes:
            return False
        self._hashes.add(key)
        return True

    def __contains__(self, url: str) -> bool:
        return self._key(url) in self._hashes

    @staticmethod
    def _key(url: str) -> int:
        return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest())

    def __len__(self) -> int:
        return len(self._hashes)

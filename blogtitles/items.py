"""The record: one per input blog, whether its title was found or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

#: ``status`` of a record whose title was found.
STATUS_OK = "ok"


def utc_now_iso() -> str:
    """The current UTC time as ISO-8601 with second precision (``2026-11-25T15:09:55+00:00``)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class BlogRecord:
    """What the crawl found for one blog. Field order is the export order (JSON, CSV).

    ``status`` is ``"ok"`` or an error code (see :mod:`blogtitles.errors`); ``error`` is a
    human-readable message, empty when ``status`` is ``"ok"``. ``published`` is ISO-8601 (a date
    or a date-time) when the blog shows one; ``found_by`` names the signal that chose the article.
    """

    blog_url: str
    blog_title: str = ""
    article_url: str = ""
    title: str = ""
    published: str = ""
    status: str = STATUS_OK
    error: str = ""
    found_by: str = ""
    crawled_at: str = field(default_factory=utc_now_iso)


#: Column order of the CSV output (and of every feed), in one place.
RECORD_FIELDS: list[str] = list(BlogRecord.__dataclass_fields__)

"""Dates as blogs write them, to ISO-8601: ``2026-11-20`` or ``2026-11-20T09:00:00+00:00``."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PREFIX_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


_YEAR_RE = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def parse_date(text: str | None) -> str | None:
    """ISO-8601 form of a date or date-time string (ISO, RFC 822), or ``None`` if unreadable.

    A bare date stays a date; a date-time keeps its offset (UTC when it has none).
    """
    if not text or len(text) > 64 or not _YEAR_RE.search(text):
        return None  # cheap rejection: most texts tried are not dates
    # A plain string as the cache's key: lxml's string results keep their whole page alive.
    return _parse_date(str(text))


@lru_cache(maxsize=4096)  # pure; the same date texts recur across a page's signals and blogs
def _parse_date(text: str) -> str | None:
    value = text.strip()
    if _ISO_DATE_RE.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    if _ISO_PREFIX_RE.match(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            return parse_date(value[:10])
        return _with_zone(moment).isoformat()
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return _human_date(value)
    return _with_zone(moment).isoformat()


_HUMAN_FORMATS = ("%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")
_ORDINAL_RE = re.compile(r"(?<=\d)(st|nd|rd|th)\b")
_WEEKDAY_RE = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_HUMAN_RE = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?|"
    r"[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?),?\s+\d{4}$"
)


def _human_date(value: str) -> str | None:
    """``20 November 2026``, ``Nov 20, 2026``, ``November 20th, 2026`` (English month names)."""
    value = _WEEKDAY_RE.sub("", value.strip())
    if not _HUMAN_RE.match(value):
        return None
    text = _ORDINAL_RE.sub("", " ".join(value.replace(",", ", ").split())).replace(" ,", ",")
    text = re.sub(r"(?<=[A-Za-z])\.", "", text)  # "Mar." -> "Mar"
    for fmt in _HUMAN_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def from_struct_time(value: time.struct_time | None) -> str | None:
    """ISO-8601 of a feedparser ``*_parsed`` value (UTC)."""
    if value is None:
        return None
    return datetime(*value[:6], tzinfo=UTC).isoformat()


@lru_cache(maxsize=4096)  # pure; called for every dated entry each time entries are compared
def sort_key(iso: str | None) -> str:
    """A key that orders ISO dates and date-times by time (missing dates first)."""
    if not iso:
        return ""
    if len(iso) == 10:
        return iso + "T00:00:00"
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return iso


def _with_zone(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

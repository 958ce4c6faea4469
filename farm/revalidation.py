"""What the farm does for clients that come back: validators on its pages (a weak ``ETag`` from
the page's bytes, ``Last-Modified`` from the blog's newest post), ``304 Not Modified`` to a
request that already has the page (RFC 9110 section 13: ``If-None-Match`` first, else
``If-Modified-Since``), ``Cache-Control: max-age`` when asked to, and ``429`` with
``Retry-After`` to a host's next requests when asked to (pure functions, and the switches the
farm's control paths set)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime

#: ``?count=N&after=S``: the host's next N requests answer 429 with ``Retry-After: S``.
LIMIT_PATH = "/_farm/limit"
#: ``?seconds=N``: every page says ``Cache-Control: max-age=N`` (0: nothing).
MAX_AGE_PATH = "/_farm/max-age"
#: ``?to=URL``: the blog's index answers ``301`` to ``URL`` from now on (a blog that moved; a
#: new host name in ``URL`` serves the same blog).
MOVE_PATH = "/_farm/move"


def etag_of(body: bytes) -> str:
    """A weak entity tag for a page's (uncompressed) bytes: the same bytes, the same tag."""
    return 'W/"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def http_date(day: date) -> str:
    """``day`` at midnight UTC as an HTTP date (``Sun, 29 Nov 2026 00:00:00 GMT``)."""
    return format_datetime(datetime(day.year, day.month, day.day, tzinfo=UTC), usegmt=True)


def validators(body: bytes, modified: date | None, max_age: int = 0) -> dict[str, str]:
    """The headers a page of ``body`` gets: its ``ETag``, ``Last-Modified`` (the blog's newest
    post) and ``Cache-Control`` (when the farm is asked to send one)."""
    headers = {"ETag": etag_of(body)}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    if max_age > 0:
        headers["Cache-Control"] = f"max-age={max_age}"
    return headers


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def not_modified(
    headers: Mapping[str, str], if_none_match: str | None, if_modified_since: str | None
) -> bool:
    """Whether the client's copy of a page with these ``headers`` is current: a matching tag
    (weak comparison, ``*`` matches any); without ``If-None-Match``, a ``Last-Modified`` no later
    than ``If-Modified-Since``."""
    etag = headers.get("ETag")
    if if_none_match is not None:
        tags = _tags(if_none_match)
        return etag is not None and ("*" in tags or etag.removeprefix("W/") in tags)
    modified = headers.get("Last-Modified")
    if if_modified_since is None or modified is None:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False


def kept_on_304(headers: Mapping[str, str]) -> dict[str, str]:
    """What a ``304`` repeats of the page's headers: its validators and caching."""
    return {name: value for name, value in headers.items() if name in _KEPT_ON_304}


_KEPT_ON_304 = ("ETag", "Last-Modified", "Cache-Control")


@dataclass
class Revalidation:
    """The farm's switches (set by its control paths) and what it counted."""

    max_age: int = 0
    #: host -> (requests left to refuse, Retry-After seconds)
    limits: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: host -> where its index moved
    moves: dict[str, str] = field(default_factory=dict)
    not_modified: int = 0
    rate_limited: int = 0

    def limited(self, host: str) -> int | None:
        """The ``Retry-After`` of a 429 for this request to ``host``, if it gets one."""
        left, after = self.limits.get(host, (0, 0))
        if left <= 0:
            return None
        self.limits[host] = (left - 1, after)
        self.rate_limited += 1
        return after

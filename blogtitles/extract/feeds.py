"""RSS/Atom feeds: recognise one, and name its newest entry (feedparser does the parsing)."""

from __future__ import annotations

import re
import time

import feedparser

_FEED_ROOT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*)*<(rss|feed|rdf:rdf)\b", re.I | re.S
)


def looks_like_feed(page: str | bytes) -> bool:
    """True when the document's root element is that of an RSS, Atom or RDF feed."""
    head = page[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return bool(_FEED_ROOT_RE.match(head.lstrip("\ufeff")))


def newest_entry_link(page: str | bytes, url: str) -> str | None:
    """The link of the newest entry of a feed (by date when entries carry one, else the first).

    ``page`` is the feed document itself, never a URL, so feedparser fetches nothing.
    """
    if isinstance(page, str):
        page = page.encode("utf-8")
        page = re.sub(rb"^(\s*<\?xml[^>]*?)\sencoding=[\"'][^\"']*[\"']", rb"\1", page)
    parsed = feedparser.parse(page, response_headers={"content-location": url})
    entries = [entry for entry in parsed.entries if entry.get("link")]
    if not entries:
        return None
    dated = [entry for entry in entries if _entry_time(entry) is not None]
    newest = max(dated, key=_entry_time) if dated else entries[0]
    return str(newest["link"])


def _entry_time(entry: feedparser.FeedParserDict) -> time.struct_time | None:
    return entry.get("published_parsed") or entry.get("updated_parsed")

"""What the readable outputs share: the records of a run, read through ``ItemAdapter``, kept
until the feed closes, and the words that explain an error code to a reader."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter

from blogtitles.errors import ERROR_CODES
from blogtitles.items import ARTICLE_STATUSES, as_datetime, utc_now_iso

# Characters XML 1.0 cannot carry at all (a hostile title may hold them): removed.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: Any) -> str:
    """``value`` as text an XML document can hold (escaping is the writer's job)."""
    return _NOT_XML_RE.sub("", str(value or ""))


def web_link(url: str) -> str:
    """``url`` when it is an http(s) URL a reader may follow, else ``""`` (no ``javascript:``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def reason(status: str) -> str:
    """An error code in plain words."""
    if status.startswith("http_") and status[5:].isdigit():
        return f"the server answered with HTTP status {status[5:]}"
    return ERROR_CODES.get(status, status.replace("_", " "))


@dataclass(frozen=True, slots=True)
class Row:
    """One record, as the readable outputs use it."""

    blog_url: str
    blog_title: str
    article_url: str
    title: str
    published: str
    status: str
    error: str
    crawled_at: str
    feed_url: str

    @classmethod
    def of(cls, item: Any) -> Row:
        adapter = ItemAdapter(item)
        return cls(*(xml_text(adapter.get(name, "")) for name in cls.__slots__))

    @property
    def known(self) -> bool:
        """Whether the blog's newest article is known (this run, or unchanged since the last)."""
        return self.status in ARTICLE_STATUSES and bool(web_link(self.article_url))

    @property
    def name(self) -> str:
        """The blog's name for a reader: its title, else its host."""
        return self.blog_title or urlsplit(self.blog_url).netloc or self.blog_url

    @property
    def updated(self) -> str:
        """The article's date as a full RFC 3339 date-time (a date alone: midnight UTC),
        else the time the record was made."""
        return rfc3339(self.published) or rfc3339(self.crawled_at) or utc_now_iso()


def rfc3339(value: str) -> str:
    """An ISO-8601 date or date-time as an RFC 3339 date-time, or ``""``."""
    parsed = as_datetime(value)
    return parsed.isoformat(timespec="seconds") if parsed else ""


class CollectingExporter(BaseItemExporter):
    """Keeps the records; a subclass writes its document from :attr:`rows` in :meth:`write`."""

    def __init__(self, file: IO[bytes], **kwargs: Any) -> None:
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.rows: list[Row] = []

    def export_item(self, item: Any) -> None:
        self.rows.append(Row.of(item))

    def finish_exporting(self) -> None:
        self.file.write(self.write().encode("utf-8"))

    def write(self) -> str:
        raise NotImplementedError

    def newest_first(self) -> list[Row]:
        """The rows whose newest article is known: the dated ones, most recently published
        first, then the undated ones."""
        return sorted((row for row in self.rows if row.known), key=_by_date, reverse=True)


def _by_date(row: Row) -> tuple[bool, float, str]:
    when = as_datetime(row.published)
    return when is not None, when.timestamp() if when else 0.0, row.blog_url

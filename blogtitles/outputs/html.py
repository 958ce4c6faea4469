"""``html``: a static page of the run, to open in a browser (no JavaScript, nothing fetched).

The blogs with their newest article, the most recently published first; then the blogs that
failed, each with the reason in plain words; each blog's health at a glance (days since its
newest post; with a state file, how many runs in a row it has failed). Every value from a page
is escaped, links are http(s) only, and a Content-Security-Policy forbids scripts outright: a
hostile title stays text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import IO, TYPE_CHECKING, Any

from blogtitles.items import STATUS_UNCHANGED, as_datetime
from blogtitles.outputs.records import CollectingExporter, Row, reason, web_link

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

#: Failing runs in a row, by blog URL (from the state, with this run counted), when known.
FailureCounts = Callable[[list[Row]], dict[str, int]]

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;
vertical-align:top;border-bottom:1px solid #ddd}th{font-weight:600}
.blog{color:#555;font-size:.9rem}.ok{color:#176}.warn{color:#a50}.bad{color:#b00}
.muted{color:#777}
"""


class HtmlItemExporter(CollectingExporter):
    """``FEED_EXPORTERS``' ``html`` (``-O titles.html``)."""

    def __init__(
        self,
        file: IO[bytes],
        *,
        title: str = "Newest articles",
        failures: FailureCounts | None = None,
        now: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(file, **kwargs)
        self.title = title
        self.failures = failures
        self.now = now

    @classmethod
    def from_crawler(cls, crawler: Crawler, file: IO[bytes], **kwargs: Any) -> Self:
        from blogtitles.runs.state import failure_counts_of

        return cls(file, failures=failure_counts_of(crawler), **kwargs)

    def write(self) -> str:
        now = self.now or datetime.now(UTC)
        failing = self.failures(self.rows) if self.failures else {}
        known = self.newest_first()
        errors = sorted((row for row in self.rows if not row.known), key=lambda r: r.blog_url)
        parts = [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(self.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{escape(self.title)}</h1>\n"
            f'<p class="muted">{len(self.rows)} blogs: {len(known)} with their newest article, '
            f"{len(errors)} without. Made {escape(now.strftime('%Y-%m-%d %H:%M UTC'))}.</p>\n"
        ]
        if known:
            parts.append(
                "<h2>Newest articles</h2>\n<table>\n<thead><tr><th>Article</th><th>Published</th>"
                "<th>Health</th></tr></thead>\n<tbody>\n"
            )
            parts.extend(_known_row(row, now, failing.get(row.blog_url, 0)) for row in known)
            parts.append("</tbody>\n</table>\n")
        if errors:
            parts.append(
                "<h2>Blogs without an answer</h2>\n<table>\n<thead><tr><th>Blog</th>"
                "<th>Why</th><th>Health</th></tr></thead>\n<tbody>\n"
            )
            parts.extend(_error_row(row, failing.get(row.blog_url, 1)) for row in errors)
            parts.append("</tbody>\n</table>\n")
        parts.append("</body>\n</html>\n")
        return "".join(parts)


def _link(url: str, text: str) -> str:
    href = web_link(url)
    if not href:
        return escape(text)
    return f'<a href="{escape(href)}" rel="noopener noreferrer">{escape(text)}</a>'


def _known_row(row: Row, now: datetime, failing: int) -> str:
    days = _days_since(row.published, now)
    if days is None:
        age, shown = "date not shown", ""
    else:
        age = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
        shown = row.published[:10]
    health = "unchanged since the last run" if row.status == STATUS_UNCHANGED else "ok"
    css = "ok" if days is None or days <= 90 else "warn"
    if days is not None and days > 90:
        health = f"silent for {days} days"
    return (
        f"<tr><td>{_link(row.article_url, row.title or row.article_url)}<br>"
        f'<span class="blog">{_link(row.blog_url, row.name)}</span></td>'
        f'<td>{escape(shown)}<br><span class="muted">{escape(age)}</span></td>'
        f'<td class="{css}">{escape(health)}</td></tr>\n'
    )


def _error_row(row: Row, failing: int) -> str:
    streak = f"failing {failing} runs in a row" if failing > 1 else "failed this run"
    return (
        f"<tr><td>{_link(row.blog_url, row.name)}</td>"
        f"<td>{escape(reason(row.status))}"
        f'<br><span class="muted">{escape(row.status)}: {escape(row.error)}</span></td>'
        f'<td class="bad">{escape(streak)}</td></tr>\n'
    )


def _days_since(published: str, now: datetime) -> int | None:
    when = as_datetime(published)
    return None if when is None else max(0, (now - when).days)

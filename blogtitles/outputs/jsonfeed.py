"""``jsonfeed``: JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of the newest articles."""

from __future__ import annotations

import json
from typing import IO, Any

from blogtitles.outputs.records import CollectingExporter, web_link

VERSION = "https://jsonfeed.org/version/1.1"


class JsonFeedItemExporter(CollectingExporter):
    """One item per blog whose newest article is known, the newest first: ``id`` and ``url``
    the article's, its ``title`` (and as ``content_text``: 1.1 requires content),
    ``date_published`` when the blog shows a date, the blog as ``authors``.
    ``FEED_EXPORTERS``' ``jsonfeed`` (``-O newest.json:jsonfeed``)."""

    def __init__(self, file: IO[bytes], *, title: str = "Newest articles", **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.title = title

    def write(self) -> str:
        items = []
        for row in self.newest_first():
            author: dict[str, str] = {"name": row.name}
            if web_link(row.blog_url):
                author["url"] = row.blog_url
            item = {
                "id": row.article_url,
                "url": row.article_url,
                "title": row.title or row.article_url,
                "content_text": row.title or row.article_url,  # 1.1 wants content of some kind
                "authors": [author],
            }
            if row.published:
                item["date_published"] = row.updated
            items.append(item)
        feed = {"version": VERSION, "title": self.title, "items": items}
        return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"

"""``atom``: an Atom feed (RFC 4287) of the newest article of each blog, the newest first."""

from __future__ import annotations

import hashlib
import io
from typing import IO, Any
from xml.sax.saxutils import XMLGenerator

from blogtitles.items import utc_now_iso
from blogtitles.outputs.records import CollectingExporter, Row, web_link

ATOM_NS = "http://www.w3.org/2005/Atom"


def feed_id(rows: list[Row]) -> str:
    """The feed's id: the same list of blogs gives the same id, run after run."""
    blogs = "\n".join(sorted({row.blog_url for row in rows}))
    return "urn:sha1:" + hashlib.sha1(blogs.encode("utf-8")).hexdigest()


class AtomItemExporter(CollectingExporter):
    """One ``<entry>`` per blog whose newest article is known: the article's title, link and
    date (``updated``, and ``published`` when the blog shows one), the blog as its author and
    source. ``FEED_EXPORTERS``' ``atom``; options: ``title`` (``BLOGTITLES_FEED_TITLE``)."""

    def __init__(self, file: IO[bytes], *, title: str = "Newest articles", **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.title = title

    def write(self) -> str:
        rows = self.newest_first()
        out = io.StringIO()
        xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        xml.startDocument()
        xml.startElement("feed", {"xmlns": ATOM_NS})
        _text(xml, "id", feed_id(self.rows))
        _text(xml, "title", self.title)
        _text(xml, "updated", rows[0].updated if rows else utc_now_iso())
        _text(xml, "generator", "blogtitles")
        for row in rows:
            xml.startElement("entry", {})
            _text(xml, "id", row.article_url)
            _text(xml, "title", row.title or row.article_url)
            xml.startElement("link", {"rel": "alternate", "href": row.article_url})
            xml.endElement("link")
            _text(xml, "updated", row.updated)
            if row.published:
                _text(xml, "published", row.updated)
            xml.startElement("author", {})
            _text(xml, "name", row.name)
            if web_link(row.blog_url):
                _text(xml, "uri", row.blog_url)
            xml.endElement("author")
            xml.startElement("source", {})
            _text(xml, "id", row.blog_url)
            _text(xml, "title", row.name)
            _text(xml, "updated", row.updated)
            if web_link(row.blog_url):
                xml.startElement("link", {"rel": "alternate", "href": row.blog_url})
                xml.endElement("link")
            xml.endElement("source")
            xml.endElement("entry")
        xml.endElement("feed")
        xml.endDocument()
        return out.getvalue()


def _text(xml: XMLGenerator, name: str, text: str) -> None:
    xml.startElement(name, {})
    xml.characters(text)
    xml.endElement(name)

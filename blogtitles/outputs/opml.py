"""``opml``: the input list back as OPML 2.0, each outline with its status (namespaced
attributes), so a feed reader imports the working part and a person sees what failed."""

from __future__ import annotations

import io
from typing import IO, Any
from xml.sax.saxutils import XMLGenerator

from blogtitles.items import utc_now_iso
from blogtitles.outputs.records import CollectingExporter, web_link

#: The namespace of the project's outline attributes (``bt:status``, ``bt:newestDate``...): a
#: name, never fetched.
NAMESPACE = "urn:x-blogtitles:opml:1"
PREFIX = "bt"


class OpmlItemExporter(CollectingExporter):
    """One ``<outline>`` per record, the working blogs first, then the others, each by name
    (records come in the order blogs finish, not the list's): ``text``/``title`` the blog's name,
    ``htmlUrl`` the blog, ``xmlUrl`` its feed when it advertises one (``type="rss"``), and
    ``bt:status``, ``bt:error``, ``bt:newestTitle``, ``bt:newestUrl``, ``bt:newestDate``.
    ``FEED_EXPORTERS``' ``opml`` (``-O list.opml``)."""

    def __init__(self, file: IO[bytes], *, title: str = "Blogs", **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.title = title

    def write(self) -> str:
        out = io.StringIO()
        xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
        xml.startDocument()
        xml.startElement("opml", {"version": "2.0", f"xmlns:{PREFIX}": NAMESPACE})
        xml.startElement("head", {})
        for name, text in (("title", self.title), ("dateCreated", utc_now_iso())):
            xml.startElement(name, {})
            xml.characters(text)
            xml.endElement(name)
        xml.endElement("head")
        xml.startElement("body", {})
        for row in sorted(self.rows, key=lambda row: (not row.known, row.name.casefold())):
            attrs = {"text": row.name, "title": row.name}
            if web_link(row.blog_url):
                attrs["htmlUrl"] = row.blog_url
            if web_link(row.feed_url):
                attrs |= {"type": "rss", "xmlUrl": row.feed_url}
            attrs[f"{PREFIX}:status"] = row.status
            if row.error:
                attrs[f"{PREFIX}:error"] = row.error
            if row.known:
                attrs[f"{PREFIX}:newestTitle"] = row.title
                attrs[f"{PREFIX}:newestUrl"] = row.article_url
                if row.published:
                    attrs[f"{PREFIX}:newestDate"] = row.published
            xml.startElement("outline", attrs)
            xml.endElement("outline")
        xml.endElement("body")
        xml.endElement("opml")
        xml.endDocument()
        return out.getvalue()

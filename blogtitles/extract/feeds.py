"""RSS/Atom feeds: recognise one, list its entries, name the blog (feedparser parses); and
XML sitemaps, the last place a landing page's newest article can be found."""

from __future__ import annotations

import re

import feedparser
from lxml import etree

from blogtitles.extract.dates import from_struct_time, parse_date
from blogtitles.extract.entries import Entry
from blogtitles.extract.html import clean_article_url, clean_text, resolve_link

_FEED_ROOT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>]*>\s*)*<(rss|feed|rdf:rdf)\b",
    re.I | re.S,
)
_XML_ENCODING_RE = re.compile(rb"^(\s*<\?xml[^>]*?)\sencoding=[\"'][^\"']*[\"']")


def looks_like_feed(page: str | bytes) -> bool:
    """True when the document's root element is that of an RSS, Atom or RDF feed."""
    head = page[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return bool(_FEED_ROOT_RE.match(head.lstrip("\ufeff")))


def parse_feed(page: str | bytes, url: str) -> feedparser.FeedParserDict:
    """Parse a feed document (never a URL: feedparser fetches nothing given the document)."""
    return feedparser.parse(xml_bytes(page), response_headers={"content-location": url})


def xml_bytes(page: str | bytes) -> bytes:
    """An XML document as bytes; decoded text as UTF-8, without its XML declaration's encoding
    (which no longer applies)."""
    if isinstance(page, str):
        return _XML_ENCODING_RE.sub(rb"\1", page.encode("utf-8"))
    return page


def read_feed(page: str | bytes, url: str) -> tuple[list[Entry], str]:
    """The feed's entries in document order (with ISO-8601 dates), and its (the blog's) title."""
    parsed = parse_feed(page, url)
    entries = []
    for entry in parsed.entries:
        link = resolve_link(entry.get("link"), url)
        link = clean_article_url(link) if link else None
        if link:
            when = entry.get("published_parsed") or entry.get("updated_parsed")
            title = clean_text(entry.get("title", ""))
            entries.append(Entry(link, from_struct_time(when), title=title))
    return entries, clean_text(parsed.feed.get("title", ""))


_SITEMAP_ROOT_RE = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<urlset\b", re.I | re.S)


def looks_like_sitemap(page: str | bytes) -> bool:
    """True when the document's root element is a sitemap's ``<urlset>``."""
    head = page[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return bool(_SITEMAP_ROOT_RE.match(head.lstrip("\ufeff")))


def read_sitemap(page: str | bytes, url: str) -> list[Entry]:
    """A sitemap's pages with their ``<lastmod>`` dates (no DTD, entity or network access)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(xml_bytes(page), parser=parser)
    except etree.XMLSyntaxError:
        return []
    entries = []
    for element in [] if root is None else root.iter("{*}url"):
        loc = element.findtext("{*}loc")
        link = resolve_link(clean_text(loc), url) if loc else None
        if link:
            published = parse_date(clean_text(element.findtext("{*}lastmod") or ""))
            entries.append(Entry(clean_article_url(link), published))
    return entries

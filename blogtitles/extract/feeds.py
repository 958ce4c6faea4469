"""RSS/Atom feeds: recognise one, list its entries, name the blog (feedparser parses); and
XML sitemaps, the last place a landing page's newest article can be found."""

from __future__ import annotations

import re
from collections.abc import Iterator

import feedparser
from lxml import etree

from blogtitles.extract.dates import from_struct_time, parse_date, sort_key
from blogtitles.extract.entries import Entry
from blogtitles.extract.html import clean_article_url, clean_text, resolve_link

_FEED_ROOT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>]*>\s*)*<(rss|feed|rdf:rdf)\b",
    re.I | re.S,
)
_XML_ENCODING_RE = re.compile(rb"^(\s*<\?xml[^>]*?)\sencoding=[\"'][^\"']*[\"']")


def looks_like_feed(page: str | bytes) -> bool:
    """True when the document's root element is that of an RSS, Atom or RDF feed."""
    return _root_is(page, _FEED_ROOT_RE)


def _root_is(page: str | bytes, root: re.Pattern[str]) -> bool:
    """Whether the document's first 4 KB open with the root element ``root`` matches."""
    head = page[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return bool(root.match(head.lstrip("\ufeff")))


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
    return _root_is(page, _SITEMAP_ROOT_RE)


_SITEMAP_INDEX_ROOT_RE = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<sitemapindex\b", re.I | re.S
)
#: Child sitemaps named for something other than posts (WordPress core's and Yoast's pages,
#: taxonomies and users; shops' products; media).
_NOT_POSTS_RE = re.compile(r"page|categor|tag|author|user|taxonom|product|attachment|image|video")


def sitemap_index_child(page: str | bytes, url: str) -> str | None:
    """In a sitemap index (``<sitemapindex>``), the child sitemap most likely to list the
    newest posts: one named for posts (``post-sitemap.xml``, ``wp-sitemap-posts-post-1.xml``,
    ``sitemap-posts.xml``), else one named for nothing else; the latest ``<lastmod>`` among
    them, the last listed when none is later (engines list their post sitemaps oldest first).
    ``None`` for any other document."""
    if not _root_is(page, _SITEMAP_INDEX_ROOT_RE):
        return None
    children = [
        (sort_key(modified), position, link, link.rsplit("/", 1)[-1].lower())
        for position, (link, modified) in enumerate(_listed(page, "sitemap", url))
    ]
    named = [child for child in children if not _NOT_POSTS_RE.search(child[3])]
    pool = [child for child in named if "post" in child[3]] or named
    return max(pool)[2] if pool else None


def _safe_xml(page: str | bytes) -> etree._Element | None:
    """An XML document parsed with no DTD, entity or network access (``None``: unreadable)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        return etree.fromstring(xml_bytes(page), parser=parser)
    except etree.XMLSyntaxError:
        return None


def read_sitemap(page: str | bytes, url: str) -> list[Entry]:
    """A sitemap's pages with their ``<lastmod>`` dates (no DTD, entity or network access)."""
    return [
        Entry(clean_article_url(link), published) for link, published in _listed(page, "url", url)
    ]


def _listed(page: str | bytes, tag: str, url: str) -> Iterator[tuple[str, str | None]]:
    """The ``<loc>`` (resolved) and ``<lastmod>`` (ISO-8601) of each ``<tag>`` of a sitemap
    or sitemap index."""
    root = _safe_xml(page)
    for element in [] if root is None else root.iter(f"{{*}}{tag}"):
        loc = element.findtext("{*}loc")
        link = resolve_link(clean_text(loc), url) if loc else None
        if link:
            yield link, parse_date(clean_text(element.findtext("{*}lastmod") or ""))

"""Small helpers shared by the extractors: parse HTML leniently, resolve links, tidy text."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree
from w3lib.url import url_query_cleaner

_SPACE_RE = re.compile(r"\s+")
# Zero-width and invisible format characters that sneak into titles (ZWSP, ZWNJ, ZWJ, WJ, BOM,
# soft hyphen); bidirectional marks too. Other Unicode is kept as written.
#: Unicode's format characters (category Cf, as of Unicode 15): invisible, and some reorder
#: what is shown (the bidi controls U+202A-U+202E, U+2066-U+2069). A test checks the table
#: against the running Python's ``unicodedata``.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def parse_html(html: str | bytes) -> etree._Element | None:
    """Parse a page with lxml's forgiving HTML parser; ``None`` when there is nothing to parse.

    The parser is libxml2's HTML parser without lxml.html's element classes: their Python
    lookup, run for every element the extractors touch, cost as much as the rest of reading an
    index page. :func:`text_of` stands in for their ``text_content()``. It keeps the table of
    ``id`` values (lxml's default), so XPath's ``id()`` finds an element without a scan.
    """
    if not html or not html.strip():
        return None
    if isinstance(html, str):
        html = html.encode("utf-8")
        parser = etree.HTMLParser(encoding="utf-8")
    else:
        parser = etree.HTMLParser()
    try:
        return etree.fromstring(html, parser)
    except (etree.ParserError, ValueError):
        return None


_STRING = etree.XPath("string()", smart_strings=False)


def text_of(element: etree._Element) -> str:
    """All the text inside ``element``, as a reader would select it (not tidied)."""
    return str(_STRING(element))


def base_url(url: str, base_href: str = "") -> str:
    """The URL relative links resolve against: the page's ``<base href>`` when it has one, else
    ``url``."""
    return urljoin(url, base_href) if base_href else url


def resolve_link(href: str | None, base: str) -> str | None:
    """An absolute http(s) URL without fragment, or ``None`` for other schemes and junk."""
    if not href:
        return None
    # Plain strings as the cache's keys: lxml's string results keep their whole page alive.
    return _resolve_link(str(href), str(base))


@lru_cache(maxsize=1024)  # a pure function; one page asks for the same link several times
def _resolve_link(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    absolute = _plain_join(href, base)
    if absolute is None:
        try:
            absolute = urljoin(base, href)
            parts = urlsplit(absolute)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
    return absolute.split("#", 1)[0]


# An href that urljoin would return as it is (absolute) or append to the base's origin (from
# the root): no dot segment, no tab or line break (urlsplit drops them), no IPv6 bracket to
# check, no empty query it would drop. Most links on a page are one of these two kinds, and
# urljoin costs more than the rest of reading a link.
_PLAIN_HREF = re.compile(r"(?:https?://[^/?#\[\t\r\n]|/(?!/))[^\[\t\r\n]*")


def _plain_join(href: str, base: str) -> str | None:
    """``urljoin(base, href)`` for the common hrefs it leaves alone, else ``None``."""
    if "/." in href or href.endswith("?") or not _PLAIN_HREF.fullmatch(href):
        return None
    if href[0] != "/":
        return href
    return (origin := _origin(base)) and origin + href


@lru_cache(maxsize=256)
def _origin(base: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) ``base``, else ``None``."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


# Query parameters that only track where a click came from (Medium's ?source=, utm_*...).
_TRACKING_PARAMS = (
    "source",
    "ref",
    "ref_src",
    "ref_url",
    "fbclid",
    "gclid",
    "mc_cid",
    "mc_eid",
    "sk",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
)


def clean_article_url(url: str) -> str:
    """An article URL without click-tracking query parameters (w3lib's query cleaner)."""
    if "?" not in url:
        return url
    return url_query_cleaner(url, _TRACKING_PARAMS, remove=True, keep_fragments=False)


def clean_text(text: str | None) -> str:
    """Collapse white space and strip; ``""`` for ``None``."""
    return _SPACE_RE.sub(" ", text or "").strip()


def has_entity(text: str) -> bool:
    """Whether ``text`` still holds an HTML character reference (``&amp;``, ``&#8217;``...)."""
    return _ENTITY_RE.search(text) is not None


def clean_title(title: str) -> str:
    """A title as a person reads it: ``"  Caf&eacute;\\u200b  news "`` -> ``"Café news"``."""
    text = html.unescape(title) if has_entity(title) else title
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    text = unicodedata.normalize("NFC", text)
    return _SPACE_RE.sub(" ", text).strip()


def element_text(element: etree._Element) -> str:
    """The visible text of an element, white space collapsed."""
    return clean_text(text_of(element))


def page_text(body: bytes, declared: Callable[[], str]) -> str:
    """A page's text: its bytes as UTF-8 when they are valid UTF-8, whatever the page or server
    declares, else ``declared()`` (the declared charset's decoding). Pages in other charsets
    are almost never valid UTF-8 (an ``é`` alone is an invalid byte), so a valid one is UTF-8
    with a wrong declaration: the usual cause of mojibake (``sanciÃ³n``)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return declared()

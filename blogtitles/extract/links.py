"""Find the first (newest) article linked from a blog's index page, or named by its feed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from blogtitles.extract.feeds import looks_like_feed, newest_entry_link
from blogtitles.extract.html import base_url, parse_html, resolve_link

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_OUTSIDE_CHROME = "not(ancestor::nav or ancestor::footer or ancestor::aside)"
_TITLE_CLASSES = " or ".join(
    _CLASS.format(name)
    for name in ("entry-title", "post-title", "post-card-title", "article-title", "p-name", "title")
)

#: Strategies, strongest first: (name recorded in ``found_by``, XPath yielding ``<a>`` elements).
_STRATEGIES: tuple[tuple[str, str], ...] = (
    (
        "article_heading",
        f"//article[{_OUTSIDE_CHROME}]//*[self::h1 or self::h2 or self::h3]//a[@href]",
    ),
    ("title_class", f"//*[{_TITLE_CLASSES}][{_OUTSIDE_CHROME}]//a[@href]"),
    ("title_in_link", f"//a[@href][{_OUTSIDE_CHROME}][.//*[{_TITLE_CLASSES}]]"),
    ("rel_bookmark", "//a[@href][contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]"),
    ("article_link", f"//article[{_OUTSIDE_CHROME}]//a[@href]"),
    ("main_heading", "//main//*[self::h2 or self::h3]//a[@href]"),
    ("post_url", f"//a[@href][{_OUTSIDE_CHROME} and not(ancestor::header)]"),
)

# Links that are never an article: taxonomy, pagination, feeds, accounts, comments.
_NOT_ARTICLE_RE = re.compile(
    r"/(tags?|category|categories|topics?|labels?|author|authors|users?|page|archives?|search|feed|"
    r"feeds|rss|atom|login|signin|signup|register|wp-admin|wp-login\.php|comments?|about|contact|"
    r"subscribe|privacy|terms)(/|$|\.)|[?&](replytocom|share|s)=",
    re.IGNORECASE,
)
_POST_PATH_RE = re.compile(
    r"/\d{4}/\d{1,2}/|/(p|posts?|articles?|blog|entries|notes)/[^/]+|\.html?$|/[^/]*-[^/]*-[^/]+/?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """The newest article's absolute URL, and the strategy that found it (``found_by``)."""

    url: str
    found_by: str


def find_first_article(page: str | bytes, url: str) -> ArticleLink | None:
    """The newest article on a blog index (HTML, or an RSS/Atom feed), or ``None``.

    ``page`` is the document (bytes or decoded text); ``url`` its address, against which
    relative links resolve (after ``<base href>``).
    """
    if looks_like_feed(page):
        link = resolve_link(newest_entry_link(page, url), url)
        return ArticleLink(link, "feed") if link else None
    doc = parse_html(page)
    if doc is None:
        return None
    base = base_url(doc, url)
    for name, xpath in _STRATEGIES:
        for anchor in doc.xpath(xpath):
            link = resolve_link(anchor.get("href"), base)
            if link and is_article_candidate(link, url, strict=name == "post_url"):
                return ArticleLink(link, name)
    return None


def is_article_candidate(link: str, index_url: str, *, strict: bool = False) -> bool:
    """Whether ``link`` may be an article of the blog at ``index_url``.

    Rejects the index itself and taxonomy/pagination/feed/account links. ``strict`` (for the
    generic last resort) also asks for the same host and a post-like path.
    """
    link_parts, index_parts = urlsplit(link), urlsplit(index_url)
    if link.rstrip("/") == index_url.rstrip("/"):
        return False
    path = link_parts.path + ("?" + link_parts.query if link_parts.query else "")
    if path in ("", "/") or _NOT_ARTICLE_RE.search(path):
        return False
    if not strict:
        return True
    same_host = _bare_host(link_parts.hostname) == _bare_host(index_parts.hostname)
    return same_host and bool(_POST_PATH_RE.search(link_parts.path))


def _bare_host(host: str | None) -> str:
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host

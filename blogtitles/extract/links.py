"""Find the first (newest) article of a blog from its index page (or its feed).

Signals, strongest first; ``found_by`` records which one decided:

0. ``site_rule``: a per-site selector (:mod:`.rules`), when one is configured;
1. ``feed``: the page is itself an RSS/Atom feed;
2. ``json-ld``: a ``Blog``/``ItemList``/``BlogPosting`` list in JSON-LD;
3. ``microformats``: ``h-entry``/``hentry`` entries;
4. ``platform:<name>``: the index markup of a known engine (:mod:`.platforms`);
5. generic heuristics: the first ``<article>``'s heading link, title classes, ``rel=bookmark``,
   then post-like URLs, skipping navigation, sidebars, footers and taxonomy/pagination links.

When entries carry dates, a first entry older than a later one is a sticky/pinned post: the
newest dated entry wins (``+dates``); an entry marked pinned without dates is skipped
(``+skip_pinned``). The page "leaves doubt" (:attr:`IndexPage.doubt` says why, and the spider
then confirms with the feed) when no entry is found (``no_link``), when only a weak generic
signal found one (``weak_signal``), when dates disagree with the order but some entries are
undated (``dates_disagree``), when the first entry is undated but others are dated
(``first_undated``), or when a pinned entry was skipped without dates (``pinned``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

from blogtitles.extract.dates import sort_key
from blogtitles.extract.entries import (
    OUTSIDE_CHROME,
    Entry,
    EntryFacts,
    entries_from_anchors,
    has_class,
    json_ld_entries,
    microformat_entries,
)
from blogtitles.extract.facts import INDEX_TAGS, PageFacts
from blogtitles.extract.feeds import looks_like_feed, looks_like_sitemap, read_feed, read_sitemap
from blogtitles.extract.html import (
    base_url,
    clean_article_url,
    parse_html,
    resolve_link,
)
from blogtitles.extract.platforms import platform_entries
from blogtitles.extract.rules import SiteRule
from blogtitles.extract.scripts import looks_script_built
from blogtitles.extract.structured import (
    ARTICLE_TYPES,
    node_types,
    text_value,
    url_value,
)

_TITLE_CLASSES = " or ".join(
    has_class(name)
    for name in ("entry-title", "post-title", "post-card-title", "article-title", "p-name", "title")
)

#: Generic strategies, strongest first: (name, XPath of ``<a>`` elements, is it a weak signal).
_GENERIC: tuple[tuple[str, etree.XPath, bool], ...] = tuple(
    (name, etree.XPath(xpath), weak)
    for name, xpath, weak in (
        (
            "article_heading",
            f"//article[{OUTSIDE_CHROME}]//*[self::h1 or self::h2 or self::h3]//a[@href]",
            False,
        ),
        ("title_class", f"//*[{_TITLE_CLASSES}][{OUTSIDE_CHROME}]//a[@href]", False),
        ("title_in_link", f"//a[@href][{OUTSIDE_CHROME}][.//*[{_TITLE_CLASSES}]]", False),
        (
            "rel_bookmark",
            "//a[@href][contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]",
            False,
        ),
        ("article_link", f"//article[{OUTSIDE_CHROME}]//a[@href]", True),
        ("main_heading", "//main//*[self::h2 or self::h3]//a[@href]", True),
        ("post_url", f"//a[@href][{OUTSIDE_CHROME} and not(ancestor::header)]", True),
    )
)
_FEED_TYPES = ("rss", "atom", "feed+json")

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
    """The newest article's absolute URL, the signal that found it, and its date if shown."""

    url: str
    found_by: str
    published: str | None = None
    #: The entry's own title, when a feed gave the link (the author's words for the article).
    title: str = ""


@dataclass(frozen=True, slots=True)
class IndexPage:
    """What a blog's index page says: its newest article, its feed, and how sure it is."""

    link: ArticleLink | None
    feed_url: str | None = None
    doubt: str = ""
    is_article: bool = False
    blog_title: str = ""
    #: No link, and the page is an empty shell its scripts fill in (see :mod:`.scripts`).
    script_built: bool = False
    #: No link, and the page (a landing page) links to the site's blog section: read that.
    section_url: str | None = None


def find_first_article(
    page: str | bytes, url: str, rule: SiteRule | None = None
) -> ArticleLink | None:
    """The newest article on a blog index (HTML, or an RSS/Atom feed), or ``None``."""
    return analyze_index(page, url, rule).link


def analyze_index(page: str | bytes, url: str, rule: SiteRule | None = None) -> IndexPage:
    """Everything the index page tells: see the module docstring for the signals."""
    if looks_like_feed(page):
        entries, title = read_feed(page, url)
        return IndexPage(choose_entry(entries, "feed", url)[0], blog_title=title)
    doc = parse_html(page)
    if doc is None:
        return IndexPage(None, doubt="no_link")
    head = PageFacts.of(doc, INDEX_TAGS)  # metas, JSON-LD, <title>, <link>s: one walk
    base = base_url(url, head.base_href)
    feed_url = discover_feed(head.links, base)
    facts = EntryFacts(doc, head.times)  # class names, entry dates, pin marks: worked out once
    blog_title = index_blog_title(head)
    if rule is not None and rule.article:
        link, _ = choose_entry(
            entries_from_anchors(rule.select(doc, "article"), base, facts), "site_rule", url
        )
        if link is not None:
            return IndexPage(link, feed_url, "", False, blog_title)
    if is_article_page(head, url):
        return IndexPage(ArticleLink(url, "input_is_article"), feed_url, "", True, blog_title)
    structured = _structured_signals(doc, base, head, facts)
    for signal, entries in structured:
        link, doubt = choose_entry(entries, signal, url)
        if link is not None:
            newer = _newer_elsewhere(link, structured, url)
            if newer is not None:  # dated on both sides: the dates decide
                return IndexPage(newer, feed_url, doubt, False, blog_title)
            return IndexPage(link, feed_url, doubt, False, blog_title)
    for name, xpath, weak in _GENERIC:
        strict = name == "post_url"
        entries = [
            entry
            for entry in entries_from_anchors(xpath(doc), base, facts)
            if is_article_candidate(entry.url, url, strict=strict)
        ]
        link, doubt = choose_entry(entries, name, url)
        if link is not None:
            doubt = doubt or ("weak_signal" if weak else "")
            return IndexPage(link, feed_url, doubt, False, blog_title)
    section = blog_section(doc, base, url)
    script_built = looks_script_built(doc)
    return IndexPage(None, feed_url, "no_link", False, blog_title, script_built, section)


#: The last path segment of a blog's section on a site whose home page is a landing page.
_SECTION_NAMES = frozenset(
    {"blog", "blogs", "posts", "articles", "news", "journal", "writing", "notes", "weblog"}
)


def blog_section(doc: etree._Element, base: str, url: str) -> str | None:
    """A link from a landing page to the site's blog section (``/blog/``, ``/posts/``,
    ``/en/news/``...) on the same host, or ``None``."""
    here, host = _comparable(url), (urlsplit(url).hostname or "").removeprefix("www.")
    for anchor in doc.iter("a"):
        target = resolve_link(anchor.get("href"), base)
        if target is None:
            continue
        parts = urlsplit(target)
        segments = [segment for segment in parts.path.lower().split("/") if segment]
        if (
            (parts.hostname or "").removeprefix("www.") == host
            and 0 < len(segments) <= 2
            and segments[-1] in _SECTION_NAMES
            and _comparable(target) != here
        ):
            return target
    return None


def _structured_signals(
    doc: etree._Element, base: str, head: PageFacts, facts: EntryFacts
) -> list[tuple[str, list[Entry]]]:
    """Entries of each structured signal; where one signal lacks a date or a pin mark that
    another shows for the same URL (JSON-LD lists rarely carry either), it is filled in."""
    name, entries = platform_entries(doc, base, head, facts)
    signals = [
        ("json-ld", json_ld_entries(doc, base, head.json_ld)),
        ("microformats", microformat_entries(doc, base, facts)),
        (f"platform:{name}", entries),
    ]
    known: dict[str, Entry] = {}
    for _signal, found in signals:
        for entry in found:
            seen = known.get(entry.url)
            if seen is None or (entry.published and not seen.published) or entry.pinned:
                known[entry.url] = Entry(
                    entry.url,
                    entry.published or (seen.published if seen else None),
                    entry.pinned or bool(seen and seen.pinned),
                )
    return [(signal, [known[entry.url] for entry in found]) for signal, found in signals]


def _newer_elsewhere(
    link: ArticleLink, structured: list[tuple[str, list[Entry]]], index_url: str
) -> ArticleLink | None:
    """A dated entry of another signal newer than the chosen, dated one (e.g. a "featured"
    newest post that the theme puts outside its marked-up list of posts)."""
    if not link.published:
        return None
    newest_key, found = sort_key(link.published), None
    for signal, entries in structured:
        for entry in entries:
            key = sort_key(entry.published)
            if key > newest_key and is_article_candidate(entry.url, index_url):
                link_url = clean_article_url(entry.url)
                found = ArticleLink(link_url, f"{signal}+dates", entry.published, entry.title)
                newest_key = key
    return found


def choose_entry(
    entries: list[Entry], signal: str, index_url: str
) -> tuple[ArticleLink | None, str]:
    """The newest entry, and the doubt the entries leave (``""`` when none)."""
    seen: set[str] = set()
    usable = []
    for entry in entries:
        if entry.url not in seen and is_article_candidate(entry.url, index_url):
            seen.add(entry.url)
            usable.append(entry)
    if not usable:
        return None, ""
    first = usable[0]
    shown = usable[:30]
    dated = [entry for entry in shown if entry.published]
    doubt = ""
    if first.published and len(dated) >= 2:
        newest = max(dated, key=lambda entry: sort_key(entry.published))
        if sort_key(newest.published) > sort_key(first.published):
            # Every entry dated: the dates decide. Some undated: an undated one may be newer.
            doubt = "" if len(dated) == len(shown) else "dates_disagree"
            return ArticleLink(
                clean_article_url(newest.url), f"{signal}+dates", newest.published, newest.title
            ), doubt
    elif dated:
        doubt = "first_undated"
    if first.pinned:
        unpinned = next((entry for entry in usable if not entry.pinned), None)
        if unpinned is not None:
            link = ArticleLink(
                clean_article_url(unpinned.url),
                f"{signal}+skip_pinned",
                unpinned.published,
                unpinned.title,
            )
            return link, "pinned"
    return ArticleLink(clean_article_url(first.url), signal, first.published, first.title), doubt


def discover_feed(links: list[etree._Element], base: str) -> str | None:
    """The blog's own feed from the page's ``<link rel="alternate">`` (comment feeds skipped)."""
    for link in links:
        href, kind = link.get("href"), link.get("type") or ""
        if not href or "alternate" not in (link.get("rel") or "").lower().split():
            continue
        if not any(name in kind for name in _FEED_TYPES):
            continue
        title = (link.get("title") or "").lower()
        if "comment" in title or "comments/feed" in href:
            continue
        resolved = resolve_link(href, base)
        if resolved:
            return resolved
    return None


def index_blog_title(head: PageFacts) -> str:
    """The blog's name: ``og:site_name``, JSON-LD ``WebSite``/``Blog`` name, then ``<title>``."""
    name = head.meta("og:site_name", "application-name")
    if name:
        return name
    for node in head.json_ld:
        if node_types(node) & {"WebSite", "Blog"}:
            name = text_value(node.get("name"))
            if name:
                return name
    return head.title


def is_article_page(head: PageFacts, url: str) -> bool:
    """Whether the page is itself one article (``og:type=article``, or a JSON-LD article whose
    URL is this page) rather than a list of posts."""
    if head.meta("og:type").lower() == "article":
        return True
    here = _comparable(url)
    for node in head.json_ld:
        if node_types(node) & ARTICLE_TYPES:
            own = url_value(node.get("mainEntityOfPage")) or url_value(node.get("url"))
            if own and _comparable(own) == here:
                return True
    return False


@lru_cache(maxsize=1024)  # pure; the index URL is compared with each of its entries
def _comparable(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path.rstrip('/')}"


@lru_cache(maxsize=4096)  # pure; each signal of a page asks again for the same entries
def is_article_candidate(link: str, index_url: str, *, strict: bool = False) -> bool:
    """Whether ``link`` may be an article of the blog at ``index_url``.

    Rejects the index itself and taxonomy/pagination/feed/account links. ``strict`` (for the
    generic last resort) also asks for the same host and a post-like path.
    """
    link_parts, index_parts = urlsplit(link), urlsplit(index_url)
    if _comparable(link) == _comparable(index_url) and not link_parts.query:
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


def cross_check(feed: ArticleLink, index: ArticleLink | None, doubt: str) -> ArticleLink:
    """The newest article, from the feed's newest entry and the index's answer (``doubt``: what
    the index was unsure of, ``""`` when sure).

    The same article on both sides keeps the index's signal and gains the feed's title. Dated
    on both sides, the newer wins: a stale feed loses. Otherwise the feed wins where the index
    was unsure, and the index (what readers see) where it was sure.
    """
    if index is None:
        source = "sitemap" if feed.found_by == "sitemap" else "feed"
        return replace(feed, found_by=f"{source} (index: {doubt or 'no_link'})")
    if _comparable(feed.url) == _comparable(index.url):
        published = index.published or feed.published
        return ArticleLink(index.url, f"{index.found_by}+feed", published, feed.title)
    if feed.published and index.published:
        if sort_key(feed.published) > sort_key(index.published):
            return replace(feed, found_by="feed (index: older)")
        return replace(index, found_by=f"{index.found_by} (feed: older)")
    if doubt:
        return replace(feed, found_by=f"feed (index: {doubt})")
    return replace(index, found_by=f"{index.found_by} (feed: differs)")


def feed_entry_title(page: str | bytes, url: str, article_url: str) -> str:
    """The title the feed gives the article at ``article_url`` (``""`` when it lists none)."""
    if not looks_like_feed(page):
        return ""
    entries, _ = read_feed(page, url)
    wanted = _comparable(article_url)
    return next((entry.title for entry in entries if _comparable(entry.url) == wanted), "")


def newest_feed_entry(page: str | bytes, url: str, blog_url: str) -> tuple[ArticleLink | None, str]:
    """The feed's newest entry (``None`` when the page is no feed, or has none) and its title;
    for a sitemap (``<urlset>``), its most recently modified page that may be an article
    (``found_by="sitemap"``; none when no page has a date)."""
    if looks_like_sitemap(page):
        dated = [
            entry
            for entry in read_sitemap(page, url)
            if entry.published and is_article_candidate(entry.url, blog_url, strict=True)
        ]
        newest = max(dated, key=lambda entry: sort_key(entry.published), default=None)
        return (ArticleLink(newest.url, "sitemap", newest.published) if newest else None), ""
    if not looks_like_feed(page):
        return None, ""
    entries, feed_title = read_feed(page, url)
    return choose_entry(entries, "feed", blog_url)[0], feed_title

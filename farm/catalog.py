"""What the sample farm serves: deterministic blogs, their posts, and each blog's expected record.

Pure data, no I/O: the server renders it, the demo and the tests check crawl results against it.
Titles are the exact Unicode text a reader sees; the pages carry them HTML-escaped (entities,
quotes), so a correct crawl must decode them back to exactly this text.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

#: Engines whose markup the farm imitates (index, article and feed).
ENGINES: Final = ("wordpress", "blogger", "ghost", "jekyll", "hugo", "medium")
#: The farm's domain: RFC 6761 reserves ``.test``; :mod:`.resolver` maps it to 127.0.0.1.
DOMAIN: Final = "farm.test"
POSTS_PER_BLOG: Final = 12
POSTS_PER_PAGE: Final = 5
NEWEST_DATE: Final = date(2026, 11, 1)

# Blogs that fail (or succeed) in one particular way: kind -> (expected status, what happens).
SPECIAL_KINDS: Final[dict[str, tuple[str, str]]] = {
    "missing-index": ("http_404", "the index answers 404"),
    "broken-article": ("http_500", "the newest article answers 500"),
    "no-links": ("no_article_link", "the index links to no article"),
    "untitled": ("no_title", "the article page has no title at all"),
    "not-html": ("not_html", "the index is a PDF"),
    "huge": ("too_large", "the index is 10 MiB (over DOWNLOAD_MAXSIZE)"),
    "hang": ("timeout", "the index never answers"),
    "reset": ("connection_lost", "the index connection is reset"),
    "redirect-loop": ("too_many_redirects", "the index redirects in a loop"),
    "robots-forbidden": ("robots_forbidden", "robots.txt disallows everything"),
    "nxdomain": ("dns_error", "the host name does not resolve"),
    "refused": ("connection_refused", "nothing listens on the port"),
    "moved": ("ok", "the index redirects (301) to a new path"),
    "feed-input": ("ok", "the listed URL is the blog's RSS feed"),
    "formula-title": ("ok", "the newest title starts with '=' (CSV formula injection)"),
    "alias": ("duplicate", "redirects to the first blog: its record is dropped as a duplicate"),
    "sticky": ("ok", "an older sticky post comes first on the index (dates show it is older)"),
    "feed-broken": ("ok", "an undated pinned post first, and the feed answers 500: the index wins"),
    "latin1": ("ok", "pages in windows-1252, not UTF-8"),
    "article-input": ("ok", "the listed URL is already an article page"),
    "landing": ("ok", "the home page is a landing page whose menu links to the blog at /blog/"),
    "seo-titles": ("ok", "metadata titles are SEO rewrites; heading and feed have the author's"),
    "stale-feed": ("ok", "the feed lags: its newest entry is older than the index's newest post"),
    # JavaScript-only blogs (see scripted.py): ok when rendered, needs_javascript otherwise.
    "js-index": ("needs_javascript", "the index's post list is built by script"),
    "js-app": ("needs_javascript", "index and articles are built by script"),
    "js-api": ("needs_javascript", "the index's script asks a JSON API for the posts"),
}
#: Script-built kinds: their expected status is "ok" in a crawl with a renderer.
SCRIPTED_KINDS: Final = ("js-index", "js-app", "js-api", "js-hang")
#: Served by every farm, listed only by the tests that want them (what a crawl records of them).
UNLISTED_KINDS: Final[dict[str, tuple[str, str]]] = {
    "js-hang": ("render_timeout", "the index waits for a script that never arrives"),
}
#: Kinds whose blog is always of one engine (the markup they need).
_KIND_ENGINES: Final = {
    "sticky": "wordpress",
    "feed-broken": "wordpress",
    "latin1": "wordpress",
    "article-input": "wordpress",
    "landing": "wordpress",
    "seo-titles": "ghost",
    "stale-feed": "wordpress",
}
#: A windows-1252 title (every character exists in that code page).
LATIN1_TITLE: Final = "Café, crème brûlée & “quotes” – déjà vu"
#: Input lines that are not blogs at all: each must become an ``invalid_url`` record.
INVALID_LINES: Final = ("ftp://files.farm.test/blog/", "javascript:alert(1)", "http://exa mple/")

_SUBJECTS: Final = (
    "Café culture",
    "Naïve Bayes",
    "Ünïcödé strings",
    "日本語の文字",
    "Ελληνικά γράμματα",
    "Rock & Roll",
    "<div> soup",
    '"Quoted" words',
    "It's a trap",
    "C++ templates",
    "Déjà vu",
    "Zürich trams",
    "São Paulo",
    "Emoji 🚀 launches",
    "Straße names",
    "Fish & Chips",
    "Ørsted's law",
    "Python 3.14",
    "50% off",
    "Tom & Jerry",
)
_FRAMES: Final = (
    "{} - a field guide",
    "Why {} matter",
    "Notes on {}",
    "{}: the long version",
    "What I learned about {}",
    "{} — part {n}",
    "Against {}",
    "{} in {n} minutes",
    "The trouble with {}",
    "{}, revisited",
)


@dataclass(frozen=True, slots=True)
class Post:
    """One article: where it lives under the blog, its exact title and date."""

    slug: str
    title: str
    published: date
    sticky: bool = False


@dataclass(frozen=True, slots=True)
class Blog:
    """One sample blog on its own host. ``kind`` is ``normal`` or a key of ``SPECIAL_KINDS``."""

    host: str
    engine: str
    kind: str
    name: str
    base_path: str
    posts: tuple[Post, ...]

    @property
    def newest(self) -> Post:
        return self.posts[0]

    @property
    def sticky(self) -> Post | None:
        """An older post the index shows first (a WordPress sticky post), if any."""
        return next((post for post in self.posts if post.sticky), None)


@dataclass(frozen=True, slots=True)
class Expected:
    """What a correct crawl records for one input line."""

    status: str
    title: str = ""
    article_path: str = ""


def make_title(rng: random.Random, number: int) -> str:
    subject = rng.choice(_SUBJECTS)
    return rng.choice(_FRAMES).format(subject, n=number % 9 + 2)


def make_blog(
    index: int,
    engine: str | None = None,
    kind: str = "normal",
    seed: int = 1,
    blogs_per_host: int = 1,
) -> Blog:
    """The blog number ``index`` (normal blogs) or the special blog of ``kind``.

    With ``blogs_per_host`` > 1, normal blogs share hosts (``site-00004.farm.test``), each under
    its own path (``/wordpress-00042/``), as blogs on one platform do.
    """
    rng = random.Random(f"{seed}:{kind}:{index}")
    engine = _KIND_ENGINES.get(kind) or engine or ENGINES[index % len(ENGINES)]
    has_sticky = kind in ("sticky", "feed-broken") or (engine == "wordpress" and index % 10 == 6)
    host = f"{engine}-{index:05d}.{DOMAIN}" if kind == "normal" else f"{kind}.{DOMAIN}"
    base_path = "/blog/" if engine == "jekyll" or kind == "landing" else "/"
    if kind == "normal" and blogs_per_host > 1:
        host = f"site-{index // blogs_per_host:05d}.{DOMAIN}"
        base_path = f"/{engine}-{index:05d}{base_path}"
    if kind == "moved":
        base_path = "/new-home/"
    posts = []
    for number in range(POSTS_PER_BLOG):
        title = make_title(rng, number)
        if kind == "formula-title" and number == 0:
            title = "=SUM(1,2) and other spreadsheet tricks"
        if kind == "latin1":
            title = LATIN1_TITLE if number == 0 else f"Crème n°{number}"
        published = NEWEST_DATE - timedelta(days=index % 30 + 3 * number)
        slug = f"{_slugify(title)}-{index}-{number}"
        sticky = has_sticky and number == POSTS_PER_BLOG - 1  # the oldest post is the sticky one
        posts.append(Post(slug=slug, title=title, published=published, sticky=sticky))
    name = f"{rng.choice(_SUBJECTS)} Weekly"
    return Blog(host, engine, kind, name, base_path, tuple(posts))


def special_blogs(seed: int = 1) -> list[Blog]:
    """One blog of each special kind (listed and unlisted), engines rotating."""
    kinds = [*SPECIAL_KINDS, *UNLISTED_KINDS]
    return [make_blog(i, ENGINES[i % len(ENGINES)], kind, seed) for i, kind in enumerate(kinds)]


def normal_blogs(count: int, seed: int = 1, blogs_per_host: int = 1) -> Iterator[Blog]:
    return (make_blog(i, seed=seed, blogs_per_host=blogs_per_host) for i in range(count))


def _slugify(title: str) -> str:
    kept = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in title)
    return "-".join(part for part in kept.split("-") if part) or "post"

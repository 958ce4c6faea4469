"""Realistic blog pages for the farm: the weight and clutter of real index and article pages.

The default pages (:mod:`farm.engines`) are ~5 KB: the markup an engine puts around a title and
little else. Real pages are far heavier, and what a crawl costs (download, decompression, parse,
extraction) grows with them. The figures (the issue's): HTTP Archive Web Almanac 2024: median
home page HTML 18 KB transferred (~4-5x inflated); blog/news article pages 50-300 KB. So here:

- article pages: inflated size (UTF-8 bytes) log-normal, median 80 KB, p90 300 KB
  (``sigma = ln(300/80) / 1.2816``), capped at 2 MB (Scrapy warns above 2 MiB);
- index pages: the same spread around a median of 60 KB, 10 to 20 entries newest first.

A page's size is drawn from a ``random.Random`` seeded by (host, post slug), or (host, base
path, page) for an index: every run serves the same bytes. A page reaches its size the way real
ones do, by the amount of inline CSS (block library, theme, global styles), inline scripts
(analytics, configuration, lazy loading), SVG icons, paragraphs and comments, not by one blob.
Around the article sits the usual chrome: a mega menu of 50+ links, breadcrumbs, share buttons,
an author box, related posts, comments, sidebars with recent and popular posts, a newsletter
form and a big footer. The bulky parts are slices of pools built once (:func:`_pools`), so a
page costs about a millisecond; :func:`index_bytes` and :func:`article_bytes` keep the last
pages in a bounded cache.

Pure functions, no I/O. An index lists more posts than the catalog's 12: :func:`archive` adds
older ones (deterministic), and the server serves their article pages too (:func:`post_at`).
"""

from __future__ import annotations

import json
import math
import random
import zlib
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from itertools import accumulate
from typing import Any, Final

from farm.catalog import POSTS_PER_BLOG, Blog, Post, make_title
from farm.engines import article_path, esc, feed_path, wp_esc

#: Median inflated size of an article page, and of an index page (bytes).
ARTICLE_MEDIAN: Final = 80_000
INDEX_MEDIAN: Final = 60_000
#: The log-normal's sigma: p90 (z = 1.2816) at 300 KB for a median of 80 KB.
SIGMA: Final = math.log(300 / 80) / 1.2816
#: No page is larger (Scrapy's DOWNLOAD_WARNSIZE is 2 MiB).
MAX_PAGE_BYTES: Final = 2_000_000
#: Entries on an index page: drawn per blog in this range.
ENTRIES: Final = (10, 20)
#: Posts of a blog, the catalog's and older ones: enough for two index pages at least.
ARCHIVE_POSTS: Final = 48
#: Generated pages kept (bytes): a farm serves each page about once a crawl.
PAGE_CACHE: Final = 128

_FEED_TYPES: Final = {"blogger": "application/atom+xml", "jekyll": "application/atom+xml"}
_GENERATORS: Final = {
    "wordpress": "WordPress 6.6.2",
    "blogger": "Blogger",
    "ghost": "Ghost 5.96",
    "jekyll": "Jekyll v4.3.4",
    "hugo": "Hugo 0.136.5",
    "medium": "",
}
#: Engines whose themes write absolute links to posts (the others write them relative).
_ABSOLUTE: Final = frozenset({"wordpress", "blogger", "hugo"})
_MENU: Final = (
    ("Guides", ("Getting started", "Tutorials", "How-tos", "Checklists", "Cheat sheets")),
    ("Reviews", ("Books", "Gadgets", "Software", "Films", "Podcasts", "Board games")),
    ("Travel", ("Europe", "Asia", "Americas", "Rail journeys", "City breaks", "On a budget")),
    ("Food", ("Recipes", "Baking", "Restaurants", "Coffee", "Wine", "Street food")),
    ("Tech", ("Python", "Web", "Databases", "Security", "Hardware", "Open source")),
    ("Culture", ("Music", "Art", "History", "Languages", "Design", "Photography")),
    ("Life", ("Work", "Family", "Health", "Money", "Garden", "Home")),
    ("Notes", ("Weeknotes", "Links", "Quotes", "Drafts", "Ideas", "Now")),
)
_PAGES: Final = ("About", "Contact", "Archive", "Newsletter", "Shop", "Start here")
_FOOTER: Final = (
    ("Company", ("About us", "Team", "Careers", "Press", "Partners", "Contact", "Advertise")),
    ("Resources", ("Guides", "Glossary", "Tools", "Templates", "Webinars", "Case studies")),
    ("Community", ("Forum", "Events", "Meetups", "Write for us", "Code of conduct", "Discord")),
    ("Legal", ("Privacy", "Terms", "Cookies", "Imprint", "Accessibility", "Sitemap")),
)
_NETWORKS: Final = ("x", "facebook", "linkedin", "reddit", "mastodon", "whatsapp", "email")
_AUTHORS: Final = (
    "Ada Lindqvist",
    "Bruno Ferreira",
    "Chloé Martin",
    "Dmitri Volkov",
    "Emeka Obi",
    "Fatima Zahra",
    "Greta Hoffmann",
    "Hiroshi Tanaka",
    "Inés Castillo",
    "Jonas Berg",
    "Kavya Iyer",
    "Liam O'Connor",
)
_TAGLINES: Final = (
    "Notes from the workshop",
    "Long reads, short attention spans",
    "Things I wish I'd known",
    "Field notes & small essays",
    "Weekly, mostly",
    "Written slowly, read quickly",
)
_WORD_TEXT: Final = (
    "the a an of to in for on with at by from about into over after before between through "
    "during without under around among people time year way day thing man world life hand "
    "part child eye woman place work week case point government company number group problem "
    "fact idea question system program story lot study book water money month word night "
    "area home state side kind head house service friend hour game line end member law car "
    "city community name team minute reason moment result morning change health art war "
    "history party history research level office door face others guide note draft release "
    "server browser feature pattern kitchen garden recipe journey station market library "
    "is was be have do say get make go know take see come think look want give use find tell "
    "ask seem feel try leave call keep let begin show hear play run move live believe hold "
    "bring happen write provide sit stand lose pay meet include continue set learn change lead "
    "understand watch follow stop create speak read spend grow open walk win offer remember "
    "good new first last long great little own other old right big high different small large "
    "next early young important few public bad same able quiet simple careful honest odd "
    "slow quick clever strange useful warm bright plain rough gentle steady curious patient "
    "really just also very often still never always perhaps quite almost already rather "
    "it’s don’t we’re that’s there’s isn’t I’ve you’ll"
)
_WORDS: Final = tuple(_WORD_TEXT.split())
_HEADINGS: Final = (
    "Why this matters",
    "Getting started",
    "What I tried first",
    "The part nobody mentions",
    "A closer look",
    "Common mistakes",
    "What the numbers say",
    "Trade-offs",
    "Putting it together",
    "Further reading",
    "Lessons learned",
    "What’s next",
    "Frequently asked questions",
    "Step by step",
    "Before you begin",
)
_ICONS: Final = (
    "search",
    "menu",
    "close",
    "arrow-right",
    "arrow-left",
    "chevron-down",
    "comment",
    "share",
    "bookmark",
    "heart",
    "clock",
    "calendar",
    "user",
    "tag",
    "folder",
    "mail",
    "rss",
    "sun",
    "moon",
    "star",
)


# -- the blog's posts -------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def archive(blog: Blog) -> tuple[Post, ...]:
    """The blog's posts newest first: the catalog's, then older ones up to ``ARCHIVE_POSTS``."""
    rng = random.Random(f"{blog.host}|{blog.base_path}|archive")
    oldest = min(post.published for post in blog.posts)
    older = []
    for number in range(POSTS_PER_BLOG, max(ARCHIVE_POSTS, len(blog.posts))):
        title = make_title(rng, number)
        published = oldest - timedelta(days=3 * (number - POSTS_PER_BLOG + 1))
        older.append(Post(f"{_slug(title)}-archive-{number}", title, published))
    return (*blog.posts, *older)


@lru_cache(maxsize=1024)
def _paths(blog: Blog) -> dict[str, Post]:
    return {article_path(blog, post): post for post in archive(blog)}


def post_at(blog: Blog, path: str) -> Post | None:
    """The post (the catalog's or an older one) whose article is at ``path``, if any."""
    return _paths(blog).get(path)


def entries_per_page(blog: Blog) -> int:
    """How many entries the blog's index pages show (drawn per blog in ``ENTRIES``)."""
    return random.Random(f"{blog.host}|{blog.base_path}|entries").randint(*ENTRIES)


def page_count(blog: Blog) -> int:
    """How many index pages the blog has."""
    return -(-len(archive(blog)) // entries_per_page(blog))


def size_target(seed: str, median: int) -> int:
    """A page's inflated size in bytes: log-normal around ``median``, capped, per ``seed``."""
    drawn = random.Random(seed).lognormvariate(math.log(median), SIGMA)
    return min(MAX_PAGE_BYTES, round(drawn))


# -- pools of bulk ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pool:
    """Pieces of one kind of bulk; a page takes a run of them (wrapping around) of a size."""

    items: tuple[str, ...]
    ends: tuple[int, ...]  # cumulative UTF-8 sizes over ``items`` twice
    total: int

    @classmethod
    def of(cls, items: list[str], measure: Callable[[str], str] = str) -> _Pool:
        """The pool of ``items``, each weighed as ``measure`` makes it (what a page gets)."""
        sizes = [len(measure(item).encode()) for item in items]
        return cls((*items, *items), tuple(accumulate(sizes + sizes)), sum(sizes))

    def take(self, rng: random.Random, budget: int) -> list[str]:
        """Consecutive pieces from a random start, ``budget`` bytes or a piece more."""
        if budget <= 0:
            return []
        count = len(self.items) // 2
        laps, rest = divmod(budget, self.total)
        start = rng.randrange(count)
        before = self.ends[start - 1] if start else 0
        end = bisect_left(self.ends, before + rest) + 1 if rest else start
        return [*self.items[:count] * laps, *self.items[start:end]]

    def average(self) -> float:
        return self.total / (len(self.items) // 2)


@dataclass(frozen=True, slots=True)
class _Pools:
    css: _Pool
    js: _Pool
    svg: _Pool
    prose: _Pool  # paragraphs only
    blocks: _Pool  # an article body: paragraphs, headings, figures, quotes, lists, code
    comments: _Pool  # comment threads, with ``@CID@`` and ``@DAY@`` to fill in


@cache
def _pools() -> _Pools:
    """The bulk every page takes slices of, built once (about 2 MB of text, ~0.1 s)."""
    rng = random.Random(2024)
    return _Pools(
        css=_Pool.of([_css_rule(rng) for _ in range(3000)]),
        js=_Pool.of([_js_statement(rng) for _ in range(1200)]),
        svg=_Pool.of([_svg_symbol(rng, number) for number in range(240)]),
        prose=_Pool.of([_paragraph(rng) for _ in range(400)]),
        blocks=_Pool.of([_block(rng) for _ in range(1500)]),
        comments=_Pool.of(
            [_thread(rng, number) for number in range(500)],
            lambda thread: _number_threads(thread, date(2026, 1, 1), 12345),
        ),
    )


def _sentence(rng: random.Random, low: int = 7, high: int = 19) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    words[0] = words[0].capitalize()
    if len(words) > 8 and rng.random() < 0.3:
        words[4] += ","
    if rng.random() < 0.12:
        at = rng.randrange(1, len(words))
        tag = rng.choice(("em", "strong", "code"))
        words[at] = f"<{tag}>{words[at]}</{tag}>"
    if rng.random() < 0.05:
        at = rng.randrange(1, len(words))
        words[at] = f'<a href="https://docs.example/{words[at].strip(",")}">{words[at]}</a>'
    return " ".join(words) + rng.choice("....?!")


def _paragraph(rng: random.Random) -> str:
    return "<p>" + " ".join(_sentence(rng) for _ in range(rng.randint(3, 7))) + "</p>\n"


def _block(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.70:
        return _paragraph(rng)
    if roll < 0.78:
        heading = rng.choice(_HEADINGS)
        return f'<h2 class="wp-block-heading" id="{_slug(heading)}">{heading}</h2>\n'
    if roll < 0.84:
        month, number = rng.randint(1, 12), rng.randint(100, 999)
        return (
            '<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" '
            f'width="1024" height="683" src="/wp-content/uploads/2026/{month:02d}/photo-{number}'
            f'-1024x683.jpg" alt="" srcset="/wp-content/uploads/2026/{month:02d}/photo-{number}'
            f"-1024x683.jpg 1024w, /wp-content/uploads/2026/{month:02d}/photo-{number}-300x200"
            f'.jpg 300w, /wp-content/uploads/2026/{month:02d}/photo-{number}-768x512.jpg 768w" '
            'sizes="(max-width: 1024px) 100vw, 1024px"><figcaption class="wp-element-caption">'
            f"{_sentence(rng, 4, 9)}</figcaption></figure>\n"
        )
    if roll < 0.89:
        return (
            f'<blockquote class="wp-block-quote"><p>{_sentence(rng)} {_sentence(rng)}</p>'
            f"<cite>{rng.choice(_AUTHORS)}</cite></blockquote>\n"
        )
    if roll < 0.94:
        items = "".join(f"<li>{_sentence(rng, 4, 10)}</li>" for _ in range(rng.randint(3, 7)))
        return f'<ul class="wp-block-list">{items}</ul>\n'
    if roll < 0.97:
        lines = "\n".join(
            f"{rng.choice(('def', 'let', 'const', 'var'))} {rng.choice(_WORDS[:40])}_"
            f"{number} = fetch(&quot;/api/{rng.choice(_ICONS)}&quot;, {number * 7})"
            for number in range(rng.randint(3, 9))
        )
        return f'<pre class="wp-block-code"><code>{lines}</code></pre>\n'
    icon = rng.choice(_ICONS)
    return (
        '<div class="callout callout-note"><svg class="icon" width="20" height="20" '
        f'aria-hidden="true" focusable="false"><use href="#icon-{icon}"></use></svg>'
        f"<p>{_sentence(rng)}</p></div>\n"
    )


def _thread(rng: random.Random, number: int) -> str:
    """A comment and sometimes replies; ids ``@CID@`` then ``@CID@1``, ``@CID@2``."""
    replies = rng.choice((0, 0, 0, 1, 1, 2))
    nested = "".join(
        _comment(rng, f"@CID@{reply + 1}", 2, number + reply) for reply in range(replies)
    )
    children = f'<ol class="children">\n{nested}</ol>\n' if nested else ""
    return _comment(rng, "@CID@", 1, number, children)


def _comment(rng: random.Random, cid: str, depth: int, number: int, children: str = "") -> str:
    author = rng.choice(_AUTHORS)
    avatar = f"{zlib.crc32(author.encode()) ^ number:08x}"
    text = "".join(
        "<p>" + " ".join(_sentence(rng, 5, 14) for _ in range(rng.randint(1, 3))) + "</p>"
        for _ in range(rng.randint(1, 2))
    )
    parity = "even" if number % 2 else "odd"
    hour, minute = rng.randint(6, 23), rng.randint(0, 59)
    return (
        f'<li id="comment-{cid}" class="comment {parity} depth-{depth}">\n'
        f'<article id="div-comment-{cid}" class="comment-body">\n'
        '<footer class="comment-meta"><div class="comment-author vcard">'
        f'<img alt="" src="/avatar/{avatar}?s=60&amp;d=mm&amp;r=g" class="avatar avatar-60 photo" '
        f'height="60" width="60" loading="lazy" decoding="async"><b class="fn">{esc(author)}</b> '
        '<span class="says">says:</span></div>\n<div class="comment-metadata">'
        f'<a href="#comment-{cid}"><time datetime="@DAY@T{hour:02d}:{minute:02d}:00+00:00">'
        f"@DAY@ at {hour:02d}:{minute:02d}</time></a></div></footer>\n"
        f'<div class="comment-content">{text}</div>\n<div class="reply">'
        f'<a rel="nofollow" class="comment-reply-link" href="?replytocom={cid}#respond" '
        f'data-commentid="{cid}" aria-label="Reply to {esc(author)}">Reply</a></div>\n'
        f"</article>\n{children}</li>\n"
    )


_CSS_BLOCKS: Final = (
    "wp-block",
    "site",
    "entry",
    "widget",
    "menu",
    "comment",
    "post",
    "nav",
    "footer",
    "header",
    "sidebar",
    "btn",
    "card",
    "grid",
    "search",
    "share",
    "author",
    "related",
    "newsletter",
    "breadcrumbs",
    "pagination",
    "gallery",
    "cover",
    "media-text",
    "columns",
    "pullquote",
    "table",
    "embed",
    "social-links",
)
_CSS_PARTS: Final = (
    "title",
    "content",
    "meta",
    "item",
    "link",
    "icon",
    "wrapper",
    "inner",
    "list",
    "label",
    "button",
    "image",
    "caption",
    "body",
    "toggle",
    "overlay",
    "badge",
    "count",
)
_CSS_MODS: Final = (
    "",
    "",
    "",
    ":hover",
    ":focus-visible",
    "::before",
    "::after",
    " a",
    " > li",
    ".is-active",
    ".is-style-outline",
    ".has-background",
    "--large",
    "--compact",
)
_CSS_DECLARATIONS: Final = (
    "margin:0 0 {n}px",
    "padding:{n}px {m}px",
    "color:var(--wp--preset--color--{color})",
    "background-color:#{hex}",
    "font-size:{rem}rem",
    "line-height:1.{digit}",
    "display:flex",
    "display:grid",
    "align-items:center",
    "justify-content:space-between",
    "gap:var(--wp--style--block-gap,{n}px)",
    "border-radius:{small}px",
    "border:1px solid #{hex}",
    "transition:{prop} .{digit}s ease-in-out",
    "grid-template-columns:repeat(auto-fill,minmax({width}px,1fr))",
    "max-width:{width}px",
    "width:100%",
    "position:relative",
    "z-index:{small}",
    "opacity:.{digit}",
    "text-decoration:none",
    "font-weight:{weight}",
    "letter-spacing:.0{digit}em",
    "box-shadow:0 {small}px {n}px rgba(0,0,0,.{digit})",
    "text-transform:uppercase",
    "overflow:hidden",
    "font-family:var(--wp--preset--font-family--{font})",
    "font-size:clamp({rem}rem,{rem}rem + 0.{digit}vw,{rem}rem)",
)
_COLORS: Final = ("base", "contrast", "primary", "secondary", "tertiary", "accent", "muted")
_FONTS: Final = ("system-sans", "serif", "inter", "source-serif", "mono")


def _css_rule(rng: random.Random) -> str:
    selectors = ",".join(
        f".{rng.choice(_CSS_BLOCKS)}{rng.choice(('__', '-'))}{rng.choice(_CSS_PARTS)}"
        f"{rng.choice(_CSS_MODS)}"
        for _ in range(rng.choice((1, 1, 1, 2, 3)))
    )
    values = {
        "n": rng.choice((0, 4, 8, 12, 16, 20, 24, 32, 48)),
        "m": rng.choice((0, 8, 12, 16, 24)),
        "color": rng.choice(_COLORS),
        "hex": f"{rng.randrange(0x1000000):06x}",
        "rem": rng.choice(("0.75", "0.875", "1", "1.125", "1.25", "1.5", "2", "2.5")),
        "digit": rng.randint(1, 9),
        "small": rng.choice((2, 3, 4, 6, 8, 10, 99)),
        "prop": rng.choice(("color", "opacity", "transform", "background-color", "all")),
        "width": rng.choice((240, 320, 480, 640, 720, 960, 1200)),
        "weight": rng.choice((300, 400, 500, 600, 700)),
        "font": rng.choice(_FONTS),
    }
    declarations = rng.sample(_CSS_DECLARATIONS, rng.randint(2, 6))
    rule = selectors + "{" + ";".join(d.format(**values) for d in declarations) + "}"
    if rng.random() < 0.15:
        return f"@media (min-width:{rng.choice((600, 782, 960, 1080))}px){{{rule}}}\n"
    return rule + "\n"


_JS_TEMPLATES: Final = (
    "function {f}(e,t){{var n=document.querySelectorAll(e);for(var r=0;r<n.length;r++)"
    "{{n[r].classList.toggle(t,!n[r].classList.contains(t))}}return n.length}}",
    'var {v}={{id:{n},name:"{w}",enabled:{b},threshold:{n2},selectors:["{s1}","{s2}"],'
    "ready:function(){{return this.enabled&&this.threshold>{n3}}}}};",
    "window.{ns}=window.{ns}||{{}};window.{ns}.{w}=function(e){{if(!e)return null;"
    "var t=e.getBoundingClientRect();return t.top<window.innerHeight+{n}&&t.bottom>-{n}}};",
    'document.addEventListener("DOMContentLoaded",function(){{var e=document.getElementById('
    '"{s1}");if(e){{e.setAttribute("data-{w}","{n}");e.addEventListener("click",function(t)'
    '{{t.preventDefault();e.classList.toggle("is-open")}})}}}});',
    '(function(){{var e={{"{w}":{n},"{w2}":"{s1}","{w3}":[{n2},{n3},{n}]}};try{{'
    'localStorage.setItem("{ns}-{w}",JSON.stringify(e))}}catch(t){{}}}})();',
    "var {v}=function(e,t,n){{var r=0;return function(){{var i=Date.now();"
    "if(i-r>={n}){{r=i;return e.apply(t,n)}}}}}};",
    'window.dataLayer=window.dataLayer||[];window.dataLayer.push({{"event":"{w}_{w2}",'
    '"category":"{w3}","value":{n}}});',
    "function {f}(e){{var t=[];for(var n in e)if(Object.prototype.hasOwnProperty.call(e,n))"
    't.push(encodeURIComponent(n)+"="+encodeURIComponent(e[n]));return t.join("&")}}',
)
_JS_WORDS: Final = (
    "menu",
    "lazy",
    "share",
    "consent",
    "theme",
    "search",
    "scroll",
    "modal",
    "toc",
    "comments",
    "newsletter",
    "video",
    "carousel",
    "tabs",
    "sticky",
    "darkmode",
)


def _js_statement(rng: random.Random) -> str:
    def name() -> str:
        return rng.choice("abcdefghijklmnopqrstuvwxyz") + rng.choice(_JS_WORDS).title()

    return rng.choice(_JS_TEMPLATES).format(
        f=name() + str(rng.randint(0, 99)),
        v=name() + str(rng.randint(0, 99)),
        ns=rng.choice(("wp", "theme", "site", "gh", "hugo", "blg")),
        w=rng.choice(_JS_WORDS),
        w2=rng.choice(_JS_WORDS),
        w3=rng.choice(_JS_WORDS),
        n=rng.randint(0, 2000),
        n2=rng.randint(0, 500),
        n3=rng.randint(0, 50),
        b=rng.choice(("true", "false", "!0", "!1")),
        s1=f"{rng.choice(_JS_WORDS)}-{rng.choice(_CSS_PARTS)}",
        s2=f".{rng.choice(_CSS_BLOCKS)}__{rng.choice(_CSS_PARTS)}",
    ) + ("\n" if rng.random() < 0.2 else "")


def _svg_symbol(rng: random.Random, number: int) -> str:
    steps = "".join(
        f"{rng.choice('clsqCLSQ')}{rng.uniform(-12, 12):.2f} {rng.uniform(-12, 12):.2f}"
        for _ in range(rng.randint(6, 24))
    )
    x, y = rng.uniform(0, 24), rng.uniform(0, 24)
    lap = number // len(_ICONS)  # the first lap's names are the ones pages <use>
    name = _ICONS[number % len(_ICONS)] + (f"-{lap}" if lap else "")
    return (
        f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path fill="currentColor" '
        f'd="M{x:.2f} {y:.2f}{steps}z"/></symbol>\n'
    )


# -- pages --------------------------------------------------------------------------------------


@lru_cache(maxsize=PAGE_CACHE)
def index_bytes(blog: Blog, origin: str, page: int = 1) -> bytes:
    """:func:`index_page`, UTF-8 encoded (cached)."""
    return index_page(blog, origin, page).encode()


@lru_cache(maxsize=PAGE_CACHE)
def article_bytes(blog: Blog, post: Post, origin: str) -> bytes:
    """:func:`article_page`, UTF-8 encoded (cached)."""
    return article_page(blog, post, origin).encode()


class _Page:
    """A page's text in pieces, with slots the bulk is poured into once the rest is written."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.slots: dict[str, list[int]] = {}

    def add(self, *texts: str) -> None:
        self.parts.extend(texts)

    def slot(self, name: str) -> None:
        self.slots.setdefault(name, []).append(len(self.parts))
        self.parts.append("")

    def size(self) -> int:
        return len("".join(self.parts).encode())

    def pour(self, name: str, pieces: list[str], rng: random.Random) -> None:
        """Share ``pieces`` out among the slots called ``name`` (in order, random splits)."""
        slots = self.slots[name]
        cuts = sorted(rng.randint(0, len(pieces)) for _ in range(len(slots) - 1))
        for slot, start, end in zip(slots, [0, *cuts], [*cuts, len(pieces)], strict=True):
            self.parts[slot] = "".join(pieces[start:end])

    def text(self) -> str:
        return "".join(self.parts)


def _fill(page: _Page, rng: random.Random, target: int, shares: dict[str, float]) -> None:
    """Pour bulk into the page's slots until it weighs about ``target`` bytes.

    ``shares``: each kind's part of what is missing (jittered per page), at least a little of
    each (two comment threads at least; :func:`_date_comments` numbers and dates them after).
    """
    pools = _pools()
    missing = max(0, target - page.size())
    weights = {kind: share * rng.uniform(0.6, 1.4) for kind, share in shares.items()}
    total = sum(weights.values())
    minimum = {"css": 2000, "js": 1000, "svg": 500, "blocks": 1500}
    for kind, weight in weights.items():
        budget = max(minimum.get(kind, 0), round(missing * weight / total))
        if kind == "comments":
            budget = max(budget, round(2 * pools.comments.average()))
        pieces = getattr(pools, kind).take(rng, budget)
        page.pour(kind, pieces, rng)


def _when(day: date) -> str:
    return f"{day}T09:00:00+00:00"


def _shown(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


@lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    kept = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in kept.split("-") if part) or "post"


def _number(post: Post) -> int:
    """The post's id (WordPress's ``post-1234``)."""
    return zlib.crc32(post.slug.encode()) % 90000 + 1000


def _category(post: Post) -> tuple[str, str]:
    name = _MENU[zlib.crc32(post.title.encode()) % len(_MENU)][0]
    return name, _slug(name)


def _author(blog: Blog, post: Post) -> str:
    authors = _blog_authors(blog.host, blog.base_path)
    return authors[_number(post) % len(authors)]


@cache
def _blog_authors(host: str, base_path: str) -> tuple[str, ...]:
    rng = random.Random(f"{host}|{base_path}|authors")
    return tuple(rng.sample(_AUTHORS, rng.randint(1, 3)))


def _json(data: Any) -> str:
    """JSON for a ``<script>`` block: nothing in it can end the block or start markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Site:
    """One blog's links and the chrome every page of it shares."""

    def __init__(self, blog: Blog, origin: str) -> None:
        self.blog, self.origin = blog, origin
        self.base = blog.base_path
        self.home = origin + blog.base_path
        self.name = esc(blog.name)
        self.wordpress = blog.engine == "wordpress"

    def title_html(self, title: str) -> str:
        """A title as the engine escapes it in text (WordPress: numeric entities)."""
        return wp_esc(title) if self.wordpress else esc(title)

    def url(self, post: Post) -> str:
        return self.origin + article_path(self.blog, post)

    def href(self, post: Post, source: str = "") -> str:
        """A link to a post as the engine's theme writes it (absolute or not, tracking)."""
        path = article_path(self.blog, post)
        if self.blog.engine == "medium" and source:
            path += f"?source={source}"
        return self.origin + path if self.blog.engine in _ABSOLUTE else path

    def head(self, page: _Page, title: str, metas: str, graph: dict[str, Any]) -> None:
        blog = self.blog
        feed_type = _FEED_TYPES.get(blog.engine, "application/rss+xml")
        generator = _GENERATORS[blog.engine]
        page.add(
            '<!DOCTYPE html>\n<html lang="en-US" class="no-js">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            '<meta name="robots" content="index, follow, max-image-preview:large">\n',
            metas,
            f'<link rel="alternate" type="{feed_type}" title="{self.name} &raquo; Feed" '
            f'href="{self.origin}{feed_path(blog)}">\n'
            f'<link rel="alternate" type="application/rss+xml" title="{self.name} &raquo; '
            f'Comments Feed" href="{self.home}comments/feed/">\n'
            f'<link rel="icon" href="{self.base}favicon.ico" sizes="32x32">\n'
            f'<link rel="apple-touch-icon" href="{self.base}apple-touch-icon.png">\n',
            f'<meta name="generator" content="{generator}">\n' if generator else "",
            f'<script type="application/ld+json">{_json(graph)}</script>\n'
            "<script>document.documentElement.className=document.documentElement.className"
            '.replace("no-js","js");window.dataLayer=window.dataLayer||[];function gtag(){'
            'dataLayer.push(arguments)}gtag("js",new Date());gtag("config","G-FARM0000",'
            '{"anonymize_ip":true});</script>\n'
            '<style id="global-styles-inline-css">\n:root{--wp--preset--color--base:#fff;'
            "--wp--preset--color--contrast:#111;--wp--preset--color--primary:#0b57d0;"
            "--wp--preset--color--secondary:#5f6368;--wp--preset--color--accent:#c2185b;"
            "--wp--preset--font-family--system-sans:-apple-system,BlinkMacSystemFont,"
            '"Segoe UI",Roboto,sans-serif;--wp--style--block-gap:24px}\n',
        )
        page.slot("css")
        page.add('</style>\n<style id="wp-block-library-inline-css">\n')
        page.slot("css")
        page.add('</style>\n<style id="theme-inline-css">\n')
        page.slot("css")
        page.add("</style>\n<script>\n")
        page.slot("js")
        page.add("</script>\n</head>\n")

    def config(self, page: _Page, data: dict[str, Any]) -> None:
        page.add(
            f'<script id="site-config" type="application/json">{_json(data)}</script>\n'
            '<script>window.__consent={"necessary":true,"analytics":false,"marketing":false,'
            '"version":7};</script>\n'
        )

    def header(self, page: _Page, body_class: str) -> None:
        blog, base = self.blog, self.base
        menu = []
        for name, subs in _MENU:
            slug = _slug(name)
            items = "".join(
                f'<li><a href="{base}category/{slug}/{_slug(sub)}/">{sub}</a></li>' for sub in subs
            )
            menu.append(
                '<li class="menu-item menu-item-has-children mega-menu">'
                f'<a href="{base}category/{slug}/">{name}</a><ul class="sub-menu">'
                f"{items}</ul></li>\n"
            )
        pages = "".join(
            f'<li class="menu-item"><a href="{base}{_slug(name)}/">{name}</a></li>'
            for name in _PAGES
        )
        tagline = _TAGLINES[zlib.crc32(blog.host.encode()) % len(_TAGLINES)]
        page.add(
            f'<body class="{body_class} {blog.engine}-theme wp-embed-responsive">\n'
            '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">\n'
        )
        page.slot("svg")
        page.add(
            "</svg>\n"
            '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
            '<div id="page" class="site">\n<header id="masthead" class="site-header">\n'
            '<div class="site-branding"><p class="site-title">'
            f'<a href="{self.home}" rel="home">{self.name}</a></p>'
            f'<p class="site-description">{esc(tagline)}</p></div>\n'
            '<nav id="site-navigation" class="main-navigation" aria-label="Primary menu">'
            '<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">'
            'Menu</button>\n<ul id="primary-menu" class="menu nav-menu">\n'
            f'<li class="menu-item current-menu-item"><a href="{base}">Home</a></li>\n',
            *menu,
            pages,
            "</ul></nav>\n"
            f'<form role="search" method="get" class="search-form" action="{base}">'
            '<label><span class="screen-reader-text">Search for:</span>'
            '<input type="search" class="search-field" placeholder="Search &hellip;" value="" '
            'name="s"></label><button type="submit" class="search-submit">Search</button></form>\n'
            "</header>\n"
            '<div id="content" class="site-content">\n',
        )

    def sidebar(self, page: _Page, current: Post | None) -> None:
        posts = [post for post in archive(self.blog) if post is not current]
        recent = "".join(
            f'<li><a href="{self.href(post, "recent")}">{self.title_html(post.title)}</a>'
            f'<span class="post-date">{_shown(post.published)}</span></li>\n'
            for post in posts[:8]
        )
        popular = "".join(
            f'<li><a href="{self.href(post, "popular")}">{self.title_html(post.title)}</a>'
            f'<span class="views">{(_number(post) * 7) % 9000 + 120} views</span></li>\n'
            for post in _popular(self.blog, posts)
        )
        categories = "".join(
            f'<li class="cat-item"><a href="{self.base}category/{_slug(name)}/">{name}</a> '
            f"({len(subs) * 7})</li>"
            for name, subs in _MENU
        )
        tags = " ".join(
            f'<a href="{self.base}tag/{_slug(sub)}/" class="tag-{len(sub) % 5}">{sub}</a>'
            for _, subs in _MENU[:3]
            for sub in subs
        )
        page.add(
            '<aside id="secondary" class="widget-area sidebar" aria-label="Sidebar">\n'
            '<section class="widget widget_recent_entries"><h2 class="widget-title">'
            f"Recent posts</h2>\n<ul>\n{recent}</ul></section>\n"
            '<section class="widget widget_popular_posts"><h2 class="widget-title">'
            f"Popular posts</h2>\n<ol>\n{popular}</ol></section>\n"
            '<section class="widget widget_newsletter"><h2 class="widget-title">Newsletter</h2>'
            f"<p>New posts from {self.name} in your inbox, once a week. No spam.</p>"
            f'<form class="newsletter-form" method="post" action="{self.base}subscribe/">'
            '<label for="nl-email" class="screen-reader-text">Email address</label>'
            '<input id="nl-email" type="email" name="email" placeholder="you@example.com" '
            'required><input type="hidden" name="list" value="weekly">'
            '<button type="submit">Subscribe</button></form></section>\n'
            '<section class="widget widget_categories"><h2 class="widget-title">Categories</h2>'
            f"<ul>{categories}</ul></section>\n"
            '<section class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2>'
            f'<div class="tagcloud">{tags}</div></section>\n'
            "</aside>\n</div>\n"
        )

    def footer(self, page: _Page) -> None:
        columns = "".join(
            f'<div class="footer-column"><h2 class="footer-title">{heading}</h2><ul>'
            + "".join(f'<li><a href="{self.base}{_slug(name)}/">{name}</a></li>' for name in names)
            + "</ul></div>\n"
            for heading, names in _FOOTER
        )
        social = "".join(
            f'<li><a href="{self.base}follow/{network}/" aria-label="{network.title()}">'
            f'<svg class="icon" width="24" height="24" aria-hidden="true"><use href="#icon-'
            f'{network}"></use></svg></a></li>'
            for network in _NETWORKS
        )
        page.add(
            '<footer id="colophon" class="site-footer">\n<div class="footer-widgets">\n',
            columns,
            f'</div>\n<ul class="social-links">{social}</ul>\n'
            f'<div class="site-info"><p>&copy; 2026 {self.name}. All rights reserved. '
            f'<a href="{self.base}privacy/">Privacy policy</a> · '
            f'<a href="{self.base}cookies/">Cookie settings</a> · Proudly powered by '
            f"{esc(_GENERATORS[self.blog.engine] or 'Medium')}</p></div>\n"
            '</footer>\n</div>\n<div id="cookie-notice" class="cookie-notice" hidden>'
            "<p>We use cookies to understand how the site is used.</p>"
            '<button type="button" data-consent="accept">Accept</button>'
            '<button type="button" data-consent="reject">Reject</button></div>\n<script>\n',
        )
        page.slot("js")
        page.add("</script>\n</body>\n</html>\n")


def _popular(blog: Blog, posts: list[Post]) -> list[Post]:
    ranked = sorted(posts, key=lambda post: zlib.crc32(f"{blog.host}{post.slug}".encode()))
    return ranked[:6]


def index_page(blog: Blog, origin: str, page: int = 1) -> str:
    """Page ``page`` of the blog's index: 10 to 20 entries, newest first (a sticky post first
    on page 1, as WordPress shows it)."""
    rng = random.Random(f"{blog.host}|{blog.base_path}|index|{page}")
    target = size_target(f"{blog.host}|{blog.base_path}|index|{page}|size", INDEX_MEDIAN)
    site = _Site(blog, origin)
    count, posts = entries_per_page(blog), archive(blog)
    shown = list(posts[(page - 1) * count : page * count])
    if page == 1 and blog.sticky is not None:
        shown = [blog.sticky, *(post for post in shown if post is not blog.sticky)]
    home = site.home + (f"page/{page}/" if page > 1 else "")
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "CollectionPage",
                "@id": home,
                "url": home,
                "name": blog.name,
                "isPartOf": {"@id": f"{site.home}#website"},
                "inLanguage": "en-US",
            },
            {
                "@type": "WebSite",
                "@id": f"{site.home}#website",
                "url": site.home,
                "name": blog.name,
                "publisher": {"@id": f"{site.home}#organization"},
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": f"{site.home}?s={{search_term_string}}",
                    "query-input": "required name=search_term_string",
                },
            },
            {
                "@type": "Organization",
                "@id": f"{site.home}#organization",
                "name": blog.name,
                "url": site.home,
                "logo": {"@type": "ImageObject", "url": f"{origin}{blog.base_path}logo.png"},
            },
        ],
    }
    metas = (
        f'<link rel="canonical" href="{home}">\n'
        f'<meta name="description" content="{site.name}: new posts every week.">\n'
        '<meta property="og:locale" content="en_US">\n<meta property="og:type" content="website">\n'
        f'<meta property="og:title" content="{site.name}">\n'
        f'<meta property="og:url" content="{home}">\n'
        f'<meta property="og:site_name" content="{site.name}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        + (
            f'<link rel="next" href="{site.home}page/{page + 1}/">\n'
            if page < page_count(blog)
            else ""
        )
    )
    tagline = _TAGLINES[zlib.crc32(blog.host.encode()) % len(_TAGLINES)]
    out = _Page()
    site.head(out, f"{site.name} &#8211; {esc(tagline)}", metas, graph)
    site.header(out, "home blog" if page == 1 else "blog paged")
    site.config(out, {"page": "index", "blog": blog.name, "paged": page, "posts": len(shown)})
    out.add(
        '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
        f'<header class="page-header"><h1 class="page-title screen-reader-text">{site.name}'
        "</h1></header>\n"
    )
    prose = _pools().prose
    for post in shown:
        out.add(_entry(site, post, prose.take(rng, 1)))
        out.slot("blocks")
    out.add(_pagination(site, page, page_count(blog)), "</main></div>\n")
    site.sidebar(out, None)
    site.footer(out)
    _fill(out, rng, target, {"css": 0.32, "js": 0.3, "svg": 0.08, "blocks": 0.3})
    return out.text()


def _entry(site: _Site, post: Post, excerpt: list[str]) -> str:
    """One post on the index, up to its excerpt (its content, if any, follows)."""
    number, (category, category_slug) = _number(post), _category(post)
    href, title = site.href(post, "collection_home"), site.title_html(post.title)
    author = _author(site.blog, post)
    sticky = " sticky" if post.sticky else ""
    type_post = " type-post status-publish format-standard" if site.wordpress else ""
    comments = number % 40
    return (
        f'<article id="post-{number}" class="post-{number} post{type_post} has-post-thumbnail '
        f'hentry category-{category_slug}{sticky}">\n'
        f'<figure class="post-thumbnail"><a href="{href}" aria-hidden="true" tabindex="-1">'
        f'<img width="1200" height="675" src="/wp-content/uploads/{post.published:%Y/%m}/'
        f'{post.slug[:40]}-1200x675.jpg" class="attachment-post-thumbnail wp-post-image" '
        'alt="" loading="lazy" decoding="async"></a></figure>\n'
        f'<header class="entry-header"><h2 class="entry-title"><a href="{href}" rel="bookmark">'
        f"{title}</a></h2>\n"
        '<div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
        f'datetime="{_when(post.published)}">{_shown(post.published)}</time></span> '
        '<span class="byline">by <span class="author vcard"><a class="url fn n" '
        f'href="{site.base}author/{_slug(author)}/">{esc(author)}</a></span></span> '
        f'<span class="cat-links"><a href="{site.base}category/{category_slug}/" '
        f'rel="category tag">{category}</a></span></div></header>\n'
        f'<div class="entry-summary">{"".join(excerpt)}'
        f'<a class="more-link" href="{href}#more-{number}">Continue reading'
        f'<span class="screen-reader-text"> “{title}”</span></a></div>\n'
        f'<footer class="entry-footer"><span class="comments-link"><a href="{href}#comments">'
        f"{comments} Comments</a></span>"
        "</footer>\n</article>\n"
    )


def _pagination(site: _Site, page: int, pages: int) -> str:
    def at(number: int) -> str:
        return site.base if number == 1 else f"{site.base}page/{number}/"

    numbers = "".join(
        f'<span aria-current="page" class="page-numbers current">{number}</span>'
        if number == page
        else f'<a class="page-numbers" href="{at(number)}">{number}</a>'
        for number in range(1, pages + 1)
    )
    before = (
        f'<a class="prev page-numbers" href="{at(page - 1)}">Newer posts</a>' if page > 1 else ""
    )
    after = (
        f'<a class="next page-numbers" href="{at(page + 1)}">Older posts</a>'
        if page < pages
        else ""
    )
    return (
        '<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">'
        f'Posts navigation</h2><div class="nav-links">{before}{numbers}{after}</div></nav>\n'
    )


def article_page(blog: Blog, post: Post, origin: str) -> str:
    """The article page of ``post``: its title in the ``h1``, ``og:title``, JSON-LD
    ``headline`` and ``<title>`` (with the blog's name), amid a real page's chrome and bulk."""
    seed = f"{blog.host}|{post.slug}"
    rng = random.Random(seed)
    target = size_target(f"{seed}|size", ARTICLE_MEDIAN)
    site = _Site(blog, origin)
    url, when = site.url(post), _when(post.published)
    title, name = esc(post.title), site.name
    author = _author(blog, post)
    category, category_slug = _category(post)
    number = _number(post)
    image = f"{origin}/wp-content/uploads/{post.published:%Y/%m}/{post.slug[:40]}-1200x675.jpg"
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "BlogPosting",
                "@id": f"{url}#article",
                "isPartOf": {"@id": url},
                "author": {
                    "@type": "Person",
                    "name": author,
                    "@id": f"{site.home}#/person/{number}",
                },
                "headline": post.title,
                "datePublished": when,
                "dateModified": when,
                "mainEntityOfPage": {"@id": url},
                "publisher": {"@id": f"{site.home}#organization"},
                "image": {"@id": f"{url}#primaryimage"},
                "articleSection": [category],
                "inLanguage": "en-US",
            },
            {
                "@type": "WebPage",
                "@id": url,
                "url": url,
                "name": f"{post.title} – {blog.name}",
                "isPartOf": {"@id": f"{site.home}#website"},
                "primaryImageOfPage": {"@id": f"{url}#primaryimage"},
                "breadcrumb": {"@id": f"{url}#breadcrumb"},
                "datePublished": when,
            },
            {
                "@type": "ImageObject",
                "@id": f"{url}#primaryimage",
                "url": image,
                "width": 1200,
                "height": 675,
            },
            {
                "@type": "BreadcrumbList",
                "@id": f"{url}#breadcrumb",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": site.home},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": category,
                        "item": f"{site.home}category/{category_slug}/",
                    },
                    {"@type": "ListItem", "position": 3, "name": post.title},
                ],
            },
            {
                "@type": "WebSite",
                "@id": f"{site.home}#website",
                "url": site.home,
                "name": blog.name,
                "publisher": {"@id": f"{site.home}#organization"},
            },
            {
                "@type": "Organization",
                "@id": f"{site.home}#organization",
                "name": blog.name,
                "url": site.home,
            },
        ],
    }
    description = f"{post.title}: notes and a long read from {blog.name}."
    metas = (
        f'<meta name="description" content="{esc(description)}">\n'
        f'<link rel="canonical" href="{url}">\n'
        '<meta property="og:locale" content="en_US">\n<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{title}">\n'
        f'<meta property="og:description" content="{esc(description)}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="og:site_name" content="{name}">\n'
        f'<meta property="article:published_time" content="{when}">\n'
        f'<meta property="article:modified_time" content="{when}">\n'
        f'<meta property="og:image" content="{image}">\n'
        '<meta property="og:image:width" content="1200">\n'
        '<meta property="og:image:height" content="675">\n'
        f'<meta name="author" content="{esc(author)}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        f'<meta name="twitter:title" content="{title}">\n'
        f'<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" '
        f'content="{esc(author)}">\n'
    )
    shown_title = site.title_html(post.title)
    separator = "&#8211;" if site.wordpress else "–"
    out = _Page()
    site.head(out, f"{shown_title} {separator} {name}", metas, graph)
    site.header(out, f"post-template-default single single-post postid-{number}")
    site.config(
        out,
        {
            "page": "single",
            "postId": number,
            "title": post.title,
            "author": author,
            "category": category,
            "published": when,
        },
    )
    posts = archive(blog)
    at = posts.index(post) if post in posts else 0
    newer = posts[at - 1] if at > 0 else None
    older = posts[at + 1] if at + 1 < len(posts) else None
    others = [other for other in posts if other is not post]
    related = rng.sample(others, min(6, len(others)))
    prose = _pools().prose
    out.add(
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>'
        f'<li><a href="{site.base}">Home</a></li>'
        f'<li><a href="{site.base}category/{category_slug}/">{category}</a></li>'
        f'<li aria-current="page">{shown_title}</li></ol></nav>\n'
        '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
        f'<article id="post-{number}" class="post-{number} post type-post status-publish '
        f'format-standard has-post-thumbnail hentry category-{category_slug}">\n'
        f'<header class="entry-header"><h1 class="entry-title">{shown_title}</h1>\n'
        '<div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
        f'datetime="{when}">{_shown(post.published)}</time></span> <span class="byline">by '
        f'<span class="author vcard"><a class="url fn n" href="{site.base}author/'
        f'{_slug(author)}/">{esc(author)}</a></span></span> <span class="reading-time">'
        f"{number % 17 + 3} min read</span></div></header>\n"
        '<figure class="post-thumbnail"><img width="1200" height="675" '
        f'src="{image}" class="attachment-post-thumbnail wp-post-image" alt="" '
        'decoding="async" fetchpriority="high"></figure>\n'
        '<div class="entry-content">\n',
        *prose.take(rng, 1),
    )
    out.slot("blocks")
    share = "".join(
        f'<li><a class="share-{network}" href="https://share.example/{network}?url={url}" '
        f'rel="nofollow noopener" target="_blank"><svg class="icon" width="18" height="18" '
        f'aria-hidden="true"><use href="#icon-{network}"></use></svg>'
        f'<span class="screen-reader-text">Share on {network.title()}</span></a></li>'
        for network in _NETWORKS
    )
    related_items = "".join(
        f'<li class="related-post"><a href="{site.href(other, "related")}">'
        f'<img src="/wp-content/uploads/{other.published:%Y/%m}/{other.slug[:40]}-300x169.jpg" '
        f'width="300" height="169" alt="" loading="lazy"><span class="related-post-title">'
        f'{site.title_html(other.title)}</span></a><time datetime="{_when(other.published)}">'
        f"{_shown(other.published)}</time></li>\n"
        for other in related
    )
    adjacent = "".join(
        f'<div class="nav-{side}"><a href="{site.href(other)}" rel="{rel}">'
        f'<span class="meta-nav">{label}</span> <span class="post-title">'
        f"{site.title_html(other.title)}</span></a></div>"
        for side, rel, label, other in (
            ("previous", "prev", "Previous post", older),
            ("next", "next", "Next post", newer),
        )
        if other is not None
    )
    out.add(
        "</div>\n"
        f'<div class="share-buttons"><span class="share-label">Share this:</span><ul>{share}'
        "</ul></div>\n"
        f'<footer class="entry-footer"><span class="cat-links">Posted in <a href="{site.base}'
        f'category/{category_slug}/" rel="category tag">{category}</a></span></footer>\n'
        "</article>\n"
        '<div class="author-box"><img class="avatar" src="/avatar/'
        f'{zlib.crc32(author.encode()):08x}?s=96" width="96" height="96" alt="" loading="lazy">'
        f'<div class="author-info"><p class="author-heading">About {esc(author)}</p>'
        f"<p>{esc(author)} writes about {category.lower()} and everything around it for "
        f"{name}. Coffee first, then words.</p>"
        f'<a class="author-link" href="{site.base}author/{_slug(author)}/" rel="author">'
        f"View all posts by {esc(author)}</a></div></div>\n"
        '<nav class="navigation post-navigation" aria-label="Posts">'
        f'<div class="nav-links">{adjacent}</div></nav>\n'
        '<section class="related-posts"><h2 class="related-heading">You might also like</h2>'
        f'<ul class="related-list">\n{related_items}</ul></section>\n'
        '<section id="comments" class="comments-area">\n'
        f'<h2 class="comments-title">Thoughts on “{shown_title}”</h2>\n'
        '<ol class="comment-list">\n'
    )
    out.slot("comments")
    out.add(
        "</ol>\n"
        '<div id="respond" class="comment-respond"><p id="reply-title" class="comment-reply-'
        'title">Leave a Reply</p>'
        f'<form action="{site.base}wp-comments-post.php" method="post" id="commentform" '
        'class="comment-form"><p class="comment-notes">Your email address will not be '
        "published. Required fields are marked *</p>"
        '<p class="comment-form-comment"><label for="comment">Comment *</label>'
        '<textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>'
        '<p class="comment-form-author"><label for="author">Name *</label>'
        '<input id="author" name="author" type="text" size="30" required></p>'
        '<p class="comment-form-email"><label for="email">Email *</label>'
        '<input id="email" name="email" type="email" size="30" required></p>'
        '<p class="form-submit"><input name="submit" type="submit" id="submit" '
        f'class="submit" value="Post Comment"><input type="hidden" name="comment_post_ID" '
        f'value="{number}"></p></form></div>\n'
        "</section>\n</main></div>\n"
    )
    site.sidebar(out, post)
    site.footer(out)
    _fill(
        out, rng, target, {"css": 0.26, "js": 0.22, "svg": 0.06, "blocks": 0.24, "comments": 0.22}
    )
    _date_comments(out, post.published, number)
    return out.text()


def _date_comments(page: _Page, published: date, number: int) -> None:
    """Give the poured comments ids and dates (after the post's)."""
    for slot in page.slots["comments"]:
        page.parts[slot] = _number_threads(page.parts[slot], published, number)


def _number_threads(text: str, published: date, number: int) -> str:
    """Each thread's ``@CID@`` (replies: ``@CID@1``...) and ``@DAY@``, numbered in order."""
    pieces = text.split('<li id="comment-@CID@" ')
    out = [pieces[0]]
    for count, piece in enumerate(pieces[1:]):
        cid = str(number * 1000 + count * 10)
        day = (published + timedelta(days=1 + count % 30)).isoformat()
        thread = '<li id="comment-@CID@" ' + piece
        out.append(thread.replace("@CID@", cid).replace("@DAY@", day))
    return "".join(out)

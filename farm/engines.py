"""HTML and feeds in the style of real blog engines, for the sample farm.

Each engine lays out its index, article pages and feed the way the real one does (class names,
URL patterns, where the title sits, relative or absolute links), so the extractors meet the same
shapes they meet on the web. Text is escaped the way each engine escapes it.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.utils import format_datetime

from farm.catalog import POSTS_PER_PAGE, Blog, Post

_LOREM = (
    "A short excerpt of the post, long enough to look like the real thing, with a few words "
    "about the subject and a promise that the rest is worth reading. "
)


def esc(text: str) -> str:
    """HTML-escape text and attribute values (quotes too)."""
    return html.escape(text, quote=True)


def wp_esc(text: str) -> str:
    """WordPress's esc_html style: numeric entities (``&#039;``, ``&#038;``, ``&#8212;``)."""
    escaped = esc(text).replace("&#x27;", "&#039;").replace("&amp;", "&#038;")
    return escaped.replace("—", "&#8212;")


def article_path(blog: Blog, post: Post) -> str:
    """The path of an article, in the engine's URL scheme."""
    d = post.published
    base = blog.base_path
    return {
        "wordpress": f"{base}{d:%Y/%m/%d}/{post.slug}/",
        "blogger": f"{base}{d:%Y/%m}/{post.slug}.html",
        "ghost": f"{base}{post.slug}/",
        "jekyll": f"{base}{d:%Y/%m/%d}/{post.slug}.html",
        "hugo": f"{base}posts/{post.slug}/",
        "medium": f"{base}@{blog.host.split('.')[0]}/{post.slug}-{hashlib.md5(post.slug.encode()).hexdigest()[:12]}",
    }[blog.engine]


def feed_path(blog: Blog) -> str:
    return (
        blog.base_path
        + {
            "wordpress": "feed/",
            "blogger": "feeds/posts/default",
            "ghost": "rss/",
            "jekyll": "feed.xml",
            "hugo": "index.xml",
            "medium": "feed",
        }[blog.engine]
    )


def page_encoding(blog: Blog) -> str:
    """The encoding the blog's pages are written in."""
    return "windows-1252" if blog.kind == "latin1" else "utf-8"


def _page(head: str, body: str, encoding: str = "utf-8") -> str:
    return f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="{encoding}">\n{head}</head>\n<body>\n{body}</body>\n</html>\n'


def _chrome_links(blog: Blog) -> str:
    base = blog.base_path
    return (
        f'<a href="{base}">Home</a> <a href="{base}about/">About</a> '
        f'<a href="{base}tag/notes/">Notes</a> <a href="{base}category/essays/">Essays</a>'
    )


def _sidebar(blog: Blog, origin: str) -> str:
    older = blog.posts[-1]
    return (
        '<aside id="secondary" class="widget-area sidebar">\n'
        '<section class="widget widget_recent_comments"><h2 class="widget-title">Recent comments</h2>'
        f'<ul><li><a href="{origin}{article_path(blog, older)}#comment-12">Reader on {esc(older.title)}</a></li></ul></section>\n'
        '<section class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2>'
        f'<a href="{blog.base_path}tag/life/">life</a> <a href="{blog.base_path}tag/code/">code</a></section>\n'
        "</aside>\n"
    )


def _footer(blog: Blog) -> str:
    return f'<footer class="site-footer"><p>&copy; 2026 {esc(blog.name)} · <a href="{blog.base_path}privacy/">Privacy</a></p></footer>\n'


def _pagination(blog: Blog, page: int, total_pages: int) -> str:
    if page >= total_pages:
        return ""
    return f'<nav class="navigation pagination"><a class="next page-numbers" href="{blog.base_path}page/{page + 1}/">Older posts &rarr;</a></nav>\n'


# -- index pages --------------------------------------------------------------------------------


def _wordpress_index(blog: Blog, posts: list[Post], origin: str, tail: str) -> str:
    dated = blog.kind != "feed-broken"
    items = "".join(
        f'<article id="post-{i}" class="post-{i} post type-post status-publish format-standard{" sticky" if p.sticky else ""} hentry">\n'
        f'<header class="entry-header"><h2 class="entry-title"><a href="{origin}{article_path(blog, p)}" rel="bookmark">{wp_esc(p.title)}</a></h2>\n'
        + (
            f'<div class="entry-meta"><time class="entry-date published" datetime="{p.published}T09:00:00+00:00">{p.published:%B %d, %Y}</time></div>'
            if dated
            else ""
        )
        + "</header>\n"
        f'<div class="entry-content"><p>{_LOREM}<a href="{origin}{article_path(blog, p)}#more-{i}" class="more-link">Continue reading</a></p></div>\n'
        "</article>\n"
        for i, p in enumerate(posts)
    )
    return (
        f'<header id="masthead" class="site-header"><p class="site-title"><a href="{origin}/" rel="home">{esc(blog.name)}</a></p>'
        f'<nav id="site-navigation" class="main-navigation">{_chrome_links(blog)}</nav></header>\n'
        f'<main id="main" class="site-main">\n{items}{tail}</main>\n'
    )


def _blogger_index(blog: Blog, posts: list[Post], origin: str, tail: str) -> str:
    items = "".join(
        f'<div class="date-outer"><h2 class="date-header"><span>{p.published:%A, %B %d, %Y}</span></h2>\n'
        f'<div class="post-outer"><div class="post hentry uncustomized-post-template" itemprop="blogPost">\n'
        f'<h3 class="post-title entry-title" itemprop="name"><a href="{origin}{article_path(blog, p)}">{esc(p.title)}</a></h3>\n'
        f'<div class="post-body entry-content"><p>{_LOREM}</p></div>\n'
        f'<div class="post-footer"><a class="comment-link" href="{origin}{article_path(blog, p)}#comment-form">0 comments</a></div>\n'
        "</div></div></div>\n"
        for p in posts
    )
    return (
        f'<div class="header-outer"><h1 class="title"><a href="{origin}/">{esc(blog.name)}</a></h1></div>\n'
        f'<div class="main-outer"><div class="blog-posts hfeed">\n{items}</div>{tail}</div>\n'
    )


def _ghost_index(blog: Blog, posts: list[Post], origin: str, tail: str) -> str:
    items = "".join(
        f'<article class="post-card post">\n'
        f'<a class="post-card-image-link" href="{article_path(blog, p)}"><img class="post-card-image" src="/content/images/{i}.jpg" alt=""></a>\n'
        f'<div class="post-card-content"><a class="post-card-content-link" href="{article_path(blog, p)}">\n'
        f'<header class="post-card-header"><h2 class="post-card-title">{esc(p.title)}</h2></header>\n'
        f'<section class="post-card-excerpt"><p>{_LOREM}</p></section></a>\n'
        f'<footer class="post-card-meta"><time class="post-card-meta-date" datetime="{p.published}">{p.published:%b %d, %Y}</time></footer></div>\n'
        "</article>\n"
        for i, p in enumerate(posts)
    )
    return (
        f'<header id="gh-head" class="gh-head"><a class="gh-head-logo" href="{origin}/">{esc(blog.name)}</a>'
        f'<nav class="gh-head-menu">{_chrome_links(blog)}</nav></header>\n'
        f'<main id="site-main" class="site-main outer"><div class="post-feed">\n{items}</div>{tail}</main>\n'
    )


def _jekyll_index(blog: Blog, posts: list[Post], origin: str, tail: str) -> str:
    # minima: relative links, no <article> on the home page, an h3 per post.
    items = "".join(
        f'<li><span class="post-meta">{p.published:%b %-d, %Y}</span>\n'
        f'<h3><a class="post-link" href="{article_path(blog, p)}">{esc(p.title)}</a></h3>\n'
        f"<p>{_LOREM}</p></li>\n"
        for p in posts
    )
    return (
        f'<header class="site-header" role="banner"><a class="site-title" rel="author" href="{blog.base_path}">{esc(blog.name)}</a>'
        f'<nav class="site-nav">{_chrome_links(blog)}</nav></header>\n'
        f'<main class="page-content" aria-label="Content"><div class="home"><h2 class="post-list-heading">Posts</h2>\n'
        f'<ul class="post-list">\n{items}</ul>{tail}</div></main>\n'
    )


def _hugo_index(blog: Blog, posts: list[Post], origin: str, tail: str) -> str:
    # PaperMod: the heading has no link; an empty full-card link follows it.
    items = "".join(
        f'<article class="post-entry">\n<header class="entry-header"><h2 class="entry-hint-parent">{esc(p.title)}</h2></header>\n'
        f'<div class="entry-content"><p>{_LOREM}</p></div>\n'
        f'<footer class="entry-footer"><span title="{p.published}">{p.published:%B %-d, %Y}</span></footer>\n'
        f'<a class="entry-link" aria-label="post link to {esc(p.title)}" href="{origin}{article_path(blog, p)}"></a>\n'
        "</article>\n"
        for p in posts
    )
    return (
        f'<header class="header"><nav class="nav"><div class="logo"><a href="{origin}/" accesskey="h">{esc(blog.name)}</a></div>'
        f'<ul id="menu"><li>{_chrome_links(blog)}</li></ul></nav></header>\n'
        f'<main class="main">\n{items}{tail}</main>\n'
    )


def _medium_index(blog: Blog, posts: list[Post], origin: str, tail: str) -> str:
    items = "".join(
        f'<div class="streamItem streamItem--postPreview"><div class="postArticle postArticle--short">\n'
        f'<div class="postArticle-content"><a href="{article_path(blog, p)}?source=collection_home---{i}">\n'
        f'<h3 class="graf graf--h3 graf--title">{esc(p.title)}</h3>\n'
        f'<p class="graf graf--p">{_LOREM}</p></a></div>\n'
        f'<a class="button--chromeless" href="{article_path(blog, p)}?source=collection_home---{i}#responses">Responses</a>\n'
        "</div></div>\n"
        for i, p in enumerate(posts)
    )
    return (
        f'<div class="metabar"><a href="{origin}/" class="siteNav-logo">{esc(blog.name)}</a>'
        f'<a href="{origin}/m/signin">Sign in</a> <a href="{blog.base_path}about/">About</a></div>\n'
        f'<div class="container stream">\n{items}{tail}</div>\n'
    )


_INDEX_RENDERERS: dict[str, Callable[[Blog, list[Post], str, str], str]] = {
    "wordpress": _wordpress_index,
    "blogger": _blogger_index,
    "ghost": _ghost_index,
    "jekyll": _jekyll_index,
    "hugo": _hugo_index,
    "medium": _medium_index,
}
_FEED_TYPES = {"blogger": "application/atom+xml", "jekyll": "application/atom+xml"}


def index_page(blog: Blog, origin: str, page: int = 1) -> str:
    """Page ``page`` of the blog's index (newest posts first)."""
    total_pages = -(-len(blog.posts) // POSTS_PER_PAGE)
    posts = list(blog.posts[(page - 1) * POSTS_PER_PAGE : page * POSTS_PER_PAGE])
    if page == 1 and blog.sticky is not None:  # WordPress shows sticky posts first on page 1
        posts = [blog.sticky, *(post for post in posts if post is not blog.sticky)]
    if blog.kind == "no-links":
        posts = []
    feed_type = _FEED_TYPES.get(blog.engine, "application/rss+xml")
    head = (
        f"<title>{esc(blog.name)}</title>\n"
        f'<link rel="alternate" type="{feed_type}" title="{esc(blog.name)} feed" href="{origin}{feed_path(blog)}">\n'
        f'<meta name="generator" content="{blog.engine}">\n'
    )
    tail = _pagination(blog, page, total_pages)
    if not posts:
        tail = "<p>Nothing here yet. Come back soon.</p>\n"
    body = _INDEX_RENDERERS[blog.engine](blog, posts, origin, tail)
    body += _sidebar(blog, origin) + _footer(blog)
    return _page(head, body, page_encoding(blog))


# -- article pages ------------------------------------------------------------------------------


def article_page(blog: Blog, post: Post, origin: str) -> str:
    """An article page with the title where the engine puts it (and nowhere for ``untitled``)."""
    url = origin + article_path(blog, post)
    when = f"{post.published}T09:00:00+00:00"
    content = (
        f'<div class="entry-meta"><time class="published" datetime="{when}">{post.published:%B %d, %Y}</time></div>\n'
        f'<div class="entry-content"><p>{_LOREM * 6}</p></div>\n'
    )
    back = f'<nav class="post-navigation"><a href="{blog.base_path}" rel="home">&larr; {esc(blog.name)}</a></nav>\n'
    if blog.kind == "untitled" and post is blog.newest:
        return _page(f'<link rel="canonical" href="{url}">\n', f"<main>{content}</main>\n{back}")
    title, name = esc(post.title), esc(blog.name)
    shown = title
    if blog.kind == "seo-titles":  # what an SEO plugin writes for search and social cards
        title = esc(seo_title(post))
    og = (
        f'<meta property="og:type" content="article">\n<meta property="og:title" content="{title}">\n'
        f'<meta property="og:site_name" content="{name}">\n<meta property="og:url" content="{url}">\n'
        f'<meta property="article:published_time" content="{when}">\n'
    )
    heads = {
        "wordpress": (
            f"<title>{wp_esc(post.title)} &#8211; {name}</title>\n{og}",
            f'<article class="post type-post"><header class="entry-header"><h1 class="entry-title">{wp_esc(post.title)}</h1></header>\n{content}</article>',
        ),
        "blogger": (
            f"<title>{name}: {title}</title>\n",
            f'<div class="post hentry"><h3 class="post-title entry-title">{title}</h3>\n{content}</div>',
        ),
        "ghost": (
            f"<title>{title}</title>\n{og}",
            f'<article class="article post"><header class="article-header gh-canvas"><h1 class="article-title">{shown}</h1></header>\n{content}</article>',
        ),
        "jekyll": (
            f"<title>{title} | {name}</title>\n{og}",
            f'<article class="post h-entry" itemscope itemtype="http://schema.org/BlogPosting"><header class="post-header"><h1 class="post-title p-name" itemprop="name headline">{title}</h1></header>\n{content}</article>',
        ),
        "hugo": (
            f"<title>{title} | {name}</title>\n",
            f'<article class="post-single"><header class="post-header"><h1 class="post-title entry-hint-parent">{title}</h1></header>\n{content}</article>',
        ),
        "medium": (
            f"<title>{title} | by {name} | Medium</title>\n{og}",
            f'<article><div><h1 data-testid="storyTitle" class="pw-post-title">{title}</h1></div>\n{content}</article>',
        ),
    }
    head, main = heads[blog.engine]
    head += f'<link rel="canonical" href="{url}">\n'
    site = f'<header class="site-header"><a class="site-title" href="{blog.base_path}">{name}</a></header>\n'
    return _page(head, f"{site}<main>{main}</main>\n{back}{_footer(blog)}", page_encoding(blog))


def seo_title(post: Post) -> str:
    """The title an SEO plugin puts in a ``seo-titles`` blog's metadata: not the author's."""
    return f"Everything you need to know, updated for {post.published:%B %Y}"


def landing_page(blog: Blog, origin: str) -> str:
    """A ``landing`` blog's home page: a product's page whose menu links to its blog."""
    menu = "".join(
        f'<li><a href="{origin}{path}">{label}</a></li>'
        for path, label in (("/", "Home"), ("/pricing/", "Pricing"), (blog.base_path, "Blog"))
    )
    body = (
        f'<header class="site-header"><a class="logo" href="/">{esc(blog.name)}</a>'
        f'<nav class="menu"><ul>{menu}</ul></nav></header>\n'
        f'<main><section class="hero"><h1>{esc(blog.name)}: the tool for careful people</h1>'
        f'<p>{_LOREM}</p><a class="button" href="{origin}/pricing/">See plans</a></section></main>\n'
    )
    return _page(f"<title>{esc(blog.name)}</title>\n", body + _footer(blog))


# -- feeds --------------------------------------------------------------------------------------


def _rfc822(day: date) -> str:
    return format_datetime(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC))


def _feed_title(blog: Blog, post: Post) -> str:
    """An entry's ``<title>`` (none for the untitled post: its feed knows no more than its page)."""
    return (
        ""
        if blog.kind == "untitled" and post is blog.newest
        else f"<title>{esc(post.title)}</title>"
    )


def feed_document(blog: Blog, origin: str) -> tuple[str, str]:
    """The blog's feed: (content type, XML). RSS 2.0, or Atom for Blogger and Jekyll."""
    posts = () if blog.kind == "no-links" else blog.posts
    if blog.kind == "stale-feed":  # not rebuilt since the newest post
        posts = blog.posts[1:]
    if blog.engine in _FEED_TYPES:
        entries = "".join(
            f'<entry>{_feed_title(blog, p)}<link rel="alternate" type="text/html" href="{origin}{article_path(blog, p)}"/>'
            f"<id>{origin}{article_path(blog, p)}</id><published>{p.published}T09:00:00Z</published><updated>{p.published}T09:00:00Z</updated></entry>\n"
            for p in posts
        )
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{esc(blog.name)}</title><id>{origin}/</id><updated>{blog.newest.published}T09:00:00Z</updated>\n{entries}</feed>\n"
        )
        return "application/atom+xml; charset=utf-8", xml
    items = "".join(
        f"<item>{_feed_title(blog, p)}<link>{origin}{article_path(blog, p)}</link>"
        f"<guid>{origin}{article_path(blog, p)}</guid><pubDate>{_rfc822(p.published)}</pubDate></item>\n"
        for p in posts
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>{esc(blog.name)}</title><link>{origin}{blog.base_path}</link><description>{esc(blog.name)}</description>\n{items}</channel></rss>\n"
    )
    return "application/rss+xml; charset=utf-8", xml

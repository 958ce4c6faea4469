"""Each signal of the extractors on its own, on small pages written for the purpose."""

from __future__ import annotations

import pytest

from blogtitles.extract import analyze_index, extract_title
from blogtitles.extract.dates import parse_date
from blogtitles.extract.rules import SiteRule, SiteRuleError, SiteRules
from blogtitles.extract.titles import Choice, Witness, choose_title

URL = "https://b.test/"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_json_ld_blog_posts_newest_by_date() -> None:
    ld = """<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Blog",
      "blogPost": [{"@type": "BlogPosting", "url": "/old/", "datePublished": "2026-01-01"},
                   {"@type": "BlogPosting", "url": "/new/", "datePublished": "2026-11-01"}]}</script>"""
    result = analyze_index(page("<p>x</p>", ld), URL)
    assert result.link is not None
    assert (result.link.url, result.link.found_by) == ("https://b.test/new/", "json-ld+dates")
    assert result.doubt == ""


def test_json_ld_item_list_in_graph() -> None:
    ld = """<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "B"},
      {"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "position": 1, "url": "https://b.test/p1"},
      {"@type": "ListItem", "position": 2, "url": "https://b.test/p2"}]}]}</script>"""
    result = analyze_index(page("", ld), URL)
    assert result.link is not None
    assert (result.link.url, result.link.found_by, result.blog_title) == (
        "https://b.test/p1",
        "json-ld",
        "B",
    )


def test_broken_json_ld_is_skipped() -> None:
    ld = '<script type="application/ld+json">{not json</script>'
    body = '<article><h2><a href="/a-post/">A</a></h2></article>'
    result = analyze_index(page(body, ld), URL)
    assert result.link is not None and result.link.found_by == "article_heading"


def test_h_entry_microformats() -> None:
    body = """<div class="h-feed">
      <div class="h-entry"><a class="p-name u-url" href="/2026/one">One</a>
        <time class="dt-published" datetime="2026-11-02">Nov 2</time></div>
      <div class="h-entry"><a class="p-name u-url" href="/2026/two">Two</a>
        <time class="dt-published" datetime="2026-10-01">Oct 1</time></div></div>"""
    result = analyze_index(page(body), URL)
    assert result.link is not None
    assert (result.link.url, result.link.found_by) == ("https://b.test/2026/one", "microformats")
    assert result.link.published == "2026-11-02"


def test_sticky_post_older_by_date_is_passed_over() -> None:
    body = """<article class="hentry sticky"><h2 class="entry-title"><a href="/welcome/">Welcome</a></h2>
        <time datetime="2025-01-01">2025</time></article>
      <article class="hentry"><h2 class="entry-title"><a href="/newest/">Newest</a></h2>
        <time datetime="2026-11-20">2026</time></article>
      <article class="hentry"><h2 class="entry-title"><a href="/older/">Older</a></h2>
        <time datetime="2026-10-20">2026</time></article>"""
    result = analyze_index(page(body), URL)
    assert result.link is not None
    assert (result.link.url, result.link.found_by) == (
        "https://b.test/newest/",
        "microformats+dates",
    )
    assert result.doubt == ""  # every entry dated: the dates decide


def test_pinned_without_dates_is_skipped_but_leaves_doubt() -> None:
    body = """<article class="hentry pinned"><h2 class="entry-title"><a href="/welcome/">Welcome</a></h2></article>
      <article class="hentry"><h2 class="entry-title"><a href="/newest/">Newest</a></h2></article>"""
    head = '<link rel="alternate" type="application/rss+xml" href="/feed/">'
    result = analyze_index(page(body, head), URL)
    assert result.link is not None
    assert result.link.url == "https://b.test/newest/"
    assert (result.doubt, result.feed_url) == ("pinned", "https://b.test/feed/")


def test_partial_dates_that_disagree_leave_doubt() -> None:
    body = """<article class="hentry"><h2 class="entry-title"><a href="/a/">A</a></h2><time datetime="2026-01-01">x</time></article>
      <article class="hentry"><h2 class="entry-title"><a href="/b/">B</a></h2><time datetime="2026-05-01">x</time></article>
      <article class="hentry"><h2 class="entry-title"><a href="/c/">C</a></h2></article>"""
    result = analyze_index(page(body), URL)
    assert result.link is not None and result.link.url == "https://b.test/b/"
    assert result.doubt == "dates_disagree"


def test_platform_markup_ghost() -> None:
    body = """<article class="post-card post"><a class="post-card-image-link" href="/img/"></a>
      <a class="post-card-content-link" href="/newest-post/"><h2 class="post-card-title">N</h2></a></article>"""
    result = analyze_index(page(body, '<meta name="generator" content="Ghost 5.0">'), URL)
    assert result.link is not None
    assert (result.link.url, result.link.found_by) == (
        "https://b.test/newest-post/",
        "platform:ghost",
    )


@pytest.mark.parametrize(
    ("head", "body", "found_by"),
    [
        (  # by a script of its own host, no generator
            '<script src="https://assets.tumblr.com/theme.js"></script>',
            '<article><a href="/post/12/newest">N</a></article>',
            "platform:tumblr",
        ),
        (  # by a meta name of its own
            '<meta name="tumblr-theme" content="1">',
            '<article><a href="/post/12/newest">N</a></article>',
            "platform:tumblr",
        ),
        (  # by an id only its theme writes (found through the parser's table of ids)
            "",
            '<ol id="posts-list"><li><article><a rel="bookmark" href="/newest.html">N</a>'
            "</article></li></ol>",
            "platform:pelican",
        ),
    ],
)
def test_platform_recognised_without_a_generator(head: str, body: str, found_by: str) -> None:
    result = analyze_index(page(body, head), URL)
    assert result.link is not None
    assert result.link.found_by == found_by


def test_platform_not_recognised_from_an_unrelated_head() -> None:
    head = '<script src="https://cdn.test/app.js"></script><meta name="theme" content="x">'
    body = '<article><a href="/post/12/newest">N</a></article>'
    result = analyze_index(page(body, head), URL)
    assert result.link is not None
    assert not result.link.found_by.startswith("platform:")


def test_generic_weak_signal_leaves_doubt() -> None:
    body = '<div><a href="/about/">About</a> <a href="/2026/11/20/a-plain-post/">A plain post</a></div>'
    result = analyze_index(page(body), URL)
    assert result.link is not None
    assert (result.link.found_by, result.doubt) == ("post_url", "weak_signal")


def test_feed_discovery_skips_comment_feeds() -> None:
    head = """<link rel="alternate" type="application/rss+xml" title="Comments Feed" href="/comments/feed/">
      <link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">"""
    assert analyze_index(page("", head), URL).feed_url == "https://b.test/feed/"


def test_site_rule_wins_over_every_signal() -> None:
    body = """<article><h2><a href="/first/">First</a></h2></article>
      <div class="latest"><a href="/chosen/">Chosen</a></div>"""
    rule = SiteRule(article="div.latest a")
    result = analyze_index(page(body), URL, rule)
    assert result.link is not None
    assert (result.link.url, result.link.found_by) == ("https://b.test/chosen/", "site_rule")
    xpath_rule = SiteRule(article="xpath://div[@class='latest']/a/@href")
    assert analyze_index(page(body), URL, xpath_rule).link.url == "https://b.test/chosen/"  # type: ignore[union-attr]


def test_site_rules_match_host_and_longest_prefix(tmp_path) -> None:
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(
        '["b.test"]\narticle = "a.one"\n\n["b.test/blog/"]\narticle = "a.two"\ntitle = "h1.t"\n'
    )
    rules = SiteRules.load(rules_file)
    assert rules.for_url("https://www.b.test/") == SiteRule("a.one")
    assert rules.for_url("https://b.test/blog/post") == SiteRule("a.two", "h1.t")
    assert rules.for_url("https://c.test/") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('["x"]\narticle = "a["\n', "bad selector"),
        ('["x"]\nfoo = "a"\n', "unknown keys"),
        ("[x\n", "not valid TOML"),
    ],
)
def test_bad_site_rules(tmp_path, text: str, message: str) -> None:
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(text)
    with pytest.raises(SiteRuleError, match=message):
        SiteRules.load(rules_file)


def test_title_signals_in_order() -> None:
    head = """<script type="application/ld+json">{"@type": "BlogPosting", "headline": "From JSON-LD"}</script>
      <meta property="og:title" content="From OG"><title>From title</title>"""
    title = extract_title(page("<h1>From h1</h1>", head), URL)
    assert title is not None and (title.text, title.found_by) == ("From JSON-LD", "json-ld")
    title = extract_title(
        page("<h1>From h1</h1>", '<meta name="twitter:title" content="From Twitter">'), URL
    )
    assert title is not None and (title.text, title.found_by) == ("From Twitter", "twitter:title")


def test_truncated_title_gives_way_to_the_full_form() -> None:
    head = '<meta property="og:title" content="A very long title that the theme cut…">'
    body = '<h1 class="entry-title">A very long title that the theme cut short - and more</h1>'
    title = extract_title(page(body, head), URL)
    assert title is not None
    assert (title.text, title.found_by) == (
        "A very long title that the theme cut short - and more",
        "h1",
    )


def test_page_title_with_site_suffix_is_not_preferred() -> None:
    found = [Witness("og:title", "Post"), Witness("title", "Post | Unknown Blog")]
    assert choose_title([], found) == Choice("og:title", "Post", confirmed=False)


def test_site_name_is_not_a_title() -> None:
    head = '<meta property="og:title" content="My Blog"><meta property="og:site_name" content="My Blog">'
    title = extract_title(page('<h1 class="post-title">Real title</h1>', head), URL)
    assert title is not None and title.text == "Real title"


def test_site_name_from_home_link_strips_the_page_title() -> None:
    body = '<header><h1><a href="https://b.test/">My Blog</a></h1></header>'
    title = extract_title(page(body, "<title>My Blog - A - B</title>"), URL)
    assert title is not None and title.text == "A - B"


def test_published_and_blog_title() -> None:
    head = """<meta property="article:published_time" content="2026-11-20T10:00:00+01:00">
      <meta property="og:site_name" content="My Blog">"""
    title = extract_title(page('<h1 class="entry-title">T</h1>', head), URL)
    assert title is not None
    assert (title.published, title.blog_title) == ("2026-11-20T10:00:00+01:00", "My Blog")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-11-20", "2026-11-20"),
        ("2026-11-20T10:00:00Z", "2026-11-20T10:00:00+00:00"),
        ("2026-11-20 00:00:00+00:00", "2026-11-20T00:00:00+00:00"),
        ("Fri, 20 Nov 2026 10:00:00 +0000", "2026-11-20T10:00:00+00:00"),
        ("20 November 2026", "2026-11-20"),
        ("Nov 20, 2026", "2026-11-20"),
        ("November 20th, 2026", "2026-11-20"),
        ("2026-13-45", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso

"""The title a reader sees: the visible headline when a witness confirms it, on small pages
written for each way real pages go wrong (issue 15's classes)."""

from __future__ import annotations

import json

import pytest

from blogtitles.extract import TitleHints, extract_title, page_text

URL = "https://www.example.org/2026/11/post"


def page(
    body: str = "",
    *,
    title: str = "",
    og: str = "",
    twitter: str = "",
    headline: str = "",
    raw_head: str = "",
) -> str:
    head = f"<title>{title}</title>" if title else ""
    if og:
        head += f'<meta property="og:title" content="{og}">'
    if twitter:
        head += f'<meta name="twitter:title" content="{twitter}">'
    if headline:
        node = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": headline}
        head += f'<script type="application/ld+json">{json.dumps(node)}</script>'
    return f"<html><head>{head}{raw_head}</head><body>{body}</body></html>"


def title_of(html: str, hints: TitleHints | None = None) -> tuple[str, str]:
    found = extract_title(html, URL, hints=hints)
    assert found is not None
    return found.text, found.found_by


# -- 1. a social or SEO title instead of the headline -------------------------------------------


def test_a_rewritten_social_title_loses_to_the_headline_the_json_ld_confirms() -> None:
    html = page(
        '<article><h1 class="entry-title">Why we moved our builds to Nix</h1></article>',
        og="You won't believe how fast our builds are now",
        headline="Why we moved our builds to Nix",
    )
    assert title_of(html) == ("Why we moved our builds to Nix", "h1")


@pytest.mark.parametrize(
    "social",
    [
        "Opinion | The case for boring technology",
        "Olympische Spiele: The case for boring technology",
        "The case for boring technology (Published 2016)",
    ],
)
def test_a_kicker_or_a_suffix_in_the_metadata_is_not_the_title(social: str) -> None:
    html = page("<article><h1>The case for boring technology</h1></article>", og=social)
    assert title_of(html) == ("The case for boring technology", "h1")


def test_an_unconfirmed_heading_is_a_widgets_and_the_metadata_wins() -> None:
    """A heading no metadata confirms may be a ticker's or the comments': not trusted."""
    html = page(
        "<h1>12 comments</h1><article><p>Text</p></article>",
        og="Release notes for 4.2",
        headline="Release notes for 4.2",
    )
    assert title_of(html) == ("Release notes for 4.2", "json-ld")


def test_a_kicker_set_apart_in_the_heading_is_left_out() -> None:
    body = (
        '<h1 class="article-title"><span class="article-title__overline">Elections</span>'
        '<span class="h-offscreen" aria-hidden="true"> - </span>'
        '<span class="article-title__text">Turnout is the highest in decades</span></h1>'
    )
    html = page(body, og="Vote 2026: Turnout is the highest in decades")
    assert title_of(html) == ("Turnout is the highest in decades", "h1")


def test_the_kicker_stays_when_the_metadata_writes_it_too() -> None:
    body = (
        '<h1><span class="kicker">Basketball</span>'
        "<span>Brawl in Madrid: sanctions and remorse</span></h1>"
    )
    html = page(body, og="Basketball: Brawl in Madrid: sanctions and remorse")
    assert title_of(html) == ("Basketball: Brawl in Madrid: sanctions and remorse", "h1")


# -- 2. the site's name left in --------------------------------------------------------------


@pytest.mark.parametrize(
    "social",
    [
        "Notes on parsing | Jane's Notes",
        "Notes on parsing - Jane's Notes",
        "Notes on parsing：Jane's Notes",
        "Notes on parsing – Jane's Notes Diary",
    ],
)
def test_the_headline_shows_which_part_is_the_sites(social: str) -> None:
    html = page('<h1 class="post-title">Notes on parsing</h1>', og=social, title=social)
    assert title_of(html) == ("Notes on parsing", "h1")


def test_the_index_page_names_the_site_where_the_article_does_not() -> None:
    """No heading, no og:site_name: the crawl saw the index page's title, and cuts that."""
    html = page(title="Notes on parsing – Jane's Notes", og="Notes on parsing – Jane's Notes")
    assert title_of(html) == ("Notes on parsing – Jane's Notes", "og:title")
    hints = TitleHints(site_names=("Jane's Notes | Thoughts on code",))
    assert title_of(html, hints) == ("Notes on parsing", "og:title")


def test_a_title_with_dashes_of_its_own_keeps_them() -> None:
    html = page("<h1>Rock - Paper - Scissors</h1>", og="Rock - Paper - Scissors")
    hints = TitleHints(site_names=("Games Blog",))
    assert title_of(html, hints) == ("Rock - Paper - Scissors", "h1")


# -- 3. typography and escaping --------------------------------------------------------------


def test_the_headings_typography_wins_over_the_seo_plugins() -> None:
    """jekyll-seo-tag curls the quotes of og:title; the heading has what the author wrote."""
    html = page(
        "<h1 class=\"post-title\">Don't panic: it's only 'Rust'</h1>",
        og="Don’t panic: it’s only ‘Rust’",
        twitter="Don’t panic: it’s only ‘Rust’",
    )
    assert title_of(html) == ("Don't panic: it's only 'Rust'", "h1")


def test_double_escaped_metadata_is_decoded() -> None:
    html = page(og="Gr&amp;ouml;&amp;szlig;e &amp;quot;Tests&amp;quot; &amp;amp; more")
    assert title_of(html) == ('Größe "Tests" & more', "og:title")


def test_a_value_cut_at_a_backslash_escaped_quote_is_a_cut_copy() -> None:
    """A theme writes ``content="Tom & \\"Jerry\\""``: the attribute ends at the first quote."""
    raw = '<meta property="og:title" content="Tom & \\"Jerry\\" forever">'
    html = page('<h1 class="entry-title">Tom &amp; "Jerry" forever</h1>', raw_head=raw)
    assert title_of(html) == ('Tom & "Jerry" forever', "h1")
    assert title_of(page(raw_head=raw)) == ("Tom &", "og:title")  # never the lone backslash


def test_a_cut_metadata_title_gives_way_to_the_full_headline() -> None:
    html = page("<h1>A long headline that the theme cut short here</h1>", og="A long headline that")
    assert title_of(html) == ("A long headline that the theme cut short here", "h1")


# -- 4. garbled text -------------------------------------------------------------------------


def test_utf8_bytes_declared_latin1_read_as_utf8() -> None:
    raw = page("<h1>Sanción récord</h1>", og="Sanción récord").encode("utf-8")
    text = page_text(raw, lambda: raw.decode("latin-1"))
    assert title_of(text) == ("Sanción récord", "h1")


# -- 5. no title at all ----------------------------------------------------------------------


def test_a_heading_alone_is_the_title() -> None:
    html = page('<main><h1><span class="eyebrow">Essay</span> On slowness</h1></main>')
    assert title_of(html) == ("On slowness", "h1")


# -- the feed as a witness -------------------------------------------------------------------


def test_the_feeds_title_confirms_the_headline_over_seo_metadata() -> None:
    html = page(
        "<h1>Shipping the new parser</h1>",
        og="New Parser Launch: 10 Things To Know",
        headline="New Parser Launch: 10 Things To Know",
    )
    assert title_of(html)[1] == "json-ld"
    hints = TitleHints(feed_title="Shipping the new parser")
    assert title_of(html, hints) == ("Shipping the new parser", "h1")


def test_the_feeds_title_wins_when_no_heading_is_confirmed() -> None:
    html = page(og="Shipping | Acme", headline="Acme Blog")
    hints = TitleHints(feed_title="Shipping the new parser")
    assert title_of(html, hints) == ("Shipping the new parser", "feed")

"""Hostile input: property-based tests (hypothesis) of the input reader and every extractor.

Whatever the bytes, strings, markup or feeds, these functions return a result or a clear error;
they never raise anything else, never return a non-http(s) link, and stay fast and small on
pathological documents (deep nesting, huge attributes, entity bombs).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy import Request

from blogtitles.exporters import defuse_formula
from blogtitles.extract import analyze_index, extract_title
from blogtitles.extract.dates import parse_date
from blogtitles.extract.feeds import read_feed
from blogtitles.inputs import (
    InputListError,
    InvalidBlogUrlError,
    normalize_blog_url,
    open_blog_list,
)
from blogtitles.pipelines import clean_title

URL = "https://blog.test/"
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Markup made of the pieces real pages are made of, shuffled and broken at random.
TAGS = st.sampled_from([
    "<html>", "<head>", "<body>", "<article>", "</article>", "<h1>", "</h1>", "<h2 class='entry-title'>",
    "<a href='/2026/01/post/'>", "<a href='javascript:alert(1)'>", "<a href='data:text/html,x'>",
    "<a href='mailto:x@y'>", "<a href=\"//evil.test/p\">", "</a>", "<time datetime='2026-13-45'>",
    "<meta property='og:title' content='", "'>", "<title>", "</title>", "<script type='application/ld+json'>",
    "{\"@type\": \"Blog\", \"blogPost\": [{\"url\": 42}]}", "</script>", "<div class='h-entry'>",
    "</div>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#0;", "&#x110000;", "\x00", "\ufeff",
    "<base href='javascript:x'>", "<link rel='alternate' type='application/rss+xml' href='file:///etc/passwd'>",
])  # fmt: skip
MARKUP = st.lists(st.one_of(TAGS, st.text(max_size=20)), max_size=60).map("".join)


def assert_http(url: str) -> None:
    assert url.startswith(("http://", "https://")), url


@FAST
@given(st.text(max_size=300))
def test_normalize_returns_http_or_a_clear_error(raw: str) -> None:
    try:
        url = normalize_blog_url(raw)
    except InvalidBlogUrlError as exc:
        assert str(exc)
    else:
        assert_http(url)
        assert " " not in url and "#" not in url
        Request(url)  # Scrapy accepts every URL the reader lets through


URLISH = st.builds(
    "{}{}{}{}{}".format,
    st.sampled_from(["http://", "https://", "HTTP://", "//", "", "ftp://", "http:/", "https:///"]),
    st.one_of(st.text(max_size=30), st.from_regex(r"[a-z0-9.\-\[\]:_%@]{0,30}", fullmatch=True)),
    st.sampled_from(["", ":", ":80", ":65536", ":-1", ":0x50", "]:1"]),
    st.sampled_from(["", "/", "/a b", "/%zz", "/é", "?q=1#f", "#frag", "/\\x"]),
    st.text(max_size=10),
)


@FAST
@given(URLISH)
def test_url_like_input_is_requestable_or_refused(raw: str) -> None:
    try:
        url = normalize_blog_url(raw)
    except InvalidBlogUrlError:
        return
    assert_http(url)
    Request(url)


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["text", "csv", "opml"]))
def test_any_bytes_as_a_list_file(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, fmt: str
) -> None:
    path = tmp_path_factory.mktemp("lists") / f"list.{fmt}"
    path.write_bytes(data)
    try:
        entries = list(open_blog_list(path, fmt))
    except InputListError as exc:
        assert str(exc)
        return
    for entry in entries:
        assert bool(entry.url) != bool(entry.error)
        if entry.url:
            assert_http(entry.url)


@FAST
@given(st.one_of(MARKUP, st.text(max_size=500)))
def test_index_extraction_never_raises(page: str) -> None:
    result = analyze_index(page, URL)
    if result.link is not None:
        assert_http(result.link.url)
    if result.feed_url is not None:
        assert_http(result.feed_url)


@FAST
@given(st.binary(max_size=1500))
def test_index_extraction_on_bytes(page: bytes) -> None:
    result = analyze_index(page, URL)
    if result.link is not None:
        assert_http(result.link.url)


@FAST
@given(st.one_of(MARKUP, st.text(max_size=500)))
def test_title_extraction_never_raises(page: str) -> None:
    title = extract_title(page, URL)
    if title is not None:
        assert title.text == title.text.strip()
        assert clean_title(title.text) or not title.text.strip()


@FAST
@given(st.text(max_size=300))
def test_feed_reading_never_raises(text: str) -> None:
    entries, title = read_feed("<?xml version='1.0'?><rss><channel><item><link>" + text, URL)
    assert isinstance(title, str)
    for entry in entries:
        assert_http(entry.url)


@FAST
@given(st.text(max_size=200))
def test_clean_title_leaves_no_control_or_invisible_characters(raw: str) -> None:
    cleaned = clean_title(raw)
    assert cleaned == cleaned.strip()
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in cleaned)
    assert not any(ch in cleaned for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad")


@FAST
@given(st.text(max_size=80))
def test_parse_date_is_iso_or_none(text: str) -> None:
    value = parse_date(text)
    assert value is None or value[:4].isdigit()


@FAST
@given(st.text(max_size=50))
def test_csv_cells_never_start_a_formula(text: str) -> None:
    assert not str(defuse_formula(text)).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_links_with_other_schemes_are_never_followed() -> None:
    page = """<base href="javascript:alert(1)//"><article><h2><a href="javascript:alert(1)">x</a></h2></article>
      <article><h2><a href="data:text/html,<script>x</script>">y</a></h2></article>
      <article><h2><a href="file:///etc/passwd">z</a></h2></article>"""
    assert analyze_index(page, URL).link is None


def test_deeply_nested_markup_is_quick() -> None:
    page = (
        "<div>" * 20000
        + "<article><h2><a href='/post-a-b-c/'>T</a></h2></article>"
        + "</div>" * 20000
    )
    started = time.process_time()
    result = analyze_index(page, URL)
    extract_title(page, URL)
    assert time.process_time() - started < 5  # a generous bound: pathological input must not hang
    assert result is not None


def test_enormous_attribute_and_control_character_title() -> None:
    huge = "x" * 2_000_000
    page = f"<html><head><title>\x01\x02\x07\x1b</title><meta property='og:title' content='{huge}'></head></html>"
    title = extract_title(page, URL)
    assert title is not None and len(title.text) == 2_000_000
    control = extract_title("<title>\x01\x02\x07\x1b</title>", URL)
    assert control is None or clean_title(control.text) == ""


def test_billion_laughs_feed_is_not_expanded() -> None:
    entities = "".join(
        f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">'
        for i in range(1, 10)
    )
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>'
        "<rss><channel><title>&l9;</title><item><title>t</title><link>https://blog.test/p</link></item></channel></rss>"
    )
    started = time.process_time()
    entries, title = read_feed(feed, URL)
    assert time.process_time() - started < 5
    assert len(title) < 100_000
    assert all(entry.url.startswith("https://") for entry in entries)


def test_opml_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.opml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaa">]><opml><body><outline htmlUrl="https://x.test/&a;"/></body></opml>'
    )
    with pytest.raises(InputListError):
        open_blog_list(path)

"""The shared page helpers: link resolution's shortcut agrees with ``urljoin`` everywhere."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from blogtitles.extract.html import parse_html, resolve_link, text_of

BASES = (
    "https://h.test/blog/",
    "http://u:p@h.test:8080/a/b?x#y",
    "https://H.Test",
    "ftp://h.test/x",
    "https://[::1]:80/",
    "http://h.test/a/./b/",
)
HREFS = (
    "/a/b", "/a/b?", "/a/b?x=1#f", "/a/../b", "/./a", "//other.test/x", "https://x.test/a",
    "HTTP://x.test/a", "https://x.test", "https://", "http:///a", "https://x.test/a b",
    "https://x.test/\ta", "/a\nb", "https://[::1/x", "https://x.test/a;p?q#", "/", "/a#",
    "/#x", "https://x.test/.well-known", "https://x.test?x", "/a\\b", "mailto:x@y.test",
    "javascript:alert(1)", "a/b", "?q", "../x", "https://é.test/ü", "  /padded  ", "#top", "",
)  # fmt: skip


def by_urljoin(href: str, base: str) -> str | None:
    """What resolving meant before the shortcut: urljoin, then the http(s) check."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute.split("#", 1)[0]


@pytest.mark.parametrize("base", BASES)
def test_resolve_link_agrees_with_urljoin(base: str) -> None:
    for href in HREFS:
        assert resolve_link(href, base) == by_urljoin(href, base), href


def test_text_of_is_all_the_text_inside() -> None:
    doc = parse_html("<html><body><h1>A <em>b</em> c</h1></body></html>")
    assert doc is not None
    assert text_of(doc.find(".//h1")) == "A b c"

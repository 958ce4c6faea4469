"""Extract an article's title from its page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from blogtitles.extract.html import clean_text, element_text, parse_html

_SEPARATORS_RE = re.compile(r"\s+(?:\||-|–|—|::|·|»|•)\s+")
_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_HEADING_CLASSES = " or ".join(
    _CLASS.format(name) for name in ("entry-title", "post-title", "article-title", "p-name")
)


@dataclass(frozen=True, slots=True)
class ArticleTitle:
    """The title text, and which signal gave it (``found_by``)."""

    text: str
    found_by: str


def extract_title(page: str | bytes, url: str) -> ArticleTitle | None:
    """The article's title, or ``None`` when the page names none.

    Signals, strongest first: ``og:title``, ``twitter:title``, the article heading (``<h1>`` with
    an entry/post title class, else the only ``<h1>``), then ``<title>`` without the site-name
    suffix. ``url`` is accepted for future per-site rules.
    """
    doc = parse_html(page)
    if doc is None:
        return None
    for found_by, value in _candidates(doc):
        text = clean_text(value)
        if text:
            return ArticleTitle(text, found_by)
    return None


def _candidates(doc: etree._Element) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name, xpath in (
        ("og:title", "//meta[@property='og:title']/@content"),
        ("twitter:title", "//meta[@name='twitter:title']/@content"),
    ):
        found.extend((name, str(value)) for value in doc.xpath(xpath)[:1])
    headings = (
        doc.xpath(f"//*[self::h1 or self::h2 or self::h3][{_HEADING_CLASSES}]")
        or doc.xpath("//article//h1")
        or doc.xpath("//h1")
    )
    if headings:
        found.append(("h1", element_text(headings[0])))
    titles = doc.xpath("//title")
    if titles:
        site_name = _site_name(doc)
        found.append(("title", strip_site_name(element_text(titles[0]), site_name)))
    return found


def _site_name(doc: etree._Element) -> str:
    for xpath in (
        "//meta[@property='og:site_name']/@content",
        "//meta[@name='application-name']/@content",
    ):
        values = doc.xpath(xpath)
        if values and clean_text(str(values[0])):
            return clean_text(str(values[0]))
    return ""


def strip_site_name(title: str, site_name: str) -> str:
    """Remove a `` | Site`` / `` - Site`` / ``Site: `` part that equals the site's name.

    Never cuts blindly at a dash: without a known site name the title is kept whole.
    """
    if not site_name:
        return title
    pieces = _SEPARATORS_RE.split(title)
    if len(pieces) < 2:
        return title
    folded = site_name.casefold()
    if pieces[-1].strip().casefold() == folded:
        return title[: title.rfind(pieces[-1])].rstrip(" |-–—:·»•").rstrip()
    if pieces[0].strip().casefold() == folded:
        return title[len(pieces[0]) :].lstrip(" |-–—:·»•").lstrip()
    return title

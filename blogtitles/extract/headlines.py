"""The article's visible headline: which headings of the page may be it, and their text.

A page has many headings (the site's name, widgets, "Comments", related posts). The ones that
may be the article's own, most likely first:

1. an ``<h1>``-``<h3>`` with a headline class (``entry-title``, ``post-title``, ``p-name``...);
2. an ``<h1>``/``<h2>`` marked ``itemprop=headline`` (or ``name``);
3. an ``<h1>`` inside ``<article>`` or ``<main>``; 4. any ``<h1>``;
5. an ``<h2>`` inside ``<article>`` or ``<main>``.

A heading's text leaves out what a reader does not read as part of it: permalink anchors,
text hidden from the screen, and the kicker (overline) that news themes set above the headline
inside the same ``<h1>``. Both forms are offered, kicker-free first: metadata decides which one
the site calls its title (see :mod:`.titles`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from blogtitles.extract.html import clean_text

_HEADLINE_CLASSES = frozenset(
    {"entry-title", "post-title", "article-title", "p-name", "headline", "title"}
)
# Words in the class of what sits inside a heading without being its text.
_SKIPPED = ("headerlink", "hash-link", "anchor", "permalink")
_HIDDEN = ("offscreen", "sr-only", "screen-reader", "visually-hidden", "visuallyhidden")
_KICKERS = (
    "kicker",
    "overline",
    "topline",
    "dachzeile",
    "roofline",
    "spitzmarke",
    "eyebrow",
    "supertitle",
    "pretitle",
    "overhead",
)
_NOT_TEXT = frozenset({"script", "style", "button", "svg", "template"})
_LEADING_SEPARATOR_RE = re.compile(r"^[\s:|/–—-]+")
#: At most this many headings are offered as the headline.
MAX_HEADLINES = 4


@dataclass(frozen=True, slots=True)
class Headline:
    """A text that may be the visible headline; ``with_kicker``: the heading's kicker is part of
    it (its layout, not its text, separated the two)."""

    text: str
    with_kicker: bool = False


def headline_candidates(headings: list[etree._Element], site_name: str = "") -> list[Headline]:
    """The texts that may be the visible headline, most likely first (none equal to
    ``site_name``), from the page's ``<h1>``-``<h3>`` elements in document order."""
    ranked: list[list[etree._Element]] = [[], [], [], [], []]
    for heading in headings:
        tag = heading.tag
        classes = set((heading.get("class") or "").split())
        if classes & _HEADLINE_CLASSES:
            ranked[0].append(heading)
        elif tag == "h3":
            continue
        elif heading.get("itemprop") in ("headline", "name"):
            ranked[1].append(heading)
        elif tag == "h1":
            ranked[2 if _in_article(heading) else 3].append(heading)
        elif _in_article(heading):
            ranked[4].append(heading)
    folded_site = site_name.casefold()
    found: list[Headline] = []
    seen: set[str] = set()
    for group in ranked:
        for heading in group[:3]:
            for number, text in enumerate(heading_texts(heading)):
                if text and text.casefold() != folded_site and text not in seen:
                    seen.add(text)
                    found.append(Headline(text, number > 0))
            if len(found) >= MAX_HEADLINES:
                return found[:MAX_HEADLINES]
    return found


def heading_texts(heading: etree._Element) -> tuple[str, ...]:
    """The heading's text without its kicker, then with it (one text when it has none)."""
    parts: list[str] = []
    kicker: list[str] = []
    _collect(heading, parts, kicker, top=True)
    text = clean_text("".join(parts))
    if not kicker:
        return (text,)
    # What separated the kicker (": ", " / ") stays behind at the start of the rest.
    return _LEADING_SEPARATOR_RE.sub("", text), clean_text(" ".join(["".join(kicker), text]))


def _collect(element: etree._Element, parts: list[str], kicker: list[str], top: bool) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in _NOT_TEXT and not _is_skipped(child):
            if top and _is_kicker(child):
                sub: list[str] = []
                _collect(child, sub, [], top=False)
                kicker.append("".join(sub))
            else:
                _collect(child, parts, kicker, top=False)
        if child.tail:
            parts.append(child.tail)


def _is_skipped(element: etree._Element) -> bool:
    if element.get("aria-hidden") == "true":
        return True
    classes = (element.get("class") or "").lower()
    return any(word in classes for word in _SKIPPED + _HIDDEN)


def _is_kicker(element: etree._Element) -> bool:
    classes = (element.get("class") or "").lower()
    return any(word in classes for word in _KICKERS)


def _in_article(element: etree._Element) -> bool:
    return any(parent.tag in ("article", "main") for parent in element.iterancestors())

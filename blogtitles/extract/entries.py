"""Post entries on a blog index: where each signal finds them, with their link, date and pin mark.

Each ``*_entries`` function returns the entries one signal sees, in page order. Choosing among
them (dates against order, pinned posts) is :mod:`blogtitles.extract.links`' job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from lxml import etree

from blogtitles.extract.dates import parse_date
from blogtitles.extract.html import clean_text, resolve_link
from blogtitles.extract.structured import ARTICLE_TYPES, json_ld_nodes, node_types, url_value


@dataclass(frozen=True, slots=True)
class Entry:
    """One post as the index shows it."""

    url: str
    published: str | None = None
    pinned: bool = False
    #: The entry's title, where the index gives it as such (a feed's ``<title>``).
    title: str = ""


def has_class(name: str) -> str:
    """XPath predicate: the element has the class token ``name``.

    The plain ``contains`` first is implied by the token test; it only makes the test cheap for
    the many elements whose class does not mention ``name`` at all.
    """
    return (
        f"(contains(@class, '{name}')"
        f" and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


OUTSIDE_CHROME = "not(ancestor::nav or ancestor::footer or ancestor::aside)"
_LINKS = etree.XPath(".//a[@href]")
_DATE_XPATHS = tuple(
    etree.XPath(xpath)
    for xpath in (
        ".//time/@datetime",
        ".//*[@itemprop='datePublished']/@content",
        ".//*[@itemprop='datePublished']/@datetime",
        f".//*[{has_class('dt-published')}]/@datetime",
        f".//*[{has_class('dt-published')} or {has_class('published')}]/@title",
        ".//*[@data-date]/@data-date",
        ".//time/text()",
        f".//*[{has_class('published')} or {has_class('date')} or {has_class('post-date')}]/text()",
    )
)
_PIN_CLASSES = ("sticky", "pinned", "is-pinned", "post-pinned", "pinned-post")
_SHORT_LABELS = etree.XPath(".//*[not(*)][string-length(normalize-space()) < 14]/text()")
_PIN_TEXTS = frozenset({"pinned", "pinned post", "📌", "sticky", "featured post"})
# A badge inside the entry: a class or test id naming a pin (Medium, dev.to, Tumblr themes).
_PIN_MARK_RE = re.compile("pinned|sticky-post|post-sticky")
_PIN_TEST_ID_RE = re.compile("pinned")
# The nearest element around a post link that holds that post alone: an article or list item,
# else an element whose class names an entry, item, card, story, preview or post.
_STRUCTURAL_TAGS = frozenset({"article", "li"})
_CLASS_CONTAINER = etree.XPath(
    "ancestor-or-self::*[not(self::h1 or self::h2 or self::h3 or self::h4 or self::span)]"
    "[not(contains(@class, 'title'))][not(self::a) or .//time]["
    + " or ".join(
        f"contains(@class, '{word}')"
        for word in ("entry", "item", "card", "story", "preview", "post-outer", "date-outer")
    )
    + f" or {has_class('post')} or {has_class('hentry')} or {has_class('h-entry')}][1]"
)


def entry_date(
    container: etree._Element | None, time_values: Sequence[str] | None = None
) -> str | None:
    """The publication date shown inside an entry's container, as ISO-8601.

    ``time_values``: the ``datetime`` of each ``<time>`` inside the container, in page order,
    when the caller knows them (they are looked at first).
    """
    if container is None:
        return None
    for number, xpath in enumerate(_DATE_XPATHS):
        values = time_values if number == 0 and time_values is not None else xpath(container)
        for value in values:
            parsed = parse_date(clean_text(str(value)))
            if parsed:
                return parsed
    return first_date_text(container)


_SHORT_TEXTS = etree.XPath(
    ".//text()[string-length(normalize-space()) > 5 and string-length(normalize-space()) < 40]"
)


def first_date_text(element: etree._Element) -> str | None:
    """The first short text that reads as a date (``20 November 2026``): the last resort."""
    for text in _SHORT_TEXTS(element)[:40]:
        parsed = parse_date(clean_text(str(text)))
        if parsed:
            return parsed
    return None


# Every ``class`` and ``data-testid`` value of a page, in one scan. lxml's "smart" strings
# remember their attribute's name and element: the elements of a class are found from them,
# without a second scan of the page.
_MARKED = etree.XPath("//@class | //@data-testid")
_TEXT = etree.XPath("string()")
# The pin words as they appear in text (their case variants spelled out: cheaper than lowering
# the text, or than an ignore-case search).
_PIN_WORD_RE = re.compile("inned|INNED|ticky|TICKY|📌|eatured|EATURED")
_CHROME = frozenset({"nav", "footer", "aside"})


@lru_cache(maxsize=64)
def _class_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """Finds ``names`` as plain words (a whole class name is told apart by its neighbours): a
    literal alternation lets the regex engine skip ahead, where a lookbehind tests every
    character."""
    return re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))


def container_of(anchor: etree._Element) -> etree._Element | None:
    """The entry around a post link: the nearest article or list item (or ``role=article``)
    holding it, else the nearest element whose class names an entry."""
    for element in (anchor, *anchor.iterancestors()):  # nearest first, without an XPath
        if element.tag in _STRUCTURAL_TAGS or element.get("role") == "article":
            return element
    found = _CLASS_CONTAINER(anchor)
    return found[-1] if found else None


class EntryFacts:
    """What the entry signals of one page share, worked out once: its class names (and the
    elements bearing them), its pin marks, and the date and pin mark of each entry container.

    Several signals (microformats, engine markup, generic heuristics) often find the same
    containers, and every signal reads the same class names.
    """

    def __init__(self, doc: etree._Element, times: list[etree._Element] | None = None) -> None:
        """``times``: the page's ``<time>`` elements, when the caller has them (else found)."""
        self._doc, self._times = doc, times
        marked = _MARKED(doc)
        #: The page's ``class`` attribute values (engines are recognised by them too).
        self.class_values: list[Any] = [value for value in marked if value.attrname == "class"]
        #: The page's ``data-testid`` values.
        self.test_ids = frozenset(str(value) for value in marked if value.attrname == "data-testid")
        self._pin_marks: list[etree._Element] = []
        if _PIN_MARK_RE.search(" ".join(marked)):  # one scan of the page's values
            self._pin_marks = [
                value.getparent()
                for value in marked
                if (_PIN_MARK_RE if value.attrname == "class" else _PIN_TEST_ID_RE).search(value)
            ]
        self._known: dict[etree._Element, tuple[str | None, bool]] = {}

    @cached_property
    def _joined_classes(self) -> str:
        """The class values joined by newlines (a value's number is the newlines before it)."""
        return "\n".join(self.class_values)

    @cached_property
    def class_names(self) -> frozenset[str]:
        """Every class name the page uses."""
        return frozenset(self._joined_classes.split())

    def with_class(self, *names: str) -> list[etree._Element]:
        """The elements whose class is one of ``names``, in page order: one search of the
        joined values, not one per value (a page has hundreds)."""
        if self.class_names.isdisjoint(names):
            return []
        joined = self._joined_classes
        found: list[int] = []
        counted, number = 0, 0
        for match in _class_pattern(names).finditer(joined):
            begin, end = match.span()
            if (begin and not joined[begin - 1].isspace()) or (
                end < len(joined) and not joined[end].isspace()
            ):
                continue  # part of a longer class name
            number += joined.count("\n", counted, begin)
            counted = begin
            if not found or found[-1] != number:
                found.append(number)
        return [self.class_values[number].getparent() for number in found]

    @cached_property
    def _holding_pin_marks(self) -> set[etree._Element]:
        """The elements that hold a pin badge (a class or test id naming a pin) inside them."""
        return {ancestor for mark in self._pin_marks for ancestor in mark.iterancestors()}

    def is_pinned(self, container: etree._Element) -> bool:
        """Whether the entry is marked sticky/pinned (a class, a badge, or a "Pinned" label)."""
        classes = (container.get("class") or "").lower().split()
        if not set(classes).isdisjoint(_PIN_CLASSES) or container in self._holding_pin_marks:
            return True
        if not _PIN_WORD_RE.search(_TEXT(container)):
            return False  # no label can say it: the costly look at each short text is skipped
        labels = _SHORT_LABELS(container)
        return any(clean_text(str(label)).lower().strip(":") in _PIN_TEXTS for label in labels[:40])

    @cached_property
    def _time_values(self) -> dict[etree._Element, list[str]]:
        """The ``datetime`` values of the ``<time>`` elements inside each element, in page
        order: one walk up from each ``<time>`` instead of a search down each entry."""
        times = self._doc.iter("time") if self._times is None else self._times
        inside: dict[etree._Element, list[str]] = {}
        for element in times:
            value = element.get("datetime")
            if value is not None:
                for ancestor in element.iterancestors():
                    inside.setdefault(ancestor, []).append(value)
        return inside

    def first_links(
        self, name: str, where: str, containers: set[etree._Element]
    ) -> dict[etree._Element, etree._Element]:
        """Each of ``containers``' first link (in page order) held by an element of class
        ``name``, found from the page's class values rather than searched in each container.

        ``where``: ``"self"`` (the element is the ``<a href>``), ``"within"`` (the element or
        an ``<a href>`` inside it), ``"below"`` (an ``<a href>`` inside it).
        """
        found: dict[etree._Element, etree._Element] = {}
        for element in self.with_class(name):
            link = _own_link(element, where)
            if link is not None:
                for ancestor in element.iterancestors():
                    if ancestor in containers and ancestor not in found:
                        found[ancestor] = link
        return found

    def of(self, container: etree._Element | None) -> tuple[str | None, bool]:
        """``(published, pinned)`` of an entry's container."""
        if container is None:
            return None, False
        known = self._known.get(container)
        if known is None:
            times = self._time_values.get(container, [])
            known = (entry_date(container, times), self.is_pinned(container))
            self._known[container] = known
        return known

    def entry(self, url: str, container: etree._Element | None) -> Entry:
        return Entry(url, *self.of(container))


def entries_from_anchors(
    anchors: Iterable[Any], base: str, facts: EntryFacts | None = None
) -> list[Entry]:
    """Entries of the given ``<a>`` elements (or ``href`` strings), with date and pin mark.

    ``facts``: the page's :class:`EntryFacts`, when the caller reads several signals.
    """
    entries = []
    for match in anchors:
        if isinstance(match, str):
            url = resolve_link(match, base)
            if url:
                entries.append(Entry(url))
            continue
        if not isinstance(match, etree._Element):
            continue
        anchor = match
        if anchor.get("href") is None:  # a selector that matched a container: its first link
            links = _LINKS(anchor)
            if not links:
                continue
            anchor = links[0]
        href = anchor.get("href")
        url = resolve_link(href, base)
        if url:
            if facts is None:
                facts = EntryFacts(anchor.getroottree().getroot())
            entries.append(facts.entry(url, container_of(anchor)))
    return entries


# -- JSON-LD ------------------------------------------------------------------------------------


def json_ld_entries(
    doc: etree._Element, base: str, nodes: list[dict[str, Any]] | None = None
) -> list[Entry]:
    """Posts a JSON-LD ``Blog`` (``blogPost``), ``ItemList`` or several ``BlogPosting`` name.

    ``nodes``: the page's JSON-LD, when the caller has parsed it already.
    """
    nodes = json_ld_nodes(doc) if nodes is None else nodes
    posts: list[dict[str, Any]] = []
    for node in nodes:
        types = node_types(node)
        if types & {"Blog", "WebSite", "CollectionPage", "WebPage"} and node.get("blogPost"):
            value = node["blogPost"]
            items = value if isinstance(value, list) else [value]
            posts.extend(item for item in items if isinstance(item, dict))
        if "ItemList" in types:
            for item in node.get("itemListElement") or []:
                if isinstance(item, dict):
                    inner = item.get("item")
                    posts.append(inner if isinstance(inner, dict) else item)
    if not posts:
        top = [node for node in nodes if node_types(node) & ARTICLE_TYPES]
        posts = top if len(top) >= 2 else []
    entries = []
    for post in posts:
        link = post.get("url") or post.get("@id") or post.get("mainEntityOfPage")
        url = resolve_link(url_value(link), base)
        if url:
            entries.append(Entry(url, parse_date(str(post.get("datePublished") or "")) or None))
    return entries


# -- microformats -------------------------------------------------------------------------------

# Where an entry's own link is, best first. A class name and where the link sits under an
# element of that class (skipped on a page without that class), or an XPath asked of the entry.
_ENTRY_LINKS: tuple[tuple[str, str] | etree.XPath, ...] = (
    ("u-url", "self"),
    ("p-name", "within"),
    ("entry-title", "within"),
    etree.XPath(".//a[@href][contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]"),
    ("wp-block-post-title", "below"),
    etree.XPath(".//*[self::h1 or self::h2 or self::h3]//a[@href]"),
)


def _own_link(element: etree._Element, where: str) -> etree._Element | None:
    """The first ``<a href>`` that is ``element`` or inside it, as ``where`` allows."""
    if where != "below" and element.tag == "a" and element.get("href") is not None:
        return element
    if where != "self":
        for anchor in element.iterdescendants("a"):
            if anchor.get("href") is not None:
                return anchor
    return None


def microformat_entries(
    doc: etree._Element, base: str, facts: EntryFacts | None = None
) -> list[Entry]:
    """Posts marked up as ``h-entry`` (microformats2) or ``hentry`` (classic)."""
    facts = EntryFacts(doc) if facts is None else facts
    marked = facts.with_class("h-entry", "hentry")
    entries, known = [], set(marked)
    # Per place, each entry's first link there: mapped once for the page, or an XPath.
    places = [
        place if isinstance(place, etree.XPath) else facts.first_links(*place, known)
        for place in _ENTRY_LINKS
        if isinstance(place, etree.XPath) or place[0] in facts.class_names
    ]
    for container in marked:
        ancestors = list(container.iterancestors())
        if not known.isdisjoint(ancestors):
            continue  # an entry inside an entry is a comment or a quote
        if any(ancestor.tag in _CHROME for ancestor in ancestors):
            continue
        for place in places:
            if isinstance(place, dict):
                link = place.get(container)
            else:
                found = place(container)
                link = found[0] if found else None
            url = resolve_link(link.get("href"), base) if link is not None else None
            if url:
                entries.append(facts.entry(url, container))
                break
    return entries

"""The entry containers of :mod:`blogtitles.extract.entries`, on small pages written for them."""

from __future__ import annotations

import pytest
from lxml import etree

from blogtitles.extract.entries import EntryFacts, container_of, entry_date
from blogtitles.extract.html import parse_html


def anchor_in(body: str) -> etree._Element:
    doc = parse_html(f"<html><body>{body}</body></html>")
    assert doc is not None
    return next(doc.iter("a"))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the nearest structural element wins over an outer one
        ('<article id="outer"><ul><li id="c"><a href="/p/">P</a></li></ul></article>', "c"),
        ('<li id="outer"><article id="c"><h2><a href="/p/">P</a></h2></article></li>', "c"),
        ('<ul><li><div role="article" id="c"><a href="/p/">P</a></div></li></ul>', "c"),
        # no article, list item or role: an element whose class names an entry
        ('<div class="post-card" id="c"><h2 class="title"><a href="/p/">P</a></h2></div>', "c"),
        ('<div class="wrap"><a href="/p/">P</a></div>', None),
    ],
)
def test_container_of_is_the_nearest_entry_element(body: str, expected: str | None) -> None:
    found = container_of(anchor_in(body))
    assert (found.get("id") if found is not None else None) == expected


def doc_of(body: str) -> etree._Element:
    doc = parse_html(f"<html><body>{body}</body></html>")
    assert doc is not None
    return doc


def test_with_class_finds_whole_class_names_in_page_order() -> None:
    doc = doc_of(
        '<div id="a" class="xh-entry h-entry-x hentryx">no: parts of longer names</div>'
        '<div id="b" class="card  hentry\tpost">tabs and double spaces</div>'
        '<div id="c" class="h-entry">first name</div>'
        '<div id="d" class="hentry h-entry">both names, found once</div>'
        '<div id="e" class="h-entry-title">no</div>'
        '<div id="f" class="x hentry">last</div>'
    )
    found = [element.get("id") for element in EntryFacts(doc).with_class("h-entry", "hentry")]
    assert found == ["b", "c", "d", "f"]
    assert EntryFacts(doc).with_class("entry") == []  # not a whole class name anywhere


def test_first_links_are_each_containers_first_in_page_order() -> None:
    doc = doc_of(
        '<article id="one" class="hentry"><h2 class="entry-title">No link</h2>'
        '<h2 class="entry-title"><span><a href="/one/">One</a></span></h2>'
        '<div class="hentry" id="reply"><p class="entry-title"><a href="/reply/">R</a></p></div>'
        "</article>"
        '<article id="two" class="hentry"><a class="entry-title" href="/two/">Two</a></article>'
    )
    facts = EntryFacts(doc)
    containers = set(facts.with_class("hentry"))
    found = {
        c.get("id"): a.get("href")
        for c, a in facts.first_links("entry-title", "within", containers).items()
    }
    # the outer entry's first link is its own, the nested reply keeps its own too
    assert found == {"one": "/one/", "reply": "/reply/", "two": "/two/"}
    below = facts.first_links("entry-title", "below", containers)
    assert {c.get("id") for c in below} == {"one", "reply"}  # "two"'s link is the element itself


def test_entry_date_reads_the_times_inside_then_the_other_marks() -> None:
    doc = doc_of(
        '<article id="a"><time datetime="soon">x</time><time datetime="2026-11-02">y</time></article>'
        '<article id="b"><span class="published">3 November 2026</span></article>'
    )
    facts = EntryFacts(doc)
    first, second = doc.iter("article")
    assert facts.of(first)[0] == entry_date(first) == "2026-11-02"  # an unreadable one skipped
    assert facts.of(second)[0] == entry_date(second) == "2026-11-03"

"""The entry containers of :mod:`blogtitles.extract.entries`, on small pages written for them."""

from __future__ import annotations

import pytest
from lxml import etree

from blogtitles.extract.entries import container_of
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

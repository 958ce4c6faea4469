"""What one walk over a parsed article page collects: ``<meta>`` values, JSON-LD nodes, the
``<title>``, the headings and the ``<time>`` elements.

The article extractor reads these instead of asking the tree once per signal: one pass of
lxml's C iterator over the elements it needs, then Python only on those few elements. Real
article pages are 50-300 KB of HTML; scanning them once per signal cost more than parsing them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from blogtitles.extract.html import clean_text
from blogtitles.extract.structured import flatten_json_ld

_TAGS = ("meta", "script", "title", "h1", "h2", "h3", "time")
_META_KEYS = ("property", "name", "itemprop")


@dataclass(slots=True)
class PageFacts:
    """The elements of one page that name its title, date and site."""

    metas: dict[str, str] = field(default_factory=dict)
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    headings: list[etree._Element] = field(default_factory=list)
    times: list[etree._Element] = field(default_factory=list)

    @classmethod
    def of(cls, doc: etree._Element) -> PageFacts:
        """Walk ``doc`` once."""
        facts = cls()
        title_seen = False
        for element in doc.iter(*_TAGS):
            tag = element.tag
            if tag == "meta":
                content = element.get("content")
                if content:
                    value = clean_text(content)
                    for key in _META_KEYS:
                        name = element.get(key)
                        if name and value:
                            facts.metas.setdefault(name.strip().lower(), value)
            elif tag == "script":
                if element.get("type", "").strip().lower() == "application/ld+json":
                    facts.json_ld.extend(_json_ld(element.text))
            elif tag == "title":
                if not title_seen:  # the page's, not an SVG icon's <title> further down
                    title_seen = True
                    facts.title = clean_text(element.text_content())
            elif tag == "time":
                facts.times.append(element)
            else:
                facts.headings.append(element)
        return facts

    def meta(self, *names: str) -> str:
        """The first non-empty ``<meta property|name|itemprop=NAME content>`` among ``names``
        (names compared case-insensitively)."""
        for name in names:
            value = self.metas.get(name.lower())
            if value:
                return value
        return ""


def _json_ld(text: str | None) -> list[dict[str, Any]]:
    text = (text or "").strip()
    if not text:
        return []
    try:
        return list(flatten_json_ld(json.loads(text)))
    except ValueError:
        return []

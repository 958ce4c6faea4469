"""What one walk over a parsed page collects: ``<meta>`` values, JSON-LD nodes, the
``<title>``, script sources, ``<time>`` elements; on an article its headings too, on an index
its ``<link>``s and ``<base>``.

The extractors read these instead of asking the tree once per signal: one pass of lxml's C
iterator over the elements they need, then Python only on those few elements. Real pages are
50-300 KB of HTML; scanning them once per signal cost more than parsing them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from blogtitles.extract.html import clean_text, element_text
from blogtitles.extract.structured import flatten_json_ld

#: The elements an article page is read from, and an index page.
ARTICLE_TAGS = ("meta", "script", "title", "h1", "h2", "h3", "time")
INDEX_TAGS = ("meta", "script", "title", "link", "base", "time")
_META_KEYS = ("property", "name", "itemprop")


@dataclass(slots=True)
class PageFacts:
    """The elements of one page that name its title, date and site."""

    metas: dict[str, str] = field(default_factory=dict)
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    headings: list[etree._Element] = field(default_factory=list)
    times: list[etree._Element] = field(default_factory=list)
    #: ``<link>`` elements (feeds are advertised there).
    links: list[etree._Element] = field(default_factory=list)
    #: The first ``<base href>``, as written.
    base_href: str = ""
    #: Every ``<meta name="generator">`` value, lower-cased and joined.
    generator: str = ""
    #: Every ``<script src>``, lower-cased and joined (hosted engines load their own scripts).
    script_sources: str = ""

    @classmethod
    def of(cls, doc: etree._Element, tags: tuple[str, ...] = ARTICLE_TAGS) -> PageFacts:
        """Walk ``doc`` once, looking at the elements named in ``tags``."""
        facts = cls()
        title_seen = False
        for element in doc.iter(*tags):
            tag = element.tag
            if tag == "meta":
                content = element.get("content")
                if content:
                    value = clean_text(content)
                    for key in _META_KEYS:
                        name = element.get(key)
                        if name and value:
                            facts.metas.setdefault(name.strip().lower(), value)
                    if (element.get("name") or "").lower() == "generator":
                        facts.generator = f"{facts.generator} {content.lower()}".strip()
            elif tag == "script":
                source = element.get("src")
                if source:
                    facts.script_sources = f"{facts.script_sources} {source.lower()}"
                if element.get("type", "").strip().lower() == "application/ld+json":
                    facts.json_ld.extend(_json_ld(element.text))
            elif tag == "title":
                if not title_seen:  # the page's, not an SVG icon's <title> further down
                    title_seen = True
                    facts.title = element_text(element)
            elif tag == "time":
                facts.times.append(element)
            elif tag == "link":
                facts.links.append(element)
            elif tag == "base":
                facts.base_href = facts.base_href or (element.get("href") or "").strip()
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

"""Structured data in pages: JSON-LD nodes and ``<meta>`` values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lxml import etree

from blogtitles.extract.html import clean_text

_JSON_LD = etree.XPath("//script[@type='application/ld+json']")

#: JSON-LD types that are an article (a blog post).
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "BlogPosting",
        "NewsArticle",
        "TechArticle",
        "SocialMediaPosting",
        "Report",
        # schema.org's subtypes of NewsArticle and Article that news and blog engines write
        "AnalysisNewsArticle",
        "BackgroundNewsArticle",
        "OpinionNewsArticle",
        "ReportageNewsArticle",
        "ReviewNewsArticle",
        "LiveBlogPosting",
        "ScholarlyArticle",
    }
)


def json_ld_nodes(doc: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, ``@graph`` members included; broken blocks skipped."""
    nodes: list[dict[str, Any]] = []
    for script in _JSON_LD(doc):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        nodes.extend(flatten_json_ld(data))
    return nodes


def flatten_json_ld(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """The objects of one parsed JSON-LD block, ``@graph`` members included."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from flatten_json_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from flatten_json_ld(data["@graph"], depth + 1)


def node_types(node: dict[str, Any]) -> set[str]:
    """The ``@type`` values of a node, without a schema.org prefix."""
    raw = node.get("@type", [])
    values = raw if isinstance(raw, list) else [raw]
    return {str(value).rsplit("/", 1)[-1] for value in values if value}


def text_value(value: Any) -> str:
    """A JSON-LD value as text: strings as they are, ``{"name": ...}`` by name, lists by first."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return clean_text(str(value)) if isinstance(value, str | int | float) else ""


def url_value(value: Any) -> str:
    """A JSON-LD URL: a string, or ``{"@id": ...}``/``{"url": ...}``."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or ""
    return value.strip() if isinstance(value, str) else ""

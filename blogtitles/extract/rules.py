"""Per-site overrides: a selector for the article link or the title, which wins over every signal.

A rules file is TOML, one table per site, keyed by host or host + path prefix::

    ["example.com"]
    article = "div.latest-post a"            # CSS (default) ...
    title = "xpath://h1[@class='headline']"  # ... or XPath with an "xpath:" prefix

    ["example.org/blog/"]
    article = "css:ul.posts > li:first-child a"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError


class SiteRuleError(ValueError):
    """A rules file or selector that cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class SiteRule:
    """Selectors for one site: ``article`` finds the newest article's link, ``title`` its title."""

    article: str = ""
    title: str = ""

    def select(self, doc: etree._Element, which: str) -> list[Any]:
        """Elements or strings the ``article`` or ``title`` selector matches in ``doc``."""
        selector = self.article if which == "article" else self.title
        if not selector:
            return []
        return compile_selector(selector)(doc)


def compile_selector(selector: str) -> Any:
    """An lxml callable for ``css:...``, ``xpath:...`` or a bare CSS selector."""
    kind, _, expression = selector.partition(":")
    try:
        if kind == "xpath" and expression:
            return etree.XPath(expression)
        return CSSSelector(expression if kind == "css" and expression else selector)
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise SiteRuleError(f"bad selector {selector!r}: {exc}") from None


@dataclass(frozen=True, slots=True)
class SiteRules:
    """All rules, matched against a URL by host and longest path prefix."""

    rules: Mapping[str, SiteRule]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SiteRules:
        rules = {}
        for key, value in data.items():
            if not isinstance(value, Mapping):
                raise SiteRuleError(f"site rule {key!r} must be a table of selectors")
            unknown = set(value) - {"article", "title"}
            if unknown:
                raise SiteRuleError(f"site rule {key!r}: unknown keys {sorted(unknown)}")
            rule = SiteRule(str(value.get("article", "")), str(value.get("title", "")))
            for selector in (rule.article, rule.title):
                if selector:
                    compile_selector(selector)  # fail at start, not per page
            rules[key.lower().removeprefix("http://").removeprefix("https://")] = rule
        return cls(rules)

    @classmethod
    def load(cls, path: str | Path) -> SiteRules:
        try:
            with Path(path).open("rb") as handle:
                return cls.from_mapping(tomllib.load(handle))
        except OSError as exc:
            raise SiteRuleError(f"cannot read site rules {path}: {exc.strerror or exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SiteRuleError(f"site rules {path} are not valid TOML: {exc}") from None

    def for_url(self, url: str) -> SiteRule | None:
        """The rule whose key is the URL's host (``www.`` ignored) plus the longest path prefix."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        hosts = {host, host.removeprefix("www.")}
        best: tuple[int, SiteRule] | None = None
        for key, rule in self.rules.items():
            key_host, _, key_path = key.partition("/")
            if key_host.removeprefix("www.") not in hosts:
                continue
            prefix = "/" + key_path
            if parts.path.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rule)
        return best[1] if best else None

"""An article page's title (exactly as the author wrote it), its date and the blog's name.

Title signals, strongest first: JSON-LD ``headline`` (of an Article/BlogPosting), ``og:title``,
``twitter:title``, the article heading (``<h1>``/``<h2>`` with ``entry-title``, ``p-name``,
``post-title``..., else the article's ``<h1>``, else the first ``<h1>``), then ``<title>`` without
the site-name part. Between disagreeing signals: a candidate equal to the site's name is not a
title; a truncated candidate (``…``, or a prefix of another) gives way to the full form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from blogtitles.extract.dates import parse_date
from blogtitles.extract.entries import first_date_text, has_class
from blogtitles.extract.html import (
    TITLE,
    clean_text,
    clean_title,
    element_text,
    heading_text,
    parse_html,
)
from blogtitles.extract.rules import SiteRule
from blogtitles.extract.scripts import looks_script_built
from blogtitles.extract.structured import (
    ARTICLE_TYPES,
    json_ld_nodes,
    meta_content,
    node_types,
    text_value,
)

_SEPARATORS_RE = re.compile(r"\s+(?:\||-|–|—|::|·|»|•|/)\s+|:\s+")
_ELLIPSIS_RE = re.compile(r"\s*(?:…|\.\.\.)\s*$")
_HEADING_CLASSES = " or ".join(
    has_class(name)
    for name in ("entry-title", "post-title", "article-title", "p-name", "headline", "title")
)
_HEADINGS = (
    etree.XPath(f"//*[self::h1 or self::h2 or self::h3][{_HEADING_CLASSES}]"),
    etree.XPath("//*[@itemprop='headline' or @itemprop='name'][self::h1 or self::h2]"),
    etree.XPath("//article//h1 | //main//h1"),
    etree.XPath("//h1"),
    etree.XPath("//article//h2 | //main//h2"),
)
# A link to the site's home page, whose text is the site's name.
_HOME_LINKS = etree.XPath(
    "//a[@rel='home'] | //*[contains(@class, 'site-title') or contains(@class, 'site-name')"
    " or contains(@class, 'logo')]/descendant-or-self::a | //header//h1/a | //header//a[@href='/']"
)
_DATE_XPATHS = tuple(
    etree.XPath(xpath)
    for xpath in (
        "//article//time/@datetime",
        f"//*[{has_class('dt-published')}]/@datetime",
        "//time[@itemprop='datePublished']/@datetime",
        "//time/@datetime",
    )
)


@dataclass(frozen=True, slots=True)
class ArticleTitle:
    """The title, which signal gave it (``found_by``), the date and the blog's name if shown."""

    text: str
    found_by: str
    published: str | None = None
    blog_title: str = ""
    #: The page is an empty shell its scripts fill in: this "title" is the shell's, not the
    #: article's (see :mod:`.scripts`).
    script_built: bool = False


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """What an article page says: its title (``None`` when it names none), and whether it is an
    empty shell its scripts fill in (see :mod:`.scripts`), from one parse of the page."""

    title: ArticleTitle | None
    script_built: bool = False


def read_article(page: str | bytes, url: str, rule: SiteRule | None = None) -> ArticlePage:
    """The article's title (with date and blog name) and whether the page is a script shell.

    ``url`` is the page's address (kept for per-site rules); ``rule`` a per-site override.
    """
    doc = parse_html(page)
    if doc is None:
        return ArticlePage(None)
    script_built = looks_script_built(doc)
    all_nodes = json_ld_nodes(doc)
    nodes = [node for node in all_nodes if node_types(node) & ARTICLE_TYPES]
    site_name = _site_name(doc, url, all_nodes)
    names = SiteNames.of(doc, url, all_nodes, site_name)
    candidates = [
        (signal, names.strip(text)) for signal, text in _candidates(doc, nodes, site_name, rule)
    ]
    chosen = choose_title(candidates, site_name)
    if chosen is None:
        return ArticlePage(None, script_built)
    title = ArticleTitle(chosen[1], chosen[0], _published(doc, nodes), site_name, script_built)
    return ArticlePage(title, script_built)


def extract_title(page: str | bytes, url: str, rule: SiteRule | None = None) -> ArticleTitle | None:
    """The article's title (with date and blog name), or ``None`` when the page names none."""
    return read_article(page, url, rule).title


def _candidates(
    doc: etree._Element, nodes: list[dict], site_name: str, rule: SiteRule | None
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if rule is not None and rule.title:
        for match in rule.select(doc, "title")[:1]:
            text = match if isinstance(match, str) else element_text(match)
            found.append(("site_rule", clean_text(str(text))))
    for node in nodes[:1]:
        found.append(("json-ld", text_value(node.get("headline") or node.get("name"))))
    found.append(("og:title", meta_content(doc, "og:title")))
    found.append(("twitter:title", meta_content(doc, "twitter:title")))
    folded_site = site_name.casefold()
    heading = next(
        (
            text
            for xpath in _HEADINGS
            for text in map(heading_text, xpath(doc)[:3])
            if text and text.casefold() != folded_site
        ),
        "",
    )
    found.append(("h1", heading))
    titles = TITLE(doc)
    if titles:
        found.append(("title", strip_site_name(element_text(titles[0]), site_name)))
    # Only what a reader would see as a title (the clean-title pipeline's rule): not a heading
    # of zero-width characters alone.
    return [(signal, text) for signal, text in found if text and clean_title(text)]


def choose_title(candidates: list[tuple[str, str]], site_name: str) -> tuple[str, str] | None:
    """The strongest candidate that is not the site's name, or the full form it truncates."""
    folded_site = site_name.casefold()
    usable = [(s, t) for s, t in candidates if t.casefold() != folded_site or s == "site_rule"]
    if not usable:
        return None
    signal, text = usable[0]
    if signal == "site_rule":
        return signal, text
    stem = _ELLIPSIS_RE.sub("", text)
    truncated = stem != text
    for other_signal, other in usable[1:]:
        if len(other) <= len(stem) or not other.startswith(stem):
            continue
        # A longer form that continues the same words is the full title; one that continues
        # with " | Blog" is a page title with the site's name (when it was not recognised).
        continues_title = other_signal != "title" and not _SEPARATORS_RE.match(other[len(stem) :])
        if truncated or continues_title:
            return other_signal, other
    return signal, stem if truncated else text


def _site_name(doc: etree._Element, url: str, nodes: list[dict]) -> str:
    """``og:site_name``, JSON-LD ``WebSite``/``Blog`` name, else the text of a home link."""
    name = meta_content(doc, "og:site_name", "application-name")
    if name:
        return name
    for node in nodes:
        if node_types(node) & {"WebSite", "Blog", "Organization"}:
            name = text_value(node.get("name"))
            if name:
                return name
    host = urlsplit(url).hostname
    for link in _HOME_LINKS(doc)[:5]:
        target = urlsplit(urljoin(url, link.get("href") or ""))
        text = element_text(link)
        if text and target.hostname == host and target.path in ("", "/") and len(text) < 80:
            return text
    return ""


def _published(doc: etree._Element, nodes: list[dict]) -> str | None:
    value = meta_content(doc, "article:published_time", "datePublished", "date", "dc.date")
    if not value and nodes:
        value = text_value(nodes[0].get("datePublished"))
    if value and parse_date(value):
        return parse_date(value)
    for xpath in _DATE_XPATHS:
        for found in xpath(doc)[:1]:
            parsed = parse_date(clean_text(str(found)))
            if parsed:
                return parsed
    return first_date_text(doc)


def strip_site_name(title: str, site_name: str) -> str:
    """Remove a `` | Site`` / `` - Site`` / ``Site: `` part that equals the site's name.

    Never cuts blindly at a dash: without a known site name the title is kept whole.
    """
    if not site_name:
        return title
    folded = site_name.casefold()
    matches = list(_SEPARATORS_RE.finditer(title))
    if not matches:
        return title
    last, first = matches[-1], matches[0]
    if title[last.end() :].strip().casefold() == folded:
        return title[: last.start()].strip()
    if title[: first.start()].strip().casefold() == folded:
        return title[first.end() :].strip()
    return title


#: What may stand between a title and the site's name: `` | ``, `` - ``, ``：``, ``ㅣ``, ``--``...
_SITE_SEPARATORS_RE = re.compile(r"\s+(?:\||-|–|—|::|·|»|•|/)\s+|\s*(?:：|ㅣ|--|\|)\s*|:\s+")
_DATE_PART_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_QUOTES = frozenset("\"'“”„‟‘’‚«»‹›「」『』")
_GENERIC_LABELS = frozenset({"www", "com", "co", "org", "net", "news", "blog", "m", "amp"})


def _fold(text: str) -> str:
    """Letters and digits only, case folded, German umlauts spelled out (Börsen -> boersen)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLIT)
    return "".join(char for char in text if char.isalnum())


@dataclass(frozen=True, slots=True)
class SiteNames:
    """What the site calls itself (og:site_name, JSON-LD publisher and WebSite names, the home
    link's text) and its host's labels: the parts of a metadata title that name the site."""

    names: frozenset[str]
    labels: frozenset[str]

    @classmethod
    def of(cls, doc: etree._Element, url: str, nodes: list[dict], site_name: str) -> SiteNames:
        found = {site_name, meta_content(doc, "og:site_name", "application-name")}
        for node in nodes:
            publisher = node.get("publisher")
            if isinstance(publisher, dict):
                found.add(text_value(publisher.get("name")))
            if node_types(node) & {"WebSite", "Blog", "Organization", "NewsMediaOrganization"}:
                found.add(text_value(node.get("name")))
        labels = (urlsplit(url).hostname or "").split(".")[:-1]
        return cls(
            frozenset(_fold(name) for name in found if name and _fold(name)),
            frozenset(
                _fold(label)
                for label in labels
                if label not in _GENERIC_LABELS and len(_fold(label)) >= 2
            ),
        )

    def names_site(self, part: str) -> bool:
        """Whether ``part`` (a piece of a title) is the site's name, or a date beside it."""
        folded, part = _fold(part), part.strip()
        if not folded or part[:1] in _QUOTES or part[-1:] in _QUOTES:
            return False  # “The Site's Name” in quotes is the author's, part of the title
        if folded in self.names or folded in self.labels or _DATE_PART_RE.match(part.strip()):
            return True
        return any(len(label) >= 4 and label in folded for label in self.labels)

    def strip(self, title: str) -> str:
        """``title`` without the parts at its end (or start) that name the site."""
        while True:
            matches = list(_SITE_SEPARATORS_RE.finditer(title))
            if not matches:
                return title
            last, first = matches[-1], matches[0]
            head, tail = title[: last.start()].strip(), title[last.end() :].strip()
            if head and self.names_site(tail):
                title = head
                continue
            start, rest = title[: first.start()].strip(), title[first.end() :].strip()
            if rest and self.names_site(start):
                title = rest
                continue
            return title

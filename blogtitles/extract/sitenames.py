"""The site's name, and the parts of a metadata title that name it.

A metadata title is often ``Headline | Site``, ``Headline - Site``, ``Site: Headline``,
``Headline：Site`` or ``Headline | Site | 28.04.2023``. Only the part that *names the site* is
cut, never a part found blindly at a dash: titles have dashes and bars of their own. What names
the site is learned, not guessed:

- from the article page: ``og:site_name``, JSON-LD publisher, ``WebSite`` and organisation
  names, the text of a link to the home page, and the host's labels (``golem`` in
  ``www.golem.de``, ``boersen`` for "Börsen-Zeitung");
- from the crawl (:class:`TitleHints`): what the blog's index page calls the blog (its
  ``og:site_name``, its ``<title>`` and that title's parts), so ``Post – Jane's Notes`` loses
  "Jane's Notes" even on a page whose metadata never says the name.

A part in quotes is the author's (``Fresh post – “Python Weekly”``) and is never cut.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from urllib.parse import urljoin, urlsplit

from lxml import etree

from blogtitles.extract.html import element_text
from blogtitles.extract.structured import node_types, text_value

#: What may stand between a title and the site's name: `` | ``, `` - ``, ``：``, ``ㅣ``,
#: ``--``, `` * ``...
SITE_SEPARATORS_RE = re.compile(r"\s+(?:\||-|–|—|::|·|»|•|/|\*)\s+|\s*(?:：|｜|ㅣ|--|\|)\s*|:\s+")
_NOT_ALNUM_RE = re.compile(r"[\W_]+")
_DATE_PART_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_QUOTES = frozenset("\"'“”„‟‘’‚«»‹›「」『』")
_GENERIC_LABELS = frozenset({"www", "com", "co", "org", "net", "news", "blog", "m", "amp"})
#: A part longer than this many words is a sentence, not a name, even if it mentions the host.
_MAX_NAME_WORDS = 3
_SITE_TYPES = frozenset({"WebSite", "Blog", "Organization", "NewsMediaOrganization"})


@lru_cache(maxsize=4096)  # pure; a page compares the same few texts many times
def fold(text: str) -> str:
    """Letters and digits only, case folded, German umlauts spelled out (Börsen -> boersen):
    two texts that differ only in typography (quotes, dashes, spacing) fold the same."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLIT)
    return _NOT_ALNUM_RE.sub("", text)


@dataclass(frozen=True, slots=True)
class TitleHints:
    """What the crawl knows about an article before reading it.

    ``feed_title``: the feed entry's title, when the article was found in the blog's feed (the
    author's own words); ``site_names``: what the blog's index page calls the blog.
    """

    feed_title: str = ""
    site_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteNames:
    """The folded names of the site, and its host's labels."""

    names: frozenset[str]
    labels: frozenset[str]

    @classmethod
    def of(
        cls, url: str, nodes: list[dict], names: tuple[str, ...], hints: TitleHints | None = None
    ) -> SiteNames:
        """From the page's own ``names`` and JSON-LD ``nodes``, the crawl's ``hints`` and
        ``url``'s host."""
        found = set(names)
        for node in nodes:
            publisher = node.get("publisher")
            if isinstance(publisher, dict):
                found.add(text_value(publisher.get("name")))
            if node_types(node) & _SITE_TYPES:
                found.add(text_value(node.get("name")))
        for name in hints.site_names if hints else ():
            found.add(name)
            # The index page's title names the blog, often with a tagline: each part may be
            # what the article's title repeats.
            found.update(SITE_SEPARATORS_RE.split(name))
        labels = (urlsplit(url).hostname or "").split(".")[:-1]
        return cls(
            frozenset(fold(name) for name in found if name and fold(name)),
            frozenset(
                fold(label)
                for label in labels
                if label not in _GENERIC_LABELS and len(fold(label)) >= 2
            ),
        )

    def names_site(self, part: str) -> bool:
        """Whether ``part`` (a piece of a title) is the site's name, or a date beside it."""
        folded, part = fold(part), part.strip()
        if not folded or part[:1] in _QUOTES or part[-1:] in _QUOTES:
            return False  # “The Site's Name” in quotes is the author's, part of the title
        if folded in self.names or folded in self.labels or _DATE_PART_RE.match(part):
            return True
        if len(part.split()) > _MAX_NAME_WORDS:
            return False
        return any(len(label) >= 4 and label in folded for label in self.labels)

    def strip(self, title: str) -> str:
        """``title`` without the parts at its end (or start) that name the site."""
        while True:
            matches = list(SITE_SEPARATORS_RE.finditer(title))
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


_NAME_CLASSES = ("site-title", "site-name", "logo", "brand")
#: The home link is near the top: only the page's first anchors are looked at.
_FIRST_ANCHORS = 60


def site_name(metas: dict[str, str], nodes: list[dict], doc: etree._Element, url: str) -> str:
    """``og:site_name``, a JSON-LD ``WebSite``/``Blog`` name, else the text of a home link."""
    name = metas.get("og:site_name") or metas.get("application-name")
    if name:
        return name
    for node in nodes:
        if node_types(node) & {"WebSite", "Blog", "Organization"}:
            name = text_value(node.get("name"))
            if name:
                return name
    return home_link_text(doc, url)


def home_link_text(doc: etree._Element, url: str) -> str:
    """The text of the first link to ``url``'s home page among the page's first anchors."""
    host = urlsplit(url).hostname
    for count, link in enumerate(doc.iter("a")):
        if count >= _FIRST_ANCHORS:
            break
        href = link.get("href")
        if href is None:
            continue
        target = urlsplit(urljoin(url, href.strip()))
        if target.hostname != host or target.path not in ("", "/") or target.query:
            continue
        text = element_text(link)
        if text and len(text) < 80 and _names_home(link):
            return text
    return ""


def _names_home(link: etree._Element) -> bool:
    """A home link that shows the site's name (``rel=home``, a logo or site title, the page
    header's), not a menu's "Home"."""
    if "home" in (link.get("rel") or "").split():
        return True
    for depth, element in enumerate(chain((link,), link.iterancestors())):
        classes = element.get("class") or ""
        if element.tag in ("header", "h1") or any(word in classes for word in _NAME_CLASSES):
            return True
        if depth >= 4:
            return False
    return False

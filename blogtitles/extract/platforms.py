"""Index markup of the blog engines people use: how to recognise each, where its post links are.

One row per engine/theme family: what recognises it (the words of its ``<meta
name="generator">``, class names, ``data-testid`` values or ids only it uses, words of its meta
names or script sources), and the XPath of its post links on the index, in page order. Add a
row to teach the extractor a new engine. The page's head, class names and test ids are read
once and the parser keeps a table of ids, so recognising costs set lookups, not a scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from blogtitles.extract.entries import (
    OUTSIDE_CHROME,
    Entry,
    EntryFacts,
    entries_from_anchors,
    has_class,
)
from blogtitles.extract.facts import PageFacts


@dataclass(frozen=True, slots=True)
class Platform:
    """An engine: how to recognise it and the XPath of its post links on an index."""

    name: str
    generators: tuple[str, ...]
    classes: tuple[str, ...]
    links: etree.XPath
    #: Words in a ``<meta>`` name or a ``<script src>`` that only this engine's pages have.
    head_words: tuple[str, ...] = ()
    #: ``data-testid`` values only this engine writes.
    test_ids: tuple[str, ...] = ()
    #: Whether the page has an element with an ``id`` only this engine writes.
    ids: etree.XPath | None = None

    @classmethod
    def of(
        cls,
        name: str,
        links: str,
        *,
        generators: tuple[str, ...] = (),
        classes: tuple[str, ...] = (),
        head_words: tuple[str, ...] = (),
        test_ids: tuple[str, ...] = (),
        ids: tuple[str, ...] = (),
    ) -> Platform:
        # XPath's id() reads the table of ids the parser collected: no scan of the page.
        has_ids = etree.XPath(f"boolean(id('{' '.join(ids)}'))") if ids else None
        return cls(name, generators, classes, etree.XPath(links), head_words, test_ids, has_ids)

    def recognised(self, doc: etree._Element, head: PageFacts, facts: EntryFacts) -> bool:
        """Whether the page is this engine's, from what was read of it already (and its ids)."""
        if any(word in head.generator for word in self.generators):
            return True
        if not facts.class_names.isdisjoint(self.classes):
            return True
        if self.test_ids and not facts.test_ids.isdisjoint(self.test_ids):
            return True
        if self.head_words and any(
            word in name for word in self.head_words for name in (head.script_sources, *head.metas)
        ):
            return True
        return bool(self.ids is not None and self.ids(doc))


PLATFORMS: tuple[Platform, ...] = (
    Platform.of(
        "wordpress-block",
        f"//*[{has_class('wp-block-post-template')}]/*//*[{has_class('wp-block-post-title')}]//a[@href]",
        classes=("wp-block-post-template",),
    ),
    Platform.of(
        "wordpress",
        f"//article[{has_class('type-post')}][{OUTSIDE_CHROME}]//*[{has_class('entry-title')}]//a[@href]",
        generators=("wordpress",),
        classes=("type-post",),
    ),
    Platform.of(
        "blogger",
        f"//*[{has_class('post-outer')} or {has_class('post')}]//*[{has_class('post-title')}]//a[@href]",
        generators=("blogger",),
        classes=("post-outer", "blog-posts"),
    ),
    Platform.of(
        "ghost",
        f"//article[{has_class('post-card')}]//a[{has_class('post-card-content-link')} or {has_class('post-card-title-link')}][@href]"
        f" | //article[{has_class('gh-card')}]//a[{has_class('gh-card-link')}][@href]",
        generators=("ghost",),
        classes=("post-card", "gh-card"),
    ),
    Platform.of(
        "substack",
        "//a[@data-testid='post-preview-title'][@href]"
        f" | //*[{has_class('post-preview')}]//a[contains(@href, '/p/')][@href][1]",
        classes=("post-preview", "portable-archive-list"),
        test_ids=("post-preview-title",),
    ),
    Platform.of(
        "medium",
        "//article[@data-testid='post-preview']//a[.//h2 or .//h3][@href]"
        f" | //*[{has_class('postArticle')}]//a[.//h3 or .//h2][@href]",
        classes=("postArticle", "streamItem"),
        test_ids=("post-preview",),
    ),
    Platform.of(
        "tumblr",
        "//article//a[contains(@href, '/post/')][@href]",
        head_words=("tumblr",),
    ),
    Platform.of(
        "devto",
        f"//*[{has_class('crayons-story')}]//*[{has_class('crayons-story__title')}]//a[@href]"
        f" | //*[{has_class('crayons-story')}]//a[@id and starts-with(@id, 'article-link-')]",
        classes=("crayons-story",),
    ),
    Platform.of(
        "hashnode",
        "//*[contains(@class, 'blog-post-card')]//h1//a[@href] | //*[contains(@class, 'blog-post-card')]//h2//a[@href]",
        generators=("hashnode",),
        classes=("blog-post-card",),
    ),
    Platform.of(
        "hugo-papermod",
        f"//article[{has_class('post-entry')}]//a[{has_class('entry-link')}][@href]",
        classes=("post-entry",),
    ),
    Platform.of(
        "jekyll-minima",
        f"//ul[{has_class('post-list')}]//a[{has_class('post-link')}][@href]",
        classes=("post-list",),
    ),
    Platform.of(
        "hexo",
        f"//article[{has_class('article')} or {has_class('post')}]//a[{has_class('article-title')} or {has_class('post-title-link')}][@href]",
        generators=("hexo",),
        classes=("article-title", "post-title-link"),
    ),
    Platform.of(
        "docusaurus",
        "//main//article//h2//a[@href] | //main//article//header//a[@itemprop='url'][@href]",
        generators=("docusaurus",),
        classes=("blog-list-page",),
    ),
    Platform.of(
        "mkdocs-material",
        f"//article[{has_class('md-post')}]//h2//a[@href] | //*[{has_class('md-post__content')}]//h2//a[@href]",
        generators=("mkdocs",),
        classes=("md-post",),
    ),
    Platform.of(
        "pelican",
        "//*[@id='featured']//h1//a[@href] | //*[@id='posts-list']//article//a[@rel='bookmark'][@href]"
        " | //section[@id='content']//article//h2//a[@href] | //main//article//h2//a[@href]",
        generators=("pelican",),
        ids=("posts-list", "featured"),
    ),
    Platform.of(
        "eleventy",
        f"//*[{has_class('postlist')}]//a[{has_class('postlist-link')}][@href]",
        generators=("eleventy",),
        classes=("postlist",),
    ),
    Platform.of(
        "astro",
        "//main//ul/li//a[@href][.//h4 or .//h3 or .//h2 or starts-with(@href, '/blog/')]",
        generators=("astro",),
    ),
    Platform.of(
        "nikola",
        f"//article[{has_class('h-entry')} or {has_class('post-text')}]//*[{has_class('p-name')} or {has_class('entry-title')}]//a[@href]",
        generators=("nikola",),
    ),
    Platform.of(
        "ablog",
        f"//*[{has_class('ablog-post')}]//*[{has_class('ablog-post-title')}]//a[@href]",
        classes=("ablog-post",),
    ),
)


def platform_entries(
    doc: etree._Element, base: str, head: PageFacts, facts: EntryFacts | None = None
) -> tuple[str, list[Entry]]:
    """The first recognised platform whose post links are on the page, and its entries.

    ``head``: the page's :class:`.facts.PageFacts` (its generator, metas and script sources).
    """
    facts = EntryFacts(doc) if facts is None else facts
    for platform in PLATFORMS:
        if not platform.recognised(doc, head, facts):
            continue
        entries = entries_from_anchors(platform.links(doc), base, facts)
        if entries:
            return platform.name, entries
    return "", []

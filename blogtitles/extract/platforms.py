"""Index markup of the blog engines people use: how to recognise each, where its post links are.

One row per engine/theme family: a recognising XPath (boolean) and the XPath of its post links
on the index, in page order. Add a row to teach the extractor a new engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from blogtitles.extract.entries import OUTSIDE_CHROME, Entry, entries_from_anchors, has_class


@dataclass(frozen=True, slots=True)
class Platform:
    """An engine: its name, a boolean XPath that recognises it, the XPath of its post links."""

    name: str
    recognise: etree.XPath
    links: etree.XPath

    @classmethod
    def of(cls, name: str, recognise: str, links: str) -> Platform:
        return cls(name, etree.XPath(recognise), etree.XPath(links))


def _generator(word: str) -> str:
    return (
        "boolean(//meta[@name='generator']"
        f"[contains(translate(@content, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{word}')])"
    )


PLATFORMS: tuple[Platform, ...] = (
    Platform.of(
        "wordpress-block",
        f"boolean(//*[{has_class('wp-block-post-template')}])",
        f"//*[{has_class('wp-block-post-template')}]/*//*[{has_class('wp-block-post-title')}]//a[@href]",
    ),
    Platform.of(
        "wordpress",
        f"{_generator('wordpress')} or boolean(//body[{has_class('blog')} or {has_class('home')}]//article[{has_class('type-post')}])",
        f"//article[{has_class('type-post')}][{OUTSIDE_CHROME}]//*[{has_class('entry-title')}]//a[@href]",
    ),
    Platform.of(
        "blogger",
        f"{_generator('blogger')} or boolean(//*[{has_class('blog-posts')}]//*[{has_class('post-outer')}])",
        f"//*[{has_class('post-outer')} or {has_class('post')}]//*[{has_class('post-title')}]//a[@href]",
    ),
    Platform.of(
        "ghost",
        f"{_generator('ghost')} or boolean(//article[{has_class('post-card')}])",
        f"//article[{has_class('post-card')}]//a[{has_class('post-card-content-link')} or {has_class('post-card-title-link')}][@href]"
        f" | //article[{has_class('gh-card')}]//a[{has_class('gh-card-link')}][@href]",
    ),
    Platform.of(
        "substack",
        "boolean(//*[@data-testid='post-preview-title'] | //a[contains(@href, '/p/')][contains(@class, 'post-preview')])",
        "//a[@data-testid='post-preview-title'][@href]"
        f" | //*[{has_class('post-preview')}]//a[contains(@href, '/p/')][@href][1]",
    ),
    Platform.of(
        "medium",
        "boolean(//meta[@property='al:android:package'][contains(@content, 'medium')]) or "
        f"boolean(//*[{has_class('postArticle')} or {has_class('streamItem')}]) or "
        "boolean(//article[@data-testid='post-preview'])",
        "//article[@data-testid='post-preview']//a[.//h2 or .//h3][@href]"
        f" | //*[{has_class('postArticle')}]//a[.//h3 or .//h2][@href]",
    ),
    Platform.of(
        "tumblr",
        "boolean(//meta[contains(@name, 'tumblr')] | //a[contains(@href, '/post/')][ancestor::article])",
        "//article//a[contains(@href, '/post/')][@href]",
    ),
    Platform.of(
        "devto",
        f"boolean(//*[{has_class('crayons-story')}])",
        f"//*[{has_class('crayons-story')}]//*[{has_class('crayons-story__title')}]//a[@href]"
        f" | //*[{has_class('crayons-story')}]//a[@id and starts-with(@id, 'article-link-')]",
    ),
    Platform.of(
        "hashnode",
        "boolean(//meta[@property='og:site_name'][contains(@content, 'Hashnode')]) or "
        "boolean(//*[contains(@class, 'blog-post-card')])",
        "//*[contains(@class, 'blog-post-card')]//h1//a[@href] | //*[contains(@class, 'blog-post-card')]//h2//a[@href]",
    ),
    Platform.of(
        "hugo-papermod",
        f"boolean(//article[{has_class('post-entry')}])",
        f"//article[{has_class('post-entry')}]//a[{has_class('entry-link')}][@href]",
    ),
    Platform.of(
        "jekyll-minima",
        f"boolean(//ul[{has_class('post-list')}])",
        f"//ul[{has_class('post-list')}]//a[{has_class('post-link')}][@href]",
    ),
    Platform.of(
        "hexo",
        f"{_generator('hexo')} or boolean(//article[{has_class('article')}]//a[{has_class('article-title')}])",
        f"//article[{has_class('article')} or {has_class('post')}]//a[{has_class('article-title')} or {has_class('post-title-link')}][@href]",
    ),
    Platform.of(
        "docusaurus",
        f"{_generator('docusaurus')} or boolean(//html[contains(@class, 'blog-list-page')])",
        "//main//article//h2//a[@href] | //main//article//header//a[@itemprop='url'][@href]",
    ),
    Platform.of(
        "mkdocs-material",
        f"{_generator('mkdocs')} or boolean(//*[{has_class('md-post')}])",
        f"//article[{has_class('md-post')}]//h2//a[@href] | //*[{has_class('md-post__content')}]//h2//a[@href]",
    ),
    Platform.of(
        "pelican",
        f"{_generator('pelican')} or boolean(//*[@id='posts-list'] | //*[@id='featured'])",
        "//*[@id='featured']//h1//a[@href] | //*[@id='posts-list']//article//a[@rel='bookmark'][@href]"
        " | //section[@id='content']//article//h2//a[@href] | //main//article//h2//a[@href]",
    ),
    Platform.of(
        "eleventy",
        f"{_generator('eleventy')} or boolean(//*[{has_class('postlist')}])",
        f"//*[{has_class('postlist')}]//a[{has_class('postlist-link')}][@href]",
    ),
    Platform.of(
        "astro",
        _generator("astro"),
        "//main//ul/li//a[@href][.//h4 or .//h3 or .//h2 or starts-with(@href, '/blog/')]",
    ),
    Platform.of(
        "nikola",
        _generator("nikola"),
        f"//article[{has_class('h-entry')} or {has_class('post-text')}]//*[{has_class('p-name')} or {has_class('entry-title')}]//a[@href]",
    ),
    Platform.of(
        "ablog",
        f"boolean(//*[{has_class('ablog-post')}])",
        f"//*[{has_class('ablog-post')}]//*[{has_class('ablog-post-title')}]//a[@href]",
    ),
)


def platform_entries(doc: etree._Element, base: str) -> tuple[str, list[Entry]]:
    """The first recognised platform whose post links are on the page, and its entries."""
    for platform in PLATFORMS:
        if not platform.recognise(doc):
            continue
        entries = entries_from_anchors(platform.links(doc), base)
        if entries:
            return platform.name, entries
    return "", []

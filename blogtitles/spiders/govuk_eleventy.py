"""The ``govuk_eleventy`` spider: blogs made with the GOV.UK Eleventy plugin (x-govuk).

The model to copy for a platform of your own. Such a site lists its posts as
``ol.app-document-list`` items with no ``<article>``, no microformats and no JSON-LD, so the
generic extractor finds them only through a weak signal (headings in ``<main>``) and then
fetches the feed to be sure: three requests a blog. Naming the list here makes the index answer
certain: two requests a blog, and ``found_by`` says ``site_rule``.
"""

from __future__ import annotations

from blogtitles.extract.rules import SiteRule
from blogtitles.spiders.base import BlogTitlesSpider

#: The platform's markup, whatever the host: the post list and the article heading.
GOVUK_ELEVENTY = SiteRule(
    article="ol.app-document-list .app-document-list__item-title a",
    title="h1.app-document-header__title",
)


class GovukEleventySpider(BlogTitlesSpider):
    """``scrapy crawl govuk_eleventy -a urls_file=govuk-blogs.txt``."""

    name = "govuk_eleventy"

    def rule_for(self, url: str) -> SiteRule | None:
        """A rules file still wins for a given site; otherwise the platform's own rule."""
        return self.rules.for_url(url) or GOVUK_ELEVENTY

"""Pure extraction: HTML (or a feed) and its URL in, a small result out. No Scrapy imports.

The spider imports only from here, so the heuristics behind these can grow without touching it:

- :func:`analyze_index`: what a blog's index says (newest article, feed, doubt, blog name, whether
  it is a script-built shell); :func:`find_first_article` is its short form, the link only;
- :func:`newest_feed_entry`: a feed's newest entry and its title; :func:`cross_check`: the
  feed's newest entry against the index's; :func:`feed_entry_title`: the feed's title for one
  article; :func:`looks_like_feed`;
- :func:`read_article`: the article's title (the visible headline when metadata or the feed
  confirms it), date and blog name, and whether the page is a script-built shell, from one
  parse; :func:`extract_title` is its short form, the title only; :class:`TitleHints`: what the
  crawl knew before (the feed entry's title, the blog's name from its index page);
- :class:`SiteRules`: per-site selectors that win over every signal.
"""

from blogtitles.extract.feeds import looks_like_feed, sitemap_index_child
from blogtitles.extract.html import page_text
from blogtitles.extract.links import (
    ArticleLink,
    IndexPage,
    analyze_index,
    cross_check,
    feed_entry_title,
    find_first_article,
    newest_feed_entry,
)
from blogtitles.extract.rules import SiteRule, SiteRuleError, SiteRules
from blogtitles.extract.sitenames import TitleHints
from blogtitles.extract.titles import (
    ArticlePage,
    ArticleTitle,
    TitleEvidence,
    extract_title,
    read_article,
)

__all__ = [
    "ArticleLink",
    "ArticlePage",
    "ArticleTitle",
    "IndexPage",
    "SiteRule",
    "SiteRuleError",
    "SiteRules",
    "TitleEvidence",
    "TitleHints",
    "analyze_index",
    "cross_check",
    "extract_title",
    "feed_entry_title",
    "find_first_article",
    "looks_like_feed",
    "newest_feed_entry",
    "page_text",
    "read_article",
    "sitemap_index_child",
]

"""Pure extraction: HTML (or a feed) and its URL in, a small result out. No Scrapy imports.

The spider uses only these functions, so the heuristics behind them can grow without touching it:

- :func:`analyze_index`: what a blog's index says (newest article, feed, doubt, blog name);
  :func:`find_first_article` is its short form, the newest article's link only;
- :func:`extract_title`: the article's title, date and blog name, from its page.
"""

from blogtitles.extract.links import ArticleLink, IndexPage, analyze_index, find_first_article
from blogtitles.extract.titles import ArticleTitle, extract_title

__all__ = [
    "ArticleLink",
    "ArticleTitle",
    "IndexPage",
    "analyze_index",
    "extract_title",
    "find_first_article",
]

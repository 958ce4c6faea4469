"""Pure extraction: HTML (or a feed) and its URL in, a small result out. No Scrapy imports.

The spider uses only these two functions, so the heuristics behind them can grow without
touching it:

- :func:`find_first_article`: the newest article's URL on a blog index (HTML page or feed);
- :func:`extract_title`: the article's title on its page.
"""

from blogtitles.extract.links import ArticleLink, find_first_article
from blogtitles.extract.titles import ArticleTitle, extract_title

__all__ = ["ArticleLink", "ArticleTitle", "extract_title", "find_first_article"]

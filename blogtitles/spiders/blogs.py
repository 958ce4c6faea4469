"""The ``blogs`` spider: the latest article's title of every blog in a list."""

from __future__ import annotations

from blogtitles.spiders.base import BlogTitlesSpider


class BlogsSpider(BlogTitlesSpider):
    """``scrapy crawl blogs [-a urls_file=PATH | -a urls=URL1,URL2] [-a format=text|csv|opml]``.

    Reads ``blogs.txt`` by default (setting ``BLOGTITLES_URLS_FILE``).
    """

    name = "blogs"

"""blogtitles: the latest article of each blog in a list, and its title, with Scrapy."""

__version__ = "0.1.0"

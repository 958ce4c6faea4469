"""Outputs people read or subscribe to, as Scrapy feed-export formats (``FEED_EXPORTERS``):

- ``atom`` (``-O newest.atom``): an Atom feed, one entry per blog whose newest article is known;
- ``jsonfeed`` (``-O newest.json:jsonfeed``): the same as JSON Feed 1.1;
- ``html`` (``-O titles.html``): a static page to open in a browser, no JavaScript;
- ``opml`` (``-O list.opml``): the input list back, each outline with its status.

Each collects the run's records and writes its document when the feed closes (the newest
first needs them all); :mod:`.records` holds what they share.
"""

"""Every adaptation of Scrapy's or a plugin's private or undocumented internals, in one place.

Nothing outside this package imports a ``_private`` name of Scrapy or a plugin. Each module says
which upstream issue it works around and when it can be removed:

- :mod:`.downloader`: Scrapy's downloader keeping ``CONCURRENT_REQUESTS_PER_DOMAIN`` under
  asyncio; Scrapy's (private, experimental) aiohttp handler on the reactor's resolver;
- :mod:`.stats`: Scrapy's stats collector without its per-call deprecation shim;
- :mod:`.splash`: scrapy-splash 0.11.1 on Scrapy 2.19;
- :mod:`.scrapy_redis`: scrapy-redis 0.9.1's scheduler and queue (outages, batches, request
  serialisation).
"""

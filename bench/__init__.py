"""``make bench``: the crawl against the sequential loop, a plain asyncio peer and the ideal."""

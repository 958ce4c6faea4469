"""Distributed mode (``BLOGTITLES_REDIS_URL``): many workers share one crawl through Redis.

- :mod:`.addon`: the settings the mode needs (scrapy-redis's scheduler, its queue kept);
- :mod:`.queue`: the job's keys in Redis (blog queue, claims, outcomes, records; Lua scripts);
- :mod:`.source`: the spider's source of blogs in this mode (claimed batches, outages, idling);
- :mod:`.pipelines`: each record to Redis, once per blog;
- :mod:`.enqueue`, :mod:`.collect`, :mod:`.workers`: the operator's commands.

What is adapted in scrapy-redis itself lives in :mod:`blogtitles.compat.scrapy_redis`.
"""

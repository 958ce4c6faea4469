"""The sample blog farm: many blogs in the style of real engines, served on 127.0.0.1.

Run it with ``python -m farm --port 8800 --blogs 200 --latency 0.1``; crawl it with the
farm resolver (``-s TWISTED_DNS_RESOLVER=farm.resolver.FarmResolver``). Used by the
demo, the tests and the benchmark.
"""

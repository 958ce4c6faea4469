"""How the crawl reaches hosts: name resolution against chosen DNS servers (:mod:`.dns`).

The download handler itself (aiohttp, TLS, idle connections) is in
:mod:`blogtitles.compat.downloader`; the address guard that checks every resolved address is in
:mod:`blogtitles.guard`.
"""

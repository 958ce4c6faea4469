"""The address guard: which addresses a crawl may connect to, checked where it connects.

- :mod:`.addresses`: the table (pure functions): every address that is not globally routable
  is internal, an IPv4 address embedded in an IPv6 one included; the operator's allowed
  networks; the loopback-only mode of the test suite, the demo and the benchmark;
- :mod:`.scrapyd`: what a Scrapyd job may not decide for itself (list files, the guard).
- :mod:`.lookup`: the one lookup (the crawl's resolver) every check uses.

Where it applies: the HTTP handler's resolver checks every answer it connects to
(:mod:`blogtitles.compat.downloader`); the downloader middleware checks addresses written in
URLs, Splash targets and proxies (:mod:`blogtitles.middlewares`); Chromium's requests are checked
by request interception (:mod:`blogtitles.rendering.backends`).
"""

from blogtitles.guard.addresses import (
    AddressPolicy,
    GuardConfigError,
    embedded_ipv4,
    is_internal,
)

__all__ = ["AddressPolicy", "GuardConfigError", "embedded_ipv4", "is_internal"]

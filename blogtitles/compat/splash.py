"""scrapy-splash 0.11.1 on Scrapy 2.19: the one place that adapts it. Import Splash from here.

What breaks, and what this module does about it (remove each item when scrapy-splash fixes it;
``tests/test_render.py`` fails the day an item is no longer needed):

1. ``scrapy_splash.request`` and ``scrapy_splash.dupefilter`` import ``canonicalize_url`` from
   ``scrapy.utils.url``, which Scrapy 2.16 removed (it lives in ``w3lib.url``, where Scrapy took
   it from): the import of ``scrapy_splash`` fails. Here ``scrapy.utils.url`` gets w3lib's
   function back before ``scrapy_splash`` is imported. Upstream: scrapy-plugins/scrapy-splash#332
   (open, no fix released).
2. The default slot policy (``PER_DOMAIN``) calls ``Downloader._get_slot_key``, removed in
   Scrapy 2.14. :func:`splash_request` passes ``SlotPolicy.SCRAPY_DEFAULT`` on every request
   (``SplashRequest`` puts its own default in each request's meta, so the ``SPLASH_SLOT_POLICY``
   setting would not be enough); the project puts render requests in its own ``render``
   download slot instead. Upstream: scrapy-plugins/scrapy-splash#330 (closed without a fix).
3. ``SplashDeduplicateArgsMiddleware`` is a sync spider middleware, which Scrapy 2.16 rejects
   at start-up. It only saves sending the same ``lua_source`` twice; ``render.html`` sends none,
   so it is simply not enabled (:data:`DOWNLOADER_MIDDLEWARES` lists what is). Scrapy's side:
   scrapy/scrapy#7504 (Scrapy 2.16); no scrapy-splash issue yet. Enable it again when
   scrapy-splash ships an async ``process_spider_output``.

Its two downloader middlewares still take the deprecated ``spider`` argument; Scrapy 2.19
accepts that with a deprecation warning.
"""

from __future__ import annotations

from typing import Any

import scrapy.utils.url
from w3lib.url import canonicalize_url

if not hasattr(scrapy.utils.url, "canonicalize_url"):  # 1.
    scrapy.utils.url.canonicalize_url = canonicalize_url  # type: ignore[attr-defined]

from scrapy_splash import SlotPolicy, SplashRequest  # after the fix above

#: What scrapy-splash's README asks for, minus the spider middleware (3.): its cookie and main
#: middlewares around 725, and Scrapy's decompression after them (810).
DOWNLOADER_MIDDLEWARES = {
    "scrapy_splash.SplashCookiesMiddleware": 723,
    "scrapy_splash.SplashMiddleware": 725,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 810,
}


#: scrapy-splash's request fingerprinter (Splash arguments included), in place of its
#: deprecated ``SplashAwareDupeFilter``.
FINGERPRINTER = "scrapy_splash.SplashRequestFingerprinter"


def splash_request(
    url: str, *, wait: float, timeout: float, extra: dict[str, Any] | None = None, **kwargs: Any
) -> SplashRequest:
    """A request for ``url`` rendered by Splash's ``render.html`` (the page's HTML after its
    scripts ran for ``wait`` seconds; Splash gives up after ``timeout``). ``extra``: more
    ``render.html`` arguments (``proxy``, ``images``, ``resource_timeout``...)."""
    return SplashRequest(
        url,
        endpoint="render.html",
        args={**(extra or {}), "wait": wait, "timeout": timeout},
        slot_policy=SlotPolicy.SCRAPY_DEFAULT,  # 2.
        **kwargs,
    )

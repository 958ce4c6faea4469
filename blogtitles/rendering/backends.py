"""Rendering JavaScript-only pages: Splash (scrapy-splash) or headless Chromium (scrapy-playwright).

``BLOGTITLES_RENDERER`` chooses the backend (``none``, the default; ``splash``; ``playwright``).
Only the pages that need it go through the renderer: an index or article that is an empty shell
its scripts fill in (:mod:`blogtitles.extract.scripts`), or every page of a blog marked
``render=always``. Everything else stays on the plain downloader.

- **Splash**: ``SPLASH_URL``; requests are ``SplashRequest``\\ s to ``render.html`` (see
  :mod:`blogtitles.compat.splash` for what is adapted to Scrapy 2.19).
- **Playwright**: Debian's Chromium (``PLAYWRIGHT_LAUNCH_OPTIONS``, ``executable_path``
  ``/usr/bin/chromium`` by default; never ``playwright install``); :class:`BrowserOrPlainHandler`
  sends requests marked ``playwright`` to scrapy-playwright and the others to the project's own
  aiohttp handler.

Renders are slow and heavy: they share one download slot (``render``) whose concurrency is
``BLOGTITLES_RENDER_CONCURRENCY``, each waits ``BLOGTITLES_RENDER_WAIT`` seconds for scripts and
gives up after ``BLOGTITLES_RENDER_TIMEOUT``; rendered pages are counted in the stats
(``blogtitles/rendered/pages``) and the end-of-run summary.
"""

from __future__ import annotations

import inspect
import logging
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import scrapy

from blogtitles.compat.downloader import AiohttpHandler
from blogtitles.guard.lookup import address_of
from blogtitles.inputs import RENDER_MODES

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from blogtitles.guard import AddressPolicy

logger = logging.getLogger(__name__)

RENDERERS: Final = ("none", "splash", "playwright")
#: The download slot every render request shares (its concurrency: the render limit).
RENDER_SLOT: Final = "render"
#: Request meta key of a render request: the backend's name.
RENDERED: Final = "blogtitles_rendered"


class RenderConfigError(ValueError):
    """A rendering setting that cannot work (an unknown backend or mode)."""


def renderer_of(settings: BaseSettings) -> str:
    """The configured backend's name, checked."""
    name = str(settings.get("BLOGTITLES_RENDERER")).strip().lower()
    if name not in RENDERERS:
        raise RenderConfigError(f"BLOGTITLES_RENDERER={name!r}: use one of {', '.join(RENDERERS)}")
    return name


def check_mode(mode: str, where: str) -> str:
    """A render mode, checked (``""`` stands for the default, ``auto``)."""
    mode = (mode or "auto").strip().lower()
    if mode not in RENDER_MODES:
        raise RenderConfigError(f"{where} render={mode!r}: use one of {', '.join(RENDER_MODES)}")
    return mode


def rendered_by(message: Response | scrapy.Request) -> str:
    """The backend that rendered a response, or renders a request (``""``: a plain download)."""
    try:
        return str(message.meta.get(RENDERED) or "")
    except AttributeError:  # a response built outside a crawl has no request, so no meta
        return ""


def render_request(renderer: str, url: str, settings: BaseSettings, **kwargs: Any) -> Any:
    """A request for ``url`` through ``renderer``, in the ``render`` slot (``kwargs``: those of
    ``scrapy.Request``: callback, errback, cb_kwargs, priority, meta...)."""
    wait = settings.getfloat("BLOGTITLES_RENDER_WAIT")
    timeout = settings.getfloat("BLOGTITLES_RENDER_TIMEOUT")
    meta = {**kwargs.pop("meta", {}), RENDERED: renderer, "download_slot": RENDER_SLOT}
    kwargs.setdefault("dont_filter", True)
    if renderer == "splash":
        from blogtitles.compat.splash import splash_request

        extra = settings.getdict("BLOGTITLES_SPLASH_ARGS")
        if proxy := settings.get("BLOGTITLES_RENDER_PROXY"):
            extra.setdefault("proxy", proxy)
        return splash_request(url, wait=wait, timeout=timeout, extra=extra, meta=meta, **kwargs)
    from scrapy_playwright.page import PageMethod

    meta.update(
        playwright=True,
        playwright_page_methods=[PageMethod("wait_for_timeout", wait * 1000)],
        download_timeout=timeout + 5,
    )
    return scrapy.Request(url, meta=meta, **kwargs)


class BrowserGuard:
    """scrapy-playwright's ``PLAYWRIGHT_ABORT_REQUEST`` when the address guard (or the
    loopback-only check) is on: every request Chromium makes (the page, its redirects, images,
    frames, scripts, ``fetch()`` calls) is looked up through the crawl's resolver and aborted when
    its address is refused, or when the lookup fails. Interception does not see the hops of a
    redirect: those, and every connection Chromium makes, go through the guard's own proxy
    (:mod:`blogtitles.guard.proxy`), which connects only to the address it checked."""

    def __init__(self, policy: AddressPolicy, then: Any = None) -> None:
        self.policy = policy
        self.then = then  # the user's own predicate, asked after this one

    async def __call__(self, request: Any) -> bool:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https", "ws", "wss"):
            return False  # data:, blob:, about:: nothing leaves the browser
        host = (parts.hostname or "").lower()
        try:
            address = await address_of(host)
            self.policy.check(host, address, parts.port or 0)
        except Exception as exc:  # noqa: BLE001 - a failed lookup is refused too
            logger.warning("Chromium's request to %s aborted: %s", request.url, exc)
            return True
        return bool(await _maybe_await(self.then(request))) if self.then else False


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class BrowserOrPlainHandler:
    """``DOWNLOAD_HANDLERS`` with Playwright: rendering requests (meta ``playwright``) go to
    scrapy-playwright's handler (Chromium), every other request to the project's
    :class:`~blogtitles.compat.downloader.AiohttpHandler`. (scrapy-playwright's own fallback for the
    others is Scrapy's Twisted handler, not this project's.)"""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

        self.plain = AiohttpHandler(crawler)
        self.browser = ScrapyPlaywrightDownloadHandler(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserOrPlainHandler:
        return cls(crawler)

    async def download_request(self, request: scrapy.Request) -> Response:
        if request.meta.get("playwright"):
            return await self.browser.download_request(request)
        return await self.plain.download_request(request)

    async def close(self) -> None:
        await self.plain.close()
        await self.browser.close()

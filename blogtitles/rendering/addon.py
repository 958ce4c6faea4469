"""The Rendering add-on: what ``BLOGTITLES_RENDERER``'s backend needs, set before the crawl."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.utils.misc import load_object

from blogtitles.addons import set_over
from blogtitles.guard import AddressPolicy
from blogtitles.guard.proxy import free_loopback_port
from blogtitles.rendering.backends import RENDER_SLOT, BrowserGuard, renderer_of

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class Rendering:
    """Add-on: the settings each backend needs, applied when ``BLOGTITLES_RENDERER`` asks.

    Splash: its middlewares (not its sync spider middleware). Playwright: the mixed download
    handler and Chromium's launch options. Both: the ``render`` slot's concurrency.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        renderer = renderer_of(settings)
        if renderer == "none":
            return
        concurrency = settings.getint("BLOGTITLES_RENDER_CONCURRENCY")
        slot = {"concurrency": concurrency, "delay": 0}
        _update_dict(settings, "DOWNLOAD_SLOTS", {RENDER_SLOT: slot}, keep={RENDER_SLOT})
        if renderer == "splash":
            from blogtitles.compat.splash import DOWNLOADER_MIDDLEWARES, FINGERPRINTER

            for path, order in DOWNLOADER_MIDDLEWARES.items():
                settings.setdefault_in_component_priority_dict(
                    "DOWNLOADER_MIDDLEWARES", load_object(path), order
                )
            # Splash arguments count in a request's fingerprint (scrapy-splash's replacement of
            # its SplashAwareDupeFilter; the spiders' requests are dont_filter all the same).
            settings.set("REQUEST_FINGERPRINTER_CLASS", FINGERPRINTER, priority="addon")
            return
        own = "blogtitles.compat.downloader.AiohttpHandler"
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        mixed = {
            scheme: "blogtitles.rendering.backends.BrowserOrPlainHandler"
            for scheme in ("http", "https")
            if handlers.get(scheme) in (None, own)  # a handler of the user's own stays
        }
        _update_dict(settings, "DOWNLOAD_HANDLERS", mixed)
        if policy := AddressPolicy.from_settings(settings):
            # Chromium through the guard's proxy (every connection it makes, redirects too) ...
            port = settings.getint("BLOGTITLES_BROWSER_GUARD_PORT") or free_loopback_port()
            set_over(settings, "BLOGTITLES_BROWSER_GUARD_PORT", port)
            proxy = {"server": f"http://127.0.0.1:{port}"}
            _update_dict(settings, "PLAYWRIGHT_LAUNCH_OPTIONS", {"proxy": proxy})
            # ... and every request a page makes checked as it is made (interception).
            user_own = settings.get("PLAYWRIGHT_ABORT_REQUEST")
            guard = BrowserGuard(policy, load_object(user_own) if user_own else None)
            settings.set("PLAYWRIGHT_ABORT_REQUEST", guard, priority="addon")
        elif proxy := settings.get("BLOGTITLES_RENDER_PROXY"):
            _update_dict(settings, "PLAYWRIGHT_LAUNCH_OPTIONS", {"proxy": {"server": proxy}})
        timeout = settings.getfloat("BLOGTITLES_RENDER_TIMEOUT")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout * 1000, priority="addon")
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 1, priority="addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", concurrency, priority="addon")


def _update_dict(
    settings: BaseSettings, name: str, values: dict[str, Any], keep: set[str] | None = None
) -> None:
    """Update the dict setting ``name`` over the project's settings file (:func:`set_over`);
    keys in ``keep`` that the user set are left alone."""
    current = settings.getdict(name)
    kept = (keep or set()) & set(current)
    current.update({key: value for key, value in values.items() if key not in kept})
    set_over(settings, name, current)

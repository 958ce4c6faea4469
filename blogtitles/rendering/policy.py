"""The rendering layer: the one place that decides how a blog's pages are fetched.

The spider's callbacks never ask whether a page was rendered or should be. They make every request
through :meth:`RenderPolicy.request` and hand every page's final outcome to
:meth:`RenderPolicy.settle`, with what extraction found out about the page (``script_built``: an
empty shell its scripts fill in). The policy then:

- sends a blog's pages through the renderer from the start when its mode is ``always`` (or gives
  its ``needs_javascript`` record when no renderer is configured);
- sends a shell page through the renderer once (mode ``auto``), with the same callback;
- turns a shell that cannot be rendered (no renderer, or mode ``never``) into a
  ``needs_javascript`` record, and a page still empty once rendered into its own error record
  ("..., even rendered by splash").

The blog's mode (``-a render``, or the CSV ``render`` column) travels in each request's meta, so
the callbacks do not carry it. The spider's requests are counted here by kind
(``blogtitles/requests/<kind>``), and rendered pages as they come back
(``blogtitles/rendered/pages``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

import scrapy
from scrapy import signals

from blogtitles import accounting, errors
from blogtitles.items import STATUS_OK, BlogRecord
from blogtitles.rendering.backends import render_request, rendered_by, renderer_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

#: Request meta key: the blog's rendering mode (``auto``, ``always``, ``never``).
MODE: Final = "blogtitles_render_mode"
#: What a page says when it shows nothing, by stage.
NOT_FOUND: Final = {errors.INDEX: "no article link found", errors.ARTICLE: "no title found"}
NO_RENDERER: Final = "no renderer is configured (BLOGTITLES_RENDERER = none)"
#: Kinds of request that may go through the renderer (a feed never does), and their stage.
_RENDERABLE: Final = {"index": errors.INDEX, "article": errors.ARTICLE}

Outcome = scrapy.Request | BlogRecord


class RenderPolicy:
    """Plain or rendered, for every request of the spider; built once per crawl."""

    def __init__(self, crawler: Crawler, default_mode: str = "auto") -> None:
        self.crawler = crawler
        self.settings = crawler.settings
        self.renderer = renderer_of(crawler.settings)  # RenderConfigError when unknown
        self.default_mode = default_mode
        crawler.signals.connect(self._received, signal=signals.response_received)

    def mode(self, via: Response | scrapy.Request | None) -> str:
        """The blog's mode, carried by the request (or response) its next request follows."""
        try:
            return str(via.meta.get(MODE) or self.default_mode) if via else self.default_mode
        except AttributeError:  # a response built outside a crawl has no request, so no meta
            return self.default_mode

    def request(
        self,
        url: str,
        kind: str,
        *,
        via: Response | scrapy.Request | None = None,
        mode: str = "",
        **kwargs: Any,
    ) -> Outcome:
        """The request of a blog's ``kind`` page (``index``, ``feed``, ``article``), in the mode
        ``mode`` or else that of ``via``; ``kwargs``: those of ``scrapy.Request``."""
        mode = mode or self.mode(via)
        meta = {**kwargs.pop("meta", {}), MODE: mode}
        if mode == "always" and kind in _RENDERABLE:
            if self.renderer == "none":
                blog_url = kwargs["cb_kwargs"]["blog_url"]
                why = f"{NO_RENDERER} (render=always)"
                return errors.error_record(
                    blog_url, errors.NEEDS_JAVASCRIPT, _RENDERABLE[kind], why
                )
            self._count(kind)
            return render_request(self.renderer, url, self.settings, meta=meta, **kwargs)
        self._count(kind)
        return scrapy.Request(url, dont_filter=True, meta=meta, **kwargs)

    def settle(
        self, response: Response, outcome: BlogRecord, stage: str, *, script_built: bool
    ) -> Outcome:
        """The page's ``outcome`` as extraction made it, unless the page is a shell its scripts
        fill in: then the page again through the renderer, or the record saying why not."""
        if not script_built:
            return outcome
        if renderer := rendered_by(response):  # rendered, and still a shell: what there is
            if outcome.status == STATUS_OK:
                return outcome
            return replace(outcome, error=f"{outcome.error}, even rendered by {renderer}")
        if self.renderer == "none" or self.mode(response) == "never":
            why = NO_RENDERER if self.renderer == "none" else "rendering is off (render=never)"
            message = f"{NOT_FOUND[stage]}: the page is built by JavaScript; {why}"
            article_url = response.url if stage == errors.ARTICLE else ""
            return errors.error_record(
                outcome.blog_url, errors.NEEDS_JAVASCRIPT, stage, message, article_url
            )
        request = response.request
        assert request is not None
        self._count("rendered_" + ("index" if stage == errors.INDEX else "article"))
        return render_request(
            self.renderer,
            response.url,
            self.settings,
            priority=request.priority,
            callback=request.callback,
            errback=request.errback,
            cb_kwargs=request.cb_kwargs,
            meta={MODE: self.mode(response)},
        )

    def _count(self, kind: str) -> None:
        self.crawler.stats.inc_value(accounting.REQUESTS_PREFIX + kind)

    def _received(self, response: Response, request: scrapy.Request) -> None:
        """A rendered page came back (not an error status: those are recorded as such)."""
        if 200 <= response.status < 300 and rendered_by(request):
            self.crawler.stats.inc_value(accounting.RENDERED_PAGES)

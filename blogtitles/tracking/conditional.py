"""Conditional requests: don't download again what did not change.

For a crawl that keeps state (``-a since=last`` or ``BLOGTITLES_STATE_PATH``), each index page
and feed is asked for with the validators its server gave last time, exactly as received
(``If-None-Match: <ETag>``, ``If-Modified-Since: <Last-Modified>``; a server that sent both
judges by the ETag, so a changed ETag counts as a change even under the same date). A ``304``
gives the blog's last known record with status ``unchanged``, without parsing anything. A page
whose ``Cache-Control: max-age`` (capped by ``BLOGTITLES_MAX_AGE_LIMIT``) has not run out is not
asked for at all. New validators are staged here and kept by the state only if the blog's run
ends in a record (the page was parsed); an error never clears them.

A blog whose index is permanently redirected (301, 308) has the redirect's target staged too:
its health record counts the runs in a row that saw it (:mod:`.health`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.httpcache import parse_cachecontrol
from scrapy.http import Response

from blogtitles import accounting
from blogtitles.items import STATUS_UNCHANGED, BlogRecord, utc_now_iso
from blogtitles.rendering.policy import MODE
from blogtitles.runs.state import IncrementalPipeline, state_path
from blogtitles.tracking.store import StateError, Validators

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler

    from blogtitles.runs.state import BlogState

#: Request meta: ``"index"`` or ``"feed"``, a page that may be asked for conditionally.
CONDITIONAL = "blogtitles_conditional"
#: Request (and response) meta: the blog's last known record, for a ``304``.
LAST_RECORD = "blogtitles_last_record"
#: The flag of a response made here for a page still fresh (nothing was sent).
FRESH_FLAG = "fresh"
_PERMANENT = (301, 308)


def unchanged_record(response: Response) -> BlogRecord:
    """The blog's last known record, given back for a ``304`` (or a page still fresh)."""
    last = dict(response.meta[LAST_RECORD])
    last |= {
        "status": STATUS_UNCHANGED,
        "error": "",
        "found_by": "fresh" if FRESH_FLAG in response.flags else "not_modified",
        "crawled_at": utc_now_iso(),
    }
    fields = BlogRecord.__dataclass_fields__
    return BlogRecord(**{name: str(value) for name, value in last.items() if name in fields})


def fresh_until(headers: Any, now: float, limit: float) -> float:
    """Until when (epoch seconds) a response with these headers is fresh: ``max-age`` less its
    ``Age``, at most ``limit`` seconds; 0 with ``no-store``/``no-cache`` or no ``max-age``."""
    directives = parse_cachecontrol(headers.get(b"Cache-Control") or b"")
    if b"no-store" in directives or b"no-cache" in directives or limit <= 0:
        return 0.0
    try:
        max_age = float(directives.get(b"max-age") or 0)
        age = float(headers.get(b"Age") or 0)
    except ValueError:
        return 0.0
    seconds = min(max_age - max(age, 0.0), limit)
    return now + seconds if seconds > 0 else 0.0


def permanent_target(request: Request) -> str:
    """Where the permanent redirects that started the request's chain led (``""``: none)."""
    urls = request.meta.get("redirect_urls") or []
    reasons = request.meta.get("redirect_reasons") or []
    hops = 0
    for reason in reasons:
        if reason not in _PERMANENT:
            break
        hops += 1
    if not hops:
        return ""
    return urls[hops] if hops < len(urls) else request.url


class ConditionalRequestsMiddleware:
    """Downloader middleware (see the module docstring). On for crawls that keep state, unless
    ``BLOGTITLES_CONDITIONAL_REQUESTS`` is off."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_age_limit = crawler.settings.getfloat("BLOGTITLES_MAX_AGE_LIMIT")
        self.state: BlogState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("BLOGTITLES_CONDITIONAL_REQUESTS"):
            raise NotConfigured("BLOGTITLES_CONDITIONAL_REQUESTS is off")
        if not state_path(crawler):
            raise NotConfigured  # a crawl without state: nothing to compare with, no message
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        """The state the incremental pipeline opened (none when the file was unusable)."""
        pipeline = self.crawler.get_item_pipeline(IncrementalPipeline)
        self.state = pipeline.state if pipeline is not None else None

    def process_request(self, request: Request) -> Response | None:
        if self.state is None or not request.meta.get(CONDITIONAL):
            return None
        try:
            return self._conditional(request)
        except StateError as exc:
            self._lost(exc)
            return None

    def process_response(self, request: Request, response: Response) -> Response:
        if self.state is not None and request.meta.get(CONDITIONAL):
            try:
                self._staged(request, response)
            except StateError as exc:
                self._lost(exc)
        asked = LAST_RECORD in request.meta and FRESH_FLAG not in response.flags
        if response.status == 304 and asked:
            self.stats.inc_value(accounting.NOT_MODIFIED)
        return response

    def _lost(self, exc: Exception) -> None:
        """The state failed mid-run: the rest of the run asks unconditionally (the pipeline
        says so in the log)."""
        self.state = None
        pipeline = self.crawler.get_item_pipeline(IncrementalPipeline)
        if pipeline is not None and pipeline.state is not None:
            pipeline.lost(exc)

    def _conditional(self, request: Request) -> Response | None:
        assert self.state is not None
        if request.meta.get(MODE) == "always":
            return None  # a page for the renderer: it asks its own way
        for header in (b"If-None-Match", b"If-Modified-Since"):  # a redirect's, for its source
            request.headers.pop(header, None)
        validators = self.state.validators(request.url)
        last = self.state.last_record(request.cb_kwargs.get("blog_url", ""))
        if validators is None or last is None:
            return None
        fresh = self.max_age_limit > 0 and validators.fresh_until > time.time()
        if not (fresh or validators.etag or validators.last_modified):
            return None
        request.meta[LAST_RECORD] = last
        handled = request.meta.get("handle_httpstatus_list") or []
        request.meta["handle_httpstatus_list"] = [*handled, 304]  # the spider's to read
        if fresh:
            self.stats.inc_value(accounting.STILL_FRESH)
            return Response(request.url, status=304, request=request, flags=[FRESH_FLAG])
        if validators.etag:
            request.headers[b"If-None-Match"] = validators.etag
        if validators.last_modified:
            request.headers[b"If-Modified-Since"] = validators.last_modified
        self.stats.inc_value(accounting.CONDITIONAL_SENT)
        return None

    def _staged(self, request: Request, response: Response) -> None:
        """A move seen, and the validators of a page read, staged in the state."""
        assert self.state is not None
        if FRESH_FLAG in response.flags:
            return
        blog_url = request.cb_kwargs.get("blog_url", "")
        answered = response.status == 304 or 200 <= response.status < 300
        index = request.meta[CONDITIONAL] == "index"
        if answered and index and (target := permanent_target(request)):
            self.state.stage_move(blog_url, target)
        if not 200 <= response.status < 300:
            return
        etag = (response.headers.get(b"ETag") or b"").decode("latin-1")
        modified = (response.headers.get(b"Last-Modified") or b"").decode("latin-1")
        fresh = fresh_until(response.headers, time.time(), self.max_age_limit)
        if etag or modified or fresh:
            self.state.stage_validators(blog_url, request.url, Validators(etag, modified, fresh))


__all__ = [
    "CONDITIONAL",
    "LAST_RECORD",
    "ConditionalRequestsMiddleware",
    "fresh_until",
    "permanent_target",
    "unchanged_record",
]

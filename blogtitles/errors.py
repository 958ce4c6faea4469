"""Error codes of a record, the mapping from a failed download to one of them, the error record.

Every record whose ``status`` is not ``"ok"`` carries one of these codes, plus ``http_<status>``
for an HTTP error response (``http_404``, ``http_500``...). Failures are told apart by their
exception's type; only Scrapy's own bare ``IgnoreRequest`` (robots.txt, redirect loops, an
inflated body over ``DOWNLOAD_MAXSIZE``) and its ``DownloadCancelledError`` (a body over
``DOWNLOAD_MAXSIZE``) carry nothing but their message, so for those the message is read.
"""

from __future__ import annotations

import json
import re
import ssl
from typing import TYPE_CHECKING, Final

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.web.client import ResponseFailed

from blogtitles.items import BlogRecord

if TYPE_CHECKING:
    from blogtitles.inputs import BlogInput

INVALID_URL: Final = "invalid_url"
INVALID_LIST: Final = "invalid_list"
DNS_ERROR: Final = "dns_error"
CONNECTION_REFUSED: Final = "connection_refused"
TLS_ERROR: Final = "tls_error"
TIMEOUT: Final = "timeout"
CONNECTION_LOST: Final = "connection_lost"
NOT_HTML: Final = "not_html"
TOO_LARGE: Final = "too_large"
ROBOTS_FORBIDDEN: Final = "robots_forbidden"
TOO_MANY_REDIRECTS: Final = "too_many_redirects"
FORBIDDEN_ADDRESS: Final = "forbidden_address"
NO_ARTICLE_LINK: Final = "no_article_link"
NO_TITLE: Final = "no_title"
NEEDS_JAVASCRIPT: Final = "needs_javascript"
RENDERER_UNAVAILABLE: Final = "renderer_unavailable"
RENDER_TIMEOUT: Final = "render_timeout"
RENDER_FAILED: Final = "render_failed"
DOWNLOAD_ERROR: Final = "download_error"
INTERNAL_ERROR: Final = "internal_error"

#: Every fixed code with a one-line meaning (README's table is built from the same words).
ERROR_CODES: Final[dict[str, str]] = {
    INVALID_URL: "the input line is not a usable http(s) URL",
    INVALID_LIST: "the list itself could not be read here (OPML cut short, a broken CSV row); "
    "what it held is lost: the run exits with 1",
    DNS_ERROR: "the host name does not resolve",
    CONNECTION_REFUSED: "nothing listens on the host and port",
    TLS_ERROR: "the TLS handshake failed: with DOWNLOAD_VERIFY_CERTIFICATES on, a certificate "
    "not trusted (BLOGTITLES_TLS_CA_FILE adds a CA) or not for the host; or no common protocol",
    TIMEOUT: "no complete answer within DOWNLOAD_TIMEOUT (after retries)",
    CONNECTION_LOST: "the connection was reset or closed before a full response",
    NOT_HTML: "the page is not HTML (nor a feed, for an index)",
    TOO_LARGE: "the page is larger than DOWNLOAD_MAXSIZE",
    ROBOTS_FORBIDDEN: "robots.txt forbids fetching the page",
    TOO_MANY_REDIRECTS: "more than REDIRECT_MAX_TIMES redirects (a loop)",
    FORBIDDEN_ADDRESS: "the host is a private, loopback or link-local address (SSRF guard)",
    NO_ARTICLE_LINK: "no article link found on the blog's index",
    NO_TITLE: "no title found on the article page",
    NEEDS_JAVASCRIPT: "the page is built by JavaScript, and no renderer is set (or render=never)",
    RENDERER_UNAVAILABLE: "the renderer (Splash, Chromium) could not be reached or started",
    RENDER_TIMEOUT: "the renderer did not finish the page within BLOGTITLES_RENDER_TIMEOUT",
    RENDER_FAILED: "the renderer failed on the page (message says how)",
    DOWNLOAD_ERROR: "another download failure (message says which)",
    INTERNAL_ERROR: "a bug in blogtitles while handling the page (message says which)",
    "http_<status>": "the server answered with that HTTP error status (http_404, http_500...)",
}


#: The stage of a blog an error record names (the start of its ``error`` message).
INDEX: Final = "index page"
FEED: Final = "feed"
ARTICLE: Final = "article page"


class ForbiddenAddress(IgnoreRequest):
    """The address guard refused the request before it was sent (an address in the URL, a
    Splash target, a proxy)."""


class ForbiddenAddressError(OSError):
    """The address a host resolved to is refused where the connection is made (an ``OSError``:
    the HTTP client reports it as a failed lookup, with this as its cause)."""


class NotLoopbackError(ForbiddenAddressError):
    """A loopback-only run (tests, demo, benchmark) was about to leave the machine."""


def caused_by(
    exc: BaseException, kind: type[BaseException], *, deepest: bool = False
) -> BaseException | None:
    """``exc`` or the first exception in its chain of causes that is a ``kind`` (``deepest``:
    the last one)."""
    seen: set[int] = set()
    found: BaseException | None = None
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            if not deepest:
                return current
            found = current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return found


def tls_failure_message(tls: BaseException) -> str:
    """What OpenSSL said of a failed handshake: the certificate's fault, or another."""
    reason = getattr(tls, "reason", None) or str(tls)  # OpenSSL's words, when it gave them
    if isinstance(tls, ssl.SSLCertVerificationError):
        return f"certificate not trusted: {getattr(tls, 'verify_message', None) or reason}"
    return f"TLS handshake failed: {reason}"


def error_record(
    blog_url: str, code: str, stage: str, message: str, article_url: str = ""
) -> BlogRecord:
    """A record for a blog that ended in an error; ``stage`` says index, feed or article."""
    return BlogRecord(
        blog_url=blog_url, article_url=article_url, status=code, error=f"{stage}: {message}"
    )


def invalid_input_record(entry: BlogInput, reason: str = "") -> BlogRecord:
    """The ``invalid_url`` record of a list entry that cannot be crawled (``reason``, else the
    entry's own error), ``blog_url`` the line as written; ``invalid_list`` where the list itself
    could not be read (``blog_url``: where)."""
    code = INVALID_LIST if entry.unreadable else INVALID_URL
    message = f"input {entry.source}: {reason or entry.error}"
    return BlogRecord(blog_url=entry.raw, status=code, error=message)


def http_error_code(status: int) -> str:
    """The code of an HTTP error status: ``http_404``."""
    return f"http_{status}"


def classify_failure(exc: BaseException, renderer: str = "") -> tuple[str, str]:
    """Map the exception of a failed request to ``(code, message)``; of a request that went
    through ``renderer``, with :func:`classify_render_failure`.

    The message is short and human-readable; the stage (index or article) is added by the caller.
    """
    if renderer:
        return classify_render_failure(exc, renderer)
    if isinstance(exc, ForbiddenAddress):
        return FORBIDDEN_ADDRESS, str(exc)
    if refused := caused_by(exc, ForbiddenAddressError):
        return FORBIDDEN_ADDRESS, str(refused)
    if isinstance(exc, HttpError):
        status = exc.response.status
        return http_error_code(status), f"HTTP {status}"
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        text = str(exc)
        return DNS_ERROR, text if "DNS lookup failed" in text else f"DNS lookup failed: {text}"
    if isinstance(exc, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
        # The handler reports a failed TLS handshake as a refused connection; OpenSSL's own
        # error is the deepest cause (aiohttp's wrapper around it is an SSLError too).
        if tls := caused_by(exc, ssl.SSLError, deepest=True):
            return TLS_ERROR, tls_failure_message(tls)
        return CONNECTION_REFUSED, "connection refused"
    if isinstance(exc, DownloadTimeoutError | tx_error.TimeoutError):
        return TIMEOUT, str(exc) or "download timed out"
    if isinstance(exc, DownloadCancelledError) and "max size" in str(exc):
        return TOO_LARGE, str(exc).split(" in request ")[0]
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return ROBOTS_FORBIDDEN, "forbidden by robots.txt"
        if "max redirections" in text:
            return TOO_MANY_REDIRECTS, "too many redirects (redirect loop?)"
        if "DOWNLOAD_MAXSIZE" in text:  # a compressed body that inflates past the limit
            return TOO_LARGE, text.split(" because ", 1)[-1]
        return DOWNLOAD_ERROR, f"request ignored: {text}"
    if isinstance(
        exc,
        DownloadFailedError
        | ResponseDataLossError
        | ResponseFailed
        | tx_error.ConnectionLost
        | tx_error.ConnectionDone,
    ):
        return CONNECTION_LOST, connection_lost_message(exc)
    if isinstance(exc, UnsupportedURLSchemeError):
        return INVALID_URL, f"unsupported URL scheme: {exc}"
    return DOWNLOAD_ERROR, f"{type(exc).__name__}: {exc}".rstrip(": ")


#: Chromium's network errors (``net::ERR_...``) that are the blog's, not the renderer's.
_BROWSER_NET_ERRORS: Final = {
    "ERR_NAME_NOT_RESOLVED": DNS_ERROR,
    "ERR_CONNECTION_REFUSED": CONNECTION_REFUSED,
    "ERR_CONNECTION_RESET": CONNECTION_LOST,
    "ERR_CONNECTION_CLOSED": CONNECTION_LOST,
    "ERR_EMPTY_RESPONSE": CONNECTION_LOST,
    "ERR_TIMED_OUT": TIMEOUT,
    "ERR_TOO_MANY_REDIRECTS": TOO_MANY_REDIRECTS,
}


def classify_render_failure(exc: BaseException, renderer: str) -> tuple[str, str]:
    """Map the exception of a failed *rendered* request (through ``renderer``) to a code.

    A renderer that cannot be reached is ``renderer_unavailable``; one that gives up on time is
    ``render_timeout``; the page's own HTTP errors keep their ``http_<status>``; network errors
    the browser met on the blog's host keep the blog's code (Chromium's ``net::ERR_...``).
    """
    name = type(exc).__name__
    text = str(exc).strip()
    if isinstance(exc, HttpError):
        status = exc.response.status
        if status == 504:
            return RENDER_TIMEOUT, f"{renderer} gave up on the page (HTTP 504)"
        if status == 502:  # Splash could not load the page: the blog's network error
            code, text = _splash_network_error(exc)
            return code, f"{text} (rendered by {renderer})"
        if status == 503:
            return RENDERER_UNAVAILABLE, f"{renderer} is overloaded (HTTP 503)"
        return http_error_code(status), f"HTTP {status} (rendered by {renderer})"
    if isinstance(exc, DownloadTimeoutError | tx_error.TimeoutError) or name == "TimeoutError":
        first = text.splitlines()[0] if text else "render timed out"
        return RENDER_TIMEOUT, f"{renderer}: {first}"
    if isinstance(
        exc,
        DownloadConnectionRefusedError
        | CannotResolveHostError
        | tx_error.ConnectionRefusedError
        | tx_error.DNSLookupError,
    ):
        return RENDERER_UNAVAILABLE, f"{renderer} unreachable: {text or name}"
    for marker, code in _BROWSER_NET_ERRORS.items():
        if f"net::{marker}" in text:
            return code, f"{marker} (rendered by {renderer})"
    if "launch" in text.lower() or "executable" in text.lower():
        return RENDERER_UNAVAILABLE, f"{renderer} could not start: {text.splitlines()[0]}"
    code, message = classify_failure(exc)
    if code in (CONNECTION_LOST, DOWNLOAD_ERROR):
        return RENDER_FAILED, f"{renderer}: {message}"
    return code, message


#: Qt's network error codes in Splash's 502 answers (``QNetworkReply.NetworkError``).
_QT_NETWORK_ERRORS: Final = {
    1: CONNECTION_REFUSED,
    2: CONNECTION_LOST,
    3: DNS_ERROR,
    4: TIMEOUT,
}


def _splash_network_error(exc: HttpError) -> tuple[str, str]:
    """The blog's error behind a Splash 502 (``info.code``, ``info.text``); ``render_failed``
    when Splash does not say."""
    try:
        info = json.loads(exc.response.body).get("info") or {}
    except (ValueError, AttributeError):
        info = {}
    text = str(info.get("text") or "Splash could not render the page (HTTP 502)")
    return _QT_NETWORK_ERRORS.get(info.get("code"), RENDER_FAILED), text


_TWISTED_ERROR_RE = re.compile(r"twisted\.\w+(?:\.\w+)*\.(\w+(?:Error|Lost|Done|Closed))")


def connection_lost_message(exc: BaseException) -> str:
    """``connection lost before a complete response (ConnectionLost)``: the inner Twisted reason
    by name, not the list of Failure objects Twisted prints."""
    reasons = sorted(set(_TWISTED_ERROR_RE.findall(str(exc))))
    detail = f" ({', '.join(reasons)})" if reasons else ""
    return f"connection lost before a complete response{detail}"

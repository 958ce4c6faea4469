"""Error codes of a record, and the mapping from a failed download to one of them.

Every record whose ``status`` is not ``"ok"`` carries one of these codes, plus ``http_<status>``
for an HTTP error response (``http_404``, ``http_500``...).
"""

from __future__ import annotations

import re
from typing import Final

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

INVALID_URL: Final = "invalid_url"
DNS_ERROR: Final = "dns_error"
CONNECTION_REFUSED: Final = "connection_refused"
TIMEOUT: Final = "timeout"
CONNECTION_LOST: Final = "connection_lost"
NOT_HTML: Final = "not_html"
TOO_LARGE: Final = "too_large"
ROBOTS_FORBIDDEN: Final = "robots_forbidden"
TOO_MANY_REDIRECTS: Final = "too_many_redirects"
FORBIDDEN_ADDRESS: Final = "forbidden_address"
NO_ARTICLE_LINK: Final = "no_article_link"
NO_TITLE: Final = "no_title"
DOWNLOAD_ERROR: Final = "download_error"
INTERNAL_ERROR: Final = "internal_error"

#: Every fixed code with a one-line meaning (README's table is built from the same words).
ERROR_CODES: Final[dict[str, str]] = {
    INVALID_URL: "the input line is not a usable http(s) URL",
    DNS_ERROR: "the host name does not resolve",
    CONNECTION_REFUSED: "nothing listens on the host and port",
    TIMEOUT: "no complete answer within DOWNLOAD_TIMEOUT (after retries)",
    CONNECTION_LOST: "the connection was reset or closed before a full response",
    NOT_HTML: "the page is not HTML (nor a feed, for an index)",
    TOO_LARGE: "the page is larger than DOWNLOAD_MAXSIZE",
    ROBOTS_FORBIDDEN: "robots.txt forbids fetching the page",
    TOO_MANY_REDIRECTS: "more than REDIRECT_MAX_TIMES redirects (a loop)",
    FORBIDDEN_ADDRESS: "the host is a private, loopback or link-local address (SSRF guard)",
    NO_ARTICLE_LINK: "no article link found on the blog's index",
    NO_TITLE: "no title found on the article page",
    DOWNLOAD_ERROR: "another download failure (message says which)",
    INTERNAL_ERROR: "a bug in blogtitles while handling the page (message says which)",
    "http_<status>": "the server answered with that HTTP error status (http_404, http_500...)",
}


def http_error_code(status: int) -> str:
    """The code of an HTTP error status: ``http_404``."""
    return f"http_{status}"


def classify_failure(exc: BaseException) -> tuple[str, str]:
    """Map the exception of a failed request to ``(code, message)``.

    The message is short and human-readable; the stage (index or article) is added by the caller.
    """
    if isinstance(exc, HttpError):
        status = exc.response.status
        return http_error_code(status), f"HTTP {status}"
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        text = str(exc)
        return DNS_ERROR, text if "DNS lookup failed" in text else f"DNS lookup failed: {text}"
    if isinstance(exc, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
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
        if "address guard" in text:
            return FORBIDDEN_ADDRESS, text
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


_TWISTED_ERROR_RE = re.compile(r"twisted\.\w+(?:\.\w+)*\.(\w+(?:Error|Lost|Done|Closed))")


def connection_lost_message(exc: BaseException) -> str:
    """``connection lost before a complete response (ConnectionLost)``: the inner Twisted reason
    by name, not the list of Failure objects Twisted prints."""
    reasons = sorted(set(_TWISTED_ERROR_RE.findall(str(exc))))
    detail = f" ({', '.join(reasons)})" if reasons else ""
    return f"connection lost before a complete response{detail}"

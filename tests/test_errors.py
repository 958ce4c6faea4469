"""Failures to error codes."""

from __future__ import annotations

import ssl

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error

from blogtitles.errors import ERROR_CODES, classify_failure


def http_error(status: int) -> HttpError:
    response = HtmlResponse("https://e.test/", status=status, request=Request("https://e.test/"))
    return HttpError(response, "Ignoring non-200 response")


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (http_error(404), "http_404"),
        (http_error(503), "http_503"),
        (CannotResolveHostError("DNS lookup failed: no results for x.test"), "dns_error"),
        (tx_error.DNSLookupError("x.test"), "dns_error"),
        (DownloadConnectionRefusedError("refused"), "connection_refused"),
        (DownloadTimeoutError("took longer than 1 seconds"), "timeout"),
        (tx_error.TimeoutError(), "timeout"),
        (
            DownloadCancelledError(
                "Received 9 bytes which is larger than download max size (8) in request <GET x>"
            ),
            "too_large",
        ),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_forbidden"),
        (IgnoreRequest("max redirections reached"), "too_many_redirects"),
        (
            DownloadFailedError(
                "[<twisted.python.failure.Failure twisted.internet.error.ConnectionLost: gone>]"
            ),
            "connection_lost",
        ),
        (tx_error.ConnectionDone(), "connection_lost"),
        (IgnoreRequest("something else"), "download_error"),
        (ValueError("odd"), "download_error"),
    ],
)
def test_classify(exc: BaseException, code: str) -> None:
    got, message = classify_failure(exc)
    assert got == code
    assert message
    assert got in ERROR_CODES or got.startswith("http_")


def refused_because(cause: BaseException) -> DownloadConnectionRefusedError:
    """What Scrapy's aiohttp handler raises for a connection that failed with ``cause``."""
    exc = DownloadConnectionRefusedError("Cannot connect to host")
    exc.__cause__ = cause
    return exc


def test_a_failed_tls_handshake_is_not_a_refused_connection() -> None:
    untrusted = ssl.SSLCertVerificationError(1, "certificate verify failed")
    untrusted.verify_message = "unable to get local issuer certificate"
    wrapper = ssl.SSLError("Cannot connect to host b.test:443 ssl:True [...]")  # aiohttp's
    wrapper.__cause__ = untrusted
    assert classify_failure(refused_because(wrapper)) == (
        "tls_error",
        "certificate not trusted: unable to get local issuer certificate",
    )
    no_protocol = ssl.SSLError(1, "[SSL: TLSV1_ALERT_PROTOCOL_VERSION] alert")
    no_protocol.reason = "TLSV1_ALERT_PROTOCOL_VERSION"
    assert classify_failure(refused_because(no_protocol)) == (
        "tls_error",
        "TLS handshake failed: TLSV1_ALERT_PROTOCOL_VERSION",
    )
    assert classify_failure(refused_because(ConnectionRefusedError(111, "refused")))[0] == (
        "connection_refused"
    )
    # After the handshake, a TLS error that cuts the body short is a lost connection.
    cut = DownloadFailedError("Response payload is not completed")
    cut.__cause__ = ssl.SSLError(1, "[SSL: DECRYPTION_FAILED_OR_BAD_RECORD_MAC]")
    assert classify_failure(cut)[0] == "connection_lost"


def test_connection_lost_message_names_the_reason() -> None:
    exc = DownloadFailedError(
        "[<twisted.python.failure.Failure twisted.internet.error.ConnectionLost: x>]"
    )
    assert classify_failure(exc)[1] == "connection lost before a complete response (ConnectionLost)"


def test_too_large_message_has_no_request_repr() -> None:
    exc = DownloadCancelledError(
        "Expected to receive 10 bytes which is larger than download max size (8) in request <GET https://e.test/>."
    )
    assert (
        classify_failure(exc)[1]
        == "Expected to receive 10 bytes which is larger than download max size (8)"
    )

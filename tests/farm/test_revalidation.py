"""The farm's side of revalidation (RFC 9110 section 13): validators, and when a 304 is due."""

from __future__ import annotations

from datetime import date

from farm.revalidation import (
    Revalidation,
    etag_of,
    http_date,
    kept_on_304,
    not_modified,
    validators,
)

BODY = b"<html>page</html>"
DAY = date(2026, 11, 29)


def test_validators_of_a_page() -> None:
    headers = validators(BODY, DAY, max_age=60)
    assert headers["ETag"] == etag_of(BODY)
    assert headers["ETag"].startswith('W/"') and headers["ETag"].endswith('"')
    assert headers["Last-Modified"] == "Sun, 29 Nov 2026 00:00:00 GMT" == http_date(DAY)
    assert headers["Cache-Control"] == "max-age=60"
    assert "Cache-Control" not in validators(BODY, DAY)
    assert "Last-Modified" not in validators(BODY, None)
    assert etag_of(b"other") != etag_of(BODY)


def test_if_none_match_decides_before_if_modified_since() -> None:
    headers = validators(BODY, DAY)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert not_modified(headers, etag, None)
    assert not_modified(headers, etag.removeprefix("W/"), None)  # weak comparison
    assert not_modified(headers, f'"other", {etag}', None)
    assert not_modified(headers, "*", None)
    assert not not_modified(headers, '"other"', None)
    # A changed ETag is a change, even with the same date:
    assert not not_modified(headers, '"other"', modified)
    assert not_modified(headers, None, modified)
    assert not_modified(headers, None, "Mon, 30 Nov 2026 00:00:00 GMT")
    assert not not_modified(headers, None, "Sat, 28 Nov 2026 00:00:00 GMT")
    assert not not_modified(headers, None, "not a date")
    assert not not_modified(headers, None, None)


def test_the_304_keeps_validators_and_caching_only() -> None:
    page = {"Content-Type": "text/html", **validators(BODY, DAY, max_age=5)}
    assert set(kept_on_304(page)) == {"ETag", "Last-Modified", "Cache-Control"}


def test_rate_limit_answers_the_next_requests_then_stops() -> None:
    state = Revalidation(limits={"a.test": (2, 30)})
    assert [state.limited("a.test") for _ in range(3)] == [30, 30, None]
    assert state.limited("b.test") is None
    assert state.rate_limited == 2

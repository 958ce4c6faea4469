"""The farm's side of revalidation (RFC 9110 section 13): validators, and when a 304 is due."""

from __future__ import annotations

from datetime import date

from farm.revalidation import (
    Revalidation,
    etag_of,
    http_date,
    not_modified,
    not_modified_reply,
    with_validators,
)
from farm.server import Reply

PAGE = Reply(body=b"<html>page</html>", headers={"Content-Type": "text/html"})
DAY = date(2026, 11, 29)


def test_validators_of_a_page() -> None:
    reply = with_validators(PAGE, DAY, max_age=60)
    assert reply.headers["ETag"] == etag_of(PAGE.body)
    assert reply.headers["ETag"].startswith('W/"') and reply.headers["ETag"].endswith('"')
    assert reply.headers["Last-Modified"] == "Sun, 29 Nov 2026 00:00:00 GMT" == http_date(DAY)
    assert reply.headers["Cache-Control"] == "max-age=60"
    assert with_validators(Reply(status=404, body=b"x"), DAY).headers == {}
    assert etag_of(b"other") != etag_of(PAGE.body)


def test_if_none_match_decides_before_if_modified_since() -> None:
    reply = with_validators(PAGE, DAY)
    etag, modified = reply.headers["ETag"], reply.headers["Last-Modified"]
    assert not_modified(reply, etag, None)
    assert not_modified(reply, etag.removeprefix("W/"), None)  # weak comparison
    assert not_modified(reply, f'"other", {etag}', None)
    assert not_modified(reply, "*", None)
    assert not not_modified(reply, '"other"', None)
    # A changed ETag is a change, even with the same date:
    assert not not_modified(reply, '"other"', modified)
    assert not_modified(reply, None, modified)
    assert not_modified(reply, None, "Mon, 30 Nov 2026 00:00:00 GMT")
    assert not not_modified(reply, None, "Sat, 28 Nov 2026 00:00:00 GMT")
    assert not not_modified(reply, None, "not a date")
    assert not not_modified(reply, None, None)


def test_the_304_keeps_validators_and_drops_the_body() -> None:
    reply = not_modified_reply(with_validators(PAGE, DAY, max_age=5))
    assert (reply.status, reply.body) == (304, b"")
    assert set(reply.headers) == {"ETag", "Last-Modified", "Cache-Control"}


def test_rate_limit_answers_the_next_requests_then_stops() -> None:
    state = Revalidation(limits={"a.test": (2, 30)})
    assert [state.limited("a.test") for _ in range(3)] == [30, 30, None]
    assert state.limited("b.test") is None
    assert state.rate_limited == 2

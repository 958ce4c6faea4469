"""Conditional requests, on a real state file: validators sent exactly as received, kept only
for blogs whose run ended in a record, never cleared by an error; freshness; moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.utils.test import get_crawler

from blogtitles import accounting
from blogtitles.items import BlogRecord
from blogtitles.runs.state import BlogState
from blogtitles.tracking.conditional import (
    CONDITIONAL,
    LAST_RECORD,
    ConditionalRequestsMiddleware,
    fresh_until,
    permanent_target,
    unchanged_record,
)
from blogtitles.tracking.store import Validators

BLOG = "https://blog.example.test/"
ETAG = 'W/"5d41402abc4b2a76"'
MODIFIED = "Sun, 29 Nov 2026 00:00:00 GMT"


def middleware(state: BlogState) -> ConditionalRequestsMiddleware:
    crawler = get_crawler(Spider, {"BLOGTITLES_MAX_AGE_LIMIT": 600})
    crawler.stats.open_spider()
    found = ConditionalRequestsMiddleware(crawler)
    found.state = state
    return found


def index_request(url: str = BLOG) -> Request:
    return Request(url, meta={CONDITIONAL: "index"}, cb_kwargs={"blog_url": BLOG})


def ok_record() -> dict[str, str]:
    record = BlogRecord(BLOG, "Blog", f"{BLOG}post", "A post", "2026-11-28", feed_url="")
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def first_run(path: Path, headers: dict[str, str], status: str = "ok") -> None:
    """A run that read the index (answered with ``headers``) and ended in ``status``."""
    state = BlogState(path)
    response = HtmlResponse(BLOG, headers=headers, body=b"<html></html>")
    middleware(state).process_response(index_request(), response)
    record = ok_record() if status == "ok" else {**ok_record(), "status": status, "error": "x"}
    state.stage_outcome(record)
    state.commit_run()
    state.close()


def test_validators_sent_exactly_as_received(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first_run(path, {"ETag": ETAG, "Last-Modified": MODIFIED})
    state = BlogState(path)
    found = middleware(state)
    request = index_request()
    request.headers["If-None-Match"] = '"stale, from a redirect"'
    assert found.process_request(request) is None
    assert request.headers["If-None-Match"] == ETAG.encode()  # quotes and W/ kept
    assert request.headers["If-Modified-Since"] == MODIFIED.encode()
    assert 304 in request.meta["handle_httpstatus_list"]
    assert request.meta[LAST_RECORD]["title"] == "A post"
    assert found.stats.get_value(accounting.CONDITIONAL_SENT) == 1


def test_a_304_gives_the_last_record_as_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first_run(path, {"ETag": ETAG})
    found = middleware(BlogState(path))
    request = index_request()
    found.process_request(request)
    response = Response(BLOG, status=304, request=request)
    assert found.process_response(request, response) is response
    assert found.stats.get_value(accounting.NOT_MODIFIED) == 1
    record = unchanged_record(response)
    assert (record.status, record.title, record.article_url) == (
        "unchanged",
        "A post",
        f"{BLOG}post",
    )
    assert (record.found_by, record.error) == ("not_modified", "")


def test_validators_are_kept_only_after_a_record_and_never_cleared_by_an_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    first_run(path, {"ETag": ETAG}, status="timeout")
    assert BlogState(path).validators(BLOG) is None  # the page was not parsed into a record
    first_run(path, {"ETag": ETAG})
    assert BlogState(path).validators(BLOG) == Validators(ETAG, "", 0.0)
    first_run(path, {"ETag": 'W/"changed"'}, status="no_article_link")
    assert BlogState(path).validators(BLOG) == Validators(ETAG, "", 0.0)  # kept as it was


def test_a_page_still_fresh_is_not_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first_run(path, {"Cache-Control": "public, max-age=300"})
    found = middleware(BlogState(path))
    request = index_request()
    response = found.process_request(request)
    assert isinstance(response, Response)
    assert (response.status, response.flags) == (304, ["fresh"])
    assert 304 in request.meta["handle_httpstatus_list"]  # the spider gets it
    assert unchanged_record(response).found_by == "fresh"
    assert found.stats.get_value(accounting.STILL_FRESH) == 1


def test_no_validators_no_condition(tmp_path: Path) -> None:
    found = middleware(BlogState(tmp_path / "state.sqlite3"))
    request = index_request()
    assert found.process_request(request) is None
    assert b"If-None-Match" not in request.headers
    article = Request(f"{BLOG}post", cb_kwargs={"blog_url": BLOG})  # never conditional
    assert found.process_request(article) is None


@pytest.mark.parametrize(
    ("cache_control", "age", "expected"),
    [
        ("max-age=60", "", 1060.0),
        ("max-age=60", "10", 1050.0),
        ("public, max-age=100000", "", 1600.0),  # capped by the limit (600 s)
        ("max-age=60, no-cache", "", 0.0),
        ("no-store", "", 0.0),
        ("private", "", 0.0),
        ("max-age=nonsense", "", 0.0),
        ("max-age=60", "120", 0.0),
    ],
)
def test_fresh_until(cache_control: str, age: str, expected: float) -> None:
    headers = Headers({"Cache-Control": cache_control, **({"Age": age} if age else {})})
    assert fresh_until(headers, 1000.0, 600) == expected


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        ([301], "https://new.example.test/"),
        ([308, 301], "https://newer.example.test/"),
        ([301, 302], "https://new.example.test/"),
        ([302, 301], ""),
        ([], ""),
    ],
)
def test_permanent_target(reasons: list[int], expected: str) -> None:
    urls = [BLOG, "https://new.example.test/", "https://newer.example.test/"][: len(reasons) + 1]
    request = Request(urls[-1], meta={"redirect_urls": urls[:-1], "redirect_reasons": reasons})
    assert permanent_target(request) == expected

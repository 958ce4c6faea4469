"""The article's own date, from the places real pages put it (small pages for each)."""

from __future__ import annotations

import json

import pytest

from blogtitles.extract import extract_title

URL = "https://www.example.org/2026/11/post"


def published(head: str, body: str = "<h1>Post</h1>") -> str | None:
    found = extract_title(f"<html><head>{head}</head><body>{body}</body></html>", URL)
    assert found is not None
    return found.published


def ld(node: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(node)}</script>'


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (
            '<meta property="article:published_time" content="2026-11-20T10:00:00+01:00">',
            "2026-11-20T10:00:00+01:00",
        ),
        (
            '<meta property="article:published:time" content="2024-10-23T15:48:15+00:00">',
            "2024-10-23T15:48:15+00:00",
        ),
        ('<meta name="publishdate" content="2024-04-24">', "2024-04-24"),
        ('<meta name="DC.date.issued" content="2023-04-28">', "2023-04-28"),
        # Milliseconds since 1970 (some engines' article:published_time).
        (
            '<meta property="article:published_time" content="1750680000000">',
            "2025-06-23T12:00:00+00:00",
        ),
        # Unreadable metadata does not hide the JSON-LD date behind it.
        (
            '<meta property="article:published_time" content="yesterday">'
            + ld(
                {
                    "@type": "NewsArticle",
                    "headline": "Post",
                    "datePublished": "2025-11-07T11:00:52+0000",
                }
            ),
            "2025-11-07T11:00:52+00:00",
        ),
        # schema.org's subtypes of NewsArticle are articles too.
        (
            ld(
                {
                    "@type": "ReportageNewsArticle",
                    "headline": "Post",
                    "datePublished": "2026-06-05T20:43:49+0000",
                }
            ),
            "2026-06-05T20:43:49+00:00",
        ),
        # A node of another type (a fact check's ClaimReview) when no article says more.
        (
            ld({"@type": "ClaimReview", "datePublished": "2026-05-13 15:44"}),
            "2026-05-13T15:44:00+00:00",
        ),
    ],
)
def test_the_articles_date(head: str, expected: str) -> None:
    assert published(head) == expected


def test_the_articles_time_before_the_pages_first() -> None:
    body = (
        '<aside><time datetime="2020-01-01">Older post</time></aside>'
        '<article><h1>Post</h1><time datetime="2026-11-20">20 November</time></article>'
    )
    assert published("", body) == "2026-11-20"

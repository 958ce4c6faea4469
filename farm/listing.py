"""The farm's blog list (the lines a crawl gets) and the check of a crawl's records against it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from blogtitles.inputs import normalize_blog_url
from farm import engines
from farm.catalog import (
    INVALID_LINES,
    SCRIPTED_KINDS,
    SPECIAL_KINDS,
    UNLISTED_KINDS,
    Blog,
    Expected,
    normal_blogs,
    special_blogs,
)


@dataclass(frozen=True, slots=True)
class Listed:
    """One line of the farm's list, the blog behind it (if any) and the record it must give."""

    line: str
    expected: Expected
    blog: Blog | None = None


def write_listing(path: Path, listing: Iterable[Listed], extra: Iterable[str] = ()) -> Path:
    """Write the list file a crawl reads: each entry's line, then the ``extra`` lines (UTF-8)."""
    lines = [*(listed.line for listed in listing), *extra]
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def listed_url(blog: Blog, port: int, refused_port: int, scheme: str = "http") -> str:
    """The URL a user would list for ``blog`` (``scheme``: ``https`` for a farm on TLS)."""
    if blog.kind == "refused":
        port = refused_port
    path = "/" if blog.kind in ("moved", "landing") else blog.base_path
    if blog.kind == "feed-input":
        path = engines.feed_path(blog)
    if blog.kind == "article-input":
        path = engines.article_path(blog, blog.newest)
    return f"{scheme}://{blog.host}:{port}{path}"


def farm_blogs(count: int, seed: int = 1, blogs_per_host: int = 1) -> list[Blog]:
    """Every blog the farm serves: ``count`` normal ones, then one of each special kind."""
    return [*normal_blogs(count, seed, blogs_per_host), *special_blogs(seed)]


def farm_listing(
    count: int,
    port: int,
    refused_port: int,
    seed: int = 1,
    *,
    specials: bool = True,
    blogs_per_host: int = 1,
    rendered: bool = False,
    scheme: str = "http",
) -> list[Listed]:
    """The list file's lines: normal blogs, special blogs, invalid lines and one duplicate line.

    ``rendered``: what a crawl with a renderer records (the script-built blogs' titles, not
    ``needs_javascript``).
    """
    if specials:
        blogs = [b for b in farm_blogs(count, seed, blogs_per_host) if b.kind not in UNLISTED_KINDS]
    else:
        blogs = list(normal_blogs(count, seed, blogs_per_host))
    listing = [
        listed_blog(blog, port, refused_port, rendered=rendered, scheme=scheme) for blog in blogs
    ]
    if specials:
        listing += [Listed(line, Expected("invalid_url")) for line in INVALID_LINES]
        if count > 1:  # the second blog again, written differently: counted, not crawled twice
            again = listing[1].line.rstrip("/") + "#comments"
            listing.append(Listed(again, Expected("duplicate_input")))
    return listing


def listed_blog(
    blog: Blog, port: int, refused_port: int, *, rendered: bool = False, scheme: str = "http"
) -> Listed:
    """The list line of ``blog`` and the record a crawl must give for it."""
    status = {**SPECIAL_KINDS, **UNLISTED_KINDS}.get(blog.kind, ("ok", ""))[0]
    if rendered and status == "needs_javascript":
        status = "ok"
    title = blog.newest.title if status in ("ok", "duplicate") else ""
    article = engines.article_path(blog, blog.newest)
    line = listed_url(blog, port, refused_port, scheme)
    return Listed(line, Expected(status, title, article), blog)


def scripted_listing(port: int, refused_port: int, seed: int = 1, **kw: bool) -> list[Listed]:
    """The farm's script-built blogs alone (``js-hang`` included), for rendering tests."""
    return [
        listed_blog(blog, port, refused_port, **kw)
        for blog in special_blogs(seed)
        if blog.kind in SCRIPTED_KINDS
    ]


def check_records(records: Iterable[Mapping[str, Any]], listing: list[Listed]) -> list[str]:
    """Compare a crawl's records with what the farm serves; return the problems (none: all right).

    Every listed line must end as exactly one record with the expected status and exact title,
    except: a duplicate input line (no record of its own), and the ``alias`` blog with the blog it
    redirects to (the first one listed), of which exactly one record stays, the other being
    dropped as a duplicate article.
    """
    by_key: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        by_key.setdefault(record["blog_url"], []).append(record)
    problems: list[str] = []
    pair: list[Listed] = [listing[0]] if listing else []
    for listed in listing:
        if listed.expected.status == "duplicate_input":
            continue
        if listed.expected.status == "duplicate":
            pair.append(listed)
            continue
        if listed is listing[0]:
            continue
        found = by_key.pop(record_key(listed), [])
        if len(found) != 1:
            problems.append(f"{listed.line}: {len(found)} records, expected exactly 1")
        else:
            problems += compare(found[0], listed.expected)
    if len(pair) == 2:
        found = [rec for listed in pair for rec in by_key.pop(record_key(listed), [])]
        if len(found) != 1:
            problems.append(f"{pair[0].line} and its alias: {len(found)} records, expected 1")
        else:
            problems += compare(found[0], pair[0].expected)
    elif pair:
        found = by_key.pop(record_key(pair[0]), [])
        if len(found) != 1:
            problems.append(f"{pair[0].line}: {len(found)} records, expected exactly 1")
        else:
            problems += compare(found[0], pair[0].expected)
    problems += [f"{key}: record for a line that is not in the list" for key in by_key]
    return problems


def record_key(listed: Listed) -> str:
    """The ``blog_url`` a record of this line carries: the normalised URL, or the raw line."""
    if listed.expected.status == "invalid_url":
        return listed.line
    return normalize_blog_url(listed.line)


def compare(record: Mapping[str, Any], expected: Expected) -> list[str]:
    """What differs between one record and what was expected of it."""
    where = record["blog_url"]
    if record["status"] != expected.status:
        return [
            f"{where}: status {record['status']!r} ({record['error']}), "
            f"expected {expected.status!r}"
        ]
    problems = []
    if expected.status == "ok":
        if record["title"] != expected.title:
            problems.append(f"{where}: title {record['title']!r}, expected {expected.title!r}")
        if urlsplit(record["article_url"]).path != expected.article_path:
            problems.append(
                f"{where}: article {record['article_url']}, expected …{expected.article_path}"
            )
    elif not record["error"]:
        problems.append(f"{where}: error record without a message")
    return problems


def tally(records: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """Records per status."""
    return Counter(record["status"] for record in records)

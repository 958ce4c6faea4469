"""The corpus of pages built by real blog engines (``farm/sites/<slug>/``).

Each fixture site has ``site/`` (the built pages, as served) and ``expected.json`` (the newest
article's URL, its exact title and date, written by hand from the posts). The farm serves the
sites on loopback (host ``<slug>.fixtures.test``); the tests and ``make accuracy`` check the
extractors against the expected answers.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from blogtitles.extract import analyze_index, extract_title
from blogtitles.extract.feeds import looks_like_feed
from blogtitles.pipelines import clean_title

FIXTURES_DIR = Path(__file__).resolve().parent / "sites"
FIXTURE_DOMAIN = "fixtures.test"


@dataclass(frozen=True)
class FixtureSite:
    """One engine's built site and what a correct extraction answers for it."""

    slug: str
    root: Path
    expected: dict[str, Any]

    @property
    def host(self) -> str:
        return f"{self.slug}.{FIXTURE_DOMAIN}"

    @property
    def index_url(self) -> str:
        return str(self.expected["site_url"])

    @property
    def newest_url(self) -> str:
        return str(self.expected["newest"]["url"])

    @property
    def title(self) -> str:
        """The title as the pages show it (WordPress texturizes " - " into " – ")."""
        newest = self.expected["newest"]
        return str(newest.get("displayed_title") or newest["title"])

    @property
    def published(self) -> str:
        return str(self.expected["newest"].get("published", ""))

    def read(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    @cached_property
    def index_page(self) -> str:
        return self.read(self.expected["index_path"])

    @cached_property
    def article_page(self) -> str:
        return self.read(self.expected["newest"]["path"])

    def feeds(self) -> list[str]:
        return [path for path in self.expected.get("feed_paths", []) if (self.root / path).exists()]

    def file_for(self, path: str) -> Path | None:
        """The file the site serves at URL path ``path`` (``/x/`` -> ``x/index.html``)."""
        site = self.root / "site"
        for candidate in (path, unquote(path)):
            relative = candidate.lstrip("/")
            options = [relative] if relative and not relative.endswith("/") else []
            options += [f"{relative}index.html", f"{relative}index.xml"]
            if relative and not relative.endswith("/"):
                options.append(f"{relative}.html")
            for option in options:
                file = site / option
                if file.is_file() and site in file.resolve().parents:
                    return file
        return None

    def is_directory(self, path: str) -> bool:
        """A folder with an index page, asked for without its trailing slash."""
        folder = self.root / "site" / unquote(path).strip("/")
        return not path.endswith("/") and (folder / "index.html").is_file()


def load_fixture_sites(root: Path = FIXTURES_DIR) -> list[FixtureSite]:
    """Every fixture site with an ``expected.json``, by slug."""
    sites = []
    for expected in sorted(root.glob("*/expected.json")):
        data = json.loads(expected.read_text(encoding="utf-8"))
        sites.append(FixtureSite(expected.parent.name, expected.parent, data))
    return sites


@dataclass(frozen=True)
class Evaluation:
    """How the extractors did on one fixture site."""

    site: FixtureSite
    link: str
    found_by: str
    title: str
    published: str
    feed_link: str
    index_ms: float
    article_ms: float

    @property
    def link_ok(self) -> bool:
        return same_url(self.link, self.site.newest_url)

    @property
    def title_ok(self) -> bool:
        return self.title == self.site.title

    @property
    def published_ok(self) -> bool:
        return self.published[:10] == self.site.published

    @property
    def feed_ok(self) -> bool | None:
        return same_url(self.feed_link, self.site.newest_url) if self.site.feeds() else None


def same_url(found: str, expected: str) -> bool:
    """The same page: equal URLs up to percent-encoding, ``index.html`` and a trailing slash
    (web servers redirect ``/post`` to ``/post/`` and serve ``/post/index.html`` as ``/post/``)."""
    a, b = urlsplit(found), urlsplit(expected)
    path_a = unquote(a.path).removesuffix("index.html").rstrip("/")
    path_b = unquote(b.path).removesuffix("index.html").rstrip("/")
    return (a.hostname, path_a, a.query) == (b.hostname, path_b, b.query)


def evaluate(site: FixtureSite, repeat: int = 20) -> Evaluation:
    """Run the pure extractors on the site's pages (timing ``repeat`` runs of each)."""
    started = time.process_time()
    for _ in range(repeat):
        page = analyze_index(site.index_page, site.index_url)
    index_ms = (time.process_time() - started) * 1000 / repeat
    started = time.process_time()
    for _ in range(repeat):
        title = extract_title(site.article_page, site.newest_url)
    article_ms = (time.process_time() - started) * 1000 / repeat
    feed_link = ""
    for path in site.feeds():
        text = site.read(path)
        if looks_like_feed(text):
            link = analyze_index(text, site.index_url).link
            feed_link = link.url if link else ""
            break
    return Evaluation(
        site=site,
        link=page.link.url if page.link else "",
        found_by=page.link.found_by if page.link else "",
        title=clean_title(title.text) if title else "",
        published=(title.published if title else None)
        or (page.link.published if page.link else None)
        or "",
        feed_link=feed_link,
        index_ms=index_ms,
        article_ms=article_ms,
    )

"""Incremental runs: the newest article seen per blog, kept in SQLite between crawls.

A run reports only blogs whose newest article changed since the last *successful* run (error
records always pass). What a run sees is staged under its own run id and moved into the state in
one transaction when the crawl finishes with its summary adding up; a crawl that is killed or
interrupted never touches the state, so the next run reports its blogs again. WAL mode and a busy
timeout let two crawls share one state file.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from w3lib.url import canonicalize_url

from blogtitles import accounting
from blogtitles.items import STATUS_OK, utc_now_iso

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    blog_url TEXT PRIMARY KEY, article_url TEXT NOT NULL, title TEXT, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
    run_id TEXT NOT NULL, blog_url TEXT NOT NULL, article_url TEXT NOT NULL, title TEXT,
    PRIMARY KEY (run_id, blog_url)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL
);
"""


class BlogState:
    """The SQLite state file: what each blog's newest article was, and the runs that wrote it."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._set_up()
        self.run_id = uuid.uuid4().hex
        self.db.execute(
            "INSERT INTO runs (run_id, started_at, status) VALUES (?, ?, 'running')",
            (self.run_id, utc_now_iso()),
        )

    def _set_up(self) -> None:
        """WAL mode and the tables. Two crawls opening a new file at once can find it locked
        here without SQLite's busy timeout applying (switching to WAL), so this retries."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(_SCHEMA)
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def newest(self, blog_url: str) -> str | None:
        row = self.db.execute(
            "SELECT article_url FROM seen WHERE blog_url = ?", (blog_url,)
        ).fetchone()
        return row[0] if row else None

    def stage(self, blog_url: str, article_url: str, title: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?)",
            (self.run_id, blog_url, article_url, title),
        )

    def commit_run(self) -> int:
        """Move this run's staged articles into the state, atomically; how many blogs changed."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            count = self.db.execute(
                "INSERT OR REPLACE INTO seen SELECT blog_url, article_url, title, ? FROM pending"
                " WHERE run_id = ?",
                (utc_now_iso(), self.run_id),
            ).rowcount
            self._end(status="finished")
        return count

    def abandon_run(self, status: str) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self._end(status)

    def _end(self, status: str) -> None:
        self.db.execute("DELETE FROM pending WHERE run_id = ?", (self.run_id,))
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?",
            (utc_now_iso(), status, self.run_id),
        )
        # Staged rows of runs that were killed before they could clean up.
        self.db.execute(
            "DELETE FROM pending"
            " WHERE run_id IN (SELECT run_id FROM runs WHERE status != 'running')"
        )

    def close(self) -> None:
        self.db.close()


class IncrementalPipeline:
    """Drop ``ok`` records whose article is the one the last successful run reported.

    On with ``-a since=last`` or ``BLOGTITLES_STATE_PATH``; the state file is
    ``BLOGTITLES_STATE_PATH``, else ``BLOGTITLES_SINCE_LAST_STATE_PATH``.
    """

    def __init__(self, path: str, stats: StatsCollector) -> None:
        self.path = path
        self.stats = stats
        self.state: BlogState | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("BLOGTITLES_STATE_PATH") or ""
        since = getattr(crawler.spider, "since", None) if crawler.spider else None
        if not path and since != "last":
            raise NotConfigured  # off by default: no message, so no warning on every run
        pipeline = cls(
            path or crawler.settings.get("BLOGTITLES_SINCE_LAST_STATE_PATH"), crawler.stats
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        self.state = BlogState(self.path)
        logger.info("Incremental run: state %s (run %s)", self.path, self.state.run_id)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if adapter["status"] != STATUS_OK or self.state is None:
            return item
        article = canonicalize_url(adapter["article_url"])
        if self.state.newest(adapter["blog_url"]) == article:
            self.stats.inc_value(accounting.DROPPED_UNCHANGED)
            raise DropItem(
                f"Unchanged since the last run: {adapter['blog_url']}", log_level="DEBUG"
            )
        self.state.stage(adapter["blog_url"], article, adapter["title"])
        return item

    def spider_closed(self, reason: str) -> None:
        if self.state is None:
            return
        summary = accounting.Summary.from_stats(self.stats.get_stats())
        if reason == "finished" and summary.balanced:
            changed = self.state.commit_run()
            logger.info("Incremental state updated: %d blogs with a new article", changed)
        else:
            self.state.abandon_run(reason)
            logger.warning(
                "Run not finished cleanly (%s): incremental state left as it was", reason
            )
        self.state.close()

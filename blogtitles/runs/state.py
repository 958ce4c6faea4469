"""Incremental runs: what a crawl keeps about each blog between runs, in SQLite.

- the newest article seen per blog: a run reports only blogs whose newest article changed since
  the last *successful* run (error records always pass);
- the blog's last ``ok`` record, given back as ``unchanged`` when its index answers ``304``;
- each page's validators (``ETag``, ``Last-Modified``, ``Cache-Control`` freshness), sent on the
  next run (:mod:`blogtitles.tracking.conditional`);
- each blog's health record across runs (:mod:`blogtitles.tracking.health`).

What a run sees is staged under its own run id and moved into the state in one transaction when
the crawl finishes with its summary adding up; a crawl that is killed or interrupted never
touches the state, so the next run reports its blogs again. Validators are kept only for blogs
whose run ended in a record (``ok`` or ``unchanged``: the page was read), and never cleared by an
error. WAL mode and a busy timeout let two crawls share one state file. A state file that is not
a usable database is a one-line error: the run goes on and reports everything, keeping nothing.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import astuple
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from w3lib.url import canonicalize_url

from blogtitles import accounting
from blogtitles.distributed.addon import is_distributed
from blogtitles.items import ARTICLE_STATUSES, STATUS_OK, STATUS_UNCHANGED, utc_now_iso
from blogtitles.tracking.health import Health, Outcome, next_health, updated_health
from blogtitles.tracking.store import StateError, Validators, raising_state_error

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_COUNTS = ("runs", "consecutive_failures", "redirect_runs")
_HEALTH_COLUMNS = ", ".join(
    f"{name} {'INTEGER' if name in _COUNTS else 'TEXT'}" for name in Health.columns()
)
_SCHEMA = f"""
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
CREATE TABLE IF NOT EXISTS last_record (blog_url TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS validators (
    url TEXT PRIMARY KEY, blog_url TEXT NOT NULL, etag TEXT, last_modified TEXT,
    fresh_until REAL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_validators (
    run_id TEXT NOT NULL, url TEXT NOT NULL, blog_url TEXT NOT NULL, etag TEXT,
    last_modified TEXT, fresh_until REAL, PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS pending_outcomes (
    run_id TEXT NOT NULL, blog_url TEXT NOT NULL, status TEXT NOT NULL, article_url TEXT,
    published TEXT, error TEXT, record TEXT, PRIMARY KEY (run_id, blog_url)
);
CREATE TABLE IF NOT EXISTS pending_moves (
    run_id TEXT NOT NULL, blog_url TEXT NOT NULL, target TEXT NOT NULL,
    PRIMARY KEY (run_id, blog_url)
);
CREATE TABLE IF NOT EXISTS health ({_HEALTH_COLUMNS}, PRIMARY KEY (blog_url));
"""
_PENDING_TABLES = ("pending", "pending_validators", "pending_outcomes", "pending_moves")


_sqlite_errors = raising_state_error(sqlite3.Error, what="state file")


class BlogState:
    """The SQLite state file: each blog's newest article, last record, validators and health,
    and the runs that wrote them."""

    def __init__(self, path: str | Path) -> None:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self._set_up()
            self.run_id = uuid.uuid4().hex
            self.db.execute(
                "INSERT INTO runs (run_id, started_at, status) VALUES (?, ?, 'running')",
                (self.run_id, utc_now_iso()),
            )
        except (sqlite3.Error, OSError) as exc:
            raise StateError(f"{path}: {exc}") from exc

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

    # -- what earlier runs left -----------------------------------------------------------

    @_sqlite_errors
    def newest(self, blog_url: str) -> str | None:
        row = self.db.execute(
            "SELECT article_url FROM seen WHERE blog_url = ?", (blog_url,)
        ).fetchone()
        return row[0] if row else None

    @_sqlite_errors
    def last_record(self, blog_url: str) -> dict[str, Any] | None:
        """The blog's last ``ok`` record, as its fields."""
        row = self.db.execute(
            "SELECT record FROM last_record WHERE blog_url = ?", (blog_url,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    @_sqlite_errors
    def validators(self, url: str) -> Validators | None:
        row = self.db.execute(
            "SELECT etag, last_modified, fresh_until FROM validators WHERE url = ?", (url,)
        ).fetchone()
        return Validators(row[0] or "", row[1] or "", row[2] or 0.0) if row else None

    @_sqlite_errors
    def health(self, blog_urls: Iterable[str] | None = None) -> dict[str, Health]:
        """The health records (of ``blog_urls``, else of every blog), by blog URL."""
        known = _health_of(self.db)
        if blog_urls is None:
            return known
        return {blog: known[blog] for blog in blog_urls if blog in known}

    # -- what this run saw (staged) -------------------------------------------------------

    @_sqlite_errors
    def stage(self, blog_url: str, article_url: str, title: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?)",
            (self.run_id, blog_url, article_url, title),
        )

    @_sqlite_errors
    def stage_outcome(self, record: dict[str, Any]) -> None:
        """The blog's record of this run (its ``ok`` record is kept as the last known one)."""
        status = record["status"]
        self.db.execute(
            "INSERT OR REPLACE INTO pending_outcomes VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.run_id, record["blog_url"], status, record["article_url"],
                record["published"], record["error"],
                json.dumps(record, ensure_ascii=False) if status == STATUS_OK else None,
            ),
        )  # fmt: skip

    @_sqlite_errors
    def stage_validators(self, blog_url: str, url: str, validators: Validators) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pending_validators VALUES (?, ?, ?, ?, ?, ?)",
            (self.run_id, url, blog_url, *validators),
        )

    @_sqlite_errors
    def stage_move(self, blog_url: str, target: str) -> None:
        """This run found the blog's index permanently redirected to ``target``."""
        self.db.execute(
            "INSERT OR REPLACE INTO pending_moves VALUES (?, ?, ?)",
            (self.run_id, blog_url, target),
        )

    # -- the end of the run ---------------------------------------------------------------

    @_sqlite_errors
    def commit_run(self) -> int:
        """Move this run's staged articles, records, validators and health into the state,
        atomically; how many blogs changed."""
        now, run = utc_now_iso(), self.run_id
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            count = self.db.execute(
                "INSERT OR REPLACE INTO seen SELECT blog_url, article_url, title, ? FROM pending"
                " WHERE run_id = ?",
                (now, run),
            ).rowcount
            self.db.execute(
                "INSERT OR REPLACE INTO last_record SELECT blog_url, record"
                " FROM pending_outcomes WHERE run_id = ? AND record IS NOT NULL",
                (run,),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO validators"
                " SELECT v.url, v.blog_url, v.etag, v.last_modified, v.fresh_until, ?"
                " FROM pending_validators v JOIN pending_outcomes o"
                " ON o.run_id = v.run_id AND o.blog_url = v.blog_url"
                f" WHERE v.run_id = ? AND o.status IN ({', '.join('?' * len(ARTICLE_STATUSES))})",
                (now, run, *ARTICLE_STATUSES),
            )
            self._update_health(now)
            self._end(status="finished")
        return count

    def _update_health(self, now: str) -> None:
        moves = dict(
            self.db.execute(
                "SELECT blog_url, target FROM pending_moves WHERE run_id = ?", (self.run_id,)
            ).fetchall()
        )
        columns = ("blog_url", "status", "article_url", "published", "error")
        records = [
            dict(zip(columns, row, strict=True))
            for row in self.db.execute(
                f"SELECT {', '.join(columns)} FROM pending_outcomes WHERE run_id = ?",
                (self.run_id,),
            ).fetchall()
        ]
        known = self.health(record["blog_url"] for record in records)
        names = Health.columns()
        self.db.executemany(
            f"INSERT OR REPLACE INTO health ({', '.join(names)})"
            f" VALUES ({', '.join('?' * len(names))})",
            [astuple(health) for health in updated_health(known, records, moves, now)],
        )

    @_sqlite_errors
    def abandon_run(self, status: str) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self._end(status)

    def _end(self, status: str) -> None:
        for table in _PENDING_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE run_id = ?", (self.run_id,))
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?",
            (utc_now_iso(), status, self.run_id),
        )
        # Staged rows of runs that were killed before they could clean up.
        for table in _PENDING_TABLES:
            self.db.execute(
                f"DELETE FROM {table}"
                " WHERE run_id IN (SELECT run_id FROM runs WHERE status != 'running')"
            )

    @_sqlite_errors
    def close(self) -> None:
        self.db.close()


def open_redis_state(settings: BaseSettings, name: str) -> Any:
    """The state distributed workers keep in the job's Redis (imported only then: a plain crawl
    never imports ``redis``)."""
    from blogtitles.distributed.state import RedisBlogState

    return RedisBlogState.connect(settings, name)


def state_path(crawler: Crawler) -> str:
    """The state file a crawl keeps, or ``""`` when it keeps none."""
    path = crawler.settings.get("BLOGTITLES_STATE_PATH") or ""
    since = getattr(crawler.spider, "since", None) if crawler.spider else None
    if not path and since != "last":
        return ""
    return path or crawler.settings.get("BLOGTITLES_SINCE_LAST_STATE_PATH")


@_sqlite_errors
def read_health(path: str | Path) -> dict[str, Health]:
    """Every health record of the state file at ``path``, read-only, by blog URL (a
    :class:`StateError` when there is no such usable file)."""
    if not Path(path).is_file():
        raise StateError(f"no state file at {path}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _health_of(db)
    finally:
        db.close()


def _health_of(db: sqlite3.Connection) -> dict[str, Health]:
    """The health records of the state ``db``, by blog URL, in URL order."""
    columns = ", ".join(Health.columns())
    rows = db.execute(f"SELECT {columns} FROM health ORDER BY blog_url").fetchall()
    return {row[0]: Health(*row) for row in rows}


def failure_counts_of(crawler: Crawler) -> Callable[[list[Any]], dict[str, int]] | None:
    """For the readable outputs: how many runs in a row each blog has failed, this run
    counted, from the state (``None`` when the crawl keeps none)."""
    path = state_path(crawler)
    if not path:
        return None

    def known() -> dict[str, Health]:
        if is_distributed(crawler.settings):
            return open_redis_state(crawler.settings, crawler.spidercls.name or "blogs").health()
        return read_health(path)

    def counts(rows: list[Any]) -> dict[str, int]:
        try:
            before = known()
        except StateError:
            before = {}
        now = utc_now_iso()
        return {
            row.blog_url: next_health(
                before.get(row.blog_url), Outcome(row.blog_url, row.status), now
            ).consecutive_failures
            for row in rows
        }

    return counts


class IncrementalPipeline:
    """Keep the run's outcomes in the state; drop ``ok`` records whose article is the one the
    last successful run reported, and ``unchanged`` ones (counted in the summary either way).

    On with ``-a since=last`` or ``BLOGTITLES_STATE_PATH``; the state file is
    ``BLOGTITLES_STATE_PATH``, else ``BLOGTITLES_SINCE_LAST_STATE_PATH``. The state it opens is
    the one :class:`blogtitles.tracking.conditional.ConditionalRequestsMiddleware` reads.
    """

    def __init__(
        self, path: str, stats: StatsCollector, opener: Callable[[], Any] | None = None
    ) -> None:
        self.path = path
        self.stats = stats
        self.state: Any = None  # a BlogState, or distributed.state.RedisBlogState
        self._open = opener or (lambda: BlogState(self.path))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = state_path(crawler)
        if not path:
            raise NotConfigured  # off by default: no message, so no warning on every run
        if is_distributed(crawler.settings):  # the workers share the state in Redis
            name = crawler.spidercls.name or "blogs"
            where = f"{crawler.settings.get('BLOGTITLES_REDIS_URL')} ({name}:state:*)"
            pipeline = cls(where, crawler.stats, lambda: open_redis_state(crawler.settings, name))
        else:
            pipeline = cls(path, crawler.stats)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        try:
            self.state = self._open()
        except StateError as exc:
            self.stats.set_value(accounting.STATE_UNUSABLE, 1)
            logger.error(
                "State file unusable, this run keeps no state and reports every blog: %s", exc
            )
            return
        logger.info("Incremental run: state %s (run %s)", self.path, self.state.run_id)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if self.state is None:
            return item
        try:
            return self._process(adapter, item)
        except StateError as exc:
            self.lost(exc)
            return item

    def lost(self, exc: Exception) -> None:
        """The state failed mid-run (Redis went away, the disk filled): the rest of the run
        keeps none, and reports every blog; the state stays as the last good run left it."""
        logger.error("State lost, the rest of this run keeps none and reports every blog: %s", exc)
        self.stats.set_value(accounting.STATE_UNUSABLE, 1)
        self.state = None

    def _process(self, adapter: ItemAdapter, item: Any) -> Any:
        assert self.state is not None
        self.state.stage_outcome(adapter.asdict())
        status = adapter["status"]
        if status == STATUS_UNCHANGED:
            self.stats.inc_value(accounting.DROPPED_UNCHANGED)
            raise DropItem(
                f"Not modified since the last run: {adapter['blog_url']}", log_level="DEBUG"
            )
        if status != STATUS_OK:
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
        try:
            if reason == "finished" and summary.balanced:
                changed = self.state.commit_run()
                logger.info("Incremental state updated: %d blogs with a new article", changed)
            else:
                self.state.abandon_run(reason)
                logger.warning(
                    "Run not finished cleanly (%s): incremental state left as it was", reason
                )
            self.state.close()
        except StateError as exc:
            logger.error("State not updated, left as the last good run wrote it: %s", exc)

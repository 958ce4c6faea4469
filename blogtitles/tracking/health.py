"""A blog's health record across runs, and how one run's outcome changes it (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from blogtitles.items import ARTICLE_STATUSES, as_datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run found for a blog: its record's status and article, and where a permanent
    redirect of its index led (``""``: none)."""

    blog_url: str
    status: str
    article_url: str = ""
    published: str = ""
    error: str = ""
    moved_to: str = ""

    @property
    def success(self) -> bool:
        return self.status in ARTICLE_STATUSES


@dataclass(frozen=True, slots=True)
class Health:
    """One blog's record across the runs that kept state (times are ISO-8601, UTC)."""

    blog_url: str
    first_seen: str
    runs: int = 0
    last_success: str = ""
    #: When the newest article last changed (the first run that saw it).
    last_change: str = ""
    newest_article: str = ""
    newest_published: str = ""
    consecutive_failures: int = 0
    #: The first failure of the current streak (``""`` when the last run succeeded).
    failing_since: str = ""
    last_error: str = ""
    last_error_message: str = ""
    #: Runs in a row whose index was permanently redirected to ``redirect_target``.
    redirect_runs: int = 0
    redirect_target: str = ""
    updated_at: str = ""

    @classmethod
    def columns(cls) -> list[str]:
        return [field.name for field in fields(cls)]


def next_health(previous: Health | None, outcome: Outcome, now: str) -> Health:
    """The health record after a run whose outcome for the blog is ``outcome``."""
    health = previous or Health(outcome.blog_url, first_seen=now)
    health = replace(health, runs=health.runs + 1, updated_at=now)
    if outcome.moved_to:
        same = outcome.moved_to == health.redirect_target
        health = replace(
            health,
            redirect_runs=health.redirect_runs + 1 if same else 1,
            redirect_target=outcome.moved_to,
        )
    else:
        health = replace(health, redirect_runs=0, redirect_target="")
    if not outcome.success:
        return replace(
            health,
            consecutive_failures=health.consecutive_failures + 1,
            failing_since=health.failing_since or now,
            last_error=outcome.status,
            last_error_message=outcome.error,
        )
    health = replace(health, last_success=now, consecutive_failures=0, failing_since="")
    if outcome.article_url and outcome.article_url != health.newest_article:
        health = replace(health, newest_article=outcome.article_url, last_change=now)
    if outcome.published:
        health = replace(health, newest_published=outcome.published)
    return health


def updated_health(
    known: dict[str, Health],
    records: Iterable[dict[str, Any]],
    moves: dict[str, str],
    now: str,
) -> list[Health]:
    """The health records after a run that made ``records`` and saw the permanent redirects
    ``moves`` (blog -> target); ``known``: the records before it, by blog."""
    return [
        next_health(
            known.get(record["blog_url"]),
            Outcome(
                record["blog_url"],
                record["status"],
                record.get("article_url") or "",
                record.get("published") or "",
                record.get("error") or "",
                moves.get(record["blog_url"], ""),
            ),
            now,
        )
        for record in records
    ]


@dataclass(frozen=True, slots=True)
class Attention:
    """Thresholds of ``scrapy report``: what makes a blog need attention."""

    failing_runs: int = 3
    silent_days: int = 180
    moved_runs: int = 2


def needs_attention(health: Health, now: datetime, limits: Attention) -> list[str]:
    """Why ``health``'s blog needs attention (empty: it does not)."""
    reasons = []
    if health.consecutive_failures >= limits.failing_runs:
        reasons.append(
            f"failing for {health.consecutive_failures} runs since {health.failing_since[:10]}"
            f" ({health.last_error}: {health.last_error_message})"
        )
    if health.redirect_runs >= limits.moved_runs:
        reasons.append(
            f"moved: redirected permanently to {health.redirect_target} "
            f"for {health.redirect_runs} runs"
        )
    newest = as_datetime(health.newest_published) or as_datetime(health.last_change)
    if newest is not None and now - newest > timedelta(days=limits.silent_days):
        reasons.append(f"silent: newest post {(now - newest).days} days old")
    return reasons

"""A blog's health record: how each run's outcome moves it, and what the report flags."""

from __future__ import annotations

from datetime import UTC, datetime

from blogtitles.tracking.health import Attention, Health, Outcome, needs_attention, next_health

BLOG = "https://blog.example.test/"


def run(previous: Health | None, status: str, when: str, **found: str) -> Health:
    return next_health(previous, Outcome(BLOG, status, **found), when)


def test_first_success_then_a_change_then_the_same_article() -> None:
    first = run(
        None, "ok", "2026-11-01T06:00:00+00:00", article_url=f"{BLOG}a", published="2026-10-30"
    )
    assert (first.first_seen, first.runs, first.last_success) == (
        "2026-11-01T06:00:00+00:00", 1, "2026-11-01T06:00:00+00:00",
    )  # fmt: skip
    assert (first.newest_article, first.last_change) == (f"{BLOG}a", "2026-11-01T06:00:00+00:00")
    same = run(first, "unchanged", "2026-11-02T06:00:00+00:00", article_url=f"{BLOG}a")
    assert same.last_change == first.last_change  # the same article: no change
    assert same.last_success == "2026-11-02T06:00:00+00:00"
    assert same.newest_published == "2026-10-30"
    new = run(same, "ok", "2026-11-03T06:00:00+00:00", article_url=f"{BLOG}b")
    assert (new.newest_article, new.last_change, new.runs) == (
        f"{BLOG}b", "2026-11-03T06:00:00+00:00", 3,
    )  # fmt: skip


def test_failures_count_in_a_row_and_a_success_ends_the_streak() -> None:
    health = run(None, "ok", "2026-11-01", article_url=f"{BLOG}a")
    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        health = run(health, "timeout", day, error="index page: no answer")
    assert (health.consecutive_failures, health.failing_since) == (3, "2026-11-02")
    assert (health.last_error, health.last_error_message) == ("timeout", "index page: no answer")
    assert health.last_success == "2026-11-01"  # kept through the failures
    assert health.newest_article == f"{BLOG}a"
    health = run(health, "ok", "2026-11-05", article_url=f"{BLOG}a")
    assert (health.consecutive_failures, health.failing_since) == (0, "")
    assert health.last_error == "timeout"  # the last error is kept, for the record


def test_permanent_redirects_count_runs_in_a_row_to_one_target() -> None:
    health = run(None, "ok", "d1", moved_to="https://new.example.test/")
    health = run(health, "ok", "d2", moved_to="https://new.example.test/")
    assert (health.redirect_runs, health.redirect_target) == (2, "https://new.example.test/")
    health = run(health, "ok", "d3", moved_to="https://newer.example.test/")
    assert health.redirect_runs == 1  # another target: counting starts again
    health = run(health, "ok", "d4")
    assert (health.redirect_runs, health.redirect_target) == (0, "")


def test_needs_attention() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    limits = Attention(failing_runs=3, silent_days=30, moved_runs=2)
    fine = Health(BLOG, "2026-01-01", runs=5, newest_published="2026-11-20")
    assert needs_attention(fine, now, limits) == []
    failing = Health(
        BLOG, "2026-01-01", consecutive_failures=3, failing_since="2026-11-28T06:00:00+00:00",
        last_error="dns_error", last_error_message="index page: no such host",
    )  # fmt: skip
    assert needs_attention(failing, now, limits) == [
        "failing for 3 runs since 2026-11-28 (dns_error: index page: no such host)"
    ]
    moved = Health(BLOG, "2026-01-01", redirect_runs=2, redirect_target="https://n.test/")
    assert needs_attention(moved, now, limits) == [
        "moved: redirected permanently to https://n.test/ for 2 runs"
    ]
    silent = Health(BLOG, "2026-01-01", newest_published="2026-09-01")
    assert needs_attention(silent, now, limits) == ["silent: newest post 91 days old"]
    undated = Health(BLOG, "2026-01-01", last_change="2026-10-01T00:00:00+00:00")
    assert needs_attention(undated, now, limits) == ["silent: newest post 61 days old"]

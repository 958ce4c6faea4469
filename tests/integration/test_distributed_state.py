"""Distributed workers keep the incremental state in Redis (validators, last records, health):
the state's rules on a real Redis, and two runs of real workers on the farm, the second asking
conditionally."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from redis import Redis
from scrapy import Spider
from scrapy.utils.test import get_crawler

from blogtitles import accounting
from blogtitles.distributed.state import RedisBlogState
from blogtitles.distributed.workers import main as workers_main
from blogtitles.runs.state import IncrementalPipeline
from blogtitles.tracking.store import StateError, Validators
from farm.listing import farm_listing, write_listing
from farm.process import FarmProcess
from tests.conftest import FARM_ARGS, run_scrapy
from tests.integration.test_incremental import publish
from tools.localredis import RedisProcess

pytestmark = pytest.mark.integration

BLOG = "https://blog.example.test/"


@pytest.fixture
def server(redis: RedisProcess) -> Redis:
    client = Redis.from_url(redis.url)
    client.flushdb()
    return client


def record(status: str = "ok", article: str = "post") -> dict[str, str]:
    ok = status == "ok"
    return {
        "blog_url": BLOG, "blog_title": "Blog", "article_url": BLOG + article,
        "title": "T" if ok else "", "published": "2026-11-28", "status": status,
        "error": "" if ok else "index page: x", "found_by": "", "feed_url": "",
        "crawled_at": "2026-12-01T00:00:00+00:00",
    }  # fmt: skip


def run(server: Redis, status: str, etag: str, article: str = "post") -> RedisBlogState:
    """One worker's run: the index read (validators ``etag``), the blog's record ``status``."""
    state = RedisBlogState(server, "blogs")
    state.stage_validators(BLOG, BLOG, Validators(etag, "", 0.0))
    state.stage_outcome(record(status, article))
    if status == "ok":
        state.stage(BLOG, BLOG + article, "T")
    state.commit_run()
    return RedisBlogState(server, "blogs")


def test_the_state_rules_hold_in_redis(server: Redis) -> None:
    state = run(server, "timeout", 'W/"1"')
    assert state.validators(BLOG) is None  # the page was not parsed into a record
    state = run(server, "ok", 'W/"1"')
    assert state.validators(BLOG) == Validators('W/"1"', "", 0.0)  # exactly as received
    assert state.last_record(BLOG)["title"] == "T"
    assert state.newest(BLOG) == BLOG + "post"
    state = run(server, "no_article_link", 'W/"2"')
    assert state.validators(BLOG) == Validators('W/"1"', "", 0.0)  # never cleared by an error
    health = state.health()[BLOG]
    assert (health.runs, health.consecutive_failures, health.last_error) == (
        3, 1, "no_article_link",
    )  # fmt: skip
    abandoned = RedisBlogState(server, "blogs")
    abandoned.stage_validators(BLOG, BLOG, Validators('W/"3"', "", 0.0))
    abandoned.abandon_run("shutdown")
    assert RedisBlogState(server, "blogs").validators(BLOG) == Validators('W/"1"', "", 0.0)
    assert not [key for key in server.keys("blogs:state:pending:*")]  # nothing left behind


def test_redis_down_is_a_state_error(tmp_path: Path) -> None:
    gone = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    with pytest.raises(StateError, match="Redis"):
        RedisBlogState(gone, "blogs").validators(BLOG)


def test_two_workers_share_the_state_and_ask_conditionally(
    redis: RedisProcess, server: Redis, tmp_path: Path
) -> None:
    with FarmProcess(blogs=8, latency=0.01, specials=False) as farm:
        listing = farm_listing(8, farm.port, farm.refused_port, specials=False)
        list_file = tmp_path / "blogs.txt"
        write_listing(list_file, listing)

        def workers(run: str) -> tuple[list[dict[str, str]], int]:
            out, logs = tmp_path / f"{run}.jsonl", tmp_path / f"logs-{run}"
            code = workers_main([
                str(list_file), "--redis", redis.url, "--jobs", "2", "--idle", "1",
                "--logs", str(logs), "-o", str(out), "--", *FARM_ARGS,
                "-s", "DOWNLOAD_TIMEOUT=2", "-a", "since=last",
            ])  # fmt: skip
            assert code == 0
            not_modified = sum(
                int(found)
                for log in logs.glob("worker-*.log")
                for found in re.findall(
                    r"'blogtitles/conditional/not_modified': (\d+)", log.read_text()
                )
            )
            records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            return records, not_modified

        first, _ = workers("1")
        assert [r["status"] for r in first] == ["ok"] * 8
        assert server.hlen("blogs:state:validators") == 8
        assert server.hlen("blogs:state:health") == 8
        new = {publish(farm, listing[i].blog.host) for i in (3, 6)}  # type: ignore[union-attr]
        second, not_modified = workers("2")
        assert {r["title"] for r in second} == new  # only what changed
        assert not_modified == 6  # the others' index pages answered 304
    report = run_scrapy("report", "-s", f"BLOGTITLES_REDIS_URL={redis.url}", "--all", "--json")
    assert report.returncode == 0, report.stderr
    health = [json.loads(line) for line in report.stdout.splitlines()]
    assert len(health) == 8 and all(h["runs"] == 2 for h in health)


def test_a_state_lost_mid_run_lets_every_record_through(caplog: pytest.LogCaptureFixture) -> None:
    """Redis gone after the run started: the record passes (never dropped, never a crash), the
    rest of the run keeps no state, and one ERROR line says so."""

    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    gone = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    pipeline = IncrementalPipeline("redis", crawler.stats, lambda: RedisBlogState(gone, "blogs"))
    pipeline.open_spider()
    item = record()
    assert pipeline.process_item(item) is item
    assert pipeline.state is None
    assert pipeline.process_item(record(article="other")) is not None
    assert crawler.stats.get_value(accounting.STATE_UNUSABLE) == 1
    lines = [r for r in caplog.records if r.levelname == "ERROR" and "State lost" in r.getMessage()]
    assert len(lines) == 1

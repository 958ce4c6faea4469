"""Following blogs over time, with real crawls of the farm: conditional requests (304s and
freshness), Retry-After, a moved blog, the health record and its report, a corrupt state file,
and the readable outputs of a real run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from farm.listing import farm_listing, write_listing
from farm.process import FarmProcess
from farm.revalidation import LIMIT_PATH, MAX_AGE_PATH, MOVE_PATH
from farm.server import LOAD_PATH
from tests.conftest import crawl_farm, run_scrapy
from tests.integration.test_incremental import publish, since_last

pytestmark = pytest.mark.integration

BLOGS = 6


def write_list(farm: FarmProcess, tmp_path: Path, extra: tuple[str, ...] = ()) -> tuple[Path, list]:
    listing = farm_listing(BLOGS, farm.port, farm.refused_port, specials=False)
    return write_listing(tmp_path / "blogs.txt", listing, extra), listing


def summary_line(log: str, label: str) -> str:
    return next(line for line in log.splitlines() if label in line)


def test_second_run_asks_conditionally_and_304s_give_unchanged(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with FarmProcess(blogs=BLOGS, latency=0.01, specials=False) as farm:
        list_file, listing = write_list(farm, tmp_path)
        args = since_last(f"urls_file={list_file}", state)
        first = crawl_farm(*args, "-O", str(tmp_path / "1.jsonl"))
        assert first.returncode == 0, first.log[-3000:]
        assert len(first.records(tmp_path / "1.jsonl")) == BLOGS
        with sqlite3.connect(state) as db:
            kept = dict(db.execute("SELECT url, etag FROM validators"))
        # Exactly as the farm sent them: W/ and quotes included.
        assert len(kept) == BLOGS and all(tag.startswith('W/"') for tag in kept.values())

        new_posts = {listing[i].blog.host: publish(farm, listing[i].blog.host) for i in (1, 4)}
        second = crawl_farm(*args, "-O", str(tmp_path / "2.jsonl"))
        assert second.returncode == 0, second.log[-3000:]
        assert {r["title"] for r in second.records(tmp_path / "2.jsonl")} == set(new_posts.values())
        line = " ".join(summary_line(second.log, "unchanged (incremental)").split())
        assert f"unchanged (incremental): {BLOGS - 2} (not modified: {BLOGS - 2} of {BLOGS}" in line
        assert farm.ask(LOAD_PATH)["not_modified"] == BLOGS - 2
        assert "adds up" in summary_line(second.log, "accounted for")

        third = crawl_farm(*args, "-O", str(tmp_path / "3.jsonl"))
        assert third.records(tmp_path / "3.jsonl") == []
        assert f"not modified: {BLOGS} of {BLOGS}" in " ".join(third.log.split())
        # The unchanged blogs' validators are still there; the new posts' ones were replaced.
        with sqlite3.connect(state) as db:
            after = dict(db.execute("SELECT url, etag FROM validators"))
        changed = [url for url in after if after[url] != kept[url]]
        assert len(changed) == 2


def test_fresh_pages_are_not_asked_for_again(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with FarmProcess(blogs=BLOGS, latency=0.0, specials=False) as farm:
        farm.ask(f"{MAX_AGE_PATH}?seconds=3600")
        list_file, _ = write_list(farm, tmp_path)
        args = since_last(f"urls_file={list_file}", state)
        assert crawl_farm(*args, "-O", str(tmp_path / "1.jsonl")).returncode == 0
        farm.ask(f"{LOAD_PATH}?reset=1")
        second = crawl_farm(*args, "-O", str(tmp_path / "2.jsonl"))
        assert second.returncode == 0
        assert f"still fresh, not asked: {BLOGS}" in " ".join(second.log.split())
        # Not one request reached the farm, robots.txt included.
        assert farm.ask(LOAD_PATH)["max_in_flight"] == {}
        capped = crawl_farm(
            *args, "-O", str(tmp_path / "3.jsonl"), "-s", "BLOGTITLES_MAX_AGE_LIMIT=0"
        )
        assert f"not modified: {BLOGS} of {BLOGS}" in " ".join(capped.log.split())


def test_retry_after_is_waited_for_within_the_limit(tmp_path: Path) -> None:
    with FarmProcess(blogs=2, latency=0.0, specials=False) as farm:
        listing = farm_listing(2, farm.port, farm.refused_port, specials=False)
        polite, impatient = (listed.blog.host for listed in listing)  # type: ignore[union-attr]
        farm.ask(f"{LIMIT_PATH}?count=1&after=1", polite)
        farm.ask(f"{LIMIT_PATH}?count=5&after=3600", impatient)
        out = tmp_path / "out.jsonl"
        result = crawl_farm("-a", f"urls={listing[0].line},{listing[1].line}", "-O", str(out))
        assert result.returncode == 0, result.log[-3000:]
        by_host = {
            record["blog_url"].split("/")[2].split(":")[0]: record for record in result.records(out)
        }
        assert by_host[polite]["status"] == "ok"  # waited a second, then retried
        assert by_host[impatient]["status"] == "http_429"  # an hour: not retried at all
        assert "'blogtitles/retry_after/waits': 1" in result.log
        assert farm.ask(LOAD_PATH)["rate_limited"] == 2


def test_health_record_moved_and_failing_blogs_and_the_report(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with FarmProcess(blogs=BLOGS, latency=0.0, specials=False) as farm:
        dead = f"http://127.0.0.1:{farm.refused_port}/"
        list_file, listing = write_list(farm, tmp_path, extra=(dead,))
        args = since_last(f"urls_file={list_file}", state)
        moving = listing[0]
        target = moving.line.replace("://", "://moved-", 1)  # the same blog, a new name
        farm.ask(f"{MOVE_PATH}?to={target}", moving.blog.host)  # type: ignore[union-attr]
        for run in range(3):
            result = crawl_farm(*args, "-O", str(tmp_path / f"{run}.jsonl"))
            assert result.returncode == 0, result.log[-3000:]
    report = run_scrapy("report", "-s", f"BLOGTITLES_STATE_PATH={state}", "--silent-days", "100000")
    assert report.returncode == 0, report.stderr
    assert f"{dead}\n  failing for 3 runs since" in report.stdout
    assert "(connection_refused:" in report.stdout
    assert f"{moving.line}\n  moved: redirected permanently to {target} for 3 runs" in report.stdout
    assert report.stdout.rstrip().endswith(f"2 of {BLOGS + 1} blogs need attention ({state})")
    with sqlite3.connect(state) as db:
        runs, first_seen, last_success = db.execute(
            "SELECT runs, first_seen, last_success FROM health WHERE blog_url = ?",
            (listing[2].line,),
        ).fetchone()
    assert runs == 3 and first_seen < last_success


def test_corrupt_state_is_one_line_never_a_lost_run(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    state.write_bytes(b"\x00garbage, not SQLite\n" * 200)
    with FarmProcess(blogs=BLOGS, latency=0.0, specials=False) as farm:
        list_file, _ = write_list(farm, tmp_path)
        out = tmp_path / "out.jsonl"
        result = crawl_farm(*since_last(f"urls_file={list_file}", state), "-O", str(out))
    assert result.returncode == 0, result.log[-3000:]
    assert [r["status"] for r in result.records(out)] == ["ok"] * BLOGS
    errors = [line for line in result.log.splitlines() if "State file unusable" in line]
    assert len(errors) == 1 and "Traceback" not in result.log
    assert "adds up" in summary_line(result.log, "accounted for")


def test_readable_outputs_of_a_real_run(tmp_path: Path) -> None:
    with FarmProcess(blogs=BLOGS, latency=0.0, specials=False) as farm:
        list_file, _ = write_list(farm, tmp_path, extra=("not a url",))
        outputs = {kind: tmp_path / f"titles.{kind}" for kind in ("atom", "html", "opml")}
        json_feed = tmp_path / "newest.json"
        result = crawl_farm(
            "-a", f"urls_file={list_file}", "-O", str(tmp_path / "titles.jsonl"),
            *(arg for path in outputs.values() for arg in ("-O", str(path))),
            "-O", f"{json_feed}:jsonfeed",
        )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(tmp_path / "titles.jsonl")
    ok = {r["article_url"]: r for r in records if r["status"] == "ok"}
    assert len(ok) == BLOGS
    feed = feedparser.parse(outputs["atom"].read_bytes())
    assert not feed.bozo
    assert {entry.link: entry.title for entry in feed.entries} == {
        url: r["title"] for url, r in ok.items()
    }
    assert {item["url"] for item in json.loads(json_feed.read_text())["items"]} == set(ok)
    page = etree.parse(str(outputs["html"]), etree.HTMLParser())
    assert {a.get("href") for a in page.iter("a")} >= set(ok)
    assert "not a usable http(s) URL" in "".join(page.getroot().itertext())
    outlines = etree.parse(str(outputs["opml"])).findall("body/outline")
    assert [o.get("text") for o in outlines][-1] == "not a url"  # the only failure: last
    feeds = [o.get("xmlUrl") for o in outlines if o.get("xmlUrl")]
    assert len(feeds) == sum(1 for r in ok.values() if r["feed_url"])

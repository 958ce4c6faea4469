"""Incremental runs (-a since=last): only blogs with a new article come out; a killed crawl
leaves the state as the last successful run wrote it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from farm.listing import farm_listing, write_listing
from farm.process import FarmProcess
from tests.conftest import crawl_farm, start_farm_crawl

pytestmark = pytest.mark.integration


def publish(farm: FarmProcess, host: str) -> str:
    """Ask the farm to publish a new newest post on ``host``; its title."""
    return farm.ask("/_farm/publish", host)["title"]


def seen(state: Path) -> dict[str, str]:
    with sqlite3.connect(state) as db:
        return dict(db.execute("SELECT blog_url, article_url FROM seen"))


def since_last(source: str, state: Path) -> list[str]:
    """The arguments of an incremental crawl of ``source`` (``urls_file=...``, ``urls=...``)."""
    return ["-a", source, "-a", "since=last", "-s", f"BLOGTITLES_STATE_PATH={state}"]


def test_only_blogs_with_a_new_post_come_out(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with FarmProcess(blogs=12, latency=0.01, specials=False) as farm:
        listing = farm_listing(12, farm.port, farm.refused_port, specials=False)
        list_file = tmp_path / "blogs.txt"
        write_listing(list_file, listing)
        args = since_last(f"urls_file={list_file}", state)

        first = crawl_farm(*args, "-O", str(tmp_path / "1.jsonl"))
        assert first.returncode == 0, first.log[-2000:]
        assert len(first.records(tmp_path / "1.jsonl")) == 12
        assert len(seen(state)) == 12

        changed = {listing[i].blog.host: publish(farm, listing[i].blog.host) for i in (2, 5, 9)}  # type: ignore[union-attr]
        second = crawl_farm(*args, "-O", str(tmp_path / "2.jsonl"))
        assert second.returncode == 0, second.log[-2000:]
        records = second.records(tmp_path / "2.jsonl")
        assert {record["title"] for record in records} == set(changed.values())
        assert "unchanged (incremental): 9" in " ".join(second.log.split())

        third = crawl_farm(*args, "-O", str(tmp_path / "3.jsonl"))
        assert third.returncode == 0
        assert third.records(tmp_path / "3.jsonl") == []


def test_errors_always_come_out(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    args = since_last("urls=http://nxdomain.farm.test:9/", state)
    for run in range(2):
        result = crawl_farm(*args, "-O", str(tmp_path / f"{run}.jsonl"))
        (record,) = result.records(tmp_path / f"{run}.jsonl")
        assert record["status"] == "dns_error"


def test_killed_crawl_leaves_the_state_consistent(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with FarmProcess(blogs=300, latency=0.3, specials=False) as farm:
        listing = farm_listing(300, farm.port, farm.refused_port, specials=False)
        list_file = tmp_path / "blogs.txt"
        write_listing(list_file, listing[:20])
        args = since_last(f"urls_file={list_file}", state)
        assert crawl_farm(*args, "-O", str(tmp_path / "0.jsonl")).returncode == 0
        before = seen(state)
        assert len(before) == 20

        # Every blog gets a new post, the list grows; a crawl is killed while records come out.
        for listed in listing[:20]:
            publish(farm, listed.blog.host)  # type: ignore[union-attr]
        write_listing(list_file, listing)
        out = tmp_path / "killed.jsonl"
        process = start_farm_crawl(
            *args, "-s", "CONCURRENT_REQUESTS=8", "-O", str(out), stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 5):
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert out.read_text().count("\n") >= 5, "killed before any record came out"

        with sqlite3.connect(state) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert seen(state) == before  # the killed run changed nothing

        again = crawl_farm(*args, "-O", str(tmp_path / "again.jsonl"))
        assert again.returncode == 0, again.log[-2000:]
        records = again.records(tmp_path / "again.jsonl")
        assert len(records) == 300  # the 20 changed blogs and the 280 new ones, once each
        assert len(seen(state)) == 300


def test_two_crawls_share_one_state_file(tmp_path: Path) -> None:
    """Two crawls at once on one state file: both finish, the state holds both their blogs."""
    state = tmp_path / "state.sqlite3"
    with FarmProcess(blogs=40, latency=0.02, specials=False) as farm:
        listing = farm_listing(40, farm.port, farm.refused_port, specials=False)
        processes = []
        for half in (0, 1):
            list_file = tmp_path / f"half{half}.txt"
            write_listing(list_file, listing[half::2])
            args = since_last(f"urls_file={list_file}", state)
            out = str(tmp_path / f"half{half}.jsonl")
            processes.append(start_farm_crawl(*args, "-O", out, stderr=subprocess.DEVNULL))
        assert [process.wait(timeout=120) for process in processes] == [0, 0]
    assert len(seen(state)) == 40
    with sqlite3.connect(state) as db:
        statuses = [row[0] for row in db.execute("SELECT status FROM runs")]
    assert statuses == ["finished", "finished"]

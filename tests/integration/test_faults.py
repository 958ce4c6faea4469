"""Fault soak: 5,000 blogs with 20% of pages failing in every way; the farm going down and back."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from farm import engines
from farm.faults import FAULTS, FAULTS_PATH
from farm.listing import farm_listing, write_listing
from farm.process import FarmProcess
from tests.conftest import start_farm_crawl

pytestmark = pytest.mark.integration


def served_faults(farm: FarmProcess) -> dict[tuple[str, str], str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{farm.port}{FAULTS_PATH}", timeout=10) as answer:
        return {(host, path): kind for host, path, kind in json.loads(answer.read())}


def crawl(list_file: Path, out: Path, *settings: str) -> tuple[int, float, str]:
    """Run the crawl; its exit code, peak RSS (MB, from wait4) and log."""
    log = out.with_suffix(".log")
    process = start_farm_crawl(
        "-a", f"urls_file={list_file}", "-O", str(out), "-s", f"LOG_FILE={log}", *settings
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return (
        process.returncode,
        usage.ru_maxrss / 1024,
        log.read_text(encoding="utf-8"),
    )


def test_soak_5000_blogs_with_20_percent_faults(tmp_path: Path) -> None:
    out, list_file = tmp_path / "soak.jsonl", tmp_path / "blogs.txt"
    with FarmProcess(blogs=5000, latency=0.01, specials=False, faults=0.2, fault_seed=7) as farm:
        listing = farm_listing(5000, farm.port, farm.refused_port, specials=False)
        write_listing(list_file, listing)
        code, rss_mb, log = crawl(list_file, out, "-s", "DOWNLOAD_TIMEOUT=2")
        faults = served_faults(farm)
    assert code == 0, log[-3000:]
    records = {
        record["blog_url"]: record for record in map(json.loads, out.read_text().splitlines())
    }
    assert len(records) == 5000
    seen_kinds: dict[str, set[str]] = {}
    problems = []
    for listed in listing:
        blog = listed.blog
        assert blog is not None
        record = records[listed.line]
        index_fault = faults.get((blog.host, blog.base_path))
        article_fault = faults.get((blog.host, engines.article_path(blog, blog.newest)))
        on_the_way = [fault for fault in (index_fault, article_fault) if fault is not None]
        permanent = next((fault for fault in on_the_way if not FAULTS[fault][0]), None)
        allowed = set(FAULTS[permanent][1]) if permanent else {"ok"}  # the first permanent decides
        for fault in [permanent] if permanent else on_the_way:
            seen_kinds.setdefault(fault, set()).add(record["status"])
        if record["status"] not in allowed:
            problems.append(
                f"{listed.line}: {record['status']} ({record['error']}), faults {index_fault}/{article_fault}"
            )
        elif record["status"] == "ok" and record["title"] != listed.expected.title:
            problems.append(f"{listed.line}: title {record['title']!r}")
    assert problems == []
    assert set(seen_kinds) == set(FAULTS), seen_kinds  # every kind of fault was met
    for kind, (transient, _) in FAULTS.items():
        if transient:
            assert seen_kinds[kind] == {"ok"}, (kind, seen_kinds[kind])  # retried and recovered
    assert rss_mb < 400, rss_mb  # gzip bombs and huge bodies stay outside memory
    print(f"\nsoak: 5000 blogs, {len(faults)} faulty pages, peak RSS {rss_mb:.0f} MB; "
          + ", ".join(f"{kind}: {sorted(statuses)}" for kind, statuses in sorted(seen_kinds.items())))  # fmt: skip


def test_farm_down_mid_crawl_and_back(tmp_path: Path) -> None:
    out, list_file = tmp_path / "down.jsonl", tmp_path / "blogs.txt"
    farm = FarmProcess(blogs=600, latency=0.2, specials=False).start()
    port = farm.port
    listing = farm_listing(600, port, farm.refused_port, specials=False)
    write_listing(list_file, listing)
    crawler = start_farm_crawl(
        "-a", f"urls_file={list_file}", "-O", str(out), "-s", "CONCURRENT_REQUESTS=32",
        "-s", "DOWNLOAD_TIMEOUT=2",
        "-s", "RETRY_TIMES=0",  # no second chance: what the outage did shows in the records
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        time.sleep(2)
        farm.stop()  # down...
        time.sleep(2)
        farm = FarmProcess(blogs=600, latency=0.2, specials=False, port=port).start()  # ...and back
        _stdout, log = crawler.communicate(timeout=240)
    finally:
        farm.stop()
    assert crawler.returncode == 0, log[-3000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 600
    assert len({record["blog_url"] for record in records}) == 600
    statuses = {record["status"] for record in records}
    assert "ok" in statuses
    assert statuses - {"ok"}, "the outage left no trace"
    assert statuses <= {"ok", "connection_refused", "connection_lost", "timeout"}, statuses
    # No crash, and no traceback: failed robots.txt downloads are logged on one line.
    assert "Traceback" not in log, log[max(0, log.find("Traceback") - 1500) :][:3000]
    assert "Spider error processing" not in log

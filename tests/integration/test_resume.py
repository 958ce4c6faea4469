"""Resumable crawls: kill -9 at random points, resume with the same JOBDIR, every blog once."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from blogtitles.runs.resume import read_done
from farm.listing import check_records, farm_listing, write_listing
from farm.process import FarmProcess
from tests.conftest import crawl_farm, start_farm_crawl

pytestmark = pytest.mark.integration


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.parametrize("seed", [1, 2])
def test_killed_twice_then_resumed_every_blog_once(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    out, job = tmp_path / "titles.jsonl", tmp_path / "job"
    with FarmProcess(blogs=3000, latency=0.05, specials=False) as farm:
        listing = farm_listing(3000, farm.port, farm.refused_port, specials=False)
        list_file = tmp_path / "blogs.txt"
        write_listing(list_file, listing)
        args = ["-a", f"urls_file={list_file}", "-s", f"JOBDIR={job}", "-o", str(out)]
        kills = []
        for _ in range(2):  # two runs killed at random points
            target = lines(out) + rng.randint(30, 900)
            process = start_farm_crawl(*args, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and lines(out) < target and process.poll() is None:
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills.append(lines(out))
        final = crawl_farm(*args, timeout=300)
    assert final.returncode == 0, final.log[-3000:]
    assert kills[0] < kills[1] < 3000, kills
    raw = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in raw]  # every line whole: a cut last line was repaired
    assert check_records(records, listing) == []  # each blog exactly once, every title right
    assert "done in an earlier run" in final.log
    assert "adds up" in final.log


def test_half_written_last_line_is_cut(tmp_path: Path) -> None:
    feed = tmp_path / "titles.jsonl"
    feed.write_bytes(
        b'{"blog_url": "https://a.test/"}\n{"blog_url": "https://b.test/"}\n{"blog_url": "https://c.te'
    )
    journal = read_done([feed])
    done, count = journal.done, journal.count
    assert count == 2
    assert "https://a.test/" in done and "https://b.test/" in done and "https://c.test/" not in done
    assert feed.read_bytes().endswith(b'"https://b.test/"}\n')


def test_resume_with_nothing_left_writes_nothing_new(tmp_path: Path) -> None:
    out, job = tmp_path / "titles.jsonl", tmp_path / "job"
    with FarmProcess(blogs=5, latency=0.0, specials=False) as farm:
        listing = farm_listing(5, farm.port, farm.refused_port, specials=False)
        urls = ",".join(listed.line for listed in listing)
        for _ in range(2):
            result = crawl_farm("-a", f"urls={urls}", "-s", f"JOBDIR={job}", "-o", str(out))
            assert result.returncode == 0, result.log[-2000:]
    assert lines(out) == 5
    assert "done in an earlier run:    5" in result.log or "done in an earlier run: 5" in " ".join(
        result.log.split()
    )

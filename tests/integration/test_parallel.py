"""``python -m blogtitles.parallel`` (``make crawl JOBS=N``): shards of the farm, merged."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from farm.listing import check_records
from tests.conftest import FARM_ARGS, ROOT, Farm


@pytest.mark.integration
def test_two_processes_split_the_farm_and_merge_to_every_record_once(
    farm: Farm, tmp_path: Path
) -> None:
    work = tmp_path / "shards"
    merged = tmp_path / "titles.jsonl"
    command = [
        sys.executable, "-m", "blogtitles.parallel", "--jobs", "2", "--work", str(work),
        "-o", str(merged), "-o", str(tmp_path / "titles.csv"),
        "--", "-a", f"urls_file={farm.list_file}", *FARM_ARGS, "-s", "DOWNLOAD_TIMEOUT=1",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    records = [json.loads(line) for line in merged.read_text(encoding="utf-8").splitlines()]
    assert check_records(records, farm.listing) == []
    shard_hosts = []
    for index in (1, 2):
        lines = (work / f"titles-{index}.jsonl").read_text(encoding="utf-8").splitlines()
        assert lines, f"shard {index} got nothing"
        log = (work / f"crawl-{index}.log").read_text(encoding="utf-8")
        assert "'blogtitles/summary/balanced': True" in log
        urls = [json.loads(line)["blog_url"] for line in lines]
        shard_hosts.append({urlsplit(url).netloc for url in urls if urlsplit(url).netloc})
    assert not shard_hosts[0] & shard_hosts[1]  # a host is crawled by one process only
    with (tmp_path / "titles.csv").open(encoding="utf-8") as rows:
        assert sum(1 for _ in csv.DictReader(rows)) == len(records)
    assert "Merged:" in done.stdout

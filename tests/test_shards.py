"""``-a shard=K/N``, the merge and ``python -m blogtitles.parallel`` (``make crawl JOBS=N``)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogtitles.inputs import BlogInput, InputListError, iter_inline
from blogtitles.inputs.shards import Shard, shard_key
from blogtitles.runs.merge import main as merge_main
from blogtitles.runs.merge import merge
from farm.listing import check_records
from tests.conftest import FARM_ARGS, ROOT, Farm, run_crawl


@pytest.mark.parametrize(
    ("text", "shard"), [("1/2", Shard(1, 2)), ("2/2", Shard(2, 2)), (" 3 / 7 ", Shard(3, 7))]
)
def test_shard_parses(text: str, shard: Shard) -> None:
    assert Shard.parse(text) == shard


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "1", "a/b", "-1/2", "1/2/3"])
def test_bad_shard_is_refused(text: str) -> None:
    with pytest.raises(InputListError, match="shard"):
        Shard.parse(text)


@given(
    st.lists(st.from_regex(r"[a-z]{1,8}\.(com|org|test)(/[a-z]{0,6}){0,2}", fullmatch=True)),
    st.integers(min_value=1, max_value=6),
)
def test_every_input_is_in_exactly_one_shard(lines: list[str], count: int) -> None:
    entries = list(iter_inline(",".join(lines))) if lines else []
    owners = [[k for k in range(1, count + 1) if Shard(k, count).owns(e)] for e in entries]
    assert all(len(found) == 1 for found in owners)


def test_a_host_stays_in_one_shard_and_bad_lines_are_shared_out() -> None:
    same_host = [BlogInput("l", f"https://medium.com/@{name}", f"https://medium.com/@{name}/")
                 for name in ("ann", "bob", "cy", "dee", "eve")]  # fmt: skip
    assert {shard_key(entry) for entry in same_host} == {"medium.com"}
    shards = Shard(1, 4), Shard(2, 4), Shard(3, 4), Shard(4, 4)
    assert sum(1 for shard in shards if any(map(shard.owns, same_host))) == 1
    invalid = [BlogInput("l", f"not a url {n}", error="bad") for n in range(40)]
    assert all(sum(shard.owns(entry) for shard in shards) == 1 for entry in invalid)
    assert all(any(map(shard.owns, invalid)) for shard in shards)  # 40 lines: each gets some


def record(blog: str, article: str, status: str = "ok") -> dict[str, str]:
    title = "T" if status == "ok" else ""
    return {"blog_url": blog, "article_url": article, "title": title, "status": status}


def write_jsonl(path: Path, records: list[dict[str, str]], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail, encoding="utf-8")
    return path


def test_merge_drops_duplicate_articles_across_files_and_keeps_errors(tmp_path: Path) -> None:
    one = write_jsonl(tmp_path / "1.jsonl", [
        record("http://a.test/", "http://a.test/post?b=2&a=1"),
        record("http://x.test/", "", "dns_error"),
    ])  # fmt: skip
    two = write_jsonl(tmp_path / "2.jsonl", [
        record("https://a.test/", "http://a.test/post?a=1&b=2"),  # the same article, canonically
        record("http://y.test/", "", "dns_error"),
        record("http://b.test/", "http://b.test/p"),
    ], tail='{"blog_url": "http://half')  # fmt: skip
    summary = merge([one, two], [tmp_path / "all.jsonl", tmp_path / "all.csv"])
    assert (summary.read, summary.written, summary.duplicates, summary.broken_lines) == (5, 4, 1, 1)
    merged = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [r["blog_url"] for r in merged] == [
        "http://a.test/", "http://x.test/", "http://y.test/", "http://b.test/"
    ]  # fmt: skip
    with (tmp_path / "all.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["blog_url"] for row in rows] == [r["blog_url"] for r in merged]
    assert list(rows[0]) == list(merged[0])  # the crawl's column order in both


def test_merge_refuses_an_unknown_format_before_writing(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "1.jsonl", [record("http://a.test/", "http://a.test/p")])
    keep = tmp_path / "keep.jsonl"
    keep.write_text("precious\n")
    assert merge_main([str(src), "-o", str(keep), "-o", str(tmp_path / "x.xml")]) == 2
    assert keep.read_text() == "precious\n"


def test_bad_shard_argument_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_crawl("-a", "urls=a.test", "-a", "shard=3/2", "-O", str(tmp_path / "x.json"))
    assert result.returncode == 1
    assert "Cannot start: -a shard='3/2': K must be between 1 and N" in result.stderr
    assert "Traceback" not in result.stderr


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

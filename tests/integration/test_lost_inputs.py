"""No input lost on a broken or hostile list: a list that breaks part-way, a huge cell or line, a
resumed crawl whose blogs share an article (real crawls of the farm)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from blogtitles.runs.commandline import crawl_command
from farm.listing import Listed
from farm.resolver import FARM_SETTINGS
from tests.conftest import ROOT, Farm, crawl_farm


def normal(farm: Farm, count: int) -> list[Listed]:
    """The first ``count`` listed blogs that end ``ok`` with a title (the first has an alias)."""
    found = [listed for listed in farm.listing[1:] if listed.expected.status == "ok"]
    return found[:count]


def test_an_opml_cut_short_gives_every_record_before_the_break_and_fails_the_run(
    farm: Farm, tmp_path: Path
) -> None:
    blogs = normal(farm, 3)
    path = tmp_path / "cut.opml"
    outlines = "".join(f'<outline text="b" htmlUrl="{listed.line}"/>\n' for listed in blogs)
    path.write_text(f'<?xml version="1.0"?>\n<opml><body>\n{outlines}<outline htmlUrl="http://z')
    out = tmp_path / "out.jsonl"
    result = crawl_farm("-a", f"urls_file={path}", "-O", str(out))
    assert result.returncode == 1, result.log[-2000:]
    records = result.records(out)
    titles = {record["blog_url"]: record["title"] for record in records if record["status"] == "ok"}
    assert titles == {listed.line: listed.expected.title for listed in blogs}
    (broken,) = [record for record in records if record["status"] == "invalid_list"]
    assert broken["blog_url"] == "cut.opml:6"
    assert "not well-formed" in broken["error"]
    assert "DOES NOT ADD UP" in result.log
    assert "unreadable parts of the list: 1" in " ".join(result.log.split())


def test_a_csv_with_a_200_kb_cell_keeps_every_row_on_its_own_line(
    farm: Farm, tmp_path: Path
) -> None:
    blogs = normal(farm, 8)
    rows = [listed.line for listed in blogs[:7]]  # lines 2-8
    rows += ["http://" + "a" * 200_000 + ".farm.test/", blogs[7].line]  # lines 9 and 10
    path = tmp_path / "big.csv"
    path.write_text("url\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out.jsonl"
    result = crawl_farm("-a", f"urls_file={path}", "-O", str(out))
    assert result.returncode == 0, result.log[-2000:]
    records = result.records(out)
    assert len(records) == 9
    assert sum(record["status"] == "ok" for record in records) == 8
    (big,) = [record for record in records if record["status"] == "invalid_url"]
    assert big["error"].startswith("input big.csv:9: line longer than 65536 bytes")
    assert len(big["blog_url"]) < 2100 and big["blog_url"].endswith("characters in all]")
    assert "adds up" in result.log


def peak_rss_kib(command: list[str]) -> tuple[int, int]:
    """Exit code and peak resident memory (KiB) of ``command`` run alone in a child process."""
    probe = (
        "import resource, subprocess, sys;"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL).returncode;"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    code, rss = done.stdout.split()
    return int(code), int(rss)


def test_a_100_mb_line_costs_no_more_memory_than_a_normal_crawl(farm: Farm, tmp_path: Path) -> None:
    """Peak RSS of a crawl whose list holds a 100 MB line, next to the same list without it
    (before the fix: 908 MB; now the line is read 64 KiB at a time and skipped)."""
    blogs = [listed.line.encode() for listed in normal(farm, 3)]
    plain, huge = tmp_path / "plain.txt", tmp_path / "huge.txt"
    plain.write_bytes(b"\n".join(blogs) + b"\n")
    with huge.open("wb") as handle:
        handle.write(blogs[0] + b"\n")
        for _ in range(100):
            handle.write(b"x" * 1_000_000)
        handle.write(b"\n" + b"\n".join(blogs[1:]) + b"\n")
    settings = {**FARM_SETTINGS, "DOWNLOAD_TIMEOUT": 2}
    peaks = {}
    for path in (plain, huge):
        out = tmp_path / f"{path.stem}.jsonl"
        command = crawl_command("-a", f"urls_file={path}", settings=settings, outputs=[out])
        code, peaks[path.stem] = peak_rss_kib(command)
        assert code == 0
    assert peaks["huge"] < peaks["plain"] + 100 * 1024, peaks  # within 100 MB of a normal crawl
    records = [json.loads(line) for line in (tmp_path / "huge.jsonl").read_text().splitlines()]
    (cut,) = [record for record in records if record["status"] == "invalid_url"]
    assert len(cut["blog_url"]) < 2100
    assert "100000001" in cut["error"]


def test_a_resumed_crawl_keeps_the_duplicate_article_check(farm: Farm, tmp_path: Path) -> None:
    """The first run records a blog; the resumed run gets its alias, which redirects to the same
    article: no second record of it (before the fix, the check forgot what the journal held)."""
    first = farm.listing[0]
    alias = next(listed for listed in farm.listing if listed.expected.status == "duplicate")
    out, job = tmp_path / "titles.jsonl", tmp_path / "job"
    resumable = ["-s", f"JOBDIR={job}", "-o", str(out)]
    before = crawl_farm("-a", f"urls={first.line}", *resumable)
    assert before.returncode == 0, before.log[-2000:]
    resumed = crawl_farm("-a", f"urls={first.line},{alias.line}", *resumable)
    assert resumed.returncode == 0, resumed.log[-2000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [record["blog_url"] for record in records] == [first.line]
    summary = " ".join(resumed.log.split())
    assert "done in an earlier run: 1" in summary
    assert "duplicate articles: 1" in summary

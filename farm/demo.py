"""``python -m farm.demo``: the main job, offline, on the sample farm (``make demo``).

Starts the farm on a free port of 127.0.0.1, runs the real command line
``scrapy crawl blogs -a urls_file=output/farm-blogs.txt -O output/titles.json -O output/titles.csv
-O output/titles.html -O output/titles.atom`` (keeping state in ``output/demo-state.sqlite3``)
against it, checks every record against what the farm serves, prints the summary and the time
next to what the sequential loop would take (2 x n x latency). Then a few blogs publish a post
and the same list is crawled again with ``-a since=last``: only what changed comes out (in
``output/new.*``), the other blogs' index pages answering ``304 Not Modified``. The farm stops.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from blogtitles.runs.commandline import crawl_command
from farm.listing import Listed, check_records, farm_listing, tally
from farm.process import FarmProcess
from farm.resolver import FARM_SETTINGS


def farm_crawl_command(
    list_file: Path,
    outputs: Sequence[Path],
    log_file: Path,
    timeout: float,
    extra: Sequence[str] = (),
    *,
    spider_args: Sequence[str] = (),
) -> list[str]:
    """The ``scrapy crawl blogs`` command line for a farm run (``extra``: ``NAME=VALUE``
    settings; ``spider_args``: more ``-a`` arguments)."""
    settings = {**FARM_SETTINGS, "LOG_FILE": log_file, "DOWNLOAD_TIMEOUT": timeout}
    settings |= dict(setting.split("=", 1) for setting in extra)
    return crawl_command(
        "-a", f"urls_file={list_file}", *spider_args, settings=settings, outputs=outputs
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m farm.demo", description=__doc__)
    parser.add_argument("--blogs", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=3.0, help="DOWNLOAD_TIMEOUT for the run")
    parser.add_argument("--output", type=Path, default=Path("output"))
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the crawl (BLOGTITLES_FEED_EVIDENCE=always...); repeatable",
    )
    args = parser.parse_args(argv)

    out = args.output
    out.mkdir(parents=True, exist_ok=True)
    list_file, json_file, csv_file = out / "farm-blogs.txt", out / "titles.json", out / "titles.csv"
    log_file, state = out / "demo-crawl.log", out / "demo-state.sqlite3"
    # The demo's first run starts from nothing; Scrapy appends to a log file.
    for stale in (state, Path(f"{state}-wal"), Path(f"{state}-shm"), out / "demo-crawl-2.log"):
        stale.unlink(missing_ok=True)
    log_file.unlink(missing_ok=True)
    extra = [*args.set, f"BLOGTITLES_STATE_PATH={state}"]
    with FarmProcess(blogs=args.blogs, latency=args.latency, list_file=list_file) as farm:
        listing = farm_listing(args.blogs, farm.port, farm.refused_port)
        print(
            f"Sample farm: {len(listing)} listed lines "
            f"({args.blogs} normal blogs + special cases), "
            f"{args.latency * 1000:.0f} ms latency, http://*.farm.test:{farm.port}/"
        )
        outputs = [json_file, csv_file, out / "titles.html", out / "titles.atom"]
        command = farm_crawl_command(list_file, outputs, log_file, args.timeout, extra)
        print("$ " + " ".join(command[2:]).replace(sys.executable, "python"))
        started = time.monotonic()
        crawl = subprocess.run(command, check=False)
        wall = time.monotonic() - started
        records = json.loads(json_file.read_text(encoding="utf-8"))
        problems = check_records(records, listing)
        crawled = sum(1 for listed in listing if listed.blog is not None)
        sequential = 2 * crawled * args.latency
        print_summary(records, log_file)
        print(f"\nRecords: {len(records)} in {', '.join(map(str, outputs))} (log: {log_file})")
        print(
            f"Check against the farm: {len(listing) - len(problems)}/{len(listing)} lines as "
            "expected"
        )
        for problem in problems:
            print(f"  MISMATCH {problem}")
        print(
            f"Crawl time: {wall:.1f} s (process start to exit). The sequential loop would wait "
            f"at least 2 x {crawled} x {args.latency:g} s = {sequential:.1f} s: "
            f"{sequential / wall:.1f}x slower."
        )
        again = second_run(farm, listing, list_file, out, timeout=args.timeout, extra=extra)
    return 1 if problems or crawl.returncode or again else 0


def second_run(
    farm: FarmProcess,
    listing: list[Listed],
    list_file: Path,
    out: Path,
    *,
    timeout: float,
    extra: Sequence[str],
) -> int:
    """Five blogs publish a post; the list again with ``-a since=last``: only they (and the
    errors) come out. 1 when the run does not show that."""
    normal = [listed for listed in listing if listed.blog and listed.blog.kind == "normal"]
    published = {
        listed.line: publish(farm, listed.blog.host, listed.blog.base_path)  # type: ignore[union-attr]
        for listed in normal[:5]
    }
    outputs = [out / "new.json", out / "new.html", out / "new.atom"]
    log_file = out / "demo-crawl-2.log"
    command = farm_crawl_command(
        list_file, outputs, log_file, timeout, extra, spider_args=["-a", "since=last"]
    )
    print(f"\nSecond run, after {len(published)} blogs published a post:")
    print("$ " + " ".join(command[2:]).replace(sys.executable, "python"))
    crawl = subprocess.run(command, check=False)
    records = json.loads(outputs[0].read_text(encoding="utf-8"))
    print_summary(records, log_file)
    new = {record["blog_url"]: record["title"] for record in records if record["status"] == "ok"}
    reported = sum(1 for blog, title in published.items() if new.get(blog) == title)
    answered = farm.ask("/_farm/load")["not_modified"]
    print(
        f"\nNew posts reported: {reported}/{len(published)} "
        f"(and {len(new) - reported} other ok records); the farm answered {answered} "
        f"requests with 304 Not Modified. Written: {', '.join(map(str, outputs))}"
    )
    return 0 if new == published and answered and crawl.returncode == 0 else 1


def publish(farm: FarmProcess, host: str, base_path: str) -> str:
    """A new newest post on the farm's blog at ``host``; its title."""
    return farm.ask(f"/_farm/publish?path={base_path}", host)["title"]


def print_summary(records: list[dict[str, str]], log_file: Path) -> None:
    """The crawl's own summary (from its log), then a few records as a table."""
    lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    start = next((i for i, line in enumerate(lines) if "Summary (" in line), None)
    if start is not None:
        print("\n" + lines[start].split("] INFO: ", 1)[-1])
        for line in lines[start + 1 :]:
            if not line.startswith("  "):
                break
            print(line)
    print("\nStatus counts:", dict(sorted(tally(records).items())))
    print(f"\n{'status':<20} {'title':<58} blog")
    shown = sorted(records, key=lambda r: (r["status"] == "ok", r["blog_url"]))
    for record in shown[:24]:
        text = record["title"] or record["error"]
        print(f"{record['status']:<20} {text[:58]:<58} {record['blog_url']}")
    if len(shown) > 24:
        print(f"... and {len(shown) - 24} more")


if __name__ == "__main__":
    sys.exit(main())

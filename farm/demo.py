"""``python -m farm.demo``: the main job, offline, on the sample farm (``make demo``).

Starts the farm on a free port of 127.0.0.1, runs the real command line
``scrapy crawl blogs -a urls_file=output/farm-blogs.txt -O output/titles.json -O output/titles.csv``
against it, checks every record against what the farm serves, prints the summary and the time
next to what the sequential loop would take (2 x n x latency), and stops the farm.
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
from farm.listing import check_records, farm_listing, tally
from farm.process import FarmProcess
from farm.resolver import FARM_SETTINGS


def farm_crawl_command(
    list_file: Path,
    outputs: Sequence[Path],
    log_file: Path,
    timeout: float,
    extra: Sequence[str] = (),
) -> list[str]:
    """The ``scrapy crawl blogs`` command line for a farm run (``extra``: ``NAME=VALUE``
    settings)."""
    settings = {**FARM_SETTINGS, "LOG_FILE": log_file, "DOWNLOAD_TIMEOUT": timeout}
    settings |= dict(setting.split("=", 1) for setting in extra)
    return crawl_command("-a", f"urls_file={list_file}", settings=settings, outputs=outputs)


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
    log_file = out / "demo-crawl.log"
    with FarmProcess(blogs=args.blogs, latency=args.latency, list_file=list_file) as farm:
        listing = farm_listing(args.blogs, farm.port, farm.refused_port)
        print(
            f"Sample farm: {len(listing)} listed lines "
            f"({args.blogs} normal blogs + special cases), "
            f"{args.latency * 1000:.0f} ms latency, http://*.farm.test:{farm.port}/"
        )
        outputs = [json_file, csv_file]
        command = farm_crawl_command(list_file, outputs, log_file, args.timeout, args.set)
        print("$ " + " ".join(command[2:]).replace(sys.executable, "python"))
        started = time.monotonic()
        crawl = subprocess.run(command, check=False)
        wall = time.monotonic() - started

    records = json.loads(json_file.read_text(encoding="utf-8"))
    problems = check_records(records, listing)
    crawled = sum(1 for listed in listing if listed.blog is not None)
    sequential = 2 * crawled * args.latency
    print_summary(records, log_file)
    print(f"\nRecords: {len(records)} in {json_file} and {csv_file} (log: {log_file})")
    print(
        f"Check against the farm: {len(listing) - len(problems)}/{len(listing)} lines as expected"
    )
    for problem in problems:
        print(f"  MISMATCH {problem}")
    print(
        f"Crawl time: {wall:.1f} s (process start to exit). The sequential loop would wait at "
        f"least 2 x {crawled} x {args.latency:g} s = {sequential:.1f} s: "
        f"{sequential / wall:.1f}x slower."
    )
    return 1 if problems or crawl.returncode else 0


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

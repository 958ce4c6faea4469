"""Every core of one machine: N ``scrapy crawl`` processes split one list, then one merged output.

``python -m blogtitles.parallel --jobs 2 [-o output/titles.jsonl ...] [-- CRAWL ARGS]``
(``make crawl JOBS=2``). Process K runs ``scrapy crawl blogs -a shard=K/N`` (see
:mod:`blogtitles.inputs.shards`) into ``<work>/titles-K.jsonl`` with its log in
``<work>/crawl-K.log``; when all have ended, :mod:`blogtitles.runs.merge` writes the outputs
(default: ``output/titles.jsonl`` and ``output/titles.csv``, as a single crawl does). The exit
code is the first non-zero exit code of a crawl (its records are merged all the same), else 0.
Without Redis; for many machines see the README's distributed mode.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from blogtitles.runs.commandline import crawl_command
from blogtitles.runs.merge import merge

DEFAULT_OUTPUTS = [Path("output/titles.jsonl"), Path("output/titles.csv")]


def shard_command(spider: str, index: int, jobs: int, work: Path, extra: list[str]) -> list[str]:
    """The ``scrapy crawl`` command line of shard ``index`` of ``jobs``."""
    return crawl_command(
        "-a",
        f"shard={index}/{jobs}",
        *extra,
        spider=spider,
        settings={"LOG_FILE": work / f"crawl-{index}.log"},
        outputs=[work / f"titles-{index}.jsonl"],
    )


def run_shards(spider: str, jobs: int, work: Path, extra: list[str]) -> list[int]:
    """Run the ``jobs`` crawls at once; their exit codes, in shard order."""
    work.mkdir(parents=True, exist_ok=True)
    processes = [
        subprocess.Popen(shard_command(spider, index, jobs, work, extra))
        for index in range(1, jobs + 1)
    ]
    try:
        return [process.wait() for process in processes]
    except KeyboardInterrupt:  # stop the crawls as Ctrl-C stops one: gracefully, then wait
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        return [process.wait() for process in processes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blogtitles.parallel", description=__doc__)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (N)")
    parser.add_argument("--spider", default="blogs")
    parser.add_argument("-o", "--output", action="append", type=Path, help="merged output (repeat)")
    parser.add_argument("--work", type=Path, default=Path("output/shards"), help="shard files")
    parser.add_argument("crawl_args", nargs="*", help="passed to every crawl, after --")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    codes = run_shards(args.spider, args.jobs, args.work, args.crawl_args)
    for index, code in enumerate(codes, 1):
        print(
            f"shard {index}/{args.jobs}: exit code {code}, log {args.work / f'crawl-{index}.log'}"
        )
    inputs = [args.work / f"titles-{index}.jsonl" for index in range(1, args.jobs + 1)]
    outputs = args.output or DEFAULT_OUTPUTS
    summary = merge([path for path in inputs if path.is_file()], outputs)
    print(
        f"Merged: {summary.written} records ({summary.duplicates} duplicate articles dropped, "
        f"{summary.broken_lines} broken lines) -> {', '.join(map(str, outputs))}"
    )
    return next((code for code in codes if code != 0), 0)


if __name__ == "__main__":
    sys.exit(main())

"""One machine, distributed mode end to end: enqueue a list, run N workers, collect the records.

``python -m blogtitles.workers --redis redis://127.0.0.1:6379/0 --jobs 2 blogs.txt [-- ARGS]``
(``make workers N=2``; ``--local-redis`` starts Debian's redis-server on a free port for the
run instead, its data under ``output/redis/``): ``python -m blogtitles.enqueue --fresh``; N
``scrapy crawl blogs -s BLOGTITLES_REDIS_URL=...`` processes, started as soon as the first batch
is queued (logs in ``output/workers/worker-K.log``; ARGS go to each), that stop once every blog
is done; then ``python -m blogtitles.collect`` into ``output/titles.jsonl`` and ``.csv`` (or the
``-o`` files). On other machines, start more workers against the same Redis while this runs:
they share the queue. Exit code: 1 if the enqueue failed, else collect's (0 when every blog has
its outcome), else the first failing worker's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
from pathlib import Path

from blogtitles.distributed import collect, enqueue
from blogtitles.runs.commandline import crawl_command


def worker_command(redis: str, log: Path, idle: float, extra: list[str]) -> list[str]:
    """The ``scrapy crawl blogs`` command line of one worker."""
    settings = {
        "BLOGTITLES_REDIS_URL": redis,
        "BLOGTITLES_REDIS_IDLE_TIMEOUT": idle,
        "LOG_FILE": log,
    }
    return crawl_command(*extra, settings=settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blogtitles.workers", description=__doc__)
    parser.add_argument("list", type=Path, help="blog list: text, CSV or OPML")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--local-redis", action="store_true", help="start a redis-server for this run"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers (N)")
    parser.add_argument(
        "--idle", type=float, default=2.0, help="seconds idle before a worker stops"
    )
    parser.add_argument("--logs", type=Path, default=Path("output/workers"))
    parser.add_argument("-o", "--output", action="append", default=[], help="collected output")
    argv = sys.argv[1:] if argv is None else argv
    # Everything after "--" goes to the workers (split here: argparse cannot tell it from the
    # list file once options come between them).
    crawl_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    args.crawl_args = crawl_args
    if not args.local_redis:
        return run(args)
    try:  # a development convenience: the helper lives in the checkout, not in the package
        from tools.localredis import RedisProcess
    except ImportError:
        parser.error("--local-redis needs the project's checkout (tools/); use --redis URL")
    with RedisProcess(Path("output/redis")) as redis:
        args.redis = redis.url
        print(f"Local Redis: {redis.url} (data in output/redis/)")
        return run(args)


def run(args: argparse.Namespace) -> int:
    """Enqueue (the workers start once the first batch is queued, while the rest loads), run the
    workers to the end, collect."""
    args.logs.mkdir(parents=True, exist_ok=True)
    queued, enqueued = threading.Event(), []

    def load() -> None:
        code = 1  # unless the enqueue returns (a crash prints its traceback)
        try:
            code = enqueue.main(["--redis", args.redis, "--fresh", str(args.list)], queued.set)
        finally:
            enqueued.append(code)
            queued.set()  # the whole list was smaller than a batch, or it failed

    loader = threading.Thread(target=load, name="enqueue")
    loader.start()
    queued.wait()
    if enqueued and enqueued[0] != 0:  # nothing queued: no workers
        return 1
    workers = [
        subprocess.Popen(
            worker_command(args.redis, args.logs / f"worker-{k}.log", args.idle, args.crawl_args)
        )
        for k in range(1, args.jobs + 1)
    ]
    loader.join()
    codes = [worker.wait() for worker in workers]
    for k, code in enumerate(codes, 1):
        print(f"worker {k}: exit code {code}, log {args.logs / f'worker-{k}.log'}")
    outputs = [option for path in args.output for option in ("-o", path)]
    collected = collect.main(["--redis", args.redis, *outputs])
    return enqueued[0] or collected or next((code for code in codes if code), 0)


if __name__ == "__main__":
    sys.exit(main())

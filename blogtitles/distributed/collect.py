"""Distributed mode, the operator's side: where the job is, put back lost blogs, write records.

``python -m blogtitles.collect --redis URL [-o output/titles.jsonl -o output/titles.csv]``
writes every record the workers delivered (and the enqueue's error records) to the outputs, with
Scrapy's exporters (formats by extension, as :mod:`blogtitles.runs.merge`), then prints the job's
status. Records stay in Redis until the next ``enqueue --fresh``, so collecting again is safe.

``--reconcile SECONDS`` first puts back in the queue every blog claimed more than SECONDS ago
that has no outcome: its worker died (SIGKILL, a lost machine) with the blog popped. Choose
SECONDS above the longest a blog can take (retries and timeouts: 2 minutes is ample with the
default settings), or run it when no worker is running (``--reconcile 0``). Start a worker
afterwards to crawl what was put back.

``--status`` prints only the status. Exit code 0 when every enqueued blog has its outcome, 3 when
some are still waiting or claimed, 1 when Redis cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from redis.exceptions import RedisError

from blogtitles.distributed.queue import BlogQueue, QueueStatus
from blogtitles.runs.merge import as_record, write_records
from blogtitles.runs.parallel import DEFAULT_OUTPUTS

INCOMPLETE = 3


def describe(status: QueueStatus) -> str:
    return (
        f"enqueued {status.enqueued}{' (still loading)' if status.loading else ''}: "
        f"{status.outcomes} done, {status.waiting} waiting, "
        f"{status.claimed} claimed by workers; {status.records} records in Redis"
        + ("; complete" if status.complete else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blogtitles.collect", description=__doc__)
    parser.add_argument("--redis", required=True, help="Redis URL, e.g. redis://127.0.0.1:6379/0")
    parser.add_argument("--spider", default="blogs", help="the workers' spider (key prefix)")
    parser.add_argument("-o", "--output", action="append", type=Path, help="output (repeat)")
    parser.add_argument("--reconcile", type=float, metavar="SECONDS", help="put back lost blogs")
    parser.add_argument("--status", action="store_true", help="only print where the job is")
    args = parser.parse_args(argv)
    try:
        queue = BlogQueue.from_url(args.redis, args.spider)
        if args.reconcile is not None:
            back = queue.reconcile(args.reconcile)
            print(f"Reconciled: {back} blogs claimed by a worker that did not finish are queued")
        if not args.status:
            records = (
                record for value in queue.records() if (record := as_record(value)) is not None
            )
            outputs = args.output or DEFAULT_OUTPUTS
            written = write_records(records, outputs)
            print(f"Collected {written.written} records -> {', '.join(map(str, outputs))}")
        status = queue.status()
    except RedisError as exc:
        print(f"Cannot collect: Redis at {args.redis}: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Cannot collect: {exc}", file=sys.stderr)
        return 2
    print(f"Job {queue.name}: {describe(status)}")
    return 0 if status.complete else INCOMPLETE


if __name__ == "__main__":
    sys.exit(main())

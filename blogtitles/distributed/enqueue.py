"""Load a blog list into Redis for the distributed workers.

``python -m blogtitles.enqueue --redis redis://127.0.0.1:6379/0 blogs.txt [--format csv] [--fresh]``

Reads the list lazily, with the spider's readers and validation (text, CSV, OPML), and pushes
valid blogs in batches to the queue (``blogs:start_urls``). An invalid line becomes its error
record directly (in Redis, collected with the others), never a queue entry; a duplicate line is
counted and not queued, as in a single-process run. ``--fresh`` first forgets the previous job on
that Redis (queue, claims, outcomes, records): without it, blogs that have a record already are
not recorded twice.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from time import monotonic

import scrapy
from redis.exceptions import RedisError

from blogtitles import errors
from blogtitles.distributed.queue import LOADING_TTL, BlogQueue
from blogtitles.inputs import BlogInput, InputListError, open_blog_list
from blogtitles.items import SeenUrls


def invalid_reason(entry: BlogInput) -> str:
    """Why the entry cannot be crawled (the spider's checks), or ``""``."""
    if entry.error:
        return entry.error
    try:
        scrapy.Request(entry.url)
    except ValueError as exc:  # a URL Scrapy cannot request
        return str(exc)
    return ""


def enqueue(
    queue: BlogQueue,
    entries: Iterable[BlogInput],
    batch: int = 1000,
    on_queued: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Push ``entries``; counts by what became of them. ``on_queued`` is called after each batch
    pushed (workers may start on the first while the rest loads). While it runs, the queue is
    marked as loading (renewed every 20 s), so that workers do not take a pause in the list
    (a long run of invalid lines, a slow disk) for its end."""
    counts = {"queued": 0, "invalid": 0, "duplicate": 0, "unreadable": 0}
    seen = SeenUrls()
    pending: list[BlogInput] = []
    renew_at = 0.0
    try:
        for entry in entries:
            if monotonic() >= renew_at:
                queue.mark_loading()
                renew_at = monotonic() + LOADING_TTL / 3
            reason = invalid_reason(entry)
            if reason:
                record = errors.invalid_input_record(entry, reason)
                queue.deliver(entry.raw, record.__dict__, None)
                queue.count_enqueued(1)
                counts["unreadable" if entry.unreadable else "invalid"] += 1
            elif not seen.add(entry.url):
                counts["duplicate"] += 1
            else:
                pending.append(entry)
                if len(pending) >= batch:
                    counts["queued"] += queue.push(pending)
                    pending = []
                    if on_queued is not None:
                        on_queued()
        counts["queued"] += queue.push(pending)
    finally:
        with contextlib.suppress(RedisError):  # else it expires by itself
            queue.done_loading()
    return counts


def main(argv: list[str] | None = None, on_queued: Callable[[], None] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blogtitles.enqueue", description=__doc__)
    parser.add_argument("list", type=Path, help="blog list: text, CSV or OPML")
    parser.add_argument("--redis", required=True, help="Redis URL, e.g. redis://127.0.0.1:6379/0")
    parser.add_argument("--format", choices=("text", "csv", "opml"), help="the list's format")
    parser.add_argument("--spider", default="blogs", help="the workers' spider (key prefix)")
    parser.add_argument("--fresh", action="store_true", help="forget the previous job first")
    args = parser.parse_args(argv)
    try:
        queue = BlogQueue.from_url(args.redis, args.spider)
        queue.server.ping()
        entries = open_blog_list(args.list, args.format)
        if args.fresh:
            queue.clear()
        counts = enqueue(queue, entries, on_queued=on_queued)
    except InputListError as exc:
        print(f"Cannot enqueue: {exc}", file=sys.stderr)
        return 1
    except RedisError as exc:
        print(f"Cannot enqueue: Redis at {args.redis}: {exc}", file=sys.stderr)
        return 1
    print(
        f"Enqueued {counts['queued']} blogs on {queue.start_key}; {counts['invalid']} invalid "
        f"lines recorded as errors; {counts['duplicate']} duplicate lines skipped"
    )
    if counts["unreadable"]:  # recorded as invalid_list; what the list held there is lost
        print("Part of the list could not be read: see the invalid_list record", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

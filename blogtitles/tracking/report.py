"""``scrapy report`` (or ``python -m blogtitles.tracking.report``): the blogs of a state file that
need attention.

Reads the health records incremental runs keep (``-a since=last`` or ``BLOGTITLES_STATE_PATH``)
and prints the blogs failing for N runs in a row, moved (a permanent redirect seen on K runs in
a row: update the list), or silent for more than D days; ``--all`` prints every blog's record,
``--json`` prints JSON. Exit status 0; 2 when the state file cannot be read (one line says why).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from scrapy.settings import Settings

from blogtitles.runs.state import read_health
from blogtitles.tracking.health import Attention, Health, needs_attention
from blogtitles.tracking.store import StateError

_DEFAULTS = Attention()


def state_of(settings: Settings) -> str:
    """The state file of ``settings``: ``BLOGTITLES_STATE_PATH``, else the one of
    ``-a since=last``."""
    return settings.get("BLOGTITLES_STATE_PATH") or settings.get("BLOGTITLES_SINCE_LAST_STATE_PATH")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The report's options (``scrapy report`` adds them to Scrapy's own)."""
    parser.add_argument("--state", type=Path, help="state file (default: the project's)")
    for flag, default, metavar, what in (
        ("--failing", _DEFAULTS.failing_runs, "N", "blogs failing for N runs in a row"),
        ("--silent-days", _DEFAULTS.silent_days, "D", "blogs whose newest post is D days old"),
        ("--moved", _DEFAULTS.moved_runs, "K", "blogs redirected permanently on K runs"),
    ):
        parser.add_argument(
            flag, type=int, default=default, metavar=metavar, help=f"flag {what} (%(default)s)"
        )
    parser.add_argument("--all", action="store_true", help="every blog, not only flagged ones")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of text")


def report(
    args: argparse.Namespace, state: Path | str, read: Callable[[], dict[str, Health]] | None = None
) -> int:
    """Print the report of ``state`` (a state file, or what ``read`` reads: the workers' state
    in Redis); the exit status."""
    try:
        records = sorted((read or (lambda: read_health(state)))().values(), key=_by_blog)
    except StateError as exc:
        print(f"blogtitles report: cannot read the state {state}: {exc}", file=sys.stderr)
        return 2
    limits = Attention(args.failing, args.silent_days, args.moved)
    now = datetime.now(UTC)
    flagged = 0
    for health in records:
        reasons = needs_attention(health, now, limits)
        flagged += bool(reasons)
        if not reasons and not args.all:
            continue
        if args.json:
            print(json.dumps({**asdict(health), "attention": reasons}, ensure_ascii=False))
        else:
            print(f"{health.blog_url}\n  " + "\n  ".join(reasons or ["ok"]))
    if not args.json:
        print(f"{flagged} of {len(records)} blogs need attention ({state})")
    return 0


def _by_blog(health: Health) -> str:
    return health.blog_url


def main(argv: list[str] | None = None) -> int:
    """``python -m blogtitles.tracking.report``: the project's settings module, no Scrapy
    command line."""
    parser = argparse.ArgumentParser(
        prog="python -m blogtitles.tracking.report", description=__doc__
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    settings = Settings()
    settings.setmodule("blogtitles.settings")
    return report(args, args.state or Path(state_of(settings)))


if __name__ == "__main__":
    sys.exit(main())

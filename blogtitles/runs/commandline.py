"""The ``scrapy crawl`` command line, built in one place for everything that starts crawls.

The workers, the parallel shards, the demo, the benchmark and the tests each start ``scrapy
crawl`` in a child process; they all build its command line here, so a crawl started by any of
them is the one a user types.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path


def crawl_command(
    *args: str,
    spider: str = "blogs",
    settings: Mapping[str, object] | None = None,
    outputs: Iterable[str | Path] = (),
) -> list[str]:
    """``python -m scrapy crawl SPIDER -s NAME=VALUE... -O OUTPUT... ARGS``.

    ``args`` come last, so that options the caller passes through (``-s``, ``-a``) win over
    ``settings``.
    """
    command = [sys.executable, "-m", "scrapy", "crawl", spider, *setting_args(settings or {})]
    for output in outputs:
        command += ["-O", str(output)]
    return [*command, *args]


def setting_args(settings: Mapping[str, object]) -> list[str]:
    """``-s NAME=VALUE`` for each setting."""
    return [arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]

"""Fault mode of the sample farm: a seeded share of responses fail, in every way the web fails.

``python -m farm --faults 0.2 --fault-seed 7``. Whether a page fails, and how, depends
only on the seed, its host and its path, so a run can be repeated. Transient faults fail the first
attempt and recover (a retry gets the page); permanent ones fail every time. ``GET /_farm/faults``
lists the faults served so far, for tests to know what each record should say.
"""

from __future__ import annotations

import gzip
import random
from collections import Counter
from typing import Final

#: Fault kind -> (transient?, the record statuses it may end in when it hits a page).
FAULTS: Final[dict[str, tuple[bool, frozenset[str]]]] = {
    "reset": (True, frozenset({"ok"})),  # connection reset, then fine
    "unavailable": (True, frozenset({"ok"})),  # 503 with Retry-After, then fine
    "server_error": (True, frozenset({"ok"})),  # 500, then fine
    "trickle": (True, frozenset({"ok"})),  # a byte at a time past the timeout, then fine
    "truncated": (False, frozenset({"connection_lost"})),  # body shorter than Content-Length
    "wrong_type": (False, frozenset({"not_html"})),  # an image where a page should be
    "garbage": (False, frozenset({"no_article_link", "no_title", "ok"})),  # random bytes as HTML
    "huge": (False, frozenset({"too_large"})),  # 10 MiB announced
    "redirect_loop": (False, frozenset({"too_many_redirects"})),  # redirects to itself
    "gzip_bomb": (False, frozenset({"too_large"})),  # 32 KB that inflate to 32 MiB
}
FAULTS_PATH: Final = "/_farm/faults"
_PNG: Final = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
_BOMB_SIZE: Final = 32 * 1024 * 1024


class FaultPlan:
    """Decides, per page and attempt, whether the farm fails it and how; remembers what it did."""

    def __init__(self, fraction: float, seed: int) -> None:
        self.fraction = fraction
        self.seed = seed
        self.attempts: Counter[tuple[str, str]] = Counter()
        self.served: dict[tuple[str, str], str] = {}
        self._bomb: bytes | None = None

    def fault_for(self, host: str, path: str) -> str | None:
        """The fault to serve for this request of ``path`` on ``host``, or ``None``."""
        if self.fraction <= 0 or path == "/robots.txt" or path.startswith("/_farm"):
            return None
        rng = random.Random(f"{self.seed}:{host}:{path}")
        if rng.random() >= self.fraction:
            return None
        kind = rng.choice(sorted(FAULTS))
        self.attempts[host, path] += 1
        transient = FAULTS[kind][0]
        if transient and self.attempts[host, path] > 1:
            return None  # the farm recovered
        self.served[host, path] = kind
        return kind

    def garbage(self, host: str, path: str) -> bytes:
        rng = random.Random(f"garbage:{self.seed}:{host}:{path}")
        return bytes(rng.randrange(256) for _ in range(4096))

    def bomb(self) -> bytes:
        if self._bomb is None:
            self._bomb = gzip.compress(b"\0" * _BOMB_SIZE, compresslevel=9)
        return self._bomb

    def report(self) -> list[list[str]]:
        return [[host, path, kind] for (host, path), kind in sorted(self.served.items())]


PNG_BYTES: Final = _PNG

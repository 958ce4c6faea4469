"""What the state of incremental runs keeps of a page, and how it fails: shared by the SQLite
file (:mod:`blogtitles.runs.state`) and Redis (:mod:`blogtitles.distributed.state`)."""

from __future__ import annotations

from typing import NamedTuple


class Validators(NamedTuple):
    """A page's validators as the server sent them (quotes and all), and until when (epoch
    seconds) its ``Cache-Control: max-age`` says it is fresh (0: not at all)."""

    etag: str
    last_modified: str
    fresh_until: float = 0.0


class StateError(Exception):
    """The state cannot be used (a file that is not a database, Redis gone)."""

"""What the state of incremental runs keeps of a page, and how it fails: shared by the SQLite
file (:mod:`blogtitles.runs.state`) and Redis (:mod:`blogtitles.distributed.state`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple, ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")


class Validators(NamedTuple):
    """A page's validators as the server sent them (quotes and all), and until when (epoch
    seconds) its ``Cache-Control: max-age`` says it is fresh (0: not at all)."""

    etag: str
    last_modified: str
    fresh_until: float = 0.0


class StateError(Exception):
    """The state cannot be used (a file that is not a database, Redis gone)."""


def raising_state_error(
    *kinds: type[Exception], what: str
) -> Callable[[Callable[_P, _T]], Callable[_P, _T]]:
    """A decorator: the store's own errors (``kinds``: SQLite's, Redis's) leave the decorated
    method as :class:`StateError`, so that what uses a state handles one error whatever holds it."""

    def decorate(method: Callable[_P, _T]) -> Callable[_P, _T]:
        @functools.wraps(method)
        def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _T:
            try:
                return method(*args, **kwargs)
            except kinds as exc:
                raise StateError(f"{what}: {exc}") from exc

        return guarded

    return decorate

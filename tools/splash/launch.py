"""Start Splash 3.5 on Python 3.11, with the three runtime fixes it needs there.

``python tools/splash/launch.py [splash.server arguments]``, run with the Splash virtualenv's
Python (``make splash`` builds it: Debian's PyQt5 and QtWebKit, ``tools/splash/requirements.txt``).
Splash 3.5 (2021) predates Python 3.11 and the current lupa and PyQt5; rather than edit installed
files, this launcher corrects three things in memory, then hands over to ``splash.server.main``:

1. ``json.loads(..., encoding=...)``: Splash passes ``encoding``, which Python 3.9 removed; every
   JSON POST (what scrapy-splash sends) failed with a 500. The argument is dropped.
2. lupa 2.x: ``import lupa`` picks the newest bundled Lua (5.5); Splash's Lua sandbox and scripts
   are written for Lua 5.2. ``lupa`` is pointed at lupa's bundled ``lupa.lua52`` module.
3. PyQt5 5.15 refuses floats where Qt takes ints; Splash passes them to ``QTimer.start`` (waits
   and timeouts in milliseconds, e.g. ``wait=0.5`` -> 500.0) and ``QPoint`` (image regions).
   ``PyQt5.QtCore.QTimer`` and ``QPoint`` are replaced by subclasses that truncate floats, before
   any Splash module imports them.

Production users point ``SPLASH_URL`` at their own Splash instead (its Docker image, say).
"""

from __future__ import annotations

import json
import sys
from typing import Any


def drop_json_encoding_argument() -> None:
    loads, load = json.loads, json.load

    def loads_without_encoding(s: Any, *args: Any, encoding: Any = None, **kwargs: Any) -> Any:
        return loads(s, *args, **kwargs)

    def load_without_encoding(fp: Any, *args: Any, encoding: Any = None, **kwargs: Any) -> Any:
        return load(fp, *args, **kwargs)

    json.loads, json.load = loads_without_encoding, load_without_encoding


def use_lua_52() -> None:
    import lupa.lua52

    sys.modules["lupa"] = lupa.lua52


def _ints(args: tuple[Any, ...]) -> list[Any]:
    return [int(arg) if isinstance(arg, float) else arg for arg in args]


def accept_floats_in_qt() -> None:
    from PyQt5 import QtCore

    class QTimer(QtCore.QTimer):  # type: ignore[misc]
        def start(self, *args: Any) -> None:
            super().start(*_ints(args))

        @staticmethod
        def singleShot(*args: Any) -> None:  # noqa: N802 - Qt's name
            QtCore.QTimer.singleShot(*_ints(args))

    class QPoint(QtCore.QPoint):  # type: ignore[misc]
        def __init__(self, *args: Any) -> None:
            super().__init__(*_ints(args))

    QtCore.QTimer, QtCore.QPoint = QTimer, QPoint


def main() -> None:
    drop_json_encoding_argument()
    use_lua_52()
    accept_floats_in_qt()
    from splash.server import main as splash_main

    sys.argv[0] = "splash"
    splash_main()


if __name__ == "__main__":
    main()

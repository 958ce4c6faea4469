"""A deliberately broken pipeline, for the test that a lost record fails the run."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem


class SilentlyDropEverySecondRecord:
    """Drops every second record without counting it: the summary must notice."""

    def __init__(self) -> None:
        self.seen = 0

    def process_item(self, item: Any) -> Any:
        self.seen += 1
        if self.seen % 2 == 0:
            raise DropItem("lost on purpose")
        return item

"""Add-ons of the project (``ADDONS``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class DefaultFeeds:
    """Write ``BLOGTITLES_DEFAULT_FEEDS`` only when no feed was asked for.

    With ``-o``/``-O`` (or ``FEEDS`` set anywhere, as Scrapyd does) the run writes just what was
    asked; putting the defaults in ``FEEDS`` itself would add them to every ``-o`` run.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getdict("FEEDS"):
            settings.set("FEEDS", settings.getdict("BLOGTITLES_DEFAULT_FEEDS"), priority="addon")

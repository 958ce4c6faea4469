"""Add-ons of the project (``ADDONS``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.settings import SETTINGS_PRIORITIES

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def set_over(settings: BaseSettings, name: str, value: Any) -> None:
    """Set ``name`` from an add-on over the project's settings file: at the priority the setting
    already has, or the add-on priority if that is higher (``-s`` on the command line still wins,
    being applied later at its own priority)."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["addon"])
    settings.set(name, value, priority)


class DefaultFeeds:
    """Write ``BLOGTITLES_DEFAULT_FEEDS`` only when no feed was asked for.

    With ``-o``/``-O`` (or ``FEEDS`` set anywhere, as Scrapyd does) the run writes just what was
    asked; putting the defaults in ``FEEDS`` itself would add them to every ``-o`` run. With
    ``JOBDIR`` only the JSON Lines default is kept, appended to (a resumable run's journal).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.getdict("FEEDS") or settings.get("BLOGTITLES_REDIS_URL"):
            return  # asked for; or distributed: records go to Redis, workers write no files
        feeds = settings.getdict("BLOGTITLES_DEFAULT_FEEDS")
        if settings.get("JOBDIR"):  # a resumable run appends to its JSON Lines feed only
            feeds = {
                uri: {**options, "overwrite": False}
                for uri, options in feeds.items()
                if options.get("format") in ("jsonlines", "jsonl", "jl")
            }
        settings.set("FEEDS", feeds, priority="addon")

"""``scrapy report``: the blogs of the incremental state that need attention (failing, moved,
silent); see :mod:`blogtitles.tracking.report`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from scrapy.commands import ScrapyCommand

from blogtitles.distributed.addon import is_distributed
from blogtitles.runs.state import open_redis_state
from blogtitles.tracking.report import add_arguments, report, state_of

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    """Reads the state file of the project's settings (``-s BLOGTITLES_STATE_PATH=...`` or
    ``--state`` for another), or with ``BLOGTITLES_REDIS_URL`` the distributed workers' state in
    Redis; exit status 2 when it cannot be read."""

    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, object]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--state FILE] [--failing N] [--silent-days D] [--moved K] [--all] [--json]"

    def short_desc(self) -> str:
        return "Print the blogs of the incremental state that need attention"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_arguments(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if opts.state or not is_distributed(self.settings):
            self.exitcode = report(opts, opts.state or Path(state_of(self.settings)))
            return
        # Distributed workers keep the state in the job's Redis (BLOGTITLES_REDIS_URL).
        where = f"{self.settings.get('BLOGTITLES_REDIS_URL')} (blogs:state:*)"
        self.exitcode = report(
            opts, where, lambda: open_redis_state(self.settings, "blogs").health()
        )

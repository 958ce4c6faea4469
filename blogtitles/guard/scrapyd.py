"""What a Scrapyd job may not decide for itself.

Anyone who can call Scrapyd's ``schedule.json`` can pass a job spider arguments and settings. So
in a job started by Scrapyd (which always passes the spider its job id, ``-a _job=...``):

- ``-a urls_file`` names a file inside ``BLOGTITLES_LISTS_DIR`` only (the operator's folder,
  from Scrapyd's environment; none when unset): not ``/etc/passwd``, not Scrapyd's password
  file; the packaged list and ``-a urls`` stay open to every job;
- the settings that decide what the crawl may connect to are the operator's: a job that sets
  one of :data:`OPERATOR_SETTINGS` (``-d setting=NAME=VALUE``) does not start. The operator sets
  the guard's through Scrapyd's environment (``BLOGTITLES_ALLOW_PRIVATE_ADDRESSES``,
  ``BLOGTITLES_ALLOWED_NETWORKS``, ``BLOGTITLES_LOOPBACK_ONLY``, ``BLOGTITLES_LISTS_DIR``), or
  the project's settings in the deployed egg.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from scrapy.settings import SETTINGS_PRIORITIES

from blogtitles.guard.addresses import GuardConfigError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: Settings a Scrapyd job may not set: the guard's, and those that could route around it (other
#: handlers, middlewares, proxies, the trusted renderer endpoint, the list file).
OPERATOR_SETTINGS: Final = (
    "BLOGTITLES_ALLOW_PRIVATE_ADDRESSES",
    "BLOGTITLES_ALLOWED_NETWORKS",
    "BLOGTITLES_LOOPBACK_ONLY",
    "BLOGTITLES_LISTS_DIR",
    "BLOGTITLES_URLS_FILE",
    "BLOGTITLES_RENDER_PROXY",
    "BLOGTITLES_SPLASH_ARGS",
    "SPLASH_URL",
    "ADDONS",
    "DOWNLOADER",
    "DOWNLOADER_MIDDLEWARES",
    "DOWNLOAD_HANDLERS",
    "HTTPPROXY_ENABLED",
    "PLAYWRIGHT_LAUNCH_OPTIONS",
    "PLAYWRIGHT_ABORT_REQUEST",
)


def is_scrapyd_job(spider_args: Mapping[str, Any]) -> bool:
    """Whether the crawl was started by Scrapyd (its spider arguments hold ``_job``)."""
    return bool(spider_args.get("_job"))


def check_job_settings(settings: BaseSettings) -> None:
    """Refuse a Scrapyd job that set one of :data:`OPERATOR_SETTINGS` itself."""
    job = SETTINGS_PRIORITIES["cmdline"]
    for name in OPERATOR_SETTINGS:
        if (settings.getpriority(name) or 0) >= job:
            raise GuardConfigError(
                f"a Scrapyd job may not set {name}: it is the operator's (Scrapyd's environment "
                "or the deployed project's settings)"
            )


def check_list_file(path: Path, settings: BaseSettings) -> None:
    """Refuse a Scrapyd job's list file outside ``BLOGTITLES_LISTS_DIR``."""
    folder = settings.get("BLOGTITLES_LISTS_DIR")
    if not folder:
        raise GuardConfigError(
            f"urls_file={path}: a Scrapyd job reads no list file unless the operator sets "
            "BLOGTITLES_LISTS_DIR in Scrapyd's environment (use -d urls=... instead)"
        )
    allowed = Path(folder).resolve()
    if not path.resolve().is_relative_to(allowed):
        raise GuardConfigError(
            f"urls_file={path}: a Scrapyd job reads list files only from {allowed} "
            "(BLOGTITLES_LISTS_DIR)"
        )

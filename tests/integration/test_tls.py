"""Real crawls over HTTPS on the realistic farm: certificates verified against
``BLOGTITLES_TLS_CA_FILE``, and whole pages read in TLS reads much smaller than one page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from farm.listing import Listed, check_records, farm_listing, write_listing
from farm.process import FarmProcess
from tests.conftest import FARM_SETTINGS, run_crawl
from tools.testca import TestCA, make_test_ca

pytestmark = pytest.mark.integration

BLOGS = 6


@pytest.fixture(scope="module")
def https_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FarmProcess, TestCA]]:
    tls = tmp_path_factory.mktemp("tls")
    ca = make_test_ca(tls)
    with FarmProcess(blogs=BLOGS, latency=0.0, specials=False, realistic=True, tls_dir=tls) as farm:
        yield farm, ca


def crawl_https(
    farm: FarmProcess, tmp_path: Path, **settings: object
) -> tuple[list[Listed], list[dict[str, Any]], str]:
    """The farm's blogs crawled over HTTPS with certificates verified: the listing, the
    records and the log."""
    listing = farm_listing(BLOGS, farm.port, farm.refused_port, specials=False, scheme="https")
    list_file = write_listing(tmp_path / "blogs.txt", listing)
    out = tmp_path / "titles.jsonl"
    settings = {**FARM_SETTINGS, "DOWNLOAD_VERIFY_CERTIFICATES": True, **settings}
    result = run_crawl("-a", f"urls_file={list_file}", "-O", str(out), settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    return listing, result.records(out), result.log


def test_pages_come_whole_through_small_tls_reads(
    https_farm: tuple[FarmProcess, TestCA], tmp_path: Path
) -> None:
    farm, ca = https_farm
    listing, records, _ = crawl_https(
        farm, tmp_path, BLOGTITLES_TLS_CA_FILE=str(ca.ca), BLOGTITLES_TLS_READ_BUFFER=1024
    )
    assert all(item.line.startswith("https://") for item in listing)
    assert check_records(records, listing) == []


def test_without_the_ca_the_certificates_are_refused(
    https_farm: tuple[FarmProcess, TestCA], tmp_path: Path
) -> None:
    farm, _ = https_farm
    listing, records, log = crawl_https(farm, tmp_path)  # the system's CAs only
    assert len(records) == len(listing)
    for record in records:
        assert record["status"] == "tls_error"
        assert record["error"] == (
            "index page: certificate not trusted: unable to get local issuer certificate"
        )
    # Each host's robots.txt met the certificate (and its retry); its pages were not tried.
    gave_up = [line for line in log.splitlines() if "Gave up retrying <GET" in line]
    assert len(gave_up) == BLOGS
    assert all("/robots.txt>" in line for line in gave_up)

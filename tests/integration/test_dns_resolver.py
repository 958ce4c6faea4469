"""``blogtitles.network.dns.NameServerResolver`` in a real crawl: every farm name resolved by a
real DNS server on 127.0.0.1 (``farm/dns.py``), none by the farm's in-process resolver."""

from __future__ import annotations

from pathlib import Path

from farm.dns import DnsProcess
from farm.listing import check_records, write_listing
from tests.conftest import FARM_SETTINGS, Farm, run_crawl


def test_a_crawl_resolves_through_the_dns_server(farm: Farm, tmp_path: Path) -> None:
    normal = [item for item in farm.listing if item.blog and item.blog.kind == "normal"][:8]
    kinds = ("nxdomain", "moved", "sticky")
    listing = normal + [item for item in farm.listing if item.blog and item.blog.kind in kinds]
    list_file = write_listing(tmp_path / "blogs.txt", listing)
    out = tmp_path / "titles.jsonl"
    with DnsProcess(median_ms=5, sigma=0.3, stats_file=tmp_path / "dns.json") as dns:
        settings = {
            **FARM_SETTINGS,
            "DOWNLOAD_TIMEOUT": 2,
            "TWISTED_DNS_RESOLVER": "blogtitles.network.dns.NameServerResolver",
            "BLOGTITLES_DNS_SERVERS": f"127.0.0.1:{dns.port}",
        }
        result = run_crawl("-a", f"urls_file={list_file}", "-O", str(out), settings=settings)
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(out)
    assert check_records(records, listing) == []
    assert {record["status"] for record in records} == {"ok", "dns_error"}
    # One query per distinct host at least (robots.txt and pages share Scrapy's DNS cache).
    assert dns.stats is not None
    hosts = {item.blog.host for item in listing if item.blog}
    assert dns.stats["answered"] >= len(hosts)

"""Real crawls: `scrapy crawl blogs` in a subprocess against the sample farm on 127.0.0.1."""

from __future__ import annotations

import csv
import json
import re
import time
from pathlib import Path

import pytest

from blogtitles.inputs import normalize_blog_url
from blogtitles.items import RECORD_FIELDS
from farm.catalog import SPECIAL_KINDS
from farm.fixtures import load_fixture_sites, same_url
from farm.listing import check_records, farm_listing, record_key
from farm.process import FarmProcess
from tests.conftest import RESOLVER, Farm, crawl_farm, requests_per_blog, run_crawl, run_scrapy

pytestmark = pytest.mark.integration


def by_blog(records: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {record["blog_url"]: record for record in records}


def test_scrapy_list_shows_blogs() -> None:
    result = run_scrapy("list")
    assert result.returncode == 0, result.stderr
    assert "blogs" in result.stdout.split()


def test_every_farm_line_ends_as_its_expected_record(farm: Farm, tmp_path: Path) -> None:
    out = tmp_path / "titles.jsonl"
    result = crawl_farm("-a", f"urls_file={farm.list_file}", "-O", str(out))
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(out)
    assert check_records(records, farm.listing) == []
    # Every special kind shows up with its own code, and says where it failed.
    records_by_blog = by_blog(records)
    for listed in farm.listing:
        if listed.blog is None or listed.blog.kind in ("normal", "alias"):
            continue
        record = records_by_blog[record_key(listed)]
        assert record["status"] == SPECIAL_KINDS[listed.blog.kind][0]
        if record["status"] != "ok":
            stage = (
                "article page" if listed.blog.kind in ("broken-article", "untitled") else "index"
            )
            assert record["error"].startswith(stage), record
    # Which signal decided, where it matters.
    found_by = {
        listed.blog.kind: records_by_blog[record_key(listed)]["found_by"]
        for listed in farm.listing
        if listed.blog
        and listed.blog.kind in ("sticky", "feed-broken", "article-input", "feed-input")
    }
    assert found_by["sticky"] == "microformats+dates"
    assert found_by["feed-broken"] == "microformats+skip_pinned (feed failed: http_500)"
    assert found_by["article-input"] == "input_is_article"
    assert found_by["feed-input"] == "feed"
    # Exactly one of the first blog and its alias is kept, the other counted as a duplicate.
    assert "duplicate articles: 1" in " ".join(result.log.split())
    assert "duplicate inputs: 1" in " ".join(result.log.split())
    assert "adds up" in result.log
    # robots.txt failures (unresolvable, refused, hanging hosts) are one line each
    assert "Traceback" not in result.log
    warnings = [
        line
        for line in result.log.splitlines()
        if "[scrapy.downloadermiddlewares.robotstxt] WARNING" in line
    ]
    assert any("Error downloading" in line for line in warnings)


@pytest.mark.parametrize("fmt", ["text", "csv", "opml"])
def test_each_list_format_gives_the_same_records(farm: Farm, tmp_path: Path, fmt: str) -> None:
    chosen = [listed for listed in farm.listing if listed.blog and listed.blog.kind == "normal"][:8]
    chosen += [listed for listed in farm.listing if listed.blog and listed.blog.kind == "no-links"]
    urls = [listed.line for listed in chosen]
    if fmt == "text":
        list_file = tmp_path / "blogs.txt"
        list_file.write_text("# my blogs\n\n" + "\n".join(f"{u}  # note" for u in urls) + "\n")
    elif fmt == "csv":
        list_file = tmp_path / "blogs.csv"
        with list_file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["name", "url"])
            writer.writerows([f"Blog {i}", u] for i, u in enumerate(urls))
    else:
        list_file = tmp_path / "subscriptions.opml"
        outlines = "".join(
            f'<outline text="Blog {i}" type="rss" xmlUrl="{u}feed" htmlUrl="{u}"/>'
            for i, u in enumerate(urls)
        )
        list_file.write_text(
            '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head>'
            f'<body><outline text="Blogs">{outlines}</outline></body></opml>'
        )
    out = tmp_path / "out.json"
    result = crawl_farm("-a", f"urls_file={list_file}", "-o", str(out))
    assert result.returncode == 0, result.log[-3000:]
    records = json.loads(out.read_text(encoding="utf-8"))
    assert check_records(records, chosen) == []


def test_inline_urls_and_invalid_ones(farm: Farm, tmp_path: Path) -> None:
    good = farm.listing[2]
    out = tmp_path / "out.jsonl"
    urls = f"{good.line},file:///etc/passwd,{good.line}#again"
    result = crawl_farm("-a", f"urls={urls}", "-O", str(out))
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(out)
    assert len(records) == 2
    statuses = {record["blog_url"]: record["status"] for record in records}
    assert statuses == {record_key(good): "ok", "file:///etc/passwd": "invalid_url"}


def test_outputs_json_jsonl_csv_and_overwrite(farm: Farm, tmp_path: Path) -> None:
    formula = next(
        listed for listed in farm.listing if listed.blog and listed.blog.kind == "formula-title"
    )
    normal = farm.listing[0]
    list_file = tmp_path / "two.txt"
    list_file.write_text(f"{normal.line}\n{formula.line}\n")
    outputs = [tmp_path / "t.json", tmp_path / "t.jsonl", tmp_path / "t.csv"]
    args = ["-a", f"urls_file={list_file}"]
    for _ in range(2):  # -O twice: the second run replaces, it does not append
        result = crawl_farm(*args, *(arg for out in outputs for arg in ("-O", str(out))))
        assert result.returncode == 0, result.log[-3000:]
    as_json = json.loads(outputs[0].read_text(encoding="utf-8"))
    as_jsonl = [json.loads(line) for line in outputs[1].read_text(encoding="utf-8").splitlines()]
    assert len(as_json) == len(as_jsonl) == 2
    assert [list(record) for record in as_json] == [RECORD_FIELDS, RECORD_FIELDS]
    with outputs[2].open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == RECORD_FIELDS
    titles = {row[0]: row[RECORD_FIELDS.index("title")] for row in rows[1:]}
    assert titles[record_key(formula)] == "'" + formula.expected.title  # defused in CSV
    json_titles = {record["blog_url"]: record["title"] for record in as_json}
    assert json_titles[record_key(formula)] == formula.expected.title  # kept as is in JSON
    assert json_titles[record_key(normal)] == normal.expected.title


def test_blogs_txt_and_default_feeds_without_arguments(farm: Farm, tmp_path: Path) -> None:
    """`scrapy crawl blogs` alone reads ./blogs.txt and writes output/titles.jsonl and .csv."""
    (tmp_path / "blogs.txt").write_text(farm.listing[3].line + "\n")
    result = crawl_farm(cwd=tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    jsonl = (tmp_path / "output" / "titles.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(jsonl[0])["title"] == farm.listing[3].expected.title
    csv_rows = (tmp_path / "output" / "titles.csv").read_text(encoding="utf-8").splitlines()
    assert len(csv_rows) == 2


def test_missing_list_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_crawl("-a", f"urls_file={tmp_path / 'nope.txt'}", "-O", str(tmp_path / "x.json"))
    assert result.returncode == 1
    assert f"Cannot start: blog list not found: {tmp_path / 'nope.txt'}" in result.stderr
    assert "Traceback" not in result.stderr


def test_csv_without_url_column_stops_at_start(tmp_path: Path) -> None:
    list_file = tmp_path / "blogs.csv"
    list_file.write_text("name,homepage\nx,http://example.farm.test/\n")
    result = run_crawl("-a", f"urls_file={list_file}", "-O", str(tmp_path / "x.json"))
    assert result.returncode == 1
    assert "has no 'url' column" in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_list_ends_cleanly_with_no_records(tmp_path: Path) -> None:
    list_file = tmp_path / "empty.txt"
    list_file.write_text("")
    out = tmp_path / "x.jsonl"
    result = crawl_farm("-a", f"urls_file={list_file}", "-O", str(out))
    assert result.returncode == 0, result.log[-2000:]
    assert "The blog list is empty" in result.log
    assert out.read_text() == ""


def test_binary_garbage_becomes_error_records(farm: Farm, tmp_path: Path) -> None:
    list_file = tmp_path / "garbage.txt"
    good = farm.listing[4]
    list_file.write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfd\n" + good.line.encode() + b"\n\x00\x01binary\n"
    )
    out = tmp_path / "x.jsonl"
    result = crawl_farm("-a", f"urls_file={list_file}", "-O", str(out))
    assert result.returncode == 0, result.log[-2000:]
    records = result.records(out)
    statuses = sorted(record["status"] for record in records)
    assert statuses.count("ok") == 1
    assert set(statuses) == {"ok", "invalid_url"}
    assert all(record["error"] for record in records if record["status"] != "ok")
    assert "Traceback" not in result.log


def test_lost_record_gives_non_zero_exit(farm: Farm, tmp_path: Path) -> None:
    """A pipeline that drops a record without counting it breaks the summary: exit code 1."""
    list_file = tmp_path / "two.txt"
    list_file.write_text(f"{farm.listing[0].line}\n{farm.listing[1].line}\n")
    pipelines = '{"tests.lossy_pipeline.SilentlyDropEverySecondRecord": 50}'
    result = crawl_farm(
        "-a",
        f"urls_file={list_file}",
        "-O",
        str(tmp_path / "x.json"),
        "-s",
        f"ITEM_PIPELINES={pipelines}",
    )
    assert result.returncode == 1
    assert "DOES NOT ADD UP" in result.log


def test_list_read_lazily_as_the_scheduler_drains(farm: Farm, tmp_path: Path) -> None:
    """With a backlog of 1, start() pauses while the scheduler holds a request; nothing is lost."""
    out = tmp_path / "x.json"
    result = crawl_farm(
        "-a", f"urls_file={farm.list_file}", "-O", str(out), "-s", "BLOGTITLES_START_BACKLOG=1"
    )
    assert result.returncode == 0, result.log[-3000:]
    assert check_records(json.loads(out.read_text(encoding="utf-8")), farm.listing) == []
    pauses = re.search(r"'blogtitles/start/pauses': (\d+)", result.log)
    assert pauses and int(pauses.group(1)) >= 1, "start() never paused"


def test_progress_is_logged(farm: Farm, tmp_path: Path) -> None:
    result = crawl_farm(
        "-a",
        f"urls_file={farm.list_file}",
        "-O",
        str(tmp_path / "x.json"),
        "-s",
        "BLOGTITLES_PROGRESS_INTERVAL=0.2",
        "-s",
        "BLOGTITLES_PROGRESS_LIVE=False",
    )
    assert result.returncode == 0
    lines = [line for line in result.log.splitlines() if "Progress:" in line]
    assert lines, "no progress line"
    assert f"/{len(farm.listing)} blogs" in lines[-1]


def test_two_thousand_blogs_at_100ms(tmp_path: Path) -> None:
    """2,000 blogs with 100 ms per page: every record right. Prints the wall time (no target)."""
    list_file = tmp_path / "farm2k.txt"
    with FarmProcess(blogs=2000, latency=0.1, list_file=list_file, specials=False) as farm:
        out = tmp_path / "titles.jsonl"
        started = time.monotonic()
        result = crawl_farm("-a", f"urls_file={list_file}", "-O", str(out), timeout=600)
        wall = time.monotonic() - started
        listing = farm_listing(2000, farm.port, farm.refused_port, specials=False)
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(out)
    assert len(records) == 2000
    assert check_records(records, listing) == []
    print(f"\n2000 blogs at 100 ms: {wall:.1f} s wall (sequential loop: >= 400 s)")


def test_real_engine_sites_crawl_like_the_unit_tests(tmp_path: Path) -> None:
    """The fixture sites of real engines, served on loopback: the crawl gets the same answers
    as the pure functions, with few requests per blog."""
    sites = load_fixture_sites()
    list_file = tmp_path / "engines.txt"
    out = tmp_path / "engines.jsonl"
    with FarmProcess(blogs=1, latency=0.01, specials=False, fixtures=True) as farm:
        port = farm.port

        def on_farm(url: str) -> str:
            return url.replace(".fixtures.test/", f".fixtures.test:{port}/", 1)

        list_file.write_text("".join(on_farm(site.index_url) + "\n" for site in sites))
        result = crawl_farm("-a", f"urls_file={list_file}", "-O", str(out))
    assert result.returncode == 0, result.log[-3000:]
    records = {record["blog_url"]: record for record in result.records(out)}
    problems = []
    for site in sites:
        record = records[normalize_blog_url(on_farm(site.index_url))]
        if record["status"] != "ok":
            problems.append(f"{site.slug}: {record['status']} {record['error']}")
        elif not same_url(record["article_url"], on_farm(site.newest_url)):
            problems.append(f"{site.slug}: article {record['article_url']} ({record['found_by']})")
        elif record["title"] != site.title:
            problems.append(f"{site.slug}: title {record['title']!r}")
        elif record["published"][:10] != site.published:
            problems.append(f"{site.slug}: published {record['published']!r}")
    assert problems == []
    per_blog = requests_per_blog(result.log)
    print(f"\nreal engines: {len(sites)} sites, {per_blog:.2f} requests per blog")
    assert per_blog <= 2.3


def test_input_articles_skips_the_index(farm: Farm, tmp_path: Path) -> None:
    """-a input=articles: each URL is an article; one request per blog, title extracted."""
    normal = [listed for listed in farm.listing if listed.blog and listed.blog.kind == "normal"][:6]
    articles = [
        f"http://{listed.blog.host}:{farm.port}{listed.expected.article_path}"
        for listed in normal
        if listed.blog
    ]
    list_file = tmp_path / "articles.txt"
    list_file.write_text("\n".join(articles) + "\n")
    out = tmp_path / "x.jsonl"
    result = crawl_farm("-a", f"urls_file={list_file}", "-a", "input=articles", "-O", str(out))
    assert result.returncode == 0, result.log[-3000:]
    records = {record["blog_url"]: record for record in result.records(out)}
    for url, listed in zip(articles, normal, strict=True):
        record = records[normalize_blog_url(url)]
        assert (record["status"], record["title"], record["found_by"]) == (
            "ok",
            listed.expected.title,
            "input:articles",
        )
        assert record["published"][:10] == str(listed.blog.newest.published)  # type: ignore[union-attr]
    assert requests_per_blog(result.log) == 1.0


def test_bad_input_kind_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_crawl("-a", "urls=a.test", "-a", "input=pages", "-O", str(tmp_path / "x.json"))
    assert result.returncode == 1
    assert "Cannot start: -a input='pages': use one of blogs, articles" in result.stderr
    assert "Traceback" not in result.stderr


def test_site_rules_file_overrides_the_extractor(farm: Farm, tmp_path: Path) -> None:
    """A rules file picks the blog's *second* post: the crawl follows the rule, not the signals."""
    listed = farm.listing[0]
    blog = listed.blog
    assert blog is not None
    second = blog.posts[1]
    rules = tmp_path / "rules.toml"
    rules.write_text(
        f'["{blog.host}"]\n'
        f"article = \"xpath:(//h2[contains(@class, 'entry-title')]/a)[2]\"\n"
        f'title = "css:article h1.entry-title"\n'
    )
    out = tmp_path / "x.jsonl"
    result = crawl_farm(
        "-a", f"urls={listed.line}", "-s", f"BLOGTITLES_SITE_RULES={rules}", "-O", str(out)
    )
    assert result.returncode == 0, result.log[-3000:]
    (record,) = result.records(out)
    assert (record["title"], record["found_by"]) == (second.title, "site_rule")


def test_bad_site_rules_file_is_a_one_line_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('["x.test"]\narticle = "a[["\n')
    result = run_crawl(
        "-a",
        "urls=a.test",
        "-s",
        f"BLOGTITLES_SITE_RULES={rules}",
        "-O",
        str(tmp_path / "x.json"),
    )
    assert result.returncode == 1
    assert "Cannot start: bad selector" in result.stderr
    assert "Traceback" not in result.stderr


def test_address_guard_is_on_by_default(farm: Farm, tmp_path: Path) -> None:
    """Without the explicit switch, internal addresses are refused: a name that resolves to one,
    and addresses written in the URL (loopback forms only: the guard's table is tested as a pure
    function in tests/guard/, so that no crawl of the suite ever aims at another address)."""
    out = tmp_path / "x.jsonl"
    urls = f"{farm.listing[0].line},http://127.0.0.1:{farm.port}/,http://127.8.9.10:{farm.port}/,http://[::1]:{farm.port}/"
    result = run_crawl("-a", f"urls={urls}", "-s", RESOLVER, "-O", str(out))
    assert result.returncode == 0, result.log[-2000:]
    records = result.records(out)
    assert len(records) == 4
    assert {record["status"] for record in records} == {"forbidden_address"}
    assert all("internal address" in record["error"] for record in records)
    assert "robots.txt" not in " ".join(
        line for line in result.log.splitlines() if "Crawled" in line
    )

"""New spiders: the genspider template, the shipped example, and Scrapy contracts (scrapy check)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from farm.fixtures import load_fixture_sites, same_url
from farm.process import FarmProcess
from tests.conftest import (
    ALLOW_LOOPBACK,
    FARM_SETTINGS,
    RESOLVER,
    ROOT,
    Farm,
    requests_per_blog,
    run_crawl,
    run_scrapy,
)

pytestmark = pytest.mark.integration


def farm_article_url(farm: Farm, index: int = 0) -> str:
    listed = farm.listing[index]
    assert listed.blog is not None
    return f"http://{listed.blog.host}:{farm.port}{listed.expected.article_path}"


def test_genspider_template_makes_a_working_spider(farm: Farm, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "blogtitles", project / "blogtitles", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "scrapy.cfg", project / "scrapy.cfg")
    (project / "farm").symlink_to(ROOT / "farm")  # the farm resolver, for the crawl below
    env = {"PYTHONPATH": str(project)}
    made = run_scrapy("genspider", "-t", "blog", "myblog", "farm.test", cwd=project, env=env)
    assert made.returncode == 0, made.stderr
    spider_file = project / "blogtitles" / "spiders" / "myblog.py"
    assert "class MyblogSpider(BlogTitlesSpider)" in spider_file.read_text()
    listed = farm.listing[1]
    out = tmp_path / "out.jsonl"
    crawled = run_crawl(
        "-a",
        f"urls={listed.line}",
        "-O",
        str(out),
        settings=FARM_SETTINGS,
        cwd=project,
        env=env,
        spider="myblog",
    )
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    (record,) = crawled.records(out)
    assert (record["status"], record["title"]) == ("ok", listed.expected.title)


def test_scrapy_check_runs_the_contracts_on_the_farm(farm: Farm) -> None:
    env = {
        "BLOGTITLES_CHECK_BLOG_URL": farm.listing[0].line,
        "BLOGTITLES_CHECK_ARTICLE_URL": farm_article_url(farm),
    }
    checked = run_scrapy("check", "-s", RESOLVER, "-s", ALLOW_LOOPBACK, env=env)
    assert checked.returncode == 0, checked.stderr[-3000:]
    # 3 checks (@returns of parse_index; @returns and @scrapes of parse_article) x 2 spiders
    assert "Ran 6 contracts" in checked.stderr
    assert "OK" in checked.stderr


def test_scrapy_check_fails_on_a_broken_page(farm: Farm) -> None:
    """A check that can fail: an index that is a PDF gives a not_html record, not a request."""
    pdf = next(listed for listed in farm.listing if listed.blog and listed.blog.kind == "not-html")
    env = {
        "BLOGTITLES_CHECK_BLOG_URL": pdf.line,
        "BLOGTITLES_CHECK_ARTICLE_URL": farm_article_url(farm),
    }
    checked = run_scrapy("check", "blogs", "-s", RESOLVER, "-s", ALLOW_LOOPBACK, env=env)
    assert checked.returncode != 0
    assert "FAILED" in checked.stderr


def test_example_platform_spider_needs_two_requests_a_blog(tmp_path: Path) -> None:
    """govuk_eleventy on the real GOV.UK Eleventy site: right answer, from its rule, no feed."""
    site = next(site for site in load_fixture_sites() if site.slug == "eleventy-govuk")
    out = tmp_path / "out.jsonl"
    with FarmProcess(blogs=1, latency=0.0, specials=False, fixtures=True) as farm:
        url = site.index_url.replace(".fixtures.test/", f".fixtures.test:{farm.port}/")
        crawled = run_crawl(
            "-a",
            f"urls={url}",
            "-O",
            str(out),
            settings=FARM_SETTINGS,
            spider="govuk_eleventy",
        )
        generic = run_crawl(
            "-a",
            f"urls={url}",
            "-O",
            str(tmp_path / "g.jsonl"),
            settings=FARM_SETTINGS,
        )
        article = site.newest_url.replace(".fixtures.test/", f".fixtures.test:{farm.port}/")
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    (record,) = crawled.records(out)
    assert (record["title"], record["found_by"]) == (site.title, "site_rule")
    assert same_url(record["article_url"], article)
    assert requests_per_blog(crawled.stderr) == 2.0
    assert requests_per_blog(generic.stderr) == 3.0  # the generic extractor confirms with the feed

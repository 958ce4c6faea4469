"""The Scrapyd egg: built as ``scrapyd-deploy`` builds it, it carries what a crawl needs and
nothing else (no farm, no fixtures, no test or development helpers), and ``scrapy crawl blogs``
runs from it alone."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from blogtitles.runs.commandline import crawl_command
from tests.conftest import ROOT, run_command
from tools.processes import free_port, stop_process

pytestmark = pytest.mark.integration
SCRAPYD_DEPLOY = ROOT / ".venv-scrapyd" / "bin" / "scrapyd-deploy"
INDEX = """<!doctype html><html><head><title>Egg Blog</title></head><body>
<main><article class="h-entry"><h2 class="p-name"><a class="u-url" href="/posts/newest.html">
Newest post</a></h2><time class="dt-published" datetime="2026-11-20">20 Nov</time></article>
<article class="h-entry"><h2 class="p-name"><a class="u-url" href="/posts/older.html">Older</a>
</h2><time class="dt-published" datetime="2026-10-01">1 Oct</time></article></main></body></html>
"""
ARTICLE = """<!doctype html><html><head><title>Crawled from the egg alone | Egg Blog</title>
</head><body><article><h1 class="entry-title">Crawled from the egg alone</h1>
<time datetime="2026-11-20">20 Nov</time><p>Text.</p></article></body></html>
"""


@pytest.fixture(scope="module")
def egg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert SCRAPYD_DEPLOY.exists(), "no .venv-scrapyd: run `make scrapyd-venv` (make test does)"
    path = tmp_path_factory.mktemp("egg") / "blogtitles.egg"
    built = subprocess.run(
        [str(SCRAPYD_DEPLOY), f"--build-egg={path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return path


@pytest.fixture
def static_blog(tmp_path: Path) -> Iterator[str]:
    """A two-page blog served by Python's own static server on 127.0.0.1."""
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "index.html").write_text(INDEX, encoding="utf-8")
    (site / "posts" / "newest.html").write_text(ARTICLE, encoding="utf-8")
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--directory", str(site)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port ..."
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_process(server)
        if server.stdout is not None:
            server.stdout.close()


def test_the_egg_holds_the_package_and_nothing_else(egg: Path) -> None:
    names = zipfile.ZipFile(egg).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"blogtitles", "EGG-INFO"}, tops
    for name in ("settings.py", "spiders/base.py", "extract/__init__.py", "blogs.txt"):
        assert f"blogtitles/{name}" in names
    assert "blogtitles/templates/spiders/blog.tmpl" in names
    unwanted = ("farm", "fixtures", "tests", "tools", "conftest", "processes", "localredis")
    assert [name for name in names if any(word in name for word in unwanted)] == []


def test_scrapy_crawl_runs_from_the_egg_alone(egg: Path, static_blog: str, tmp_path: Path) -> None:
    """From an empty folder, with the egg as the only source of the project (as Scrapyd runs it):
    the crawl finds the newest post and its title."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = work / "titles.jsonl"
    settings = {"BLOGTITLES_ALLOW_PRIVATE_ADDRESSES": True, "BLOGTITLES_LOOPBACK_ONLY": True}
    command = crawl_command("-a", f"urls={static_blog}", settings=settings, outputs=[out])
    env = {"PYTHONPATH": str(egg), "SCRAPY_SETTINGS_MODULE": "blogtitles.settings"}
    result = run_command(command, cwd=work, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    (record,) = result.records(out)
    assert record["status"] == "ok", record
    assert record["title"] == "Crawled from the egg alone"
    assert record["article_url"] == static_blog + "posts/newest.html"

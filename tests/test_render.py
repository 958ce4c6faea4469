"""JavaScript-only blogs: the shell detector, the Splash compatibility module, the error codes of
rendering, and real crawls of the farm's script-built blogs through a real Splash (3.5, started
from ``.venv-splash``) and a real headless Chromium (Debian's, through scrapy-playwright)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DownloadConnectionRefusedError, DownloadTimeoutError
from scrapy.http import Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from blogtitles import errors
from blogtitles.extract import analyze_index, extract_title, read_article
from blogtitles.inputs import open_blog_list
from farm import engines, scripted
from farm.catalog import SCRIPTED_KINDS, make_blog
from farm.listing import Listed, check_records, farm_listing, scripted_listing
from farm.process import FarmProcess
from tests.conftest import ROOT, CrawlResult, crawl_farm
from tools.processes import free_port
from tools.splash.local import SplashProcess

ORIGIN = "http://js.farm.test:8000"

# -- the shell detector (pure) ------------------------------------------------------------------


def looks_like_a_shell(page: str | bytes) -> bool:
    """The extractor's script-shell check, from its one parse of the page."""
    return read_article(page, "https://shell.test/post").script_built


def test_no_page_of_a_real_engine_looks_script_built() -> None:
    pages = sorted((ROOT / "farm" / "sites").rglob("*.html"))
    assert len(pages) > 100
    assert [page for page in pages if looks_like_a_shell(page.read_bytes())] == []


@pytest.mark.parametrize("kind", SCRIPTED_KINDS)
def test_every_farm_shell_looks_script_built(kind: str) -> None:
    blog = make_blog(3, "ghost", kind)
    page = analyze_index(scripted.index_shell(blog, ORIGIN), ORIGIN + blog.base_path)
    assert page.link is None
    assert page.script_built


def test_an_article_shell_title_is_flagged_as_the_shells() -> None:
    blog = make_blog(4, "jekyll", "js-app")
    title = extract_title(scripted.article_shell(blog, blog.newest), ORIGIN + "/p")
    assert title is not None
    assert title.text == blog.name  # all the shell says...
    assert title.script_built  # ...so the spider renders it instead of believing it


def test_a_page_with_noscript_images_and_text_is_not_a_shell() -> None:
    blog = make_blog(5, "wordpress")
    page = engines.index_page(blog, ORIGIN).replace(
        "</body>", '<noscript><img src="/pixel.gif"></noscript><script src="/a.js"></script></body>'
    )
    assert not looks_like_a_shell(page)
    assert analyze_index(page, ORIGIN + "/").link is not None


def test_an_empty_app_root_without_noscript_is_a_shell() -> None:
    page = '<html><body><div id="__next"></div><script src="/_next/main.js"></script></body></html>'
    assert looks_like_a_shell(page)
    assert not looks_like_a_shell("<html><body><p>Hello</p></body></html>")


# -- scrapy-splash on Scrapy 2.19: what the compatibility module is for --------------------------


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_scrapy_splash_still_needs_the_compatibility_module() -> None:
    """When this fails, scrapy-splash imports on current Scrapy by itself: drop fix 1 of
    ``blogtitles.compat.splash``."""
    plain = _python("import scrapy_splash")
    assert plain.returncode != 0
    assert "canonicalize_url" in plain.stderr
    fixed = _python(
        "from blogtitles.compat.splash import splash_request\n"
        "r = splash_request('http://x.test/', wait=0.5, timeout=9, extra={'proxy': 'http://p:1'})\n"
        "print(r.meta['splash']['slot_policy'], r.meta['splash']['args']['proxy'])"
    )
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.split() == ["scrapy_default", "http://p:1"]


# -- error codes of rendered requests (pure) ----------------------------------------------------


def _http_error(status: int, body: dict[str, Any] | None = None) -> HttpError:
    request = Request("http://127.0.0.1:8050/render.html")
    raw = json.dumps(body or {}).encode()
    return HttpError(TextResponse(request.url, status=status, body=raw, request=request), "")


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (DownloadConnectionRefusedError("refused"), errors.RENDERER_UNAVAILABLE),
        (DownloadTimeoutError("took longer than 35 s"), errors.RENDER_TIMEOUT),
        (_http_error(504), errors.RENDER_TIMEOUT),
        (_http_error(503), errors.RENDERER_UNAVAILABLE),
        (_http_error(502, {"info": {"code": 3, "text": "Host x not found"}}), errors.DNS_ERROR),
        (_http_error(502, {"info": {"code": 1, "text": "refused"}}), errors.CONNECTION_REFUSED),
        (_http_error(502, {"info": {"code": 99}}), errors.RENDER_FAILED),
        (_http_error(404), "http_404"),
        (RuntimeError("net::ERR_NAME_NOT_RESOLVED at http://x.test/"), errors.DNS_ERROR),
        (
            RuntimeError("BrowserType.launch: Failed to launch chromium"),
            errors.RENDERER_UNAVAILABLE,
        ),
    ],
)
def test_render_failures_get_clear_codes(exc: BaseException, code: str) -> None:
    assert errors.classify_render_failure(exc, "splash")[0] == code


def test_csv_render_column(tmp_path: Path) -> None:
    path = tmp_path / "blogs.csv"
    path.write_text(
        "url,render\nhttps://a.test/,always\nhttps://b.test/,\nhttps://c.test/,NEVER\n"
        "https://d.test/,sometimes\n"
    )
    entries = list(open_blog_list(path))
    assert [entry.render for entry in entries[:3]] == ["always", "", "never"]
    assert "render column 'sometimes'" in entries[3].error


# -- real crawls --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def js_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FarmProcess, Path]]:
    """Six normal blogs and every special kind (the script-built ones among them)."""
    with FarmProcess(blogs=6, latency=0.02) as farm:
        yield farm, tmp_path_factory.mktemp("render")


def write_list(path: Path, listing: list[Listed]) -> Path:
    path.write_text("".join(listed.line + "\n" for listed in listing))
    return path


def render_crawl(farm: FarmProcess, work: Path, name: str, *settings: str) -> CrawlResult:
    """A crawl of ``work/name.txt`` with the farm as the renderer's proxy (farm names resolve)."""
    return crawl_farm(
        "-a", f"urls_file={work / (name + '.txt')}", "-O", str(work / f"{name}.jsonl"),
        "-s", f"BLOGTITLES_RENDER_PROXY=http://127.0.0.1:{farm.port}",
        "-s", "DOWNLOAD_TIMEOUT=20", *settings,
    )  # fmt: skip


def rendered_pages(log: str) -> int:
    for line in log.splitlines():
        if "rendered pages:" in line:
            return int(line.split(":")[-1])
    raise AssertionError("no summary in the log")


BACKENDS = ("splash", "playwright")


def backend_settings(backend: str, request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The ``-s`` arguments that render through ``backend`` (Splash: the session's own)."""
    if backend == "splash":
        splash = request.getfixturevalue("splash")
        return ("-s", "BLOGTITLES_RENDERER=splash", "-s", f"SPLASH_URL={splash.url}")
    return ("-s", "BLOGTITLES_RENDERER=playwright")


#: Pages that need rendering among the listed script-built blogs: js-index (its index), js-app
#: (index and article), js-api (its index).
RENDERED_OF_LISTED = 4


@pytest.mark.integration
@pytest.mark.parametrize("backend", BACKENDS)
def test_script_built_blogs_get_their_titles_and_plain_blogs_are_not_rendered(
    backend: str, js_farm: tuple[FarmProcess, Path], request: pytest.FixtureRequest
) -> None:
    farm, work = js_farm
    listing = farm_listing(6, farm.port, farm.refused_port, rendered=True)
    write_list(work / f"all-{backend}.txt", listing)
    result = render_crawl(farm, work, f"all-{backend}", *backend_settings(backend, request))
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(work / f"all-{backend}.jsonl")
    assert check_records(records, listing) == []
    scripted_ok = [r for r in records if ".farm.test" in r["blog_url"] and "js-" in r["blog_url"]]
    assert len(scripted_ok) == 3
    assert all(r["status"] == "ok" and r["title"] for r in scripted_ok)
    # Exactly the pages of the script-built blogs went through the renderer: none of the 6
    # normal blogs' pages nor any special blog's.
    assert rendered_pages(result.log) == RENDERED_OF_LISTED


@pytest.mark.integration
def test_without_a_renderer_script_built_blogs_say_needs_javascript(
    js_farm: tuple[FarmProcess, Path],
) -> None:
    farm, work = js_farm
    listing = scripted_listing(farm.port, farm.refused_port)[:3]
    write_list(work / "none.txt", listing)
    result = render_crawl(farm, work, "none")
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(work / "none.jsonl")
    assert [r["status"] for r in records] == ["needs_javascript"] * 3
    assert all("no renderer is configured" in r["error"] for r in records)
    assert rendered_pages(result.log) == 0


@pytest.mark.integration
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_render_that_never_finishes_is_render_timeout(
    backend: str, js_farm: tuple[FarmProcess, Path], request: pytest.FixtureRequest
) -> None:
    farm, work = js_farm
    hang = scripted_listing(farm.port, farm.refused_port, rendered=True)
    plain = farm_listing(2, farm.port, farm.refused_port, specials=False)
    write_list(work / f"hang-{backend}.txt", [*hang, *plain])
    result = render_crawl(
        farm, work, f"hang-{backend}", *backend_settings(backend, request),
        "-s", "BLOGTITLES_RENDER_TIMEOUT=3", "-s", "RETRY_TIMES=0",
    )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    by_status = {r["blog_url"]: r["status"] for r in result.records(work / f"hang-{backend}.jsonl")}
    statuses = sorted(by_status.values())
    assert statuses == ["ok"] * 5 + ["render_timeout"], by_status


@pytest.mark.integration
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_renderer_that_is_down_fails_only_the_blogs_that_need_it(
    backend: str, js_farm: tuple[FarmProcess, Path]
) -> None:
    farm, work = js_farm
    down = {
        "splash": ("-s", "BLOGTITLES_RENDERER=splash", "-s", f"SPLASH_URL=http://127.0.0.1:{free_port()}"),
        "playwright": (
            "-s", "BLOGTITLES_RENDERER=playwright",
            "-s", 'PLAYWRIGHT_LAUNCH_OPTIONS={"executable_path": "/no/such/chromium"}',
        ),
    }[backend]  # fmt: skip
    listing = scripted_listing(farm.port, farm.refused_port)[:3]
    plain = farm_listing(3, farm.port, farm.refused_port, specials=False)
    write_list(work / f"down-{backend}.txt", [*listing, *plain])
    result = render_crawl(farm, work, f"down-{backend}", *down)
    assert result.returncode == 0, result.log[-3000:]
    records = result.records(work / f"down-{backend}.jsonl")
    statuses = sorted(r["status"] for r in records)
    assert statuses == ["ok"] * 3 + ["renderer_unavailable"] * 3, records


@pytest.mark.integration
def test_render_modes_always_and_never_per_blog(
    js_farm: tuple[FarmProcess, Path], splash: SplashProcess
) -> None:
    """CSV ``render`` column: a plain blog marked ``always`` is rendered (index and article),
    a script-built blog marked ``never`` is not, and says so."""
    farm, work = js_farm
    plain = farm_listing(1, farm.port, farm.refused_port, specials=False)[0]
    js_index = scripted_listing(farm.port, farm.refused_port)[0]
    (work / "modes.csv").write_text(f"url,render\n{plain.line},always\n{js_index.line},never\n")
    result = crawl_farm(
        "-a", f"urls_file={work / 'modes.csv'}", "-O", str(work / "modes.jsonl"),
        "-s", f"BLOGTITLES_RENDER_PROXY=http://127.0.0.1:{farm.port}",
        "-s", "BLOGTITLES_RENDERER=splash", "-s", f"SPLASH_URL={splash.url}",
        "-s", "DOWNLOAD_TIMEOUT=20",
    )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    records = {r["blog_url"]: r for r in result.records(work / "modes.jsonl")}
    assert check_records([records[plain.line]], [plain]) == []
    assert records[js_index.line]["status"] == "needs_javascript"
    assert "render=never" in records[js_index.line]["error"]
    assert rendered_pages(result.log) == 2

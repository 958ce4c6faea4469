"""JavaScript-only blogs: the shell detector, the Splash compatibility module, the error codes of
rendering, and real crawls of the farm's script-built blogs through a real Splash (3.5, started
from ``.venv-splash``) and a real headless Chromium (Debian's, through scrapy-playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from farm.listing import check_records, farm_listing, scripted_listing, write_listing
from farm.process import FarmProcess
from tests.conftest import CrawlResult, crawl_farm
from tools.processes import free_port
from tools.splash.local import SplashProcess

ORIGIN = "http://js.farm.test:8000"

# -- the shell detector (pure) ------------------------------------------------------------------


# -- real crawls --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def js_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FarmProcess, Path]]:
    """Six normal blogs and every special kind (the script-built ones among them)."""
    with FarmProcess(blogs=6, latency=0.02) as farm:
        yield farm, tmp_path_factory.mktemp("render")


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
    write_listing(work / f"all-{backend}.txt", listing)
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
    write_listing(work / "none.txt", listing)
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
    write_listing(work / f"hang-{backend}.txt", [*hang, *plain])
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
    write_listing(work / f"down-{backend}.txt", [*listing, *plain])
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

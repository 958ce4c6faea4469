"""JavaScript-only blogs, without a crawl: the shell detector, the Splash compatibility module, the error codes of
rendering, and real crawls of the farm's script-built blogs through a real Splash (3.5, started
from ``.venv-splash``) and a real headless Chromium (Debian's, through scrapy-playwright)."""

from __future__ import annotations

import json
import subprocess
import sys
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
from tests.conftest import ROOT

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

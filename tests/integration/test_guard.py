"""The address guard on real crawls, everything on loopback: a name that fails once, a name that
answers differently each time, a proxy, Chromium's own requests, the Splash endpoint. Internal
addresses here are 127.0.0.1 (the farm, a logging server); 127.0.0.2 stands for a public host
through ``BLOGTITLES_ALLOWED_NETWORKS``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from farm.server import LOAD_PATH
from tests.conftest import Farm, run_crawl

GUARDED = {"BLOGTITLES_LOOPBACK_ONLY": True, "DOWNLOAD_TIMEOUT": 5}
PUBLIC = "127.0.0.2"  # allowed as if public: BLOGTITLES_ALLOWED_NETWORKS below
ALLOW_PUBLIC = {"BLOGTITLES_ALLOWED_NETWORKS": f"{PUBLIC}/32"}


class LoggingServer(ThreadingHTTPServer):
    """A small web server on one loopback address: fixed pages, and a log of every path asked."""

    def __init__(self, host: str, pages: dict[str, tuple[int, dict[str, str], bytes]]) -> None:
        self.pages, self.asked = pages, []
        super().__init__((host, 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: LoggingServer

    def do_GET(self) -> None:
        self.server.asked.append(self.path)
        status, headers, body = self.server.pages.get(self.path, (404, {}, b"not here"))
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def internal() -> Iterator[LoggingServer]:
    """An internal service (on 127.0.0.1) that nothing may reach: it logs what reaches it."""
    server = LoggingServer("127.0.0.1", {"/": (200, {}, b"<title>SECRET</title>")})
    yield server
    server.shutdown()
    server.server_close()


def farm_load(farm: Farm) -> dict[str, int]:
    """The farm's most requests in flight per host since the last look (0: none came)."""
    return farm.process.ask(f"{LOAD_PATH}?reset=1")["max_in_flight"]


def test_a_name_that_fails_once_is_never_let_through(farm: Farm, tmp_path: Path) -> None:
    """The old guard let a request through when its own lookup failed; the download looked the
    name up again, got 127.0.0.1 and fetched it. Now the lookup that connects is the check."""
    blog = farm.listing[1]
    farm_load(farm)
    out = tmp_path / "out.jsonl"
    settings = {**GUARDED, "TWISTED_DNS_RESOLVER": "tests.integration.resolvers.FailsFirstResolver"}
    result = run_crawl("-a", f"urls={blog.line}", "-O", str(out), settings=settings)
    (record,) = result.records(out)
    assert record["status"] in ("dns_error", "forbidden_address"), record
    assert blog.blog is not None and farm_load(farm).get(blog.blog.host, 0) == 0


def test_the_address_checked_is_the_address_connected_to(farm: Farm, tmp_path: Path) -> None:
    """A resolver that answers 127.0.0.2 (allowed) then 127.0.0.1 (internal), in turn: every
    connection goes to the address that was checked, so the farm (127.0.0.1) gets nothing."""
    blog = farm.listing[1]
    farm_load(farm)
    out = tmp_path / "out.jsonl"
    resolver = "tests.integration.resolvers.TwoFacedResolver"
    settings = {**GUARDED, **ALLOW_PUBLIC, "TWISTED_DNS_RESOLVER": resolver}
    result = run_crawl("-a", f"urls={blog.line}", "-O", str(out), settings=settings)
    (record,) = result.records(out)
    assert record["status"] in ("connection_refused", "forbidden_address"), record
    assert blog.blog is not None and farm_load(farm).get(blog.blog.host, 0) == 0


def test_a_proxy_with_the_guard_on_is_refused_at_start(tmp_path: Path) -> None:
    result = run_crawl(
        "-a",
        "urls=http://127.0.0.1:9/",
        "-O",
        str(tmp_path / "x.jsonl"),
        env={"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"},
    )
    assert result.returncode == 1
    assert "Cannot start: a proxy is set in the environment (http://127.0.0.1:9)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def public_site(internal: LoggingServer) -> Iterator[LoggingServer]:
    """A blog on an allowed address whose pages reach for the internal service: an image, a
    frame and a ``fetch()`` on its article, and a page that redirects there."""
    secret = internal.origin
    article = (
        "<html><head><title>Reaching out</title></head><body><article>"
        "<h1>A post that reaches for more</h1>"
        f'<img src="{secret}/img.png"><iframe src="{secret}/frame"></iframe>'
        f'<script>fetch("{secret}/fetch").catch(() => null)</script>'
        "<p>Some text of the post itself, long enough to be a page of its own.</p>"
        "</article></body></html>"
    )
    pages = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
        "/post.html": (200, {}, article.encode()),
        "/moved.html": (302, {"Location": f"{secret}/"}, b""),
    }
    server = LoggingServer(PUBLIC, pages)
    yield server
    server.shutdown()
    server.server_close()


def test_chromium_never_reaches_an_internal_address(
    public_site: LoggingServer, internal: LoggingServer, tmp_path: Path
) -> None:
    """Every request Chromium makes goes through the guard: the page's image, frame and fetch()
    to the internal service are aborted, and so is a redirect to it."""
    post, moved = f"{public_site.origin}/post.html", f"{public_site.origin}/moved.html"
    out = tmp_path / "out.jsonl"
    settings = {**GUARDED, **ALLOW_PUBLIC, "BLOGTITLES_RENDERER": "playwright"}
    result = run_crawl(
        "-a", f"urls={post},{moved}", "-a", "input=articles", "-a", "render=always",
        "-O", str(out), settings=settings, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    records = {record["blog_url"]: record for record in result.records(out)}
    assert records[post]["title"] == "A post that reaches for more"
    assert records[moved]["status"] != "ok"
    assert "/post.html" in public_site.asked  # Chromium did load the page itself
    assert internal.asked == []


def test_a_blog_url_on_the_splash_endpoint_is_refused(splash: object, tmp_path: Path) -> None:
    """The user's Splash is reached for renders only: a listed URL aimed at it is refused (the
    old guard let any request to its host and port through)."""
    endpoint = splash.url  # type: ignore[attr-defined]
    out = tmp_path / "out.jsonl"
    settings = {**GUARDED, "BLOGTITLES_RENDERER": "splash", "SPLASH_URL": endpoint}
    result = run_crawl("-a", f"urls={endpoint}/", "-O", str(out), settings=settings)
    (record,) = result.records(out)
    assert record["status"] == "forbidden_address", record
    assert "the renderer's endpoint" in record["error"]


def test_a_page_for_splash_is_checked_before_it_goes_there(
    splash: object, internal: LoggingServer, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    settings = {**GUARDED, "BLOGTITLES_RENDERER": "splash", "SPLASH_URL": splash.url}  # type: ignore[attr-defined]
    urls = f"{internal.origin}/,http://localhost:{internal.server_address[1]}/"
    result = run_crawl(
        "-a", f"urls={urls}", "-a", "render=always", "-O", str(out), settings=settings
    )
    assert {record["status"] for record in result.records(out)} == {"forbidden_address"}
    assert internal.asked == []

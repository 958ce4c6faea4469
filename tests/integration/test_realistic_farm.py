"""The farm in realistic mode, over HTTP: real-sized pages, compressed per Accept-Encoding."""

from __future__ import annotations

import gzip
import urllib.request

import brotli
import pytest

from blogtitles.extract import analyze_index
from farm import engines, realistic
from farm.catalog import make_blog
from farm.process import FarmProcess

pytestmark = pytest.mark.integration


def fetch(port: int, host: str, path: str, accept_encoding: str) -> tuple[dict[str, str], bytes]:
    """GET ``path`` on the farm's ``host`` (Host header, straight to 127.0.0.1, no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": f"{host}:{port}", "Accept-Encoding": accept_encoding},
    )
    with opener.open(request, timeout=10) as answer:
        return dict(answer.headers.items()), answer.read()


def test_realistic_index_is_compressed_per_accept_encoding() -> None:
    blog = make_blog(2)
    with FarmProcess(blogs=3, latency=0.0, specials=False, realistic=True) as farm:
        origin = f"http://{blog.host}:{farm.port}"
        headers, body = fetch(farm.port, blog.host, blog.base_path, "gzip, br")
        assert headers["Content-Encoding"] == "br"
        assert headers["Vary"] == "Accept-Encoding"
        assert int(headers["Content-Length"]) == len(body)
        page = brotli.decompress(body)
        assert page == realistic.index_bytes(blog, origin)
        assert len(page) > 4 * len(body)
        link = analyze_index(page, origin + blog.base_path).link
        assert link is not None
        assert link.url == origin + engines.article_path(blog, blog.newest)

        headers, body = fetch(farm.port, blog.host, blog.base_path, "gzip")
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == page

        headers, body = fetch(farm.port, blog.host, blog.base_path, "identity")
        assert "Content-Encoding" not in headers
        assert body == page

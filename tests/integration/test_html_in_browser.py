"""The HTML output in a real headless Chromium (Debian's, through Playwright): hostile titles,
blog names and URLs stay text, and no script of theirs runs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from scrapy.settings import Settings

from blogtitles.items import BlogRecord
from blogtitles.outputs.html import HtmlItemExporter
from tests.outputs.records import HOSTILE, sample_records

pytestmark = pytest.mark.integration

MORE_HOSTILE = [
    BlogRecord(
        blog_url='https://q.example.test/"><svg onload=alert(1)>',
        blog_title="<svg/onload=alert('name')>",
        article_url="https://q.example.test/a?x=\"><script>alert('href')</script>",
        title="</td></tr></table><script>alert('row')</script>",
        published="2026-11-29",
    ),
    BlogRecord(
        blog_url="https://s.example.test/",
        article_url="javascript:alert('link')",  # never linked: not http(s)
        title="A link that is no link",
    ),
    BlogRecord(
        blog_url="https://r.example.test/",
        status="http_500",
        error='index page: <iframe srcdoc="<script>parent.pwned=3</script>"></iframe>',
    ),
]


def launch_options() -> dict:
    """Chromium as the project's renderer launches it (``PLAYWRIGHT_LAUNCH_OPTIONS``)."""
    settings = Settings()
    settings.setmodule("blogtitles.settings")
    return settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")


def test_hostile_records_run_no_script_in_chromium(tmp_path: Path) -> None:
    out = io.BytesIO()
    exporter = HtmlItemExporter(out)
    exporter.start_exporting()
    for record in [*sample_records(), *MORE_HOSTILE]:
        exporter.export_item(record)
    exporter.finish_exporting()
    page_file = tmp_path / "titles.html"
    page_file.write_bytes(out.getvalue())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        try:
            page = browser.new_page(java_script_enabled=True)
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_file.as_uri())
            page.wait_for_timeout(300)
            assert page.evaluate("window.pwned === undefined")
            assert page.evaluate("document.scripts.length") == 0
            assert page.evaluate("document.querySelectorAll('iframe, svg, img').length") == 0
            assert dialogs == []
            assert requests == [page_file.as_uri()]  # nothing else fetched
            text = page.inner_text("body")
            shown = " ".join(text.split())  # as laid out: runs of spaces are one
            assert " ".join(HOSTILE.replace("\x07", "").split()) in shown
            assert "</td></tr></table><script>alert('row')</script>" in shown
            hrefs = page.evaluate("[...document.links].map(a => a.getAttribute('href'))")
            assert hrefs and all(href.startswith("https://") for href in hrefs)
            # Both sections are there, as tables the browser laid out.
            assert page.locator("h2").all_inner_texts() == [
                "Newest articles", "Blogs without an answer",
            ]  # fmt: skip
        finally:
            browser.close()

"""``python -m tools.screenshot PAGE.html IMAGE.png``: a picture of a local HTML file as Debian's
headless Chromium shows it (the README's picture of the HTML output). Opens the file only: the
page fetches nothing, and the browser is launched as the project's renderer launches it."""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright
from scrapy.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshot", description=__doc__)
    parser.add_argument("page", type=Path)
    parser.add_argument("image", type=Path)
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)
    settings = Settings()
    settings.setmodule("blogtitles.settings")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
        try:
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(args.page.resolve().as_uri())
            page.screenshot(path=str(args.image))
        finally:
            browser.close()
    print(f"Written: {args.image}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

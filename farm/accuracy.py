"""``python -m farm.accuracy`` (``make accuracy``): the extractors on real engines and real pages.

Prints one row per fixture site: is the newest article right (and which signal found it), is the
title exactly right, the date, does the feed agree, and the CPU cost per page. Then one line for
titles-dev (252 real article pages in ``../shared/data/titles-dev``): exact and lenient title,
date, and the time a page against lxml's bare parse of it (``--verbose``: every miss).
"""

from __future__ import annotations

import argparse
import sys

from farm import titles_dev
from farm.fixtures import FIXTURES_DIR, evaluate, load_fixture_sites


def mark(value: bool | None) -> str:
    return "-" if value is None else ("ok" if value else "WRONG")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m farm.accuracy", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="show the wrong answers")
    args = parser.parse_args(argv)
    sites = load_fixture_sites()
    if not sites:
        print(f"no fixture sites under {FIXTURES_DIR}")
        return 1
    results = [evaluate(site) for site in sites]
    columns = ("engine", "article", "found by", "title", "date", "feed", "index ms", "article ms")
    header = "{:<28} {:<7} {:<30} {:<6} {:<6} {:<6} {:>8} {:>10}".format(*columns)
    print(header)
    print("-" * len(header))
    for result in results:
        print(
            f"{result.site.slug:<28} {mark(result.link_ok):<7} {result.found_by[:30]:<30} "
            f"{mark(result.title_ok):<6} {mark(result.published_ok):<6} {mark(result.feed_ok):<6} "
            f"{result.index_ms:>8.2f} {result.article_ms:>10.2f}"
        )
        if args.verbose and not (result.link_ok and result.title_ok):
            print(f"    article: {result.link!r}\n    expected {result.site.newest_url!r}")
            print(f"    title:   {result.title!r}\n    expected {result.site.title!r}")
    n = len(results)
    links = sum(r.link_ok for r in results)
    titles = sum(r.title_ok for r in results)
    dates = sum(r.published_ok for r in results)
    cpu = sum(r.index_ms + r.article_ms for r in results) / (2 * n)
    worst = max(max(r.index_ms, r.article_ms) for r in results)
    print("-" * len(header))
    print(
        f"{n} engines: newest article {links}/{n}, exact title {titles}/{n}, date {dates}/{n}; "
        f"mean CPU per page {cpu:.2f} ms (max {worst:.2f} ms)"
    )
    dev = titles_dev.report()
    if dev is None:
        print(f"titles-dev: not found at {titles_dev.TITLES_DEV}")
    else:
        print(dev.line())
        for outcome in dev.outcomes if args.verbose else ():
            if not outcome.exact:
                print(f"    {outcome.case.id} [{outcome.found_by}]: {outcome.title!r}")
                print(f"    {' ' * len(outcome.case.id)} expected {outcome.case.title!r}")
    return 0 if links == titles == n else 1


if __name__ == "__main__":
    sys.exit(main())

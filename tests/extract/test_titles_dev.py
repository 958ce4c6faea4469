"""titles-dev as a whole: the extractor on 252 real article pages (``../shared/data/titles-dev``,
read from there, never copied into the project).

The floors below are what this extractor reaches today (``make accuracy`` prints the figures):
they keep it from going back. Issue 15's title targets (92% exact, 97% lenient) are not met,
and are not asserted here as if they were; its date target (90%) is, with today's 96% as floor.

The title floors were lowered once, on purpose (83.3% -> 79.8% exact), when the title chooser
changed from "JSON-LD, then og:title, then the heading" to "the visible headline when a witness
confirms it" (see ``blogtitles/extract/titles.py``). On the 58 pages where JSON-LD and og:title disagree and
the heading sides with one of them, the corpus expects the heading's side on 30 and the other on
27: its labels (each site's hand-written parser) are a coin toss there, and the old order won a
few more tosses. The README's accuracy section has the figures.
"""

from __future__ import annotations

import pytest

from farm.titles_dev import TITLES_DEV, report


@pytest.fixture(scope="module")
def measured():
    result = report()
    if result is None:
        pytest.fail(f"titles-dev not found at {TITLES_DEV}: ../shared must sit beside the project")
    return result


def test_the_corpus_is_read_whole(measured) -> None:
    assert measured.n == 252


def test_titles_do_not_go_back(measured) -> None:
    assert measured.share("exact") >= 0.795
    assert measured.share("lenient") >= 0.84


def test_dates_do_not_go_back(measured) -> None:
    right, judged = measured.dates
    assert right / judged >= 0.96

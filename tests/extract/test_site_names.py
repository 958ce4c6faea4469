"""Site names cut from metadata titles: only the part that names the site, learned from the page
(og:site_name, JSON-LD publisher and WebSite names, the home link) and its host, never blindly
at a dash."""

from __future__ import annotations

import json

import pytest

from blogtitles.extract import extract_title


def page(title: str, *, og: str = "", publisher: str = "", body: str = "") -> str:
    ld = ""
    if publisher:
        node = {"@type": "NewsArticle", "headline": og or title, "publisher": {"name": publisher}}
        ld = f'<script type="application/ld+json">{json.dumps(node)}</script>'
    meta = f'<meta property="og:title" content="{og}">' if og else ""
    return f"<html><head><title>{title}</title>{meta}{ld}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [
        # The publisher's name from JSON-LD, after a full-width colon.
        (
            page("x", og="津波注意報 気象庁：朝日新聞デジタル", publisher="朝日新聞デジタル"),
            "https://www.asahi.com/a/1",
            "津波注意報 気象庁",
        ),
        # The host's name, written as the site writes it.
        (
            page("x", og="Samsung soll Smartphones zerstören - Golem.de"),
            "https://www.golem.de/news/1.html",
            "Samsung soll Smartphones zerstören",
        ),
        (
            page("x", og="Steigende US-Zinsen setzen Dax zu | Börsen-Zeitung"),
            "https://www.boersen-zeitung.de/a",
            "Steigende US-Zinsen setzen Dax zu",
        ),
        # The site's name and a date after it.
        (
            page("x", og="Ziele, Chancen, Risiken | DW | 28.04.2023"),
            "https://www.dw.com/de/a",
            "Ziele, Chancen, Risiken",
        ),
        # The site's name first.
        (
            page("x", og="Golem.de: Akkus für ein Motorrad"),
            "https://www.golem.de/a",
            "Akkus für ein Motorrad",
        ),
    ],
)
def test_the_part_that_names_the_site_is_cut(html: str, url: str, expected: str) -> None:
    title = extract_title(html, url)
    assert title is not None and title.text == expected


@pytest.mark.parametrize(
    ("og", "url"),
    [
        ("Rock - Paper - Scissors: a retrospective", "https://blog.example.org/p/1"),
        ("Tabs vs spaces | a long argument", "https://notes.example.org/p/2"),
        ("Klare Ansage - von Profis", "https://www.morgenpost.de/a"),
    ],
)
def test_a_title_with_dashes_of_its_own_is_kept_whole(og: str, url: str) -> None:
    title = extract_title(page("x", og=og), url)
    assert title is not None and title.text == og


def test_the_site_name_in_quotes_belongs_to_the_title() -> None:
    """The author's own words: a post that names its blog in quotes keeps it."""
    og = "Fresh post n°1 – “Python 3.14 Weekly”"
    html = page("x", og=og, publisher="Python 3.14 Weekly")
    title = extract_title(html, "https://python-weekly.example.org/p/1")
    assert title is not None and title.text == og

"""The readable outputs, on records written for them (hostile ones included): Atom and JSON Feed
checked field by field (Atom parsed back with feedparser) and against their specifications'
rules (RFC 4287, JSON Feed 1.1); the HTML page and OPML parsed and checked."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import feedparser
from lxml import etree

from blogtitles.outputs.atom import ATOM_NS, AtomItemExporter
from blogtitles.outputs.html import HtmlItemExporter
from blogtitles.outputs.jsonfeed import VERSION, JsonFeedItemExporter
from blogtitles.outputs.opml import NAMESPACE, OpmlItemExporter
from tests.outputs.records import HOSTILE, export

A = {"a": ATOM_NS}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
HOSTILE_AS_XML = HOSTILE.replace("\x07", "")  # XML 1.0 cannot hold it: dropped
# Newest first: the hostile blog (11-30), b (11-20, unchanged), a (11-01), then d (undated).
ORDER = [
    "https://evil.example.test/x",
    "https://b.example.test/post/2",
    "https://a.example.test/2026/11/first.html",
    "https://d.example.test/undated",
]


def atom_problems(document: bytes) -> list[str]:
    """What breaks RFC 4287's rules (4.1.1, 4.1.2, 4.2) in an Atom document."""
    problems = []
    root = etree.fromstring(document)
    if root.tag != f"{{{ATOM_NS}}}feed":
        return ["the root is not atom:feed"]

    def one(parent: etree._Element, name: str, where: str) -> etree._Element | None:
        found = parent.findall(f"{{{ATOM_NS}}}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name}, exactly one required")
            return None
        return found[0]

    for name in ("id", "title", "updated"):
        one(root, name, "feed")
    feed_author = root.find(f"{{{ATOM_NS}}}author") is not None
    for index, entry in enumerate(root.findall(f"{{{ATOM_NS}}}entry")):
        where = f"entry {index}"
        for name in ("id", "title", "updated"):
            one(entry, name, where)
        ident = entry.findtext(f"{{{ATOM_NS}}}id") or ""
        if not re.match(r"^[a-z][a-z0-9+.-]*:", ident):
            problems.append(f"{where}: id {ident!r} is not an absolute IRI")
        for name in ("updated", "published"):
            value = entry.findtext(f"{{{ATOM_NS}}}{name}")
            if value is not None and not RFC3339.match(value):
                problems.append(f"{where}: {name} {value!r} is not an RFC 3339 date-time")
        links = entry.findall(f"{{{ATOM_NS}}}link")
        alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
        if not alternates:
            problems.append(f"{where}: no alternate link and no content")
        if any(not link.get("href") for link in links):
            problems.append(f"{where}: a link without href")
        if not feed_author and entry.find(f"{{{ATOM_NS}}}author") is None:
            problems.append(f"{where}: no author (and none on the feed)")
        for author in entry.findall(f"{{{ATOM_NS}}}author"):
            one(author, "name", f"{where} author")
    return problems


def test_atom_follows_the_rules_and_feedparser_reads_every_field() -> None:
    document = export(AtomItemExporter, title="My blogs")
    assert atom_problems(document) == []
    feed = feedparser.parse(document)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "My blogs"
    assert [entry.id for entry in feed.entries] == ORDER
    assert [entry.link for entry in feed.entries] == ORDER
    evil, b, a, d = feed.entries
    assert a.title == "First – “quoted” & more"
    assert a.author == "Blog A"
    assert a.author_detail.href == "https://a.example.test/"
    assert a.published == a.updated == "2026-11-01T00:00:00+00:00"
    assert b.title == "Second"
    assert b.author == "b.example.test"  # no blog title: its host
    assert b.updated == "2026-11-20T08:30:00+01:00"
    assert evil.title == HOSTILE_AS_XML  # text, exactly: nothing interpreted, nothing lost
    assert "published" not in d  # undated: `updated` is when it was seen
    assert RFC3339.match(d.updated)
    assert feed.feed.updated == evil.updated  # the newest entry's


def test_atom_feed_id_is_the_same_for_the_same_list() -> None:
    first = etree.fromstring(export(AtomItemExporter)).findtext("a:id", namespaces=A)
    again = etree.fromstring(export(AtomItemExporter)).findtext("a:id", namespaces=A)
    assert first == again
    assert first.startswith("urn:sha1:")


def json_feed_problems(data: dict) -> list[str]:
    """What breaks JSON Feed 1.1's rules (https://jsonfeed.org/version/1.1) for the fields
    used. (feedparser 6.0.14, the newest on PyPI, reads no JSON Feed: its 7.x will.)"""
    problems = []
    if data.get("version") != VERSION:
        problems.append("version is not 1.1's URL")
    if not isinstance(data.get("title"), str):
        problems.append("no title string")
    if not isinstance(data.get("items"), list):
        return [*problems, "no items array"]
    ids = [item.get("id") for item in data["items"]]
    if len(set(ids)) != len(ids):
        problems.append("item ids are not unique")
    for index, item in enumerate(data["items"]):
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"item {index}: id is not a non-empty string")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"item {index}: neither content_html nor content_text")
        if "date_published" in item and not RFC3339.match(item["date_published"]):
            problems.append(f"item {index}: date_published is not RFC 3339")
        for author in item.get("authors", []):
            if not isinstance(author, dict) or not (author.get("name") or author.get("url")):
                problems.append(f"item {index}: an author without name or url")
    return problems


def test_json_feed_follows_version_1_1() -> None:
    data = json.loads(export(JsonFeedItemExporter, title="My blogs"))
    assert json_feed_problems(data) == []
    assert data["title"] == "My blogs"
    assert [item["id"] for item in data["items"]] == ORDER
    assert [item["url"] for item in data["items"]] == ORDER
    evil, b, a, d = data["items"]
    assert a["title"] == a["content_text"] == "First – “quoted” & more"
    assert a["authors"] == [{"name": "Blog A", "url": "https://a.example.test/"}]
    assert a["date_published"] == "2026-11-01T00:00:00+00:00"
    assert b["authors"] == [{"name": "b.example.test", "url": "https://b.example.test/"}]
    assert evil["title"] == HOSTILE_AS_XML
    assert "date_published" not in d


def test_html_page_escapes_everything_and_lists_errors_with_reasons() -> None:
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    page = export(HtmlItemExporter, now=now, failures=lambda rows: {"https://c.example.test/": 4})
    doc = etree.fromstring(page, etree.HTMLParser())
    assert doc.findall(".//script") == []
    assert doc.findall(".//img") == []
    assert not [el for el in doc.iter() if any(name.startswith("on") for name in el.attrib)]
    csp = doc.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert "default-src 'none'" in csp
    text = "".join(doc.itertext())
    assert HOSTILE.replace("\x07", "") in text  # shown as the text it is
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert all(href.startswith("https://") for href in hrefs)
    tables = doc.findall(".//table")
    newest = [row.find("td/a").get("href") for row in tables[0].findall("tbody/tr")]
    assert newest == ORDER
    errors = {
        "".join(row.find("td").itertext()): "".join(row.findall("td")[1].itertext())
        for row in tables[1].findall("tbody/tr")
    }
    assert "no complete answer within DOWNLOAD_TIMEOUT" in errors["c.example.test"]
    assert "not a usable http(s) URL" in errors["javascript:alert(1)"]
    health = ["".join(row.findall("td")[2].itertext()) for row in tables[1].findall("tbody/tr")]
    assert health == ["failing 4 runs in a row", "failed this run"]
    first_row = "".join(tables[0].find("tbody/tr").itertext())
    assert "2 days ago" in first_row


def test_opml_is_the_list_back_with_each_status() -> None:
    doc = etree.fromstring(export(OpmlItemExporter))
    assert doc.get("version") == "2.0"
    outlines = doc.findall("body/outline")
    status = f"{{{NAMESPACE}}}status"
    # The working blogs first, then the others, each by name.
    assert [o.get("text") for o in outlines] == [
        HOSTILE_AS_XML, "b.example.test", "Blog A", "Blog D", "c.example.test",
        "javascript:alert(1)",
    ]  # fmt: skip
    assert [o.get("htmlUrl") for o in outlines] == [
        "https://evil.example.test/",
        "https://b.example.test/",
        "https://a.example.test/",
        "https://d.example.test/",
        "https://c.example.test/",
        None,  # javascript: is not a link
    ]
    assert [o.get(status) for o in outlines] == [
        "ok", "unchanged", "ok", "ok", "timeout", "invalid_url",
    ]  # fmt: skip
    first = outlines[2]
    assert first.get("xmlUrl") == "https://a.example.test/feed.xml"
    assert first.get("type") == "rss"
    assert first.get(f"{{{NAMESPACE}}}newestDate") == "2026-11-01"
    assert first.get(f"{{{NAMESPACE}}}newestTitle") == "First – “quoted” & more"
    assert outlines[4].get(f"{{{NAMESPACE}}}error").startswith("index page:")
    assert outlines[1].get(f"{{{NAMESPACE}}}newestTitle") == "Second"  # unchanged: still known

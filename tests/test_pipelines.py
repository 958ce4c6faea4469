"""Pipelines (validate, clean, dedupe), the CSV exporter and the summary's arithmetic."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from dataclasses import asdict

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler

from blogtitles import accounting
from blogtitles.exporters import SafeCsvItemExporter, defuse_formula
from blogtitles.items import RECORD_FIELDS, BlogRecord
from blogtitles.pipelines import (
    CleanTitlePipeline,
    DedupeArticlePipeline,
    ValidateRecordPipeline,
    clean_title,
)
from blogtitles.spiders.blogs import BlogsSpider
from tests.conftest import project_crawler


def pipeline(cls: type, **settings: object):
    crawler = project_crawler(BlogsSpider, settings)
    return build_from_crawler(cls, crawler), crawler.stats


def ok_record(**fields: str) -> BlogRecord:
    values = {"blog_url": "https://b.test/", "article_url": "https://b.test/p/", "title": "T"}
    return BlogRecord(**{**values, **fields})


def test_valid_record_passes_unchanged() -> None:
    validate, _ = pipeline(ValidateRecordPipeline)
    record = ok_record()
    assert validate.process_item(record) is record
    assert record.status == "ok"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"status": "Bad Status!"}, "bad status"),
        ({"status": "http_404", "error": ""}, "without a message"),
        ({"blog_url": ""}, "empty blog_url"),
        ({"article_url": "javascript:alert(1)"}, "not http"),
        ({"crawled_at": "yesterday"}, "ISO-8601"),
    ],
)
def test_invalid_record_is_dropped_and_counted(fields: dict[str, str], problem: str) -> None:
    validate, stats = pipeline(ValidateRecordPipeline)
    with pytest.raises(DropItem, match=problem):
        validate.process_item(ok_record(**fields))
    assert stats.get_value(accounting.DROPPED_INVALID) == 1


def test_dict_item_with_missing_fields_is_dropped() -> None:
    validate, stats = pipeline(ValidateRecordPipeline)
    with pytest.raises(DropItem, match="missing field"):
        validate.process_item({"blog_url": "https://b.test/"})
    assert stats.get_value(accounting.DROPPED_INVALID) == 1


def test_ok_record_without_title_becomes_no_title() -> None:
    validate, _ = pipeline(ValidateRecordPipeline)
    record = validate.process_item(ok_record(title="  "))
    assert (record.status, record.error) == ("no_title", "article page: record had an empty title")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Café\u200b   culture \n", "Café culture"),
        ("Fish &amp; Chips", "Fish & Chips"),
        ("It&#8217;s", "It’s"),
        ("\ufeffBOM\u00ad title", "BOM title"),
        ("tab\tand\x07bell", "tab and bell"),
        ("Cafe\u0301", "Café"),
        ("日本語の文字 🚀", "日本語の文字 🚀"),
        ("A &lt;div&gt; &amp;amp; B", "A <div> &amp; B"),
    ],
)
def test_clean_title(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    "control",
    ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_controls_leave_titles_and_blog_titles(control: str) -> None:
    """A title that would show reversed ("txt.exe" as "exe.txt") reads as written."""
    clean, _ = pipeline(CleanTitlePipeline)
    record = ok_record(title=f"Invoice {control}txt.exe", blog_title=f"{control}Blog")
    clean.process_item(record)
    assert (record.title, record.blog_title) == ("Invoice txt.exe", "Blog")


def test_every_format_character_of_this_python_is_removed() -> None:
    """The table of format characters (category Cf) holds every one ``unicodedata`` knows."""
    kept = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and clean_title(f"a{chr(code)}b") != "ab"
    ]
    assert kept == []


def test_clean_pipeline_demotes_a_title_that_cleans_to_nothing() -> None:
    clean, _ = pipeline(CleanTitlePipeline)
    record = clean.process_item(ok_record(title="\u200b\u200d"))
    assert record.status == "no_title"


def test_dedupe_drops_second_ok_record_of_the_same_article() -> None:
    dedupe, stats = pipeline(DedupeArticlePipeline)
    first = ok_record(blog_url="http://b.test/", article_url="https://b.test/p/?b=2&a=1")
    second = ok_record(blog_url="https://b.test/", article_url="https://b.test/p/?a=1&b=2")
    assert dedupe.process_item(first) is first
    with pytest.raises(DropItem, match="Duplicate article"):
        dedupe.process_item(second)
    assert stats.get_value(accounting.DROPPED_DUPLICATE) == 1


def test_dedupe_keeps_error_records() -> None:
    dedupe, _ = pipeline(DedupeArticlePipeline)
    for _ in range(2):
        record = BlogRecord(blog_url="https://x.test/", status="timeout", error="index page: slow")
        assert dedupe.process_item(record) is record


@pytest.mark.parametrize("cls", [ValidateRecordPipeline, CleanTitlePipeline, DedupeArticlePipeline])
def test_each_pipeline_can_be_switched_off(cls: type) -> None:
    with pytest.raises(NotConfigured):
        pipeline(cls, **{cls.enabled_setting: False})


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "＝1"])
def test_formulas_are_defused(value: str) -> None:
    assert defuse_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain", "", "1-2", "a=b", 3])
def test_other_values_untouched(value: object) -> None:
    assert defuse_formula(value) == value


def test_csv_exporter_writes_fixed_columns_and_defuses() -> None:
    stream = io.BytesIO()
    exporter = SafeCsvItemExporter(stream, fields_to_export=RECORD_FIELDS)
    exporter.start_exporting()
    exporter.export_item(ok_record(title='=HYPERLINK("http://evil")'))
    exporter.finish_exporting()
    rows = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8"))))
    assert rows[0] == RECORD_FIELDS
    assert rows[1][RECORD_FIELDS.index("title")] == '\'=HYPERLINK("http://evil")'


def test_record_fields_order() -> None:
    record = ok_record()
    assert list(asdict(record)) == RECORD_FIELDS
    assert list(ItemAdapter(record).keys()) == [
        "blog_url",
        "blog_title",
        "article_url",
        "title",
        "published",
        "status",
        "error",
        "found_by",
        "feed_url",
        "crawled_at",
    ]


def test_summary_adds_up() -> None:
    stats = {
        accounting.INPUTS_READ: 10,
        accounting.INPUTS_EXPECTED: 10,
        accounting.INPUTS_DUPLICATE: 1,
        accounting.DROPPED_DUPLICATE: 1,
        accounting.RECORDS_PREFIX + "ok": 5,
        accounting.RECORDS_PREFIX + "timeout": 2,
        accounting.RECORDS_PREFIX + "invalid_url": 1,
    }
    summary = accounting.Summary.from_stats(stats)
    assert summary.balanced
    assert summary.errors == {"invalid_url": 1, "timeout": 2}
    assert any("adds up" in line for line in summary.lines())


@pytest.mark.parametrize(
    ("key", "delta"),
    [
        (accounting.RECORDS_PREFIX + "ok", -1),  # a record lost
        (accounting.RECORDS_PREFIX + "ok", 1),  # a record too many
        (accounting.INPUTS_EXPECTED, 1),  # the list was not read to the end
    ],
)
def test_summary_does_not_add_up(key: str, delta: int) -> None:
    stats = {accounting.INPUTS_READ: 3, accounting.INPUTS_EXPECTED: 3}
    stats[accounting.RECORDS_PREFIX + "ok"] = 3
    stats[key] += delta
    summary = accounting.Summary.from_stats(stats)
    assert not summary.balanced
    assert "DOES NOT ADD UP" in summary.lines()[-1]


@pytest.mark.parametrize(
    ("lost", "record"),
    [
        (accounting.DROPPED_INVALID, "ok"),  # a record dropped as invalid: its blog has none
        (accounting.INPUTS_UNREADABLE, "invalid_list"),  # the list broke off there
    ],
)
def test_summary_never_adds_up_with_a_lost_input(lost: str, record: str) -> None:
    """Every entry is counted somewhere, yet an input was lost: the verdict says so."""
    stats = {accounting.INPUTS_READ: 3, accounting.INPUTS_EXPECTED: 3, lost: 1}
    stats[accounting.RECORDS_PREFIX + "ok"] = 2
    if lost == accounting.INPUTS_UNREADABLE:
        stats[accounting.RECORDS_PREFIX + record] = 1
    summary = accounting.Summary.from_stats(stats)
    assert summary.accounted == 3
    summary = accounting.Summary.from_stats(stats)
    assert not summary.balanced
    assert "DOES NOT ADD UP" in summary.lines()[-1]

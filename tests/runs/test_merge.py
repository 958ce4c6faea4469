"""Merging the record files of several crawls: duplicates dropped across files, errors kept."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from blogtitles.runs.merge import main as merge_main
from blogtitles.runs.merge import merge


def record(blog: str, article: str, status: str = "ok") -> dict[str, str]:
    title = "T" if status == "ok" else ""
    return {"blog_url": blog, "article_url": article, "title": title, "status": status}


def write_jsonl(path: Path, records: list[dict[str, str]], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + tail, encoding="utf-8")
    return path


def test_merge_drops_duplicate_articles_across_files_and_keeps_errors(tmp_path: Path) -> None:
    one = write_jsonl(tmp_path / "1.jsonl", [
        record("http://a.test/", "http://a.test/post?b=2&a=1"),
        record("http://x.test/", "", "dns_error"),
    ])  # fmt: skip
    two = write_jsonl(tmp_path / "2.jsonl", [
        record("https://a.test/", "http://a.test/post?a=1&b=2"),  # the same article, canonically
        record("http://y.test/", "", "dns_error"),
        record("http://b.test/", "http://b.test/p"),
    ], tail='{"blog_url": "http://half')  # fmt: skip
    summary = merge([one, two], [tmp_path / "all.jsonl", tmp_path / "all.csv"])
    assert (summary.read, summary.written, summary.duplicates, summary.broken_lines) == (5, 4, 1, 1)
    merged = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [r["blog_url"] for r in merged] == [
        "http://a.test/", "http://x.test/", "http://y.test/", "http://b.test/"
    ]  # fmt: skip
    with (tmp_path / "all.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["blog_url"] for row in rows] == [r["blog_url"] for r in merged]
    assert list(rows[0]) == list(merged[0])  # the crawl's column order in both


def test_merge_refuses_an_unknown_format_before_writing(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "1.jsonl", [record("http://a.test/", "http://a.test/p")])
    keep = tmp_path / "keep.jsonl"
    keep.write_text("precious\n")
    assert merge_main([str(src), "-o", str(keep), "-o", str(tmp_path / "x.xml")]) == 2
    assert keep.read_text() == "precious\n"

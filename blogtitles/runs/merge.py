"""Merge the record files of several crawls (shards, workers) into one output, deduplicated.

``python -m blogtitles.merge IN.jsonl [IN.jsonl ...] -o output/titles.jsonl -o output/titles.csv``

Inputs are JSON Lines feeds, as each crawl writes them. The same duplicate rule as the crawl's
pipeline applies across them (:func:`blogtitles.items.duplicate_key`: a second ``ok`` record
of the same article is dropped; error records are kept). Outputs are written with Scrapy's own
exporters, chosen by extension (``.jsonl``/``.jl``, ``.json``, ``.csv``: the project's CSV exporter,
formula cells defused), in the crawl's column order. A half-written last line (a crawl killed
mid-write) is skipped and counted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from scrapy.exporters import BaseItemExporter, JsonItemExporter, JsonLinesItemExporter

from blogtitles.exporters import SafeCsvItemExporter
from blogtitles.items import RECORD_FIELDS, BlogRecord, SeenUrls, duplicate_key

EXPORTERS: dict[str, type[BaseItemExporter]] = {
    ".jsonl": JsonLinesItemExporter,
    ".jl": JsonLinesItemExporter,
    ".json": JsonItemExporter,
    ".csv": SafeCsvItemExporter,
}


@dataclass
class MergeSummary:
    """What the merge read and wrote; ``read == written + duplicates``."""

    read: int = 0
    written: int = 0
    duplicates: int = 0
    broken_lines: int = 0


def as_record(value: object) -> BlogRecord | None:
    """A record read back from JSON, as the crawl's item; ``None`` when it is not one."""
    if isinstance(value, dict) and value.get("blog_url"):
        return BlogRecord(**{k: v for k, v in value.items() if k in RECORD_FIELDS})
    return None


def read_records(paths: list[Path], summary: MergeSummary) -> Iterator[BlogRecord]:
    """The records of each JSON Lines file in turn, as the crawl's items; unreadable lines (not
    JSON, or no ``blog_url``) are counted and skipped."""
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    summary.broken_lines += 1
                    continue
                if (item := as_record(record)) is not None:
                    yield item
                else:
                    summary.broken_lines += 1


def open_exporter(path: Path, stack: ExitStack) -> BaseItemExporter:
    """A started exporter writing ``path`` (its format from the extension)."""
    exporter_class = EXPORTERS[path.suffix.lower()]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: BinaryIO = stack.enter_context(path.open("wb"))
    exporter = exporter_class(handle, fields_to_export=RECORD_FIELDS, encoding="utf-8")
    exporter.start_exporting()
    stack.callback(exporter.finish_exporting)
    return exporter


def merge(inputs: list[Path], outputs: list[Path]) -> MergeSummary:
    """Write every record of ``inputs`` to each of ``outputs``, duplicates dropped."""
    summary = MergeSummary()
    return write_records(read_records(inputs, summary), outputs, summary)


def write_records(
    records: Iterable[BlogRecord], outputs: list[Path], summary: MergeSummary | None = None
) -> MergeSummary:
    """Write ``records`` to each of ``outputs`` (format by extension), duplicates dropped."""
    unknown = [str(path) for path in outputs if path.suffix.lower() not in EXPORTERS]
    if unknown:  # before any output is opened (and truncated)
        raise ValueError(f"{', '.join(unknown)}: use one of {', '.join(EXPORTERS)}")
    summary = summary or MergeSummary()
    seen = SeenUrls()
    with ExitStack() as stack:
        exporters = [open_exporter(path, stack) for path in outputs]
        for record in records:
            summary.read += 1
            key = duplicate_key(record)
            if key is not None and not seen.add(key):
                summary.duplicates += 1
                continue
            for exporter in exporters:
                exporter.export_item(record)
            summary.written += 1
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m blogtitles.merge", description=__doc__)
    parser.add_argument("inputs", nargs="+", type=Path, help="JSON Lines record files")
    parser.add_argument(
        "-o", "--output", action="append", type=Path, required=True, help="output file (repeat)"
    )
    args = parser.parse_args(argv)
    missing = [str(path) for path in args.inputs if not path.is_file()]
    if missing:
        print(f"Cannot merge: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        summary = merge(args.inputs, args.output)
    except ValueError as exc:
        print(f"Cannot merge: {exc}", file=sys.stderr)
        return 2
    print(
        f"Merged {len(args.inputs)} files: {summary.read} records read, {summary.written} "
        f"written, {summary.duplicates} duplicate articles dropped, "
        f"{summary.broken_lines} broken lines skipped -> {', '.join(map(str, args.output))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

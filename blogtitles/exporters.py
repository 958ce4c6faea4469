"""Feed exporters: CSV that a spreadsheet opens without running anything."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapy.exporters import CsvItemExporter
from scrapy.item import Field

#: A cell starting with one of these is a formula in Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def defuse_formula(value: Any) -> Any:
    """Prefix a string that a spreadsheet would run as a formula with ``'`` (OWASP's advice).

    The apostrophe is visible in the cell and in the file; JSON outputs keep the title as is.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeCsvItemExporter(CsvItemExporter):
    """Scrapy's CSV exporter, with every cell passed through :func:`defuse_formula`.

    Registered for the ``csv`` format in ``FEED_EXPORTERS``, so ``-o titles.csv`` uses it too.
    """

    def serialize_field(self, field: Mapping[str, Any] | Field, name: str, value: Any) -> Any:
        return defuse_formula(super().serialize_field(field, name, value))

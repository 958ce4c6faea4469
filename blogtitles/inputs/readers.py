"""Read a list of blogs lazily: plain text, CSV with a ``url`` column, OPML, or inline URLs.

Each entry comes out as a :class:`BlogInput`: a normalised URL, or an error message saying why the
line is unusable. A whole-file problem (missing, unreadable, CSV without a ``url`` column) raises
:class:`InputListError` before the first entry. Nothing here imports Scrapy.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from w3lib.url import safe_url_string

#: Input formats, as named by ``-a format=`` and detected from the file otherwise.
FORMATS: Final = ("text", "csv", "opml")
#: Rendering modes: ``-a render=`` and the CSV ``render`` column (empty: the crawl's own);
#: ``auto`` renders the pages that need it (see :mod:`blogtitles.rendering.backends`).
RENDER_MODES: Final = ("auto", "always", "never")

MAX_URL_LENGTH: Final = 2048
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_PORT_AFTER_COLON_RE = re.compile(r"^[A-Za-z0-9.-]+:\d+(?:[/?#]|$)")
_HOST_RE = re.compile(r"^[A-Za-z0-9._~%!$&'()*+,;=:\[\]-]+$")
_SNIFF_BYTES: Final = 4096
_PROLOGUE_BYTES: Final = 1024 * 1024  # a DTD is at the top; entity declarations live only there
_INLINE_COMMENT_RE = re.compile(r"\s#")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_SPACE_RE = re.compile(r"\s")  # str.isspace()'s characters (both use Py_UNICODE_ISSPACE)


class InputListError(Exception):
    """The list as a whole cannot be read (missing file, unreadable, wrong CSV header)."""


class InvalidBlogUrlError(ValueError):
    """One input value is not a usable http(s) URL; the message says why."""


@dataclass(frozen=True, slots=True)
class BlogInput:
    """One entry of the input list: ``url`` when usable, else ``error`` says why not.

    ``render``: the list's own rendering choice for this blog (CSV ``render`` column: ``auto``,
    ``always``, ``never``); ``""`` leaves it to ``-a render``.
    """

    source: str
    raw: str
    url: str = ""
    error: str = ""
    render: str = ""


def normalize_blog_url(raw: str) -> str:
    """Return the canonical form of a blog URL, or raise :class:`InvalidBlogUrlError`.

    Adds ``https://`` when no scheme is given, lower-cases scheme and host, drops the fragment,
    percent-encodes what needs it (w3lib) and gives an empty path a ``/``.
    """
    value = raw.strip()
    if not value:
        raise InvalidBlogUrlError("empty URL")
    if len(value) > MAX_URL_LENGTH:
        raise InvalidBlogUrlError(f"URL longer than {MAX_URL_LENGTH} characters")
    if _CONTROL_RE.search(value):
        raise InvalidBlogUrlError("URL contains control characters or binary data")
    if _SPACE_RE.search(value):
        raise InvalidBlogUrlError("URL contains white space")
    scheme_match = _SCHEME_RE.match(value)
    if value.startswith("//"):
        value = "https:" + value
    elif scheme_match and not _PORT_AFTER_COLON_RE.match(value):
        scheme = scheme_match.group(1).lower()
        if scheme not in ("http", "https"):
            message = f"unsupported scheme {scheme!r}: only http and https are fetched"
            raise InvalidBlogUrlError(message)
        if not value[len(scheme) + 1 :].startswith("//"):
            raise InvalidBlogUrlError("URL has a scheme but no host")
    else:
        value = "https://" + value
    try:
        parts = urlsplit(safe_url_string(value))
        port = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidBlogUrlError(f"unparseable URL: {exc}") from None
    host = (parts.hostname or "").rstrip(".")
    if not host or not _HOST_RE.match(host) or ".." in host or host.startswith("."):
        raise InvalidBlogUrlError("URL has no valid host name")
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    if parts.username or parts.password:
        raise InvalidBlogUrlError("URLs with a user name or password are not fetched")
    return urlunsplit((parts.scheme.lower(), netloc.lower(), parts.path or "/", parts.query, ""))


def make_input(source: str, raw: str) -> BlogInput:
    """Build the :class:`BlogInput` of one raw value, valid or not."""
    try:
        return BlogInput(source=source, raw=raw, url=normalize_blog_url(raw))
    except InvalidBlogUrlError as exc:
        return BlogInput(source=source, raw=raw, error=str(exc))


def iter_inline(urls: str | Iterable[str]) -> Iterator[BlogInput]:
    """Entries of ``-a urls=URL1,URL2`` (a comma-separated string) or of a list of URLs."""
    values = urls.split(",") if isinstance(urls, str) else urls
    for number, value in enumerate(values, start=1):
        if value.strip():
            yield make_input(f"urls[{number}]", value)


def detect_format(path: Path) -> str:
    """Guess the format of a list file from its name, then from its first bytes."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".opml", ".xml"):
        return "opml"
    head = _read_head(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or head[:5].lower() == b"<opml":
        return "opml"
    first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
    if "," in first_line and "url" in (cell.strip(' "') for cell in first_line.split(",")):
        return "csv"
    return "text"


def open_blog_list(path: str | Path, fmt: str | None = None) -> Iterator[BlogInput]:
    """Check that the list file can be read, then return a lazy iterator over its entries.

    Raises :class:`InputListError` at once (not on first iteration) for whole-file problems.
    """
    path = Path(path)
    if not path.exists():
        raise InputListError(f"blog list not found: {path}")
    if path.is_dir():
        raise InputListError(f"blog list is a directory, not a file: {path}")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise InputListError(f"unknown list format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        url_column = _csv_url_column(path)
        return _iter_csv(path, url_column)
    if fmt == "opml":
        if b"<!ENTITY" in _read_head(path, _PROLOGUE_BYTES):
            raise InputListError(f"OPML {path} declares XML entities: refused (entity expansion)")
        return _iter_opml(path)
    _read_head(path)  # readable?
    return _iter_text(path)


def _read_head(path: Path, size: int = _SNIFF_BYTES) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise InputListError(f"cannot read blog list {path}: {exc.strerror or exc}") from None


#: The list shipped inside the package (and so inside a Scrapyd egg).
PACKAGED_LIST: Final = "blogs.txt"


def open_packaged_list(name: str = PACKAGED_LIST) -> Iterator[BlogInput]:
    """The list shipped inside the package (and so inside a Scrapyd egg), read as a resource."""
    resource = resources.files("blogtitles").joinpath(name)
    try:
        data = resource.read_bytes()
    except OSError as exc:
        raise InputListError(f"packaged blog list {name} cannot be read: {exc}") from None
    return _iter_text_lines(io.BytesIO(data), f"blogtitles/{name}")


def _iter_text(path: Path) -> Iterator[BlogInput]:
    """One URL a line; ``#`` starts a comment; blank lines are skipped; bytes decoded per line."""
    with path.open("rb") as handle:
        yield from _iter_text_lines(handle, path.name)


def _iter_text_lines(handle: Iterable[bytes], name: str) -> Iterator[BlogInput]:
    """The entries of a plain-text list, read line by line from a binary stream."""
    for number, line_bytes in enumerate(handle, start=1):
        source = f"{name}:{number}"
        raw_line = line_bytes
        if number == 1 and raw_line.startswith(codecs.BOM_UTF8):
            raw_line = raw_line[len(codecs.BOM_UTF8) :]
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            shown = raw_line.decode("utf-8", "replace").strip()[:80]
            yield BlogInput(source, shown, error="line is not valid UTF-8 text (binary data?)")
            continue
        value = strip_comment(line)
        if value:
            yield make_input(source, value)


def strip_comment(line: str) -> str:
    """A list line without its comment: a whole-line ``#``, or `` #`` after the URL."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return ""
    return _INLINE_COMMENT_RE.split(stripped, maxsplit=1)[0].strip()


def _csv_url_column(path: Path) -> str:
    with _open_csv(path) as handle:
        try:
            header = next(csv.reader(handle), None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputListError(f"cannot read CSV header of {path}: {exc}") from None
    if header is None:
        raise InputListError(
            f"CSV blog list {path} is empty: it needs a header with a 'url' column"
        )
    names = {name.strip().lower(): name for name in header}
    if "url" not in names:
        raise InputListError(f"CSV blog list {path} has no 'url' column (header: {header[:8]})")
    return names["url"]


def _open_csv(path: Path) -> io.TextIOWrapper:
    try:
        return io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", errors="replace", newline="")
    except OSError as exc:
        raise InputListError(f"cannot read blog list {path}: {exc.strerror or exc}") from None


def _iter_csv(path: Path, url_column: str) -> Iterator[BlogInput]:
    with _open_csv(path) as handle:
        reader = csv.DictReader(handle)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BlogInput(f"{path.name}:{reader.line_num}", "", error=f"bad CSV row: {exc}")
                continue
            source = f"{path.name}:{reader.line_num}"
            value = (row.get(url_column) or "").strip()
            if not value and not any(
                (cell or "").strip() for cell in row.values() if isinstance(cell, str)
            ):
                continue  # a blank row
            if "\ufffd" in value:
                yield BlogInput(source, value, error="URL is not valid UTF-8 text (binary data?)")
                continue
            entry = make_input(source, value)
            render = _cell(row, "render").lower()
            if render and render not in RENDER_MODES:
                message = f"render column {render!r}: use {', '.join(RENDER_MODES)} or leave empty"
                entry = BlogInput(source, value, error=message)
            elif render:
                entry = replace(entry, render=render)
            yield entry


def _cell(row: dict[str, Any], name: str) -> str:
    """The value of column ``name`` (any case) in a CSV row, stripped; ``""`` when absent."""
    for key, value in row.items():
        if isinstance(key, str) and key.strip().lower() == name and isinstance(value, str):
            return value.strip()
    return ""


def _iter_opml(path: Path) -> Iterator[BlogInput]:
    """Every ``<outline>`` with an ``htmlUrl`` (the blog) or else an ``xmlUrl`` (its feed)."""
    parser_options = {"resolve_entities": False, "no_network": True, "huge_tree": False}
    try:
        events = etree.iterparse(str(path), events=("end",), tag="outline", **parser_options)
        for _event, element in events:
            value = element.get("htmlUrl") or element.get("xmlUrl") or element.get("url") or ""
            if value.strip():
                yield make_input(f"{path.name}:{element.sourceline}", value)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:  # keep memory flat on huge lists
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        yield BlogInput(
            f"{path.name}:{exc.lineno or 0}", "", error=f"OPML is not well-formed XML: {exc.msg}"
        )
    except OSError as exc:
        raise InputListError(f"cannot read blog list {path}: {exc}") from None

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
from typing import Any, BinaryIO, Final
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from w3lib.url import safe_url_string

#: Input formats, as named by ``-a format=`` and detected from the file otherwise.
FORMATS: Final = ("text", "csv", "opml")
#: Rendering modes: ``-a render=`` and the CSV ``render`` column (empty: the crawl's own);
#: ``auto`` renders the pages that need it (see :mod:`blogtitles.rendering.backends`).
RENDER_MODES: Final = ("auto", "always", "never")

MAX_URL_LENGTH: Final = 2048
#: The longest list line read whole (bytes); the rest of a longer line is skipped unread, so
#: memory stays flat whatever a line's length (a blog URL is at most MAX_URL_LENGTH).
MAX_LINE_BYTES: Final = 64 * 1024
#: The most of an invalid line a record echoes (characters), marked as cut beyond that.
MAX_ECHO: Final = 2048
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_PORT_AFTER_COLON_RE = re.compile(r"^[A-Za-z0-9.-]+:\d+(?:[/?#]|$)")
_HOST_RE = re.compile(r"^[A-Za-z0-9._~%!$&'()*+,;=:\[\]-]+$")
_SNIFF_BYTES: Final = 4096
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
    #: The list itself could not be read here (OPML cut short, an unparseable CSV row): not a
    #: bad URL but a lost part of the list, which the crawl must not call complete.
    unreadable: bool = False


def echo(raw: str, length: int | None = None) -> str:
    """``raw`` as a record may show it: at most :data:`MAX_ECHO` characters, marked when cut
    (``length``: the whole line's, when only its start was read)."""
    length = len(raw) if length is None else length
    if length <= MAX_ECHO and len(raw) <= MAX_ECHO:
        return raw
    return f"{raw[:MAX_ECHO]}… [cut: {length} characters in all]"


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
    """Build the :class:`BlogInput` of one raw value, valid or not (an invalid one's ``raw`` is
    cut to :data:`MAX_ECHO` characters)."""
    try:
        return BlogInput(source=source, raw=raw, url=normalize_blog_url(raw))
    except InvalidBlogUrlError as exc:
        return BlogInput(source=source, raw=echo(raw), error=str(exc))


def unreadable(source: str, why: str) -> BlogInput:
    """The entry that stands for a part of the list that could not be read (at ``source``)."""
    return BlogInput(source=source, raw=source, error=why, unreadable=True)


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
        _refuse_dtd(path)
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


def bounded_lines(handle: BinaryIO) -> Iterator[tuple[bytes, int]]:
    """The lines of a binary stream, each with its whole length in bytes; of a line longer than
    :data:`MAX_LINE_BYTES`, only its start (the rest is read in pieces and dropped)."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        length = len(line)
        if length > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                length += len(rest)
            length += len(rest)
        yield line, length


def _iter_text_lines(handle: BinaryIO, name: str) -> Iterator[BlogInput]:
    """The entries of a plain-text list, read line by line from a binary stream."""
    for number, (line_bytes, length) in enumerate(bounded_lines(handle), start=1):
        source = f"{name}:{number}"
        raw_line = line_bytes
        if number == 1 and raw_line.startswith(codecs.BOM_UTF8):
            raw_line = raw_line[len(codecs.BOM_UTF8) :]
        if length > MAX_LINE_BYTES:
            shown = echo(raw_line.decode("utf-8", "replace").strip(), length)
            why = f"line longer than {MAX_LINE_BYTES} bytes ({length}): not a blog URL"
            yield BlogInput(source, shown, error=why)
            continue
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
    try:
        header = next(csv.reader(_csv_lines(path, {})), None)
    except csv.Error as exc:
        raise InputListError(f"cannot read CSV header of {path}: {exc}") from None
    if header is None:
        raise InputListError(
            f"CSV blog list {path} is empty: it needs a header with a 'url' column"
        )
    names = {name.strip().lower(): name for name in header}
    if "url" not in names:
        raise InputListError(f"CSV blog list {path} has no 'url' column (header: {header[:8]})")
    return names["url"]


def _csv_lines(path: Path, cut: dict[int, tuple[str, int]]) -> Iterator[str]:
    """The lines of a CSV file as text (invalid UTF-8 replaced); a line longer than
    :data:`MAX_LINE_BYTES` is given as an empty line, its start and length noted in ``cut``."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputListError(f"cannot read blog list {path}: {exc.strerror or exc}") from None
    with handle:
        for number, (line, length) in enumerate(bounded_lines(handle), start=1):
            text = line.removeprefix(codecs.BOM_UTF8) if number == 1 else line
            if length > MAX_LINE_BYTES:
                cut[number] = (text.decode("utf-8", "replace").strip(), length)
                yield "\n"
            else:
                yield text.decode("utf-8", "replace")


def _iter_csv(path: Path, url_column: str) -> Iterator[BlogInput]:
    cut: dict[int, tuple[str, int]] = {}
    reader = csv.DictReader(_csv_lines(path, cut))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            yield from _cut_lines(path.name, cut, None)
            return
        except csv.Error as exc:  # the line that failed is not counted in line_num yet
            yield from _cut_lines(path.name, cut, reader.line_num)
            yield unreadable(f"{path.name}:{reader.line_num + 1}", f"bad CSV row: {exc}")
            continue
        yield from _cut_lines(path.name, cut, reader.line_num)
        source = f"{path.name}:{reader.line_num}"
        value = (row.get(url_column) or "").strip()
        if "\n" in value:  # a quoted field over several lines swallowed the rows after it
            why = "a quoted cell runs over several lines (an unclosed quote?): rows lost"
            yield unreadable(source, why)
            continue
        if not value and not any(
            (cell or "").strip() for cell in row.values() if isinstance(cell, str)
        ):
            continue  # a blank row
        if "\ufffd" in value:
            why = "URL is not valid UTF-8 text (binary data?)"
            yield BlogInput(source, echo(value), error=why)
            continue
        entry = make_input(source, value)
        render = _cell(row, "render").lower()
        if render and render not in RENDER_MODES:
            message = f"render column {render!r}: use {', '.join(RENDER_MODES)} or leave empty"
            entry = BlogInput(source, echo(value), error=message)
        elif render:
            entry = replace(entry, render=render)
        yield entry


def _cut_lines(name: str, cut: dict[int, tuple[str, int]], upto: int | None) -> Iterator[BlogInput]:
    """The entries of the over-long lines noted in ``cut`` up to line ``upto`` (all: ``None``)."""
    for number in sorted(n for n in cut if upto is None or n <= upto):
        start, length = cut.pop(number)
        why = f"line longer than {MAX_LINE_BYTES} bytes ({length}): not a blog URL"
        yield BlogInput(f"{name}:{number}", echo(start, length), error=why)


def _cell(row: dict[str, Any], name: str) -> str:
    """The value of column ``name`` (any case) in a CSV row, stripped; ``""`` when absent."""
    for key, value in row.items():
        if isinstance(key, str) and key.strip().lower() == name and isinstance(value, str):
            return value.strip()
    return ""


#: lxml's parser with nothing loaded, resolved or fetched: no DTD, no entity, no network.
_OPML_PARSER: Final = {
    "load_dtd": False,
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
}


def _refuse_dtd(path: Path) -> None:
    """Refuse an OPML that has a DOCTYPE (the only place entities are declared), found on the
    parsed document, so whatever its encoding and however far down (after long comments) it is.
    Parsing stops at the root element's start: the DOCTYPE comes before it."""
    try:
        with path.open("rb") as handle:
            for _event, element in etree.iterparse(handle, events=("start",), **_OPML_PARSER):
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    why = "has a DOCTYPE (entities, external DTDs): refused"
                    raise InputListError(f"OPML {path} {why}")
                return
    except etree.XMLSyntaxError:
        return  # not well-formed before its root: the reading says where (an unreadable entry)
    except OSError as exc:
        raise InputListError(f"cannot read blog list {path}: {exc}") from None


def _iter_opml(path: Path) -> Iterator[BlogInput]:
    """Every ``<outline>`` with an ``htmlUrl`` (the blog) or else an ``xmlUrl`` (its feed)."""
    try:
        events = etree.iterparse(str(path), events=("end",), tag="outline", **_OPML_PARSER)
        for _event, element in events:
            value = element.get("htmlUrl") or element.get("xmlUrl") or element.get("url") or ""
            if value.strip():
                yield make_input(f"{path.name}:{element.sourceline}", value)
            element.clear(keep_tail=False)
            while element.getprevious() is not None:  # keep memory flat on huge lists
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        why = f"OPML is not well-formed XML: {exc.msg}; the rest of the list was not read"
        yield unreadable(f"{path.name}:{exc.lineno or 0}", why)
    except OSError as exc:
        raise InputListError(f"cannot read blog list {path}: {exc}") from None

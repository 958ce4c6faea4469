"""Reading blog lists: formats, normalisation, bad lines, laziness."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from blogtitles.inputs import (
    InputListError,
    InvalidBlogUrlError,
    detect_format,
    iter_inline,
    normalize_blog_url,
    open_blog_list,
    strip_comment,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("example.com", "https://example.com/"),
        ("  http://Example.COM/Blog/  ", "http://example.com/Blog/"),
        ("https://example.com/blog/#top", "https://example.com/blog/"),
        ("//example.com/x", "https://example.com/x"),
        ("localhost:8080/blog", "https://localhost:8080/blog"),
        ("example.com:8080", "https://example.com:8080/"),
        ("https://example.com/?page=2", "https://example.com/?page=2"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com/a b".replace(" ", "%20"), "https://example.com/a%20b"),
        ("HTTP://example.com", "http://example.com/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("https://[2001:db8::1]/", "https://[2001:db8::1]/"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize_blog_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("ftp://example.com/", "unsupported scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported scheme 'file'"),
        ("javascript:alert(1)", "unsupported scheme 'javascript'"),
        ("mailto:me@example.com", "unsupported scheme 'mailto'"),
        ("http://exa mple.com/", "white space"),
        ("http:/example.com", "no host"),
        ("https://", "no valid host"),
        ("http://example.com:99999/", "unparseable"),
        ("http://user:pw@example.com/", "user name or password"),
        ("http://a\x00b.com/", "control characters"),
        ("https://example.com/" + "a" * 3000, "longer than"),
    ],
)
def test_invalid_urls(raw: str, message: str) -> None:
    with pytest.raises(InvalidBlogUrlError, match=message):
        normalize_blog_url(raw)


def test_strip_comment() -> None:
    assert strip_comment("# a comment") == ""
    assert strip_comment("  https://x.test/ # my favourite ") == "https://x.test/"
    assert strip_comment("https://x.test/#anchor") == "https://x.test/#anchor"


def test_text_list(tmp_path: Path) -> None:
    path = tmp_path / "blogs.txt"
    path.write_bytes(
        "\ufeffhttps://a.test/\n# comment\n\n  b.test  # inline\nftp://c.test/\n".encode()
        + b"\xff\xfe garbage\n"
    )
    entries = list(open_blog_list(path))
    assert [(e.url, bool(e.error)) for e in entries] == [
        ("https://a.test/", False),
        ("https://b.test/", False),
        ("", True),
        ("", True),
    ]
    assert entries[0].source == "blogs.txt:1"
    assert entries[1].source == "blogs.txt:4"
    assert "scheme" in entries[2].error
    assert "UTF-8" in entries[3].error
    assert sum(1 for _ in open_blog_list(path)) == 4


def test_csv_list(tmp_path: Path) -> None:
    path = tmp_path / "blogs.csv"
    path.write_text(
        'name,URL\n"A, the blog",https://a.test/\n,\nB,javascript:x\n', encoding="utf-8"
    )
    entries = list(open_blog_list(path))
    assert [e.url for e in entries] == ["https://a.test/", ""]
    assert "scheme" in entries[1].error


def test_csv_sniffed_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "list"
    path.write_text("url,name\nhttps://a.test/,A\n")
    assert detect_format(path) == "csv"
    assert [e.url for e in open_blog_list(path)] == ["https://a.test/"]


def test_csv_without_url_column(tmp_path: Path) -> None:
    path = tmp_path / "blogs.csv"
    path.write_text("name,homepage\nA,https://a.test/\n")
    with pytest.raises(InputListError, match="no 'url' column"):
        open_blog_list(path)


def test_opml_list(tmp_path: Path) -> None:
    path = tmp_path / "feeds.opml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head/><body>'
        '<outline text="Tech"><outline type="rss" text="A" xmlUrl="https://a.test/feed" htmlUrl="https://a.test/"/>'
        '<outline type="rss" text="B" xmlUrl="https://b.test/rss.xml"/></outline>'
        '<outline text="C" htmlUrl="gopher://c.test/"/></body></opml>'
    )
    entries = list(open_blog_list(path))
    assert [e.url for e in entries] == ["https://a.test/", "https://b.test/rss.xml", ""]
    assert "gopher" in entries[2].error


def test_opml_billion_laughs_is_not_expanded(tmp_path: Path) -> None:
    path = tmp_path / "evil.opml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<opml><body><outline htmlUrl="https://a.test/&lol2;"/></body></opml>'
    )
    with pytest.raises(InputListError, match="has a DOCTYPE"):
        open_blog_list(path)


def test_broken_opml_gives_an_error_entry(tmp_path: Path) -> None:
    path = tmp_path / "broken.opml"
    path.write_text('<opml><body><outline htmlUrl="https://a.test/"/><outline')
    entries = list(open_blog_list(path))
    assert entries[0].url == "https://a.test/"
    assert "not well-formed" in entries[-1].error


@pytest.mark.parametrize("name", ["missing.txt", "dir"])
def test_unreadable_list(tmp_path: Path, name: str) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(InputListError):
        open_blog_list(tmp_path / name)


def test_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("https://a.test/\n")
    with pytest.raises(InputListError, match="unknown list format"):
        open_blog_list(path, "yaml")


def test_inline_urls() -> None:
    entries = list(iter_inline("a.test, https://b.test/ ,,ftp://c.test"))
    assert [e.url for e in entries] == ["https://a.test/", "https://b.test/", ""]
    assert entries[2].source == "urls[4]"


def test_reading_is_lazy(tmp_path: Path) -> None:
    """A 50,000-line list is streamed: held all at once it would take over 10 MB."""
    path = tmp_path / "big.txt"
    with path.open("w") as handle:
        for number in range(50_000):
            handle.write(f"https://blog-{number}.test/\n")
    tracemalloc.start()
    count = sum(1 for _ in open_blog_list(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 50_000
    assert peak < 2_000_000, peak


# -- lists that break part-way, and lines of any length -------------------------------------------


def test_opml_cut_short_keeps_what_came_before_and_says_where_it_broke(tmp_path: Path) -> None:
    path = tmp_path / "cut.opml"
    path.write_text(
        '<?xml version="1.0"?>\n<opml><body>\n<outline htmlUrl="https://a.test/"/>\n'
        '<outline htmlUrl="https://b.test/"/>\n<outline htmlUrl="https://c'
    )
    entries = list(open_blog_list(path))
    assert [entry.url for entry in entries[:2]] == ["https://a.test/", "https://b.test/"]
    broken = entries[2]
    assert broken.unreadable and broken.source == "cut.opml:5"
    assert broken.raw == "cut.opml:5"  # never an empty blog_url: the record must survive
    assert "the rest of the list was not read" in broken.error
    assert len(entries) == 3


@pytest.mark.parametrize(
    ("name", "document"),
    [
        (
            "utf-16",
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE o [<!ENTITY a "aaaa">]>'
            '<opml><body><outline htmlUrl="https://x.test/&a;"/></body></opml>',
        ),
        (
            "long comment first",
            '<?xml version="1.0"?><!--' + "x" * 2_000_000 + '--><!DOCTYPE o [<!ENTITY a "a">]>'
            '<opml><body><outline htmlUrl="https://x.test/&a;"/></body></opml>',
        ),
        (
            "external DTD",
            '<?xml version="1.0"?><!DOCTYPE opml SYSTEM "file:///etc/passwd">'
            '<opml><body><outline htmlUrl="https://x.test/"/></body></opml>',
        ),
        (
            "parameter entity",
            '<?xml version="1.0"?><!DOCTYPE o [<!ENTITY % p "<!ENTITY a \'b\'>"> %p;]>'
            '<opml><body><outline htmlUrl="https://x.test/&a;"/></body></opml>',
        ),
        (
            "external entity",
            '<?xml version="1.0"?><!DOCTYPE o [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
            '<opml><body><outline htmlUrl="https://x.test/&e;"/></body></opml>',
        ),
    ],
)
def test_opml_with_a_doctype_is_refused_whatever_the_trick(
    tmp_path: Path, name: str, document: str
) -> None:
    path = tmp_path / "trick.opml"
    encoding = "utf-16" if name == "utf-16" else "utf-8"
    path.write_bytes(document.encode(encoding))
    with pytest.raises(InputListError, match="has a DOCTYPE"):
        open_blog_list(path)


def test_csv_with_an_oversized_cell_gives_its_record_on_the_right_line(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    rows = [f"https://b{k}.test/,x" for k in range(1, 8)]  # lines 2-8
    rows.append("https://" + "a" * 200_000 + ".test/,x")  # line 9
    rows.append("https://after.test/,x")  # line 10
    path.write_text("url,note\n" + "\n".join(rows) + "\n")
    entries = list(open_blog_list(path))
    assert len(entries) == 9
    big = entries[7]
    assert big.source == "big.csv:9"
    assert big.error.startswith("line longer than 65536 bytes")
    assert len(big.raw) < 2100 and big.raw.endswith("characters in all]")
    assert (entries[8].source, entries[8].url) == ("big.csv:10", "https://after.test/")


def test_csv_with_an_unclosed_quote_is_an_unreadable_part(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('url\nhttps://a.test/\n"https://b.test/\nhttps://c.test/\n')
    entries = list(open_blog_list(path))
    assert entries[0].url == "https://a.test/"
    assert entries[1].unreadable and "unclosed quote" in entries[1].error


def test_a_huge_text_line_is_cut_in_its_record_and_the_next_line_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"https://a.test/\n" + b"x" * 3_000_000 + b"\nhttps://c.test/\n")
    entries = list(open_blog_list(path))
    assert [entry.url for entry in entries] == ["https://a.test/", "", "https://c.test/"]
    huge = entries[1]
    assert (huge.source, huge.unreadable) == ("huge.txt:2", False)
    assert "3000001" in huge.error  # its whole length, newline included
    assert huge.raw.startswith("x" * 2048) and huge.raw.endswith("[cut: 3000001 characters in all]")
    assert len(huge.raw) < 2100


def test_an_invalid_url_is_echoed_at_most_2_kb(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("https://" + "a" * 5000 + ".test/\n")
    (entry,) = list(open_blog_list(path))
    assert "longer than 2048" in entry.error
    assert len(entry.raw) < 2100 and "[cut:" in entry.raw

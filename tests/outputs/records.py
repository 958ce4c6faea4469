"""Records for the output tests: ordinary ones, an unchanged one, errors, and hostile text."""

from __future__ import annotations

from blogtitles.items import BlogRecord

HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> & \x07 ]]>'


def sample_records() -> list[BlogRecord]:
    """In input order; newest article: the hostile blog's (2026-11-30), then b, then a."""
    return [
        BlogRecord(
            blog_url="https://a.example.test/",
            blog_title="Blog A",
            article_url="https://a.example.test/2026/11/first.html",
            title="First – “quoted” & more",
            published="2026-11-01",
            feed_url="https://a.example.test/feed.xml",
        ),
        BlogRecord(
            blog_url="https://b.example.test/",
            blog_title="",
            article_url="https://b.example.test/post/2",
            title="Second",
            published="2026-11-20T08:30:00+01:00",
            status="unchanged",
            found_by="not_modified",
        ),
        BlogRecord(
            blog_url="https://c.example.test/",
            status="timeout",
            error="index page: no complete answer within 10 s",
        ),
        BlogRecord(
            blog_url="https://evil.example.test/",
            blog_title=HOSTILE,
            article_url="https://evil.example.test/x",
            title=HOSTILE,
            published="2026-11-30T00:00:00Z",
        ),
        BlogRecord(
            blog_url="javascript:alert(1)",
            status="invalid_url",
            error="input line 5: not an http(s) URL",
        ),
        BlogRecord(
            blog_url="https://d.example.test/",
            blog_title="Blog D",
            article_url="https://d.example.test/undated",
            title="Undated",
        ),
    ]


def export(exporter_class: type, **kwargs: object) -> bytes:
    """The document ``exporter_class`` writes for :func:`sample_records`."""
    import io

    out = io.BytesIO()
    exporter = exporter_class(out, **kwargs)
    exporter.start_exporting()
    for record in sample_records():
        exporter.export_item(record)
    exporter.finish_exporting()
    return out.getvalue()

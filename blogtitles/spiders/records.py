"""What counts as a readable page for the spiders' callbacks."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from blogtitles.extract import page_text
from blogtitles.rendering import rendered_by


def is_document(response: Response) -> bool:
    """HTML, or XML (a feed, XHTML): something the extractors can read.

    The Content-Type has the last word: Scrapy picks the response class from a URL's ``.html``
    even when the server says ``image/png``. (A page rendered by Splash comes as a plain
    ``TextResponse`` subclass; its Content-Type decides the same way.)
    """
    if not isinstance(response, HtmlResponse | XmlResponse) and not (
        isinstance(response, TextResponse) and rendered_by(response)
    ):
        return False
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    return not content_type or "html" in content_type or "xml" in content_type


def text_of(response: TextResponse) -> str:
    """The page's text for the extractors: UTF-8 when its bytes are (see
    :func:`blogtitles.extract.page_text`), else as Scrapy decoded it."""
    if response.encoding.replace("-", "").lower() == "utf8":
        return response.text
    return page_text(response.body, lambda: response.text)


def not_html(response: Response) -> str:
    """The message of a ``not_html`` record."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or "none"
    return f"not an HTML page (Content-Type: {content_type})"

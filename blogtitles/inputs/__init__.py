"""Where blogs come from: list readers (text, CSV, OPML, inline), shards, and the spider's sources.

Nothing here but :mod:`.sources` knows about Scrapy; the readers and shards are plain Python.
"""

from blogtitles.inputs.readers import (
    FORMATS,
    MAX_URL_LENGTH,
    RENDER_MODES,
    BlogInput,
    InputListError,
    InvalidBlogUrlError,
    detect_format,
    iter_inline,
    make_input,
    normalize_blog_url,
    open_blog_list,
    open_packaged_list,
    strip_comment,
)

__all__ = [
    "FORMATS",
    "MAX_URL_LENGTH",
    "RENDER_MODES",
    "BlogInput",
    "InputListError",
    "InvalidBlogUrlError",
    "detect_format",
    "iter_inline",
    "make_input",
    "normalize_blog_url",
    "open_blog_list",
    "open_packaged_list",
    "strip_comment",
]

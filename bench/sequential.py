"""The seed's naive loop: for each blog, ``urlopen`` the index, then the article, one after the other.

``python -m bench.sequential LIST OUT``. Same job and same extraction functions as the crawl;
no concurrency at all: 2n page waits in a row.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from bench.loopback import to_loopback
from blogtitles.extract import extract_title, find_first_article


def fetch(url: str) -> str:
    address, host = to_loopback(url)
    request = urllib.request.Request(address, headers={"Host": host, "User-Agent": "bench-seq"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        return response.read().decode("utf-8", "replace")


def main(list_file: str, out_file: str) -> int:
    with Path(out_file).open("w", encoding="utf-8") as out:
        for line in Path(list_file).read_text(encoding="utf-8").split():
            record = {"blog_url": line, "article_url": "", "title": ""}
            link = find_first_article(fetch(line), line)
            if link is not None:
                title = extract_title(fetch(link.url), link.url)
                record.update(article_url=link.url, title=title.text if title else "")
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

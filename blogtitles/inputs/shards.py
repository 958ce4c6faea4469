"""``-a shard=K/N``: one crawl takes only its share of the list, so N processes split one list.

A blog belongs to shard ``1 + hash(host) mod N``, with a stable hash (BLAKE2b of the host and port
of the normalized URL; of the raw line for a line that is not a valid URL), so every process
agrees without talking to the others and each input line is in exactly one shard.

By host, not by whole URL: all blogs of one host (``*.blogspot.com`` aside, many blogs share
``medium.com`` or ``substack.com``) go to one process, so ``CONCURRENT_REQUESTS_PER_DOMAIN`` still
holds for the host across all N processes, its robots.txt is fetched once and its connections are
reused; and a duplicate line lands in the same shard as its first copy. The price: a list that is
mostly one host does not split, which politeness would forbid anyway.

``python -m blogtitles.parallel`` runs the N crawls and merges their outputs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from blogtitles.inputs import BlogInput, InputListError

_SHARD_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def shard_of(key: str, count: int) -> int:
    """The shard (1..count) that ``key`` belongs to."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return 1 + int.from_bytes(digest) % count


def shard_key(entry: BlogInput) -> str:
    """What decides an entry's shard: its URL's host and port, else its raw line."""
    if entry.url:
        netloc = urlsplit(entry.url).netloc.rsplit("@", 1)[-1]
        if netloc:
            return netloc
    return entry.raw


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based: ``1/2`` and ``2/2`` split a list in two)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"K/N"`` with 1 <= K <= N; raises :class:`InputListError` otherwise."""
        match = _SHARD_RE.match(text)
        if match is None:
            raise InputListError(f"-a shard={text!r}: write K/N, e.g. 1/2 and 2/2")
        index, count = int(match.group(1)), int(match.group(2))
        if not 1 <= index <= count:
            raise InputListError(f"-a shard={text!r}: K must be between 1 and N")
        return cls(index, count)

    def owns(self, entry: BlogInput) -> bool:
        return self.count == 1 or shard_of(shard_key(entry), self.count) == self.index

    def select(self, entries: Iterable[BlogInput]) -> Iterator[BlogInput]:
        """The entries of this shard, lazily, in list order."""
        return (entry for entry in entries if self.owns(entry))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


WHOLE = Shard(1, 1)

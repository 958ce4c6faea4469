"""Content codings for the farm's replies: Brotli over gzip over identity, per Accept-Encoding.

Real blogs send their HTML compressed (Brotli mostly, else gzip), so a crawler pays for the
decompression too. :func:`compress` picks the coding the request's ``Accept-Encoding`` prefers
(RFC 9110, section 12.5.3: q-values, ``*``, ``identity``, ``q=0`` refuses) and compresses the body
once: the result is kept in a bounded cache (by size) keyed by the body's digest, so pages asked
again cost the farm no CPU. Brotli at quality 5 keeps that CPU low when they are not.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from typing import Final

#: Codings the farm can send, most preferred first (between equal q-values).
CODINGS: Final = ("br", "gzip", "identity")
BROTLI_QUALITY: Final = 5
GZIP_LEVEL: Final = 6
#: Compressed bodies kept, in bytes (least recently used dropped first).
CACHE_BYTES: Final = 64 * 1024 * 1024
_ALIASES: Final = {"x-gzip": "gzip"}
#: ``identity`` when the header does not name it (nor ``*``): acceptable, least preferred.
_IMPLICIT_IDENTITY: Final = 0.001


def accepted(header: str | None) -> dict[str, float]:
    """The q-value of each coding named in an ``Accept-Encoding`` value (``*`` included)."""
    found: dict[str, float] = {}
    for item in (header or "").split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        found[_ALIASES.get(coding, coding)] = q
    return found


def choose_coding(header: str | None) -> str:
    """The coding to send: the acceptable one (q > 0) with the highest q, Brotli before gzip
    before identity on a tie; identity when the header is missing or accepts none."""
    found = accepted(header)
    wildcard = found.get("*")

    def q(coding: str) -> float:
        if coding in found:
            return found[coding]
        if wildcard is not None:
            return wildcard
        return _IMPLICIT_IDENTITY if coding == "identity" else 0.0

    best = max(CODINGS, key=lambda coding: (q(coding), -CODINGS.index(coding)))
    return best if q(best) > 0 else "identity"


def encode(body: bytes, coding: str) -> bytes:
    """``body`` in ``coding`` (``br``, ``gzip`` or ``identity``), from the cache if it is there."""
    if coding == "identity":
        return body
    key = (coding, hashlib.blake2b(body, digest_size=16).digest())
    encoded = _CACHE.get(key)
    if encoded is None:
        if coding == "br":
            import brotli  # only a realistic farm needs it

            encoded = brotli.compress(body, quality=BROTLI_QUALITY)
        elif coding == "gzip":
            encoded = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        else:
            raise ValueError(f"unknown content coding {coding!r}")
        _CACHE.put(key, encoded)
    return encoded


def compress(body: bytes, accept_encoding: str | None) -> tuple[bytes, str]:
    """``(body, content_coding)``: ``body`` in the coding ``accept_encoding`` prefers
    (``identity``: as it is, and no ``Content-Encoding`` header to send)."""
    coding = choose_coding(accept_encoding)
    return encode(body, coding), coding


class BoundedCache:
    """A least-recently-used cache of byte strings, bounded by their total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[tuple[str, bytes], bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple[str, bytes]) -> bytes | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: tuple[str, bytes], value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.size -= len(old)
        self._items[key] = value
        self.size += len(value)
        while self.size > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self.size -= len(dropped)

    def clear(self) -> None:
        self._items.clear()
        self.size = 0


_CACHE = BoundedCache(CACHE_BYTES)


def clear_cache() -> None:
    """Forget every compressed body (a farm that prepared its replies keeps its own)."""
    _CACHE.clear()

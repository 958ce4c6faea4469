"""A compact set of URLs already seen: 8 bytes of hash each, not the strings."""

from __future__ import annotations

import hashlib


class SeenUrls:
    """Remembers which URLs were seen (a million URLs: about 70 MB).

    A 64-bit hash collision between two different URLs is possible but negligible: about one
    chance in 10^7 for a million URLs.
    """

    def __init__(self) -> None:
        self._hashes: set[int] = set()

    def add(self, url: str) -> bool:
        """Remember ``url``; ``False`` when it was seen before."""
        key = self._key(url)
        if key in self._hashes:
            return False
        self._hashes.add(key)
        return True

    def __contains__(self, url: str) -> bool:
        return self._key(url) in self._hashes

    @staticmethod
    def _key(url: str) -> int:
        return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest())

    def __len__(self) -> int:
        return len(self._hashes)

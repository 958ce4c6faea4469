"""Send the benchmark clients' traffic to the farm on 127.0.0.1, never anywhere else."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from farm.resolver import resolve_farm_name


def to_loopback(url: str) -> tuple[str, str]:
    """``(url on the farm's address, Host header)`` for a farm URL; raises for any other host."""
    parts = urlsplit(url)
    address = resolve_farm_name(parts.hostname or "")
    if address is None:
        raise ValueError(f"not a farm URL: {url}")
    port = parts.port or 80
    return urlunsplit(
        (parts.scheme, f"{address}:{port}", parts.path, parts.query, "")
    ), parts.netloc

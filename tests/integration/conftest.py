"""Every test here runs real crawls or real servers: marked ``integration`` (``-m integration``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.localredis import RedisProcess

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    """A real Debian redis-server on 127.0.0.1, one for each test module, stopped by its PID."""
    with RedisProcess(tmp_path_factory.mktemp("redis")) as server:
        yield server

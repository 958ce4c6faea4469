"""``-a shard=K/N``: every input in exactly one shard, a host in one; a bad argument."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogtitles.inputs import BlogInput, InputListError, iter_inline
from blogtitles.inputs.shards import Shard, shard_key
from tests.conftest import run_crawl


@pytest.mark.parametrize(
    ("text", "shard"), [("1/2", Shard(1, 2)), ("2/2", Shard(2, 2)), (" 3 / 7 ", Shard(3, 7))]
)
def test_shard_parses(text: str, shard: Shard) -> None:
    assert Shard.parse(text) == shard


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "1", "a/b", "-1/2", "1/2/3"])
def test_bad_shard_is_refused(text: str) -> None:
    with pytest.raises(InputListError, match="shard"):
        Shard.parse(text)


@given(
    st.lists(st.from_regex(r"[a-z]{1,8}\.(com|org|test)(/[a-z]{0,6}){0,2}", fullmatch=True)),
    st.integers(min_value=1, max_value=6),
)
def test_every_input_is_in_exactly_one_shard(lines: list[str], count: int) -> None:
    entries = list(iter_inline(",".join(lines))) if lines else []
    owners = [[k for k in range(1, count + 1) if Shard(k, count).owns(e)] for e in entries]
    assert all(len(found) == 1 for found in owners)


def test_a_host_stays_in_one_shard_and_bad_lines_are_shared_out() -> None:
    same_host = [BlogInput("l", f"https://medium.com/@{name}", f"https://medium.com/@{name}/")
                 for name in ("ann", "bob", "cy", "dee", "eve")]  # fmt: skip
    assert {shard_key(entry) for entry in same_host} == {"medium.com"}
    shards = Shard(1, 4), Shard(2, 4), Shard(3, 4), Shard(4, 4)
    assert sum(1 for shard in shards if any(map(shard.owns, same_host))) == 1
    invalid = [BlogInput("l", f"not a url {n}", error="bad") for n in range(40)]
    assert all(sum(shard.owns(entry) for shard in shards) == 1 for entry in invalid)
    assert all(any(map(shard.owns, invalid)) for shard in shards)  # 40 lines: each gets some


def test_bad_shard_argument_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_crawl("-a", "urls=a.test", "-a", "shard=3/2", "-O", str(tmp_path / "x.json"))
    assert result.returncode == 1
    assert "Cannot start: -a shard='3/2': K must be between 1 and N" in result.stderr
    assert "Traceback" not in result.stderr

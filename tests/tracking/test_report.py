"""The report (``scrapy report``, ``python -m blogtitles.tracking.report``) on a state file
written by the state's own commit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blogtitles.runs.state import BlogState
from blogtitles.tracking.report import main


def record(blog: str, status: str = "ok", published: str = "") -> dict[str, str]:
    ok = status == "ok"
    return {
        "blog_url": blog, "blog_title": "", "article_url": f"{blog}post" if ok else "",
        "title": "T" if ok else "", "published": published, "status": status,
        "error": "" if ok else "index page: refused", "found_by": "", "feed_url": "",
        "crawled_at": "2026-12-01T00:00:00+00:00",
    }  # fmt: skip


def runs(path: Path, count: int) -> None:
    for _ in range(count):
        state = BlogState(path)
        state.stage_outcome(record("https://fine.test/", published="2099-01-01"))
        state.stage_outcome(record("https://down.test/", "connection_refused"))
        state.stage_outcome(record("https://old.test/", published="2001-01-01"))
        state.stage_outcome(record("https://moved.test/", published="2099-01-01"))
        state.stage_move("https://moved.test/", "https://new.test/")
        state.commit_run()
        state.close()


def test_report_flags_failing_moved_and_silent_blogs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.sqlite3"
    runs(path, 3)
    assert main(["--state", str(path)]) == 0
    out = capsys.readouterr().out
    assert "https://fine.test/" not in out
    assert "https://down.test/\n  failing for 3 runs since" in out
    assert "(connection_refused: index page: refused)" in out
    assert (
        "https://moved.test/\n  moved: redirected permanently to https://new.test/ for 3 runs"
        in out
    )
    assert "https://old.test/\n  silent: newest post" in out
    assert out.rstrip().endswith(f"3 of 4 blogs need attention ({path})")
    assert main(["--state", str(path), "--failing", "4", "--moved", "4", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["blog_url"] for line in lines] == ["https://old.test/"]
    assert lines[0]["runs"] == 3


def test_unreadable_state_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "state.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    assert main(["--state", str(bad)]) == 2
    assert main(["--state", str(tmp_path / "missing.sqlite3")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert all(line.startswith("blogtitles report: cannot read the state") for line in err)

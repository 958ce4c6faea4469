"""A real Scrapyd (from .venv-scrapyd) on a free loopback port: deploy the egg built from this
checkout, schedule crawls of the farm, read the items and logs where Scrapyd puts them."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from blogtitles.inputs import open_packaged_list
from farm.listing import check_records
from tests.conftest import FARM_BLOGS, RESOLVER, ROOT, Farm
from tools.processes import free_port

pytestmark = pytest.mark.integration
SCRAPYD_BIN = ROOT / ".venv-scrapyd" / "bin"
USER, PASSWORD = "tester", "s3cret-" + uuid.uuid4().hex[:8]


@dataclass
class Scrapyd:
    url: str
    root: Path

    def call(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        password: str = PASSWORD,
        body: bytes | None = None,
        content_type: str = "",
    ) -> dict[str, Any]:
        token = base64.b64encode(f"{USER}:{password}".encode()).decode()
        headers = {"Authorization": f"Basic {token}"}
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=30) as answer:
            return json.loads(answer.read())

    def wait_finished(self, job: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.call("listjobs.json?project=blogtitles")
            if any(entry["id"] == job for entry in jobs["finished"]):
                return
            time.sleep(0.5)
        raise AssertionError(f"job {job} did not finish in {timeout} s")

    def log(self, job: str) -> str:
        return (self.root / "logs" / "blogtitles" / "blogs" / f"{job}.log").read_text(
            encoding="utf-8"
        )

    def items(self, job: str) -> list[dict[str, Any]]:
        path = self.root / "items" / "blogtitles" / "blogs" / f"{job}.jl"
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def multipart(
    fields: dict[str, str], name: str, filename: str, content: bytes
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory, farm: Farm) -> Iterator[Scrapyd]:
    assert (SCRAPYD_BIN / "scrapyd").exists(), (
        "no .venv-scrapyd: run `make scrapyd-venv` (make test does)"
    )
    root = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (root / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\nusername = {USER}\npoll_interval = 0.5\n"
        "eggs_dir = eggs\nlogs_dir = logs\nitems_dir = items\ndbs_dir = dbs\n"
    )
    # The jobs crawl the farm, whose resolver is not in the egg (the farm is no part of the
    # package): it is put on the jobs' path on its own, as an operator adds a plugin of theirs.
    beside = root / "beside-the-egg"
    beside.mkdir()
    (beside / "farm").symlink_to(ROOT / "farm")
    # The operator's settings, in Scrapyd's environment: the farm is on 127.0.0.1 (guard off),
    # nothing but loopback is reached, and list files come from the farm's folder only.
    operator = {
        "BLOGTITLES_ALLOW_PRIVATE_ADDRESSES": "true",
        "BLOGTITLES_LOOPBACK_ONLY": "true",
        "BLOGTITLES_LISTS_DIR": str(farm.list_file.parent),
    }
    env = {**os.environ, "SCRAPYD_PASSWORD": PASSWORD, "PYTHONPATH": str(beside), **operator}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    with (root / "scrapyd.out").open("wb") as out:
        process = subprocess.Popen(
            [str(SCRAPYD_BIN / "scrapyd")], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Scrapyd(f"http://127.0.0.1:{port}/", root)
    try:
        for _ in range(120):
            try:
                server.call("daemonstatus.json")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.25)
        else:
            raise AssertionError((root / "scrapyd.out").read_text())
        egg = root / "blogtitles.egg"
        build = subprocess.run(
            [str(SCRAPYD_BIN / "scrapyd-deploy"), f"--build-egg={egg}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert build.returncode == 0, build.stderr
        body, content_type = multipart(
            {"project": "blogtitles", "version": "1"}, "egg", "blogtitles.egg", egg.read_bytes()
        )
        added = server.call("addversion.json", body=body, content_type=content_type)
        assert added["status"] == "ok", added
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_deployed_egg_lists_the_spider(scrapyd: Scrapyd) -> None:
    assert "blogs" in scrapyd.call("listspiders.json?project=blogtitles")["spiders"]


def test_wrong_password_is_refused(scrapyd: Scrapyd) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        scrapyd.call("listprojects.json", password="wrong")
    refused.value.close()
    assert refused.value.code == 401


def test_scheduled_crawl_of_the_farm(scrapyd: Scrapyd, farm: Farm) -> None:
    job = scrapyd.call("schedule.json", {
        "project": "blogtitles", "spider": "blogs", "urls_file": str(farm.list_file),
        "setting": [RESOLVER, "DOWNLOAD_TIMEOUT=1"],
    })["jobid"]  # fmt: skip
    scrapyd.wait_finished(job)
    assert check_records(scrapyd.items(job), farm.listing) == []
    log = scrapyd.log(job)
    assert "adds up" in log
    assert "Spider closed (finished)" in log


def test_packaged_blog_list_travels_in_the_egg(scrapyd: Scrapyd) -> None:
    """No list argument: the egg's own blogs.txt is read (its real blogs cannot resolve here: the
    farm resolver refuses every name outside the farm, so no traffic leaves the machine)."""
    job = scrapyd.call(
        "schedule.json", {"project": "blogtitles", "spider": "blogs", "setting": [RESOLVER]}
    )["jobid"]
    scrapyd.wait_finished(job)
    expected = [entry.url for entry in open_packaged_list()]
    records = scrapyd.items(job)
    assert sorted(record["blog_url"] for record in records) == sorted(expected)
    assert {record["status"] for record in records} == {"dns_error"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"urls_file": "/no/such/list.txt"},
            "Cannot start: urls_file=/no/such/list.txt: a Scrapyd job reads list files only",
        ),
        ({"urls": "a.test", "input": "pages"}, "Cannot start: -a input='pages'"),
    ],
)
def test_bad_argument_ends_with_a_clear_error_in_the_job_log(
    scrapyd: Scrapyd, args: dict[str, str], message: str
) -> None:
    job = scrapyd.call("schedule.json", {"project": "blogtitles", "spider": "blogs", **args})[
        "jobid"
    ]
    scrapyd.wait_finished(job)
    log = scrapyd.log(job)
    assert message in log
    assert "Traceback" not in log


def test_a_job_reads_no_list_file_outside_the_operators_folder(scrapyd: Scrapyd) -> None:
    """``-d urls_file=/etc/passwd`` used to give one record per line of that file, readable over
    Scrapyd's items endpoint (Scrapyd's password file the same way)."""
    job = scrapyd.call(
        "schedule.json", {"project": "blogtitles", "spider": "blogs", "urls_file": "/etc/passwd"}
    )["jobid"]
    scrapyd.wait_finished(job)
    log = scrapyd.log(job)
    assert "Cannot start: urls_file=/etc/passwd: a Scrapyd job reads list files only from" in log
    assert "Traceback" not in log
    assert not (scrapyd.root / "items" / "blogtitles" / "blogs" / f"{job}.jl").exists()


@pytest.mark.parametrize(
    "setting",
    [
        "BLOGTITLES_ALLOW_PRIVATE_ADDRESSES=True",
        "BLOGTITLES_ALLOWED_NETWORKS=0.0.0.0/0",
        'DOWNLOADER_MIDDLEWARES={"blogtitles.middlewares.AddressGuardMiddleware": null}',
        "SPLASH_URL=http://127.0.0.1:6379",
    ],
)
def test_a_job_cannot_switch_the_guard_off_or_around(scrapyd: Scrapyd, setting: str) -> None:
    """Only the operator decides what a crawl may reach: a job's own setting is refused."""
    job = scrapyd.call(
        "schedule.json",
        {
            "project": "blogtitles",
            "spider": "blogs",
            "urls": "http://127.0.0.1:9/",
            "setting": [setting],
        },
    )["jobid"]
    scrapyd.wait_finished(job)
    name = setting.split("=", 1)[0]
    assert f"Cannot start: a Scrapyd job may not set {name}" in scrapyd.log(job)


def test_the_make_scrapyd_command_starts_from_a_fresh_checkout() -> None:
    """``make scrapyd`` ran ``python tools/scrapyd_local.py``, which could not import the project
    (``ModuleNotFoundError``); the command ``make`` runs now is run here, with nothing on the path
    but what ``make`` gives it (``--help`` instead of starting a server on port 6800)."""
    planned = subprocess.run(
        ["make", "-n", "scrapyd"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    (line,) = [line for line in planned if "tools.scrapyd_local" in line]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run(
        f"{line} --help", shell=True, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "python -m tools.scrapyd_local" in done.stdout


def test_scheduled_runs_keep_state_and_ask_conditionally(
    scrapyd: Scrapyd, farm: Farm, tmp_path: Path
) -> None:
    """Two Scrapyd jobs with ``since=last`` on one state file: the second reports only errors,
    its blogs' index pages answering 304, as from the command line."""
    state = tmp_path / "state.sqlite3"
    jobs = []
    for _ in range(2):
        job = scrapyd.call("schedule.json", {
            "project": "blogtitles", "spider": "blogs", "urls_file": str(farm.list_file),
            "since": "last",
            "setting": [RESOLVER, "DOWNLOAD_TIMEOUT=1", f"BLOGTITLES_STATE_PATH={state}"],
        })["jobid"]  # fmt: skip
        scrapyd.wait_finished(job)
        jobs.append(job)
    first, second = (scrapyd.items(job) for job in jobs)
    assert check_records(first, farm.listing) == []
    assert [r for r in second if r["status"] == "ok"] == []  # nothing new on the farm
    assert len(second) == sum(1 for r in first if r["status"] != "ok")  # errors come out again
    summary = " ".join(scrapyd.log(jobs[1]).split())
    found = re.search(r"not modified: (\d+) of (\d+) conditional requests", summary)
    assert found is not None and int(found.group(1)) >= FARM_BLOGS
    assert "adds up" in summary

"""``make bench-render``: what rendering costs, per backend: time per rendered page and memory.

Starts the farm (N normal blogs, no latency) and a local Splash, then crawls the farm with
``-a render=always`` (every index and article through the renderer) once per backend, with
``BLOGTITLES_RENDER_CONCURRENCY`` renders at once, sampling the memory (PSS) of the
renderer's processes (Splash's; Chromium's whole process tree) every 0.1 s. Prints, per backend:
pages rendered, wall time, seconds per page (wall / pages, so with the concurrency), peak PSS.
A benchmark, not a test: it asserts nothing but that every blog got its title.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from bench.run import ROOT, process_tree
from blogtitles.runs.commandline import crawl_command
from farm.listing import farm_listing, write_listing
from farm.process import FarmProcess
from farm.resolver import FARM_SETTINGS
from tools.splash.local import SplashProcess


def pss_mb(pids: list[int]) -> float:
    """The summed proportional set size (``Pss``: resident memory, pages shared between the
    processes counted once in all) of ``pids``, in MB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def chromium_pids(crawl_pid: int) -> list[int]:
    """Chromium's processes under the crawl (scrapy-playwright's driver starts them)."""
    found = []
    for pid in process_tree(crawl_pid):
        try:
            name = Path(f"/proc/{pid}/comm").read_text(errors="replace").lower()
        except OSError:  # gone since the listing
            continue
        if "chrom" in name:
            found.append(pid)
    return found


def crawl(backend: list[str], list_file: Path, out: Path, sample: object) -> tuple[float, float]:
    settings = {**FARM_SETTINGS, "BLOGTITLES_PROGRESS_INTERVAL": 0, "LOG_LEVEL": "WARNING"}
    command = crawl_command(
        "-a", f"urls_file={list_file}", "-a", "render=always", *backend,
        settings=settings, outputs=[out],
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started, peak = time.monotonic(), 0.0
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        peak = max(peak, sample(process.pid))  # type: ignore[operator]
        time.sleep(0.1)
    if process.returncode != 0:
        raise RuntimeError(f"crawl failed ({process.returncode}): {' '.join(command)}")
    return time.monotonic() - started, peak


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__)
    parser.add_argument("--blogs", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        FarmProcess(blogs=args.blogs, latency=0.0, specials=False) as farm,
        SplashProcess(state=Path(tmp)) as splash,
    ):
        listing = farm_listing(args.blogs, farm.port, farm.refused_port, specials=False)
        list_file = Path(tmp) / "blogs.txt"
        write_listing(list_file, listing)
        common = [
            "-s", f"BLOGTITLES_RENDER_PROXY=http://127.0.0.1:{farm.port}",
            "-s", f"BLOGTITLES_RENDER_CONCURRENCY={args.concurrency}",
        ]  # fmt: skip
        assert splash.process is not None
        backends = {
            "splash": (
                ["-s", "BLOGTITLES_RENDERER=splash", "-s", f"SPLASH_URL={splash.url}"],
                lambda _pid: pss_mb([splash.process.pid]),  # type: ignore[union-attr]
            ),
            "playwright": (
                ["-s", "BLOGTITLES_RENDERER=playwright"],
                lambda pid: pss_mb(chromium_pids(pid)),
            ),
        }
        print(f"{args.blogs} blogs, every page rendered, {args.concurrency} renders at once")
        print(f"{'backend':<12}{'pages':>6}{'wall s':>9}{'s/page':>9}{'peak PSS MB':>13}{'ok':>5}")
        for name, (settings, sample) in backends.items():
            out = Path(tmp) / f"{name}.jsonl"
            wall, peak = crawl([*settings, *common], list_file, out, sample)
            records = [json.loads(line) for line in out.read_text().splitlines()]
            ok = sum(1 for record in records if record["status"] == "ok")
            pages = 2 * len(records)
            print(f"{name:<12}{pages:>6}{wall:>9.2f}{wall / pages:>9.3f}{peak:>13.0f}{ok:>5}")


if __name__ == "__main__":
    main()

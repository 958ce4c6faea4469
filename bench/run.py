"""``make bench``: how long n blogs take, concurrent against sequential, and against the ideal.

For each n and latency L, with the sample farm in its own process on 127.0.0.1:

- ``sequential``: the seed's naive loop (``bench/sequential.py``), run up to n = 100 and
  extrapolated linearly beyond (it is 2n page waits in a row);
- ``peer``: a plain asyncio + aiohttp + lxml crawler (``bench/peer.py``), C downloads in flight;
- ``scrapy``: the real ``scrapy crawl blogs`` with the project's settings, pipelines and feed export;
- ``scrapy-jobs``: the same crawl split over ``--jobs`` processes by host (``make crawl JOBS=N``,
  ``python -m blogtitles.parallel``), C/N downloads in flight each, outputs merged;
- ``scrapy-bare`` (CPU-bound runs only): Scrapy with the project's extraction functions and
  download handler but nothing else of the project (``bench/bare.py``): the peer-to-bare gap is
  Scrapy's own cost per page, the bare-to-scrapy gap what the project adds;
- ``redis-1``, ``redis-2`` (with ``--distributed-blogs``): distributed mode end to end (enqueue,
  N workers on one Redis, collect: ``python -m blogtitles.workers``), timed whole and at its
  steady pace (blogs done a second from 10% to 90% done, read from Redis).

Medians of R repetitions (min–max), wall time, CPU (user + system) and peak RSS of each client
process (CPU from ``wait4``, with its children; RSS the largest ``VmHWM`` of the process tree), the
farm's CPU, and the ideal 2L·⌈n/C⌉. Writes ``output/bench.json``
and ``output/bench.png``. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError

from blogtitles.distributed.enqueue import enqueue
from blogtitles.distributed.queue import BlogQueue
from blogtitles.inputs import open_blog_list
from blogtitles.runs.commandline import crawl_command, setting_args
from farm.listing import farm_listing, write_listing
from farm.process import FarmProcess
from farm.resolver import FARM_SETTINGS
from tools.localredis import RedisProcess

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ("sequential", "peer", "scrapy", "scrapy-jobs")


@dataclass
class Run:
    """One run of one client."""

    wall: float
    cpu: float
    rss_mb: float
    farm_cpu: float
    ok: int
    steady: float | None = None  # blogs/s between 10% and 90% done (distributed runs)


@dataclass
class Case:
    """All runs of one client at one n and latency, summarised."""

    client: str
    n: int
    latency: float
    concurrency: int
    runs: list[Run] = field(default_factory=list)
    extrapolated: bool = False

    def median(self, name: str) -> float:
        return statistics.median(getattr(run, name) for run in self.runs)

    def span(self, name: str) -> tuple[float, float]:
        values = [getattr(run, name) for run in self.runs]
        return min(values), max(values)

    @property
    def ideal(self) -> float:
        return 2 * self.latency * math.ceil(self.n / self.concurrency)

    @property
    def pages(self) -> int:
        return 2 * self.n


def peak_rss_mb(pid: int) -> float:
    """``VmHWM`` of a running process (its peak RSS since it started its program), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from ``/proc/PID/task/*/children``)."""
    tree, index = [pid], 0
    while index < len(tree):
        for task in Path(f"/proc/{tree[index]}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                tree += [int(child) for child in (task / "children").read_text().split()]
        index += 1
    return tree


def run_client(
    command: list[str],
    farm: FarmProcess,
    out: Path,
    log: Path,
    progress: Callable[[], int] | None = None,
    n: int = 0,
) -> Run:
    """Run one client to the end: its CPU from ``wait4``, its peak RSS from ``VmHWM``; with
    ``progress`` (blogs done so far, of ``n``), its steady rate (:func:`steady_rate`).

    Not ``ru_maxrss``: Linux carries the parent's resident size at fork into the child's
    ``ru_maxrss``, so a harness that holds a big farm listing would inflate every client's figure.
    """
    assert farm.process is not None
    farm_before = farm.cpu()
    started = time.monotonic()
    rss = 0.0
    samples: list[tuple[float, int]] = []
    with log.open("w") as log_handle:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log_handle, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            rss = max([rss, *map(peak_rss_mb, process_tree(process.pid))])
            if progress is not None:
                with contextlib.suppress(RedisError):  # not there yet, or being cleared
                    samples.append((time.monotonic(), progress()))
            time.sleep(0.05)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[2:4]} failed ({process.returncode}); see {log}")
    ok = sum(
        1 for line in out.read_text(encoding="utf-8").splitlines() if json.loads(line).get("title")
    )
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=rss,
        farm_cpu=farm.cpu() - farm_before,
        ok=ok,
        steady=steady_rate(samples, n) if progress is not None else None,
    )


def outcomes_in(queue: BlogQueue) -> Callable[[], int]:
    return lambda: queue.status().outcomes


def steady_rate(samples: list[tuple[float, int]], n: int) -> float | None:
    """Blogs per second from the first sample at 10% done to the first at 90%: the crawl's pace
    once running, without start-up, loading, the last stragglers and collecting."""
    low = next(((t, done) for t, done in samples if done >= 0.1 * n), None)
    high = next(((t, done) for t, done in samples if done >= 0.9 * n), None)
    if low is None or high is None or high[0] <= low[0]:
        return None
    return (high[1] - low[1]) / (high[0] - low[0])


def command_for(
    client: str, list_file: Path, out: Path, args: argparse.Namespace, log: Path
) -> list[str]:
    python, concurrency = sys.executable, args.concurrency
    if client == "sequential":
        return [python, "-m", "bench.sequential", str(list_file), str(out)]
    if client == "peer":
        return [python, "-m", "bench.peer", str(list_file), str(out), str(concurrency)]
    if client == "scrapy-bare":
        return [python, "-m", "bench.bare", str(list_file), str(out), str(concurrency)]
    if client == "scrapy-jobs":
        concurrency = max(1, concurrency // args.jobs)
    settings = {**FARM_SETTINGS, "CONCURRENT_REQUESTS": concurrency}
    settings["BLOGTITLES_PROGRESS_INTERVAL"] = 0
    crawl_args = ["-a", f"urls_file={list_file}", *setting_args(settings)]
    if client == "scrapy-jobs":
        return [
            python, "-m", "blogtitles.parallel", "--jobs", str(args.jobs),
            "--work", f"{log}.shards", "-o", str(out), "--", *crawl_args,
        ]  # fmt: skip
    if client.startswith("redis-"):  # distributed mode: enqueue, N workers, collect
        worker_args = crawl_args[2:]  # the list goes to Redis, not to the workers
        return [
            python, "-m", "blogtitles.workers", str(list_file), "--redis", args.redis_url,
            "--jobs", client.removeprefix("redis-"), "--idle", "0.5", "--logs", f"{log}.workers",
            "-o", str(out), "--", *worker_args,
        ]  # fmt: skip
    return crawl_command(*crawl_args, settings={"LOG_FILE": f"{log}.scrapy"}, outputs=[out])


def measure(
    client: str, n: int, farm: FarmProcess, latency: float, args: argparse.Namespace, work: Path
) -> Case:
    case = Case(client, n, latency, args.concurrency)
    listing = farm_listing(
        n, farm.port, farm.refused_port, specials=False, blogs_per_host=args.blogs_per_host
    )
    list_file = work / f"list-{n}.txt"
    write_listing(list_file, listing)
    for rep in range(args.reps):
        out = work / f"{client}-{n}-{latency}-{rep}.jsonl"
        log = work / f"{client}-{n}-{latency}-{rep}.log"
        command = command_for(client, list_file, out, args, log)
        progress = None
        if client.startswith("redis-"):  # blogs with their outcome in Redis
            queue = BlogQueue.from_url(args.redis_url)
            queue.clear()  # not the last run's outcomes before the enqueue clears them
            progress = outcomes_in(queue)
        case.runs.append(run_client(command, farm, out, log, progress, n))
        print(f"  {client:<10} n={n:<6} L={latency:<5} run {rep + 1}: {case.runs[-1].wall:7.2f} s, "
              f"{case.runs[-1].ok}/{n} titles", flush=True)  # fmt: skip
    return case


def extrapolate(measured: Case, n: int) -> Case:
    """The sequential loop at ``n`` from its time per blog at a smaller n (it is linear)."""
    factor = n / measured.n
    case = Case("sequential", n, measured.latency, measured.concurrency, extrapolated=True)
    case.runs = [
        Run(r.wall * factor, r.cpu * factor, r.rss_mb, r.farm_cpu * factor, n)
        for r in measured.runs
    ]
    return case


def latency_cases(args: argparse.Namespace, work: Path) -> list[Case]:
    cases: list[Case] = []
    biggest = max(args.sizes)
    with FarmProcess(
        blogs=biggest, latency=args.latency, specials=False, blogs_per_host=args.blogs_per_host
    ) as farm:
        for n in args.sizes:
            for client in CLIENTS:
                if client == "sequential" and n > args.sequential_max:
                    base = max(
                        (c for c in cases if c.client == "sequential" and not c.extrapolated),
                        key=lambda c: c.n,
                    )
                    cases.append(extrapolate(base, n))
                    continue
                cases.append(measure(client, n, farm, args.latency, args, work))
    return cases


def cpu_cases(args: argparse.Namespace, work: Path) -> list[Case]:
    n = args.cpu_pages // 2
    with FarmProcess(
        blogs=n, latency=0.0, specials=False, blogs_per_host=args.blogs_per_host
    ) as farm:
        return [
            measure(client, n, farm, 0.0, args, work)
            for client in ("peer", "scrapy-bare", "scrapy", "scrapy-jobs")
        ]


def distributed_cases(args: argparse.Namespace, work: Path) -> tuple[list[Case], float]:
    """Issue 7: 1 and 2 workers on one Redis at L = 0, 2 workers on 20,000 blogs at L; and the
    Redis memory a queued blog takes (bytes)."""
    cases: list[Case] = []
    with RedisProcess(work / "redis") as redis:
        args.redis_url = redis.url
        n = args.cpu_pages // 2
        with FarmProcess(
            blogs=n, latency=0.0, specials=False, blogs_per_host=args.blogs_per_host
        ) as farm:
            cases += [
                measure(client, n, farm, 0.0, args, work) for client in ("redis-1", "redis-2")
            ]
        n = args.distributed_blogs
        with FarmProcess(
            blogs=n, latency=args.latency, specials=False, blogs_per_host=args.blogs_per_host,
            startup_timeout=300,
        ) as farm:  # fmt: skip
            case = measure("redis-2", n, farm, args.latency, args, work)
            case.concurrency = 2 * args.concurrency  # two workers, C each
            cases.append(case)
            per_blog = queued_bytes_per_blog(redis.url, work / f"list-{n}.txt")
    return cases, per_blog


def queued_bytes_per_blog(url: str, list_file: Path) -> float:
    """Redis ``used_memory`` growth per blog when the list is enqueued (waiting, not claimed)."""
    queue = BlogQueue.from_url(url)
    queue.clear()
    before = int(queue.server.info("memory")["used_memory"])
    counts = enqueue(queue, open_blog_list(list_file))
    after = int(queue.server.info("memory")["used_memory"])
    queue.clear()
    return (after - before) / max(1, counts["queued"])


def memory_case(args: argparse.Namespace, work: Path) -> Case:
    n = args.memory_blogs
    reps, args.reps = args.reps, 1
    try:
        with FarmProcess(
            blogs=n,
            latency=0.0,
            specials=False,
            blogs_per_host=args.blogs_per_host,
            startup_timeout=300,
        ) as farm:
            return measure("scrapy", n, farm, 0.0, args, work)
    finally:
        args.reps = reps


def table(cases: list[Case]) -> list[dict[str, Any]]:
    """One row per case, with the ratios the targets are stated in."""
    rows = []
    for case in cases:
        peer = next(
            (
                c
                for c in cases
                if c.client == "peer" and c.n == case.n and c.latency == case.latency
            ),
            None,
        )
        seq = next(
            (
                c
                for c in cases
                if c.client == "sequential" and c.n == case.n and c.latency == case.latency
            ),
            None,
        )
        wall = case.median("wall")
        rows.append({
            "client": case.client + (" (extrapolated)" if case.extrapolated else ""),
            "n": case.n,
            "latency": case.latency,
            "wall_s": wall,
            "wall_min_max": case.span("wall"),
            "ideal_s": case.ideal,
            "x_ideal": wall / case.ideal if case.ideal else None,
            "x_peer": wall / peer.median("wall") if peer else None,
            "speedup_vs_sequential": seq.median("wall") / wall if seq else None,
            "cpu_s": case.median("cpu"),
            "cpu_ms_per_page": 1000 * case.median("cpu") / case.pages,
            "pages_per_s": case.pages / wall,
            "rss_mb": case.median("rss_mb"),
            "farm_cpu_s": case.median("farm_cpu"),
            "steady_blogs_per_s": case.median("steady")
            if all(run.steady is not None for run in case.runs)
            else None,
            "titles_ok": min(run.ok for run in case.runs),
        })  # fmt: skip
    return rows


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    def num(value: float | None, pattern: str = "{:.2f}") -> str:
        return "-" if value is None else pattern.format(value)

    print(f"\n{title}")
    head = f"{'client':<26} {'n':>6} {'wall s (min–max)':>20} {'ideal':>6} {'×ideal':>7} {'×peer':>6} {'×seq':>7} {'CPU s':>7} {'ms/page':>8} {'pages/s':>8} {'RSS MB':>7} {'farm CPU':>8} {'ok':>6}"
    print(head)
    print("-" * len(head))
    for row in rows:
        low, high = row["wall_min_max"]
        wall = f"{row['wall_s']:.2f} ({low:.2f}–{high:.2f})"
        print(
            f"{row['client']:<26} {row['n']:>6} {wall:>20} {row['ideal_s']:>6.1f} {num(row['x_ideal']):>7} "
            f"{num(row['x_peer']):>6} {num(row['speedup_vs_sequential'], '{:.0f}'):>7} {row['cpu_s']:>7.2f} "
            f"{row['cpu_ms_per_page']:>8.2f} {row['pages_per_s']:>8.0f} {row['rss_mb']:>7.0f} {row['farm_cpu_s']:>8.2f} "
            f"{row['titles_ok']:>6}"
        )  # fmt: skip


def find_row(
    rows: list[dict[str, Any]], client: str, n: int, latency: float
) -> dict[str, Any] | None:
    return next(
        (r for r in rows if r["client"] == client and r["n"] == n and r["latency"] == latency), None
    )


def targets(rows: list[dict[str, Any]], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Issue 4's targets, each with what this run measured and whether it is met."""
    found: list[dict[str, Any]] = []

    def check(name: str, value: float | None, limit: float, at_most: bool) -> None:
        if value is None:
            return
        met = value <= limit if at_most else value >= limit
        found.append({"target": name, "measured": value, "limit": limit, "met": met})

    for client in ("scrapy", "scrapy-jobs"):
        row = find_row(rows, client, 1000, args.latency)
        if row is not None:
            check(f"{client}: n=1000 wall / ideal (≤)", row["x_ideal"], 1.5, at_most=True)
            check(
                f"{client}: speed-up over sequential (≥)", row["speedup_vs_sequential"], 60, False
            )
    n = args.cpu_pages // 2
    peer, single, jobs = (find_row(rows, c, n, 0.0) for c in ("peer", "scrapy", "scrapy-jobs"))
    if single is not None:
        check("scrapy: CPU ms per page at L=0 (≤)", single["cpu_ms_per_page"], 1.4, at_most=True)
    if peer is not None and single is not None:
        check(
            "scrapy: pages/s ÷ peer's (≥)", single["pages_per_s"] / peer["pages_per_s"], 0.6, False
        )
    if peer is not None and jobs is not None:
        check(
            "scrapy-jobs: pages/s ÷ peer's (≥)",
            jobs["pages_per_s"] / peer["pages_per_s"],
            1.0,
            False,
        )
    one, two = (find_row(rows, c, n, 0.0) for c in ("redis-1", "redis-2"))
    if one is not None and two is not None:
        if one["steady_blogs_per_s"] and two["steady_blogs_per_s"]:
            check(
                "2 workers ÷ 1, steady blogs/s (≥, issue 7)",
                two["steady_blogs_per_s"] / one["steady_blogs_per_s"],
                1.7,
                False,
            )
        check(
            "2 workers ÷ 1, whole job pages/s (≥, issue 7)",
            two["pages_per_s"] / one["pages_per_s"],
            1.7,
            False,
        )
    memory = find_row(rows, "scrapy", args.memory_blogs, 0.0) if args.memory_blogs else None
    if memory is not None:
        check(f"scrapy: peak RSS MB at {args.memory_blogs} blogs (≤)", memory["rss_mb"], 150, True)
    return found


def print_targets(found: list[dict[str, Any]]) -> None:
    print("\nTargets (issues 4 and 7)")
    for target in found:
        verdict = "met" if target["met"] else "NOT met"
        print(
            f"  {target['target']:<52} {target['measured']:>8.2f}  limit {target['limit']:<6} {verdict}"
        )


def plot(rows: list[dict[str, Any]], latency: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5.5))
    for client, style in (
        ("sequential", "o-"), ("peer", "s-"), ("scrapy", "^-"), ("scrapy-jobs", "v-")
    ):  # fmt: skip
        points = sorted(
            (r["n"], r["wall_s"], "extrapolated" in r["client"])
            for r in rows
            if r["client"].removesuffix(" (extrapolated)") == client and r["latency"] == latency
        )
        if not points:
            continue
        measured = [(n, w) for n, w, e in points if not e]
        extra = [(n, w) for n, w, e in points if e]
        axes.plot(*zip(*measured, strict=True), style, label=f"{client} (measured)")
        if extra:
            joined = [measured[-1], *extra]
            axes.plot(
                *zip(*joined, strict=True),
                "o--",
                color=axes.lines[-1].get_color(),
                label=f"{client} (extrapolated, linear)",
            )
    ideal = sorted({(r["n"], r["ideal_s"]) for r in rows if r["latency"] == latency})
    axes.plot(*zip(*ideal, strict=True), "k:", label="ideal 2L·⌈n/C⌉")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("blogs (n)")
    axes.set_ylabel("crawl time (s)")
    axes.set_title(
        f"Latest article of n blogs, {latency * 1000:.0f} ms per page: sequential vs concurrent"
    )
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000,10000", help="numbers of blogs (n)")
    parser.add_argument("--latency", type=float, default=0.1, help="L, seconds per page")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per case")
    parser.add_argument(
        "--concurrency", type=int, default=128, help="C (the project's CONCURRENT_REQUESTS)"
    )
    parser.add_argument(
        "--sequential-max", type=int, default=100, help="largest n run sequentially"
    )
    parser.add_argument(
        "--cpu-pages", type=int, default=10000, help="pages of the L=0 run (0: skip)"
    )
    parser.add_argument(
        "--memory-blogs", type=int, default=0, help="blogs of the memory run (0: skip)"
    )
    parser.add_argument("--blogs-per-host", type=int, default=10, help="farm blogs per host name")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 2, help="processes of scrapy-jobs"
    )
    parser.add_argument(
        "--distributed-blogs",
        type=int,
        default=20000,
        help="blogs of the 2-worker run at L (0: no distributed runs)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "output")
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",")]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="blogtitles-bench-") as tmp:
        work = Path(tmp)
        print(
            f"Latency-bound: L={args.latency}s, C={args.concurrency}, n={args.sizes}, {args.reps} runs each"
        )
        cases = latency_cases(args, work)
        if args.cpu_pages:
            print(f"CPU-bound: L=0, {args.cpu_pages} pages")
            cases += cpu_cases(args, work)
        per_blog = None
        if args.distributed_blogs:
            print("Distributed: 1 and 2 workers on one Redis")
            distributed, per_blog = distributed_cases(args, work)
            cases += distributed
            print(f"Redis memory per queued blog: {per_blog:.0f} bytes")
        if args.memory_blogs:
            print(f"Memory: {args.memory_blogs} blogs, L=0, one run")
            cases.append(memory_case(args, work))
    rows = table(cases)
    print_table(
        f"Latency-bound (L = {args.latency * 1000:.0f} ms, C = {args.concurrency})",
        [r for r in rows if r["latency"] == args.latency],
    )
    print_table("CPU-bound and memory (L = 0)", [r for r in rows if r["latency"] == 0])
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": sys.platform,
        },
        "settings": {k: v for k, v in vars(args).items() if k != "output"},
        "rows": rows,
        "targets": (found := targets(rows, args)),
        "redis_bytes_per_queued_blog": per_blog,
        "cases": [asdict(case) for case in cases],
    }
    (args.output / "bench.json").write_text(json.dumps(report, indent=2, default=str))
    print_targets(found)
    plot(rows, args.latency, args.output / "bench.png")
    print(f"\nWrote {args.output / 'bench.json'} and {args.output / 'bench.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

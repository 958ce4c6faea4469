"""Distributed mode against a real Redis: enqueue, workers, collect, reconcile, outages."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blogtitles.distributed.collect import main as collect_main
from blogtitles.distributed.enqueue import enqueue
from blogtitles.distributed.enqueue import main as enqueue_main
from blogtitles.distributed.queue import ALREADY_RECORDED, DELIVERED, DUPLICATE_ARTICLE, BlogQueue
from blogtitles.distributed.workers import main as workers_main
from blogtitles.inputs import iter_inline
from blogtitles.runs.commandline import crawl_command
from farm.listing import Listed, check_records, farm_listing
from farm.process import FarmProcess
from farm.resolver import FARM_SETTINGS
from tests.conftest import FARM_ARGS, ROOT, Farm, project_crawler
from tools.localredis import RedisProcess
from tools.processes import free_port

pytestmark = pytest.mark.integration

BLOGS = 2000


@pytest.fixture
def queue(redis: RedisProcess) -> BlogQueue:
    fresh = BlogQueue.from_url(redis.url)
    fresh.clear()
    return fresh


@pytest.fixture(scope="module")
def big_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Listed]]]:
    """2,000 normal blogs, 50 ms a page, 2 blogs per host."""
    list_file = tmp_path_factory.mktemp("farm2k") / "blogs.txt"
    with FarmProcess(
        blogs=BLOGS, latency=0.05, list_file=list_file, specials=False, blogs_per_host=2
    ) as farm:
        yield (
            list_file,
            farm_listing(BLOGS, farm.port, farm.refused_port, specials=False, blogs_per_host=2),
        )


def start_worker(redis_url: str, log: Path, *settings: str) -> subprocess.Popen[str]:
    worker = {"BLOGTITLES_REDIS_URL": redis_url, "BLOGTITLES_REDIS_IDLE_TIMEOUT": 2}
    worker |= {"DOWNLOAD_TIMEOUT": 2, "LOG_FILE": log}
    command = crawl_command(*settings, settings={**FARM_SETTINGS, **worker})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=ROOT, env=env, text=True, stderr=subprocess.PIPE)


def collect(redis_url: str, out: Path, *extra: str) -> tuple[int, list[dict[str, str]]]:
    code = collect_main(["--redis", redis_url, "-o", str(out), *extra])
    return code, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def finish_with_a_new_worker(
    redis_url: str, tmp_path: Path, name: str
) -> tuple[int, list[dict[str, str]]]:
    """Start one more worker (log ``NAME.log``), let it finish the job, collect."""
    worker = start_worker(redis_url, tmp_path / f"{name}.log")
    worker.communicate(timeout=300)
    assert worker.returncode == 0
    return collect(redis_url, tmp_path / "titles.jsonl")


def assert_every_blog_once(code: int, records: list[dict[str, str]], listing: list[Listed]) -> None:
    """The job is complete, with one right record per blog of the big farm."""
    assert code == 0
    assert len(records) == BLOGS
    assert check_records(records, listing) == []


def wait_for_a_quarter_done(queue: BlogQueue) -> None:
    """Mid-crawl: until a quarter of the blogs have their outcome (a minute at most)."""
    deadline = time.monotonic() + 60
    while queue.status().outcomes < BLOGS // 4 and time.monotonic() < deadline:
        time.sleep(0.1)


def worker_summary(log: Path) -> str:
    text = log.read_text(encoding="utf-8")
    return text[text.index("Summary (") :]


# -- the queue's guarantees, one call at a time -------------------------------------------------


def test_a_blog_gets_one_record_and_an_article_one_blog(queue: BlogQueue) -> None:
    queue.push(iter_inline("a.test,b.test"))
    claimed = queue.claim(10)
    assert [entry.url for entry in claimed] == ["https://a.test/", "https://b.test/"]
    record = {"blog_url": "https://a.test/", "status": "ok", "article_url": "https://a.test/p"}
    assert queue.deliver("https://a.test/", record, "https://a.test/p") == DELIVERED
    assert queue.deliver("https://a.test/", record, "https://a.test/p") == ALREADY_RECORDED
    other = {**record, "blog_url": "https://b.test/"}
    assert queue.deliver("https://b.test/", other, "https://a.test/p") == DUPLICATE_ARTICLE
    status = queue.status()
    assert (status.enqueued, status.outcomes, status.claimed, status.records) == (2, 2, 0, 1)
    assert status.complete


def test_reconcile_puts_back_only_old_claims_without_outcome(queue: BlogQueue) -> None:
    queue.push(iter_inline("a.test,b.test,c.test"))
    queue.claim(2)  # a and b claimed; c waits
    queue.deliver("https://a.test/", {"blog_url": "https://a.test/", "status": "dns_error"}, None)
    assert queue.reconcile(older_than=60) == 0  # b's claim is fresh: its worker may be busy
    assert queue.reconcile(older_than=0) == 1  # b put back; a's outcome clears its claim
    assert [entry.url for entry in queue.claim(10)] == ["https://c.test/", "https://b.test/"]
    assert not queue.status().complete


def test_enqueue_records_invalid_lines_and_skips_duplicates(queue: BlogQueue) -> None:
    entries = iter_inline(["a.test", "ftp://x.test/", "A.TEST", "http://[::1"])
    assert enqueue(queue, entries) == {"queued": 1, "invalid": 2, "duplicate": 1, "unreadable": 0}
    records = list(queue.records())
    assert [(r["blog_url"], r["status"]) for r in records] == [
        ("ftp://x.test/", "invalid_url"),
        ("http://[::1", "invalid_url"),
    ]
    assert queue.status().enqueued == 3  # the duplicate has no outcome of its own


def test_enqueue_of_a_list_that_breaks_records_where_and_fails(
    redis: RedisProcess, queue: BlogQueue, tmp_path: Path
) -> None:
    """The part read is queued, the break is an invalid_list record, and the enqueue exits 1."""
    path = tmp_path / "cut.opml"
    path.write_text('<opml><body>\n<outline htmlUrl="https://a.test/"/>\n<outline htmlUrl="h')
    assert enqueue_main(["--redis", redis.url, "--fresh", str(path)]) == 1
    records = list(queue.records())
    assert [(r["blog_url"], r["status"]) for r in records] == [("cut.opml:3", "invalid_list")]
    assert queue.status().waiting == 1


# -- real workers --------------------------------------------------------------------------------


def stats_of(log: Path) -> dict[str, int]:
    """The integer stats a worker dumped at its end (``'key': value`` lines)."""
    found = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        parts = line.strip(" {},").split(": ")
        if len(parts) == 2 and parts[0].startswith("'") and parts[1].isdigit():
            found[parts[0].strip("'")] = int(parts[1])
    return found


def test_two_workers_crawl_2000_blogs_each_exactly_once(
    redis: RedisProcess, queue: BlogQueue, big_farm: tuple[Path, list[Listed]], tmp_path: Path
) -> None:
    list_file, listing = big_farm
    assert enqueue_main(["--redis", redis.url, str(list_file)]) == 0
    workers = [start_worker(redis.url, tmp_path / f"w{k}.log") for k in (1, 2)]
    for worker in workers:
        _, stderr = worker.communicate(timeout=300)
        assert worker.returncode == 0, stderr[-2000:]
    code, records = collect(redis.url, tmp_path / "titles.jsonl")
    assert_every_blog_once(code, records, listing)
    made = []
    for k in (1, 2):  # both did a share, through scrapy-redis's shared request queue
        stats = stats_of(tmp_path / f"w{k}.log")
        assert stats["blogtitles/inputs/read"] > BLOGS // 10
        assert stats["scheduler/dequeued/redis"] > BLOGS // 10
        made.append(sum(v for key, v in stats.items() if key.startswith("blogtitles/records/")))
        assert "every record delivered" in worker_summary(tmp_path / f"w{k}.log")
    assert sum(made) == BLOGS  # no blog recorded twice, across workers


def test_a_killed_workers_blogs_are_put_back_and_crawled_once(
    redis: RedisProcess, queue: BlogQueue, big_farm: tuple[Path, list[Listed]], tmp_path: Path
) -> None:
    """SIGKILL one worker mid-crawl: what it had claimed has no outcome; after
    ``BLOGTITLES_REDIS_RECLAIM_AFTER`` the other worker puts it back and crawls it."""
    list_file, listing = big_farm
    assert enqueue_main(["--redis", redis.url, str(list_file)]) == 0
    reclaim = ("-s", "BLOGTITLES_REDIS_RECLAIM_AFTER=4")
    doomed = start_worker(redis.url, tmp_path / "doomed.log", *reclaim)
    survivor = start_worker(redis.url, tmp_path / "survivor.log", *reclaim)
    wait_for_a_quarter_done(queue)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate()
    claimed_by_the_dead = queue.status().claimed
    survivor.communicate(timeout=300)
    assert survivor.returncode == 0
    assert claimed_by_the_dead > 0
    assert "Put back" in (tmp_path / "survivor.log").read_text(encoding="utf-8")
    code, records = collect(redis.url, tmp_path / "titles.jsonl")
    assert_every_blog_once(code, records, listing)


def test_reconcile_by_the_collector_then_a_restarted_worker(
    redis: RedisProcess, queue: BlogQueue, big_farm: tuple[Path, list[Listed]], tmp_path: Path
) -> None:
    """The operator's way: the only worker dies; ``collect --reconcile 0`` puts its blogs back;
    a worker started afterwards finishes the job."""
    list_file, listing = big_farm
    assert enqueue_main(["--redis", redis.url, str(list_file)]) == 0
    doomed = start_worker(redis.url, tmp_path / "doomed.log")
    wait_for_a_quarter_done(queue)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate()
    lost = queue.status()
    assert lost.claimed > 0 and not lost.complete
    code, _ = collect(redis.url, tmp_path / "partial.jsonl", "--reconcile", "0")
    assert code == 3  # incomplete: blogs waiting again
    assert queue.status().claimed == 0
    code, records = finish_with_a_new_worker(redis.url, tmp_path, "restarted")
    assert_every_blog_once(code, records, listing)


def test_a_worker_with_idle_timeout_0_waits_for_more(
    redis: RedisProcess, queue: BlogQueue, tmp_path: Path
) -> None:
    worker = start_worker(redis.url, tmp_path / "w.log", "-s", "BLOGTITLES_REDIS_IDLE_TIMEOUT=0")
    time.sleep(6)  # an empty queue, nothing claimed: a timeout of 2 s would have stopped it
    assert worker.poll() is None
    worker.send_signal(signal.SIGINT)
    worker.communicate(timeout=60)


def test_redis_down_at_start_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    worker = start_worker(url, tmp_path / "w.log")
    _, stderr = worker.communicate(timeout=120)
    assert worker.returncode == 1
    assert f"Redis at {url} is not reachable" in stderr
    assert "Traceback" not in stderr
    assert enqueue_main(["--redis", url, str(tmp_path / "w.log")]) == 1


def test_redis_restarted_mid_crawl_loses_nothing(
    big_farm: tuple[Path, list[Listed]], tmp_path: Path
) -> None:
    list_file, listing = big_farm
    with RedisProcess(tmp_path / "redis") as redis:
        queue = BlogQueue.from_url(redis.url)
        assert enqueue_main(["--redis", redis.url, str(list_file)]) == 0
        settings = (
            "-s",
            "BLOGTITLES_REDIS_IDLE_TIMEOUT=5",
            "-s",
            "BLOGTITLES_REDIS_RECLAIM_AFTER=4",
        )
        workers = [start_worker(redis.url, tmp_path / f"w{k}.log", *settings) for k in (1, 2)]
        wait_for_a_quarter_done(queue)
        redis.restart(down_for=1.0)  # the append-only file brings the queue back
        for worker in workers:
            worker.communicate(timeout=300)
            # 0, or 1 when records could not be delivered while Redis was down (counted, and
            # their blogs stayed claimed: put back and crawled again)
            assert worker.returncode in (0, 1)
        assert any(
            "Redis is back" in (tmp_path / f"w{k}.log").read_text(encoding="utf-8") for k in (1, 2)
        )  # they reconnected, not just stopped
        code, records = collect(redis.url, tmp_path / "titles.jsonl")
        if code != 0:  # a worker stopped with blogs claimed: the operator's reconcile
            collect(redis.url, tmp_path / "partial.jsonl", "--reconcile", "0")
            code, records = finish_with_a_new_worker(redis.url, tmp_path, "again")
    assert_every_blog_once(code, records, listing)


def test_the_request_queue_names_the_spiders_callbacks_as_scrapy_does(redis: RedisProcess) -> None:
    """``RequestQueue`` skips Scrapy's member scan; what comes back out of Redis is the same."""
    from scrapy_redis import picklecompat
    from scrapy_redis.connection import get_redis

    from blogtitles.compat.scrapy_redis import RequestQueue
    from blogtitles.rendering import MODE
    from blogtitles.spiders.blogs import BlogsSpider

    spider = BlogsSpider.from_crawler(project_crawler(BlogsSpider), urls="a.test")
    queue = RequestQueue(get_redis(url=redis.url), spider, "test:requests", picklecompat)
    queue.clear()
    request = spider.index_request("https://a.test/", mode="never")
    queue.push(request)
    back = queue.pop()
    assert back.callback == spider.parse_index and back.errback == spider.index_failed
    assert (back.url, back.cb_kwargs, back.priority) == (
        request.url,
        request.cb_kwargs,
        request.priority,
    )
    assert back.meta[MODE] == "never"  # the blog's rendering mode travels with its requests
    assert request.callback == spider.parse_index  # the request itself is left as it was
    foreign = request.replace(callback=print)  # not a method of the spider: Scrapy's error
    with pytest.raises(ValueError, match="not an instance method"):
        queue.push(foreign)


def test_the_request_queue_moves_requests_in_batches_and_gives_back_what_it_holds(
    redis: RedisProcess,
) -> None:
    """Pushes wait in the worker until ``batch`` of them or the next pop; a pop takes a batch
    (highest priority first); another worker sees what was sent; closing gives the rest back."""
    from scrapy_redis import picklecompat
    from scrapy_redis.connection import get_redis

    from blogtitles.compat.scrapy_redis import RequestQueue
    from blogtitles.spiders.blogs import BlogsSpider

    crawler = project_crawler(BlogsSpider, {"BLOGTITLES_REDIS_REQUEST_BATCH": 4})
    spider = BlogsSpider.from_crawler(crawler, urls="a.test")
    server = get_redis(url=redis.url)
    mine, other = (RequestQueue(server, spider, "test:batches", picklecompat) for _ in range(2))
    mine.clear()

    def request(k: int) -> Any:
        return spider.index_request(f"https://b{k}.test/").replace(priority=k)

    for k in range(3):
        mine.push(request(k))
    assert (server.zcard(mine.key), mine.held(), len(mine)) == (0, 3, 3)
    mine.push(request(3))  # the 4th: the batch goes to Redis
    assert (server.zcard(mine.key), mine.held()) == (4, 0)
    mine.push(request(4))
    assert mine.pop().url == "https://b4.test/"  # sent with the pop, taken back first
    assert (server.zcard(mine.key), mine.held()) == (1, 3)  # b3, b2, b1 held; b0 in Redis
    assert other.pop().url == "https://b0.test/"  # another worker takes what is in Redis
    assert other.pop() is None
    mine.push(request(9))
    mine.give_back()
    assert mine.held() == 0
    assert [other.pop().url for _ in range(4)] == [  # popped ones first, as they were
        "https://b3.test/",
        "https://b2.test/",
        "https://b1.test/",
        "https://b9.test/",
    ]
    assert other.pop() is None and server.zcard(mine.key) == 0


def test_make_workers_path_every_kind_of_blog_once(
    redis: RedisProcess, farm: Farm, tmp_path: Path
) -> None:
    """``python -m blogtitles.workers`` (what ``make workers`` runs): enqueue with 2 workers
    starting on its first batch, collect; the farm's list with every special kind and invalid
    lines gives the records a single-process crawl gives."""
    out = tmp_path / "titles.jsonl"
    code = workers_main([
        str(farm.list_file), "--redis", redis.url, "--jobs", "2", "--idle", "1",
        "--logs", str(tmp_path / "logs"), "-o", str(out), "--", *FARM_ARGS,
        "-s", "DOWNLOAD_TIMEOUT=2",
    ])  # fmt: skip
    assert code == 0
    for k in (1, 2):
        assert "every record delivered" in worker_summary(tmp_path / "logs" / f"worker-{k}.log")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert check_records(records, farm.listing) == []


def test_a_worker_waits_while_an_enqueue_is_loading(
    redis: RedisProcess, queue: BlogQueue, tmp_path: Path
) -> None:
    """Nothing waiting or claimed, but a list still loading: not the end of the job."""
    queue.mark_loading()
    assert not queue.status().complete
    worker = start_worker(redis.url, tmp_path / "w.log", "-s", "BLOGTITLES_REDIS_IDLE_TIMEOUT=1")
    time.sleep(5)
    assert worker.poll() is None
    queue.done_loading()
    worker.communicate(timeout=60)
    assert worker.returncode == 0
    assert queue.status().complete

"""The farm's normal blogs as files, served by nginx: a load server that takes little CPU.

For the benchmark's CPU-bound runs of distributed workers: on a 2-core machine the farm's own
Twisted server (about 0.3 ms of CPU a page) takes its share of the cores from the crawlers being
measured. ``StaticFarm`` writes the pages a crawl of the newest articles fetches (each host's
robots.txt, each blog's index and newest article), byte for byte as the farm serves them
(:meth:`BlogFarm.reply`), and serves them with Debian's nginx on 127.0.0.1, one virtual host per
farm host (``root DIR/$host``). No latency, faults or special blogs: those need the farm itself.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from blogtitles.farm import engines
from blogtitles.farm.catalog import normal_blogs
from blogtitles.farm.server import BlogFarm
from blogtitles.processes import free_port, process_cpu, stop_process

_CONF = """\
user {user};
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    types {{ text/plain txt; }}
    default_type text/html;
    charset utf-8;
    charset_types text/plain;  # and text/html, always
    keepalive_requests 1000000;
    client_body_temp_path {work}/temp;
    proxy_temp_path {work}/temp;
    fastcgi_temp_path {work}/temp;
    uwsgi_temp_path {work}/temp;
    scgi_temp_path {work}/temp;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {root}/$host;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def export_pages(blogs: int, port: int, root: Path, seed: int = 1, blogs_per_host: int = 1) -> int:
    """Write the farm's pages for the first ``blogs`` normal blogs under ``root/HOST/``, as the
    farm on ``port`` would serve them; how many files."""
    catalog = list(normal_blogs(blogs, seed, blogs_per_host))
    farm = BlogFarm(catalog)
    written = 0
    for blog in catalog:
        origin = f"http://{blog.host}:{port}"
        paths = [blog.base_path, engines.article_path(blog, blog.newest)]
        if not (root / blog.host / "robots.txt").exists():  # once a host
            paths.append("/robots.txt")
        for path in paths:
            reply = farm.reply(blog.host, path, origin)
            if reply.status != 200:
                raise ValueError(f"{blog.host}{path}: the farm answers {reply.status}")
            target = root / blog.host / path.lstrip("/")
            if path.endswith("/"):
                target /= "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(reply.body)
            written += 1
    return written


def _me() -> str:
    """This process's user and group: nginx's worker runs as them (it reads our files)."""
    return f"{pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name}"


class StaticFarm:
    """``with StaticFarm(5000, work_dir, blogs_per_host=10) as farm: ... farm.port ...``

    Same blogs and URLs as ``FarmProcess(blogs, latency=0, specials=False)``; nginx is stopped
    (by its PID) on exit. ``refused_port`` is 0: no special blogs here.
    """

    def __init__(self, blogs: int, work: Path, *, blogs_per_host: int = 1, seed: int = 1) -> None:
        self.blogs, self.work, self.blogs_per_host, self.seed = blogs, work, blogs_per_host, seed
        self.port = self.refused_port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> StaticFarm:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.port = free_port()
        root = self.work / "sites"
        export_pages(self.blogs, self.port, root, self.seed, self.blogs_per_host)
        (self.work / "temp").mkdir(parents=True, exist_ok=True)
        conf = self.work / "nginx.conf"
        conf.write_text(_CONF.format(user=_me(), work=self.work, root=root, port=self.port))
        self.process = subprocess.Popen(
            [nginx, "-e", str(self.work / "error.log"), "-p", str(self.work), "-c", str(conf)]
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        error = (self.work / "error.log").read_text(errors="replace")[-500:]
        self.stop()
        raise RuntimeError(f"nginx did not start on port {self.port}: {error}")

    def pids(self) -> list[int]:
        """nginx's master process and its workers."""
        if self.process is None:
            return []
        pid = self.process.pid
        return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]

    def cpu(self) -> float:
        """CPU seconds of nginx so far: its master and worker processes."""
        return sum(process_cpu(pid) for pid in self.pids())

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> StaticFarm:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

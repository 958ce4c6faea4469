"""Scrapy settings of blogtitles. Every value here has a reason, written beside it.

Each can be overridden per run with ``-s NAME=VALUE``. Scrapy's own settings are documented at
https://docs.scrapy.org/en/latest/topics/settings.html; the project's own start with
``BLOGTITLES_`` and are listed in the README.

The job is unusual for a crawler: a few pages (robots.txt, index, one article) from each of
many different hosts. So concurrency is high across hosts and low per host, and nothing waits
between the two or three requests a host sees.
"""

import os as _os
from pathlib import Path as _Path

from blogtitles import items as _items


def _env_flag(name: str) -> bool:
    """A boolean from the environment (``1``, ``true``; anything else, or unset: off)."""
    return _os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


BOT_NAME = "blogtitles"

SPIDER_MODULES = ["blogtitles.spiders"]
NEWSPIDER_MODULE = "blogtitles.spiders"
# Our `crawl` command: a one-line error for a bad list, non-zero exit when records go missing.
COMMANDS_MODULE = "blogtitles.commands"

# DefaultFeeds: output/titles.jsonl and .csv, unless -o/-O or FEEDS says otherwise.
# Rendering: what BLOGTITLES_RENDERER's backend needs (middlewares, handler, render slot).
# Distributed: scrapy-redis's scheduler and filter when BLOGTITLES_REDIS_URL is set.
ADDONS = {
    "blogtitles.addons.DefaultFeeds": 0,
    "blogtitles.rendering.addon.Rendering": 0,
    "blogtitles.distributed.addon.Distributed": 0,
}

# -- Identity and politeness ---------------------------------------------------------------------
# An honest user agent: who we are and what we do. Put your contact in it for large crawls.
USER_AGENT = "blogtitles/0.1 (+Scrapy; fetches each blog's index and newest article once)"
# Respect robots.txt: a blog that forbids crawlers gets a `robots_forbidden` record.
ROBOTSTXT_OBEY = True
# Two connections per host at most (Scrapy's template uses 1 with a 1 s delay, for crawling a
# single site; here each host sees two or three requests in a row, so no delay is needed).
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy 2.19's downloader starts every queued request of a host at once under asyncio, past the
# limit above; this one counts them as they start (see compat/downloader.py).
DOWNLOADER = "blogtitles.compat.downloader.PoliteDownloader"
# Scrapy's aiohttp handler (less CPU per page than its Twisted HTTP/1.1 one), on Scrapy's DNS
# resolver, idle connections closed after BLOGTITLES_IDLE_CONNECTION_TIMEOUT seconds: a host's
# few requests come within seconds, and thousands of idle connections would only hold memory.
DOWNLOAD_HANDLERS = {
    "http": "blogtitles.compat.downloader.AiohttpHandler",
    "https": "blogtitles.compat.downloader.AiohttpHandler",
}
# Half a second: a host's next request (robots.txt, index, article) follows its last answer at
# once, and an idle TLS connection holds memory (~1 MB with Python's own 256 KB TLS buffers, as
# measured: bench.web at 2,000 HTTPS blogs: 5 s -> 514 MB peak RSS, 1.5 s -> 307, 0.5 s -> 221,
# 0.2 s -> 195, CPU per page the same within noise, 10.3-10.9 ms).
BLOGTITLES_IDLE_CONNECTION_TIMEOUT = 0.5
# Bytes a TLS connection reads at a time, and the buffer each one holds for it; 0: Python's own
# 256 KB. 16 KB is one TLS record. bench.web at 2,000 HTTPS blogs, peak RSS: 256 KB 216 MB,
# 64 KB 173 MB, 16 KB 156 MB, 4 KB 149 MB; CPU per page 11.0-11.7 ms in all four (the spread
# between runs is about 6 %).
BLOGTITLES_TLS_READ_BUFFER = 16384
DOWNLOAD_DELAY = 0
# AutoThrottle adapts the delay per host from its latency; with two or three requests per host it
# only adds its start delay. Turn it on (-s AUTOTHROTTLE_ENABLED=True) for lists where many blogs
# share one host.
AUTOTHROTTLE_ENABLED = False
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# -- Concurrency across hosts --------------------------------------------------------------------
# Many downloads in flight at once: this is what makes n blogs take about as long as one.
CONCURRENT_REQUESTS = 128
# Scrapy starts CONCURRENT_ITEMS tasks for the output of every callback; ours returns one thing.
CONCURRENT_ITEMS = 1
# Names resolved asynchronously (/etc/hosts, then DNS), as many lookups in flight as downloads:
# Scrapy's default resolver runs getaddrinfo in the reactor's threads, at most
# REACTOR_THREADPOOL_MAXSIZE lookups at once, which slow DNS makes the limit of a big crawl
# (measured in make bench: network/dns.py). Set it back to
# "scrapy.resolver.CachingThreadedResolver" for the system's resolver (nsswitch, mDNS...).
TWISTED_DNS_RESOLVER = "blogtitles.network.dns.NameServerResolver"
# The DNS servers it asks ("host:port" each); empty: those of /etc/resolv.conf.
BLOGTITLES_DNS_SERVERS: list[str] = []
# Threads for what still blocks (the threaded resolver, when chosen above).
REACTOR_THREADPOOL_MAXSIZE = 32
# A CA bundle (PEM) trusted besides the system's when DOWNLOAD_VERIFY_CERTIFICATES is on: a
# company's own CA, or the benchmark's test CA.
BLOGTITLES_TLS_CA_FILE = ""

# -- Failures: fail fast, retry once ------------------------------------------------------------
# A blog that does not answer in 20 s is recorded as `timeout` (after RETRY_TIMES retries).
DOWNLOAD_TIMEOUT = 20
DNS_TIMEOUT = 10
# One retry for transient failures (timeouts, resets, 5xx, 429).
RETRY_TIMES = 1
# A redirect loop ends as `too_many_redirects` after this many hops.
REDIRECT_MAX_TIMES = 10
# Index and article pages are small; a bigger page is not a blog page (`too_large`).
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Safe by default: never fetch private, loopback or link-local addresses (checked where the
# connection is made), whoever wrote the list. Turn on only for trusted lists or the local farm.
# The four settings below also come from the environment: that is how a Scrapyd operator sets
# them (Scrapyd's own environment); a Scrapyd job may not set them (blogtitles/guard/scrapyd.py).
BLOGTITLES_ALLOW_PRIVATE_ADDRESSES = _env_flag("BLOGTITLES_ALLOW_PRIVATE_ADDRESSES")
# Internal networks the guard lets through while it is on, e.g. ["10.20.0.0/16"] for an intranet
# blog host (CIDR blocks; from the environment: comma-separated).
BLOGTITLES_ALLOWED_NETWORKS = [
    net for net in _os.environ.get("BLOGTITLES_ALLOWED_NETWORKS", "").split(",") if net.strip()
]
# Nothing but 127.0.0.0/8 and ::1, checked where connections are made: the test suite, the demo
# and the benchmark run with it on, so that no regression can put another address on the wire.
BLOGTITLES_LOOPBACK_ONLY = _env_flag("BLOGTITLES_LOOPBACK_ONLY")
# When Chromium renders with the guard (or the loopback-only check) on, it goes through the
# guard's own proxy on 127.0.0.1 (blogtitles/guard/proxy.py), on this port (0: a free one).
BLOGTITLES_BROWSER_GUARD_PORT = 0
# Under Scrapyd, the only folder a job's -a urls_file may name ("" = none: jobs use -a urls or
# the packaged list). From Scrapyd's environment, like the guard's settings.
BLOGTITLES_LISTS_DIR = _os.environ.get("BLOGTITLES_LISTS_DIR", "")
DOWNLOADER_MIDDLEWARES = {
    "blogtitles.middlewares.AddressGuardMiddleware": 50,
    # A crawl that keeps state asks for index pages and feeds conditionally (tracking/): before
    # robots.txt, so that a page still fresh costs its host no request at all; it sees the
    # responses last, once redirects are followed and retries made.
    "blogtitles.tracking.conditional.ConditionalRequestsMiddleware": 90,
    # robots.txt as Scrapy obeys it, except that a host whose robots.txt timed out, refused the
    # connection or did not resolve fails its pages at once (compat/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "blogtitles.compat.robots.HostDownRobotsTxtMiddleware": 100,
    # Scrapy's meta refresh redirects, skipping pages that never say "refresh" (middlewares.py).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "blogtitles.middlewares.QuickMetaRefreshMiddleware": 580,
    # Retry-After on 429/503 waited for (up to BLOGTITLES_RETRY_AFTER_MAX) before Scrapy's
    # RetryMiddleware (550) retries: it sees the response first.
    "blogtitles.middlewares.RetryAfterMiddleware": 560,
    # Never drop a request as "offsite": a blog's newest article may live on another host
    # (a custom domain, a platform's CDN), and a dropped request would leave its blog without a
    # record. The spiders set no allowed_domains.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # HTTP authentication is for one site's crawl (spider http_user/http_pass); blogs are public.
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
SPIDER_MIDDLEWARES = {
    # No URL length limit that would drop an article request silently (a URL too long for the
    # server fails as a download or HTTP error, recorded).
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # Depth stats mean nothing for index -> article, and cost per request. (The Referer
    # middleware stays: the redirect middlewares rely on it, and warn at every start without it.)
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # A check for spiders that copy response.meta into new requests; these pass state in
    # cb_kwargs and never do.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
# Per-request downloader/* stats (request and response bytes, counts by status) rebuild each
# request's raw HTTP text to measure it; the end-of-run summary counts what matters here (records
# by status, requests per blog). Turn on to see them.
DOWNLOADER_STATS = False

# Cookies are never needed to read a public page, and cost CPU on every response.
COOKIES_ENABLED = False
# Consoles that run code inside the crawl (telnet; Scrapy 2.19's HTTP remote control, which also
# writes a job file to the user's profile): off, nothing here needs them. Turn on to debug.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# -- Pipelines, extensions, outputs --------------------------------------------------------------
ITEM_PIPELINES = {
    "blogtitles.pipelines.ValidateRecordPipeline": 100,
    "blogtitles.pipelines.CleanTitlePipeline": 200,
    "blogtitles.pipelines.DedupeArticlePipeline": 300,
    # Off unless -a since=last or BLOGTITLES_STATE_PATH: see blogtitles/runs/state.py.
    "blogtitles.runs.state.IncrementalPipeline": 400,
    # With BLOGTITLES_REDIS_URL, the Distributed add-on adds RedisRecordPipeline at 900 (each
    # record to Redis, once per blog): a plain crawl does not load redis at all.
}
EXTENSIONS = {
    "blogtitles.extensions.CrawlSummary": 500,
    "blogtitles.extensions.CrawlProgress": 510,
    "blogtitles.extensions.OneLineRobotsErrors": 520,
    # Off unless Chromium renders with the address guard or the loopback-only check on.
    "blogtitles.guard.proxy.BrowserProxy": 530,
}
# `scrapy genspider -t blog NAME DOMAIN` makes a spider from blogtitles/templates/spiders/blog.tmpl.
TEMPLATES_DIR = str(_Path(__file__).parent / "templates")
# `scrapy check`: @blog_url takes the URL from an environment variable (see spiders/contracts.py).
SPIDER_CONTRACTS = {"blogtitles.spiders.contracts.BlogUrlContract": 10}

# Resumable crawls (-s JOBDIR=...): the input list and the JSON Lines feed say what is left to do;
# Scrapy's on-disk request queue is not used (it is unreliable after kill -9). See runs/resume.py.
SCHEDULER = "blogtitles.runs.resume.InputDrivenScheduler"

# Expected duplicates and invalid records are counted in the summary; log them at INFO.
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"

# Without -o/-O (nor FEEDS), every crawl writes both files under output/, replacing the previous
# run's (applied by the DefaultFeeds add-on, so that -o writes only what it names).
BLOGTITLES_DEFAULT_FEEDS = {
    "output/titles.jsonl": {"format": "jsonlines", "overwrite": True},
    "output/titles.csv": {"format": "csv", "overwrite": True},
}
# Fixed column order (the record's field order), for every format.
FEED_EXPORT_FIELDS = list(_items.RECORD_FIELDS)
# CSV cells that a spreadsheet would run as formulas are defused (`-o x.csv` too).
# Besides Scrapy's formats: CSV a spreadsheet opens safely, and outputs people read or subscribe
# to (blogtitles/outputs/): -O newest.atom, -O newest.json:jsonfeed, -O titles.html, -O list.opml.
FEED_EXPORTERS = {
    "csv": "blogtitles.exporters.SafeCsvItemExporter",
    "atom": "blogtitles.outputs.atom.AtomItemExporter",
    "jsonfeed": "blogtitles.outputs.jsonfeed.JsonFeedItemExporter",
    "html": "blogtitles.outputs.html.HtmlItemExporter",
    "opml": "blogtitles.outputs.opml.OpmlItemExporter",
}
# Titles in any script, written as UTF-8 (not \u escapes) in JSON.
FEED_EXPORT_ENCODING = "utf-8"

LOG_LEVEL = "INFO"

# -- blogtitles' own settings --------------------------------------------------------------------
# The list read when neither -a urls_file nor -a urls is given.
BLOGTITLES_URLS_FILE = "blogs.txt"
# Incremental runs: the SQLite state of the newest article per blog ("" = off, unless
# -a since=last, which uses output/state.sqlite3).
BLOGTITLES_STATE_PATH = ""
# The state file of -a since=last when BLOGTITLES_STATE_PATH is empty.
BLOGTITLES_SINCE_LAST_STATE_PATH = "output/state.sqlite3"
# A crawl that keeps state sends each index page's and feed's validators from the last run
# (If-None-Match, If-Modified-Since); a 304 gives the blog's last record as "unchanged"
# (blogtitles/tracking/conditional.py).
BLOGTITLES_CONDITIONAL_REQUESTS = True
# A page whose Cache-Control max-age has not run out is not asked for again, for at most this
# many seconds from when it was fetched (0: always ask, whatever an earlier run stored). A day:
# an hourly run spares a feed that says it changes daily.
BLOGTITLES_MAX_AGE_LIMIT = 86400
# A 429/503 with Retry-After waits that long before its retry, up to this many seconds; a
# longer wait is not retried (the blog gets its http_429/http_503 record). 0: Scrapy's way.
BLOGTITLES_RETRY_AFTER_MAX = 30.0
# How many hosts' parsed robots.txt are kept (compat/robots.py): Scrapy keeps every host's for
# the whole crawl, ~1.2 KB each; a blog's requests follow each other within seconds. 0: all.
BLOGTITLES_ROBOTS_CACHE_SIZE = 5000
# A TOML file of per-site selectors that win over every extraction signal ("" = none).
BLOGTITLES_SITE_RULES = ""
# When the blog's feed is read (see README, "The feed as evidence"): "doubt" (the index leaves
# doubt about the newest article, or no heading confirms the article's title), "index" (only the
# first), "always" (every blog that advertises a feed, before its article).
BLOGTITLES_FEED_EVIDENCE = "doubt"
# start() pauses reading the list while this many requests wait in the scheduler (0: no limit).
BLOGTITLES_START_BACKLOG = 1000

# -- JavaScript-only blogs (see blogtitles/rendering/ and the README) ----------------------------
# Who renders pages built by JavaScript: "none" (such blogs get a needs_javascript record),
# "splash" (scrapy-splash; SPLASH_URL) or "playwright" (scrapy-playwright; Chromium).
BLOGTITLES_RENDERER = "none"
# Pages rendered at once (they share the "render" download slot): a browser tab costs tens of MB.
BLOGTITLES_RENDER_CONCURRENCY = 4
# Seconds a rendered page's scripts get after load, and the most a render may take.
BLOGTITLES_RENDER_WAIT = 0.5
BLOGTITLES_RENDER_TIMEOUT = 30.0
# An HTTP proxy for everything the renderer loads ("" = none; Splash's proxy argument,
# Chromium's launch proxy). The farm crawls use the farm itself, so farm names resolve.
BLOGTITLES_RENDER_PROXY = ""
# Splash: where it listens (make splash starts one here). Your own Splash in production.
SPLASH_URL = "http://127.0.0.1:8050"
# More arguments of Splash's render.html for every render, e.g. {"proxy": "http://host:3128",
# "images": 0, "resource_timeout": 10}.
BLOGTITLES_SPLASH_ARGS: dict[str, object] = {}
# Playwright: Debian's Chromium (apt-get install chromium), never a downloaded browser. The
# flags keep it from calling home (this machine's network is closed; yours need not hear it).
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": "/usr/bin/chromium",
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}

# -- Distributed mode (see blogtitles/distributed/ and the README) ---------------------------
# A Redis URL turns it on: blogs come from the queue that `python -m blogtitles.enqueue` loads,
# requests are shared in scrapy-redis's scheduler queue, records go to Redis (drained by
# `python -m blogtitles.collect`), no default feed files.
BLOGTITLES_REDIS_URL = ""
# A worker stops when no blog is waiting or claimed anywhere and none is in flight here, for
# this many seconds (0: never; it waits for more blogs). Also how long Redis may be away.
BLOGTITLES_REDIS_IDLE_TIMEOUT = 30.0
# A blog claimed this many seconds ago without an outcome belongs to a dead worker: put back.
# Above the longest a blog can take (timeouts and retries: 2 minutes is ample by default).
BLOGTITLES_REDIS_RECLAIM_AFTER = 120.0
# Requests a worker moves to or from the shared scheduler queue in one round trip (pushes wait in
# memory until then); what a worker holds is given back when it closes. 1: scrapy-redis's own
# round trip per request.
BLOGTITLES_REDIS_REQUEST_BATCH = 16
# scrapy-redis's settings, as it names them: blogs claimed per round trip, the queue's key,
# connection parameters (REDIS_PARAMS: redis-py keyword arguments).
REDIS_START_URLS_BATCH_SIZE = 64
REDIS_START_URLS_KEY = "%(name)s:start_urls"
# Progress: a log line every N seconds when not on a terminal (0: off) ...
BLOGTITLES_PROGRESS_INTERVAL = 10.0
# ... a live line on stderr every N seconds on a terminal; "auto" = live when stderr is a tty.
BLOGTITLES_PROGRESS_LIVE_INTERVAL = 0.5
BLOGTITLES_PROGRESS_LIVE = "auto"
# A failed robots.txt download is logged on one line (WARNING), not with Scrapy's traceback.
BLOGTITLES_ONE_LINE_ROBOTS_ERRORS = True
# Each pipeline can be switched off without editing ITEM_PIPELINES.
BLOGTITLES_VALIDATE_ENABLED = True
BLOGTITLES_CLEAN_TITLE_ENABLED = True
BLOGTITLES_DEDUPE_ENABLED = True

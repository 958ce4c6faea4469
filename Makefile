# blogtitles: `make demo` runs the main job offline on the sample farm; `make test` runs the tests.
# Both set everything up from nothing (virtualenv and pinned packages) on first use.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt | cksum | cut -d' ' -f1)
SCRAPYD_VENV  := .venv-scrapyd
SCRAPYD_STAMP := $(SCRAPYD_VENV)/.installed-$(shell cat requirements.txt requirements-scrapyd.txt constraints.txt | cksum | cut -d' ' -f1)
SPLASH_VENV   := .venv-splash
SPLASH_STAMP  := $(SPLASH_VENV)/.installed-$(shell cat tools/splash/requirements.txt | cksum | cut -d' ' -f1)
SPLASH_PORT  ?= 8050
# Debian packages the tests' real servers need: Splash's Qt (on the system Python), Chromium, Redis.
SYSTEM_PACKAGES := python3-venv python3-pyqt5 python3-pyqt5.qtwebkit python3-pyqt5.qtwebengine chromium redis-server
N      ?= 2
REDIS_URL ?=
BLOGS  ?= 200
LATENCY ?= 0.1
PORT   ?= 8800
JOBS   ?= 1

.PHONY: help venv scrapyd-venv splash-venv system-packages demo test lint format farm crawl accuracy bench bench-render scrapyd scrapyd-stop splash splash-stop workers clean

help:
	@echo "make demo     set up, start the sample farm, crawl it with scrapy, check every record"
	@echo "make test     set up and run the tests (unit + real crawls against the farm)"
	@echo "make accuracy the extractors on 19 real engines' pages: a table per engine"
	@echo "make bench    sequential vs asyncio peer vs scrapy crawl, table + output/bench.png"
	@echo "make bench-render  rendering through Splash and Chromium: seconds per page, memory"
	@echo "make scrapyd  start a local Scrapyd (127.0.0.1:6800, basic auth), deploy, print the curl"
	@echo "make scrapyd-stop  stop it"
	@echo "make splash   start a local Splash on 127.0.0.1:$(SPLASH_PORT) (SPLASH_PORT=), for BLOGTITLES_RENDERER=splash"
	@echo "make splash-stop  stop it"
	@echo "make lint     ruff check and format check"
	@echo "make farm     serve the sample farm on 127.0.0.1:$(PORT) (BLOGS=, LATENCY=)"
	@echo "make crawl    scrapy crawl blogs on blogs.txt (needs internet); JOBS=2: one process per core"
	@echo "make workers  N=2 workers sharing one Redis queue (LIST=, REDIS_URL=, CRAWL_ARGS=)"

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

# Scrapyd in its own virtualenv (it needs setuptools < 81 for its eggs), with the project's
# runtime requirements: Scrapyd runs the crawls with its own Python.
$(SCRAPYD_STAMP): requirements.txt requirements-scrapyd.txt constraints.txt
	test -x $(SCRAPYD_VENV)/bin/python || $(PYTHON) -m venv $(SCRAPYD_VENV)
	$(SCRAPYD_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-scrapyd.txt -c constraints.txt
	rm -f $(SCRAPYD_VENV)/.installed-*
	touch $@

scrapyd-venv: $(SCRAPYD_STAMP)

# Debian packages, installed only when one is missing (apt-get needs root, as in CI).
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

# Splash 3.5 in its own virtualenv on Debian's Python 3.11 and Qt (see tools/splash/).
$(SPLASH_STAMP): tools/splash/requirements.txt | system-packages
	test -x $(SPLASH_VENV)/bin/python || /usr/bin/python3 -m venv --system-site-packages $(SPLASH_VENV)
	$(SPLASH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tools/splash/requirements.txt
	rm -f $(SPLASH_VENV)/.installed-*
	touch $@

splash-venv: system-packages $(SPLASH_STAMP)

splash: venv splash-venv
	$(PY) -m tools.splash.local start $(SPLASH_PORT)

splash-stop:
	$(PY) -m tools.splash.local stop

scrapyd: venv scrapyd-venv
	$(PY) -m tools.scrapyd_local

scrapyd-stop:
	$(PY) -m tools.scrapyd_local stop

demo: venv
	$(PY) -m farm.demo --blogs $(BLOGS) --latency $(LATENCY)

test: venv system-packages scrapyd-venv splash-venv lint
	$(PY) -m pytest
	$(PY) -m farm.accuracy

accuracy: venv
	$(PY) -m farm.accuracy --verbose

# The benchmark (about 15 minutes; 21 with --memory-blogs 100000): BENCH_ARGS="--sizes 10,100 --reps 1" for a quick look;
# --memory-blogs 100000 adds the memory run. Then the web-like workload (bench/web.py, about 20
# minutes): BENCH_WEB_ARGS="--sizes 300 --clients peer,scrapy" for a quick look.
bench: venv system-packages
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.web $(BENCH_WEB_ARGS)

# Rendering's cost per backend (Splash, Chromium): seconds per page and memory (about a minute).
bench-render: venv splash-venv
	$(PY) -m bench.render $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

farm: venv
	$(PY) -m farm --port $(PORT) --blogs $(BLOGS) --latency $(LATENCY) --list-file output/farm-blogs.txt

# JOBS=N: the list split by host over N processes (python -m blogtitles.parallel), outputs merged
# into output/titles.jsonl and .csv. CRAWL_ARGS go to every crawl (e.g. "-a urls_file=mine.txt").
# N workers on this machine sharing one Redis queue (a local redis-server on a free port unless
# REDIS_URL=...): enqueue the list, run them, collect output/titles.jsonl and .csv.
workers: venv system-packages
	$(PY) -m blogtitles.workers --jobs $(N) $(if $(REDIS_URL),--redis $(REDIS_URL),--local-redis) $(or $(LIST),blogs.txt) -- $(CRAWL_ARGS)

crawl: venv
ifeq ($(JOBS),1)
	$(VENV)/bin/scrapy crawl blogs $(CRAWL_ARGS)
else
	$(PY) -m blogtitles.parallel --jobs $(JOBS) -- $(CRAWL_ARGS)
endif

clean:
	rm -rf $(VENV) $(SCRAPYD_VENV) $(SPLASH_VENV) .pytest_cache .ruff_cache
	find output -mindepth 1 ! -name .gitkeep -delete

"""Runs over time and over processes: resume (``JOBDIR``), incremental state (``since=last``),
one machine's cores (``parallel`` + ``merge``), and the one ``scrapy crawl`` command line they
all start."""

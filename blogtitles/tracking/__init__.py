"""Following blogs over time: conditional requests (:mod:`.conditional`), each blog's health
record across runs (:mod:`.health`), and the blogs that need attention (:mod:`.report`).

All of it lives in the state a crawl keeps with ``-a since=last`` or ``BLOGTITLES_STATE_PATH``
(:mod:`blogtitles.runs.state`), written only when a run finishes with its summary adding up.
"""

"""Stats keys of the crawl's bookkeeping, and the end-of-run summary that must add up.

Every input entry ends in exactly one of: a record (``ok`` or an error code), a duplicate input
line (not crawled twice), a duplicate article dropped by the dedupe pipeline, or an invalid record
dropped by the validate pipeline. The summary checks that these add up to the entries read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

PREFIX: Final = "blogtitles/"
INPUTS_EXPECTED: Final = PREFIX + "inputs/expected"
INPUTS_READ: Final = PREFIX + "inputs/read"
INPUTS_DUPLICATE: Final = PREFIX + "inputs/duplicate"
RECORDS_PREFIX: Final = PREFIX + "records/"
DROPPED_DUPLICATE: Final = PREFIX + "dropped/duplicate_article"
DROPPED_INVALID: Final = PREFIX + "dropped/invalid_record"
DROPPED_UNCHANGED: Final = PREFIX + "dropped/unchanged"
#: Conditional requests (a crawl that keeps state): sent with validators, answered 304, and
#: not sent at all because the page was still fresh (``Cache-Control: max-age``).
CONDITIONAL_SENT: Final = PREFIX + "conditional/sent"
NOT_MODIFIED: Final = PREFIX + "conditional/not_modified"
STILL_FRESH: Final = PREFIX + "conditional/fresh"
#: Waits a ``Retry-After`` header asked for (429, 503), and the seconds waited in all.
RETRY_AFTER_WAITS: Final = PREFIX + "retry_after/waits"
RETRY_AFTER_SECONDS: Final = PREFIX + "retry_after/seconds"
#: The state file could not be used: the run kept no state.
STATE_UNUSABLE: Final = PREFIX + "state/unusable"
#: Distributed mode: records whose blog had its record already (from another worker), and
#: records that could not reach Redis (their blog stays claimed; reconcile puts it back).
DROPPED_ALREADY_RECORDED: Final = PREFIX + "dropped/already_recorded"
DROPPED_UNDELIVERED: Final = PREFIX + "dropped/undelivered"
#: Parts of the list that could not be read (each has its ``invalid_list`` record): the run is
#: not complete, whatever else adds up.
INPUTS_UNREADABLE: Final = PREFIX + "inputs/unreadable"
#: Connections the address guard refused; connections a loopback-only run (tests, demo,
#: benchmark) was about to make off the machine (the run's summary then does not add up).
GUARD_REFUSED: Final = PREFIX + "address_guard/refused"
NOT_LOOPBACK: Final = PREFIX + "address_guard/not_loopback"
#: Inputs skipped on resume (JOBDIR): their record is in the feed from an earlier run.
INPUTS_DONE_BEFORE: Final = PREFIX + "inputs/done_before"
BALANCED: Final = PREFIX + "summary/balanced"
#: Requests the spider made, by kind (robots.txt is Scrapy's and not counted).
REQUESTS_PREFIX: Final = PREFIX + "requests/"
#: Blogs whose first request was sent (valid, not duplicate inputs).
BLOGS_FETCHED: Final = PREFIX + "blogs/fetched"
#: Pages that went through the renderer (Splash, Chromium) and came back.
RENDERED_PAGES: Final = PREFIX + "rendered/pages"
#: Distributed mode: batches of blogs claimed from Redis; set when the worker is one; set when a
#: worker stopped because Redis stayed unreachable.
REDIS_BATCHES: Final = PREFIX + "redis/batches"
REDIS_WORKER: Final = PREFIX + "redis/worker"
REDIS_GAVE_UP: Final = PREFIX + "redis/unreachable_stop"
#: How often start() paused reading the list because the scheduler held enough requests.
START_PAUSES: Final = PREFIX + "start/pauses"


@dataclass
class Summary:
    """Counts of one crawl; ``balanced`` when every input entry is accounted for exactly once."""

    inputs_read: int = 0
    inputs_expected: int | None = None
    duplicate_inputs: int = 0
    duplicate_articles: int = 0
    invalid_records: int = 0
    unchanged: int = 0
    #: Of the unchanged: index pages or feeds that answered 304, or were still fresh; and the
    #: conditional requests sent.
    not_modified: int = 0
    still_fresh: int = 0
    conditional_sent: int = 0
    done_before: int = 0
    already_recorded: int = 0
    undelivered: int = 0
    records: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    blogs_fetched: int = 0
    rendered_pages: int = 0
    #: A distributed worker: requests are shared with other workers, so its records are not
    #: those of the blogs it read; the job's accounting is the collector's.
    worker: bool = False
    redis_gave_up: bool = False
    #: Parts of the list that could not be read (their inputs are lost).
    unreadable: int = 0
    #: Connections a loopback-only run was about to make off the machine.
    not_loopback: int = 0

    @classmethod
    def from_stats(cls, stats: Mapping[str, Any]) -> Summary:
        """Read the counts back from a crawl's stats."""
        return cls(
            inputs_read=int(stats.get(INPUTS_READ, 0)),
            inputs_expected=stats.get(INPUTS_EXPECTED),
            duplicate_inputs=int(stats.get(INPUTS_DUPLICATE, 0)),
            duplicate_articles=int(stats.get(DROPPED_DUPLICATE, 0)),
            invalid_records=int(stats.get(DROPPED_INVALID, 0)),
            unchanged=int(stats.get(DROPPED_UNCHANGED, 0)),
            not_modified=int(stats.get(NOT_MODIFIED, 0)),
            still_fresh=int(stats.get(STILL_FRESH, 0)),
            conditional_sent=int(stats.get(CONDITIONAL_SENT, 0)),
            done_before=int(stats.get(INPUTS_DONE_BEFORE, 0)),
            already_recorded=int(stats.get(DROPPED_ALREADY_RECORDED, 0)),
            undelivered=int(stats.get(DROPPED_UNDELIVERED, 0)),
            blogs_fetched=int(stats.get(BLOGS_FETCHED, 0)),
            rendered_pages=int(stats.get(RENDERED_PAGES, 0)),
            worker=bool(stats.get(REDIS_WORKER)),
            redis_gave_up=bool(stats.get(REDIS_GAVE_UP)),
            unreadable=int(stats.get(INPUTS_UNREADABLE, 0)),
            not_loopback=int(stats.get(NOT_LOOPBACK, 0)),
            records={
                key[len(RECORDS_PREFIX) :]: int(value)
                for key, value in stats.items()
                if key.startswith(RECORDS_PREFIX)
            },
            requests={
                key[len(REQUESTS_PREFIX) :]: int(value)
                for key, value in stats.items()
                if key.startswith(REQUESTS_PREFIX)
            },
        )

    @property
    def ok(self) -> int:
        return self.records.get("ok", 0)

    @property
    def errors(self) -> dict[str, int]:
        return {code: n for code, n in sorted(self.records.items()) if code != "ok"}

    @property
    def accounted(self) -> int:
        """Entries that ended somewhere: records plus everything dropped on purpose."""
        return (
            sum(self.records.values())
            + self.duplicate_inputs
            + self.duplicate_articles
            + self.invalid_records
            + self.unchanged
            + self.done_before
            + self.already_recorded
        )  # not ``undelivered``: those blogs have no record yet (exit code 1 says so)

    @property
    def requests_per_blog(self) -> float:
        """Spider requests (index, feed, article) per blog that was fetched at all."""
        total = sum(self.requests.values())
        return total / self.blogs_fetched if self.blogs_fetched else 0.0

    @property
    def balanced(self) -> bool:
        """Every entry accounted for; for a distributed worker, every record it made delivered
        (what is not is put back in the queue, and the job is judged by the collector)."""
        if self.worker:
            return self.undelivered == 0 and not self.redis_gave_up
        complete = self.inputs_expected is None or self.inputs_expected == self.inputs_read
        # An invalid record was dropped (its blog has none), or the list broke off: lost inputs.
        lost = self.invalid_records + self.unreadable
        return (
            complete and not lost and not self.not_loopback and self.accounted == self.inputs_read
        )

    def lines(self) -> list[str]:
        """The summary as human-readable lines (logged at the end of the crawl)."""
        expected = "" if self.inputs_expected is None else f" of {self.inputs_expected} listed"
        rows = [("inputs read", f"{self.inputs_read}{expected}"), ("ok", str(self.ok))]
        rows += [(f"error {code}", str(n)) for code, n in self.errors.items()]
        rows += [
            ("duplicate inputs", str(self.duplicate_inputs)),
            ("duplicate articles", str(self.duplicate_articles)),
            ("invalid records", str(self.invalid_records)),
            ("unchanged (incremental)", str(self.unchanged) + self._conditional_note()),
            ("done in an earlier run", str(self.done_before)),
        ]
        if self.already_recorded or self.undelivered:
            rows += [
                ("recorded by another worker", str(self.already_recorded)),
                ("undelivered (Redis down)", str(self.undelivered)),
            ]
        if self.unreadable:
            rows.append(("unreadable parts of the list", f"{self.unreadable} (see invalid_list)"))
        if self.not_loopback:
            rows.append(("OFF-LOOPBACK CONNECTIONS REFUSED", str(self.not_loopback)))
        verdict = "adds up" if self.balanced else "DOES NOT ADD UP"
        if self.worker:
            verdict = (
                "every record delivered" if self.balanced else "NOT ALL DELIVERED (put back)"
            ) + "; the job's count: python -m blogtitles.collect --status"
        rows += [
            ("requests per blog", self._requests_line()),
            ("rendered pages", str(self.rendered_pages)),
            ("accounted for", f"{self.accounted}: {verdict}"),
        ]
        width = max(len(label) for label, _ in rows) + 2
        return [f"{label + ':':<{width}}{value}" for label, value in rows]

    def _conditional_note(self) -> str:
        if not (self.conditional_sent or self.still_fresh):
            return ""
        return (
            f" (not modified: {self.not_modified} of {self.conditional_sent} conditional "
            f"requests; still fresh, not asked: {self.still_fresh})"
        )

    def _requests_line(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.requests.items()))
        return f"{self.requests_per_blog:.2f} ({kinds or 'none'}; robots.txt not counted)"

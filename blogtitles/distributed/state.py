"""The state of incremental runs in Redis, for distributed workers: what
:class:`blogtitles.runs.state.BlogState` keeps in SQLite, kept where every worker finds it.

Hashes under ``<name>:state:`` (never cleared with the job's queue): ``seen`` (blog → its newest
article), ``last`` (blog → its last ``ok`` record), ``validators`` (page URL → ETag,
Last-Modified, freshness), ``health`` (blog → its health record). A worker stages what its run
sees under its own run id (``<name>:state:pending:<run id>:*``, expiring after a day, so a
killed worker leaves nothing behind for long) and moves it in one ``MULTI``/``EXEC`` when its run
finishes with every record delivered. A blog is claimed by one worker at a time, so two workers
never stage the same blog.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

from blogtitles.distributed.queue import BlogQueue
from blogtitles.items import ARTICLE_STATUSES, STATUS_OK, utc_now_iso
from blogtitles.tracking.health import Health, updated_health
from blogtitles.tracking.store import Validators, raising_state_error

if TYPE_CHECKING:
    from typing import Self

    from redis import Redis
    from scrapy.settings import BaseSettings

_as_state_error = raising_state_error(RedisError, what="Redis")


def _text(value: bytes | str) -> str:
    """A Redis reply as text (the workers' connection decodes replies; a plain one does not)."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


#: How long a run's staged keys live if the run never ends (a killed worker).
PENDING_TTL = 24 * 3600
_PARTS = ("seen", "outcomes", "validators", "moves")


class RedisBlogState:
    """Same methods as :class:`blogtitles.runs.state.BlogState`, on Redis."""

    def __init__(self, server: Redis, name: str) -> None:
        self.db = server
        self.prefix = f"{name}:state"
        self.run_id = uuid.uuid4().hex
        self._pending = {part: f"{self.prefix}:pending:{self.run_id}:{part}" for part in _PARTS}

    @classmethod
    @_as_state_error
    def connect(cls, settings: BaseSettings, name: str) -> Self:
        """The state on the job's Redis (``BLOGTITLES_REDIS_URL``), once it answers."""
        server = BlogQueue.from_settings(settings, name).server
        server.ping()
        return cls(server, name)

    def key(self, part: str) -> str:
        return f"{self.prefix}:{part}"

    # -- what earlier runs left -----------------------------------------------------------

    @_as_state_error
    def newest(self, blog_url: str) -> str | None:
        value = self.db.hget(self.key("seen"), blog_url)
        return _text(value) if value is not None else None

    @_as_state_error
    def last_record(self, blog_url: str) -> dict[str, Any] | None:
        value = self.db.hget(self.key("last"), blog_url)
        return json.loads(value) if value is not None else None

    @_as_state_error
    def validators(self, url: str) -> Validators | None:
        value = self.db.hget(self.key("validators"), url)
        if value is None:
            return None
        _blog, etag, modified, fresh = json.loads(value)
        return Validators(etag, modified, fresh)

    @_as_state_error
    def health(self, blog_urls: Iterable[str] | None = None) -> dict[str, Health]:
        """The health records (of ``blog_urls``, else of every blog), by blog URL."""
        if blog_urls is None:
            values = list(self.db.hgetall(self.key("health")).values())
        else:
            wanted = list(blog_urls)
            values = self.db.hmget(self.key("health"), wanted) if wanted else []
        found = (Health(**json.loads(value)) for value in values if value is not None)
        return {health.blog_url: health for health in found}

    # -- what this run saw (staged) -------------------------------------------------------

    def _stage(self, part: str, field: str, value: str) -> None:
        with self.db.pipeline(transaction=False) as pipe:
            pipe.hset(self._pending[part], field, value)
            pipe.expire(self._pending[part], PENDING_TTL)
            pipe.execute()

    @_as_state_error
    def stage(self, blog_url: str, article_url: str, title: str) -> None:
        self._stage("seen", blog_url, article_url)

    @_as_state_error
    def stage_outcome(self, record: dict[str, Any]) -> None:
        self._stage("outcomes", record["blog_url"], json.dumps(record, ensure_ascii=False))

    @_as_state_error
    def stage_validators(self, blog_url: str, url: str, validators: Validators) -> None:
        self._stage("validators", url, json.dumps([blog_url, *validators]))

    @_as_state_error
    def stage_move(self, blog_url: str, target: str) -> None:
        self._stage("moves", blog_url, target)

    # -- the end of the run ---------------------------------------------------------------

    @_as_state_error
    def commit_run(self) -> int:
        """Move this run's staged articles, records, validators and health into the state, in
        one transaction; how many blogs changed."""
        now = utc_now_iso()
        staged = {part: self.db.hgetall(key) for part, key in self._pending.items()}
        outcomes = {_text(blog): json.loads(value) for blog, value in staged["outcomes"].items()}
        moves = {_text(blog): _text(target) for blog, target in staged["moves"].items()}
        succeeded = {
            blog for blog, record in outcomes.items() if record["status"] in ARTICLE_STATUSES
        }
        validators = {
            url: value
            for url, value in staged["validators"].items()
            if json.loads(value)[0] in succeeded
        }
        last = {
            blog: json.dumps(record, ensure_ascii=False)
            for blog, record in outcomes.items()
            if record["status"] == STATUS_OK
        }
        health = updated_health(self.health(outcomes), outcomes.values(), moves, now)
        with self.db.pipeline() as pipe:  # MULTI/EXEC: all of it or nothing
            for part, mapping in (
                ("seen", staged["seen"]),
                ("last", last),
                ("validators", validators),
                ("health", {h.blog_url: json.dumps(asdict(h)) for h in health}),
            ):
                if mapping:
                    pipe.hset(self.key(part), mapping=mapping)
            pipe.delete(*self._pending.values())
            pipe.execute()
        return len(staged["seen"])

    @_as_state_error
    def abandon_run(self, status: str) -> None:
        self.db.delete(*self._pending.values())

    def close(self) -> None:
        """Nothing to close: the connection is the queue's."""

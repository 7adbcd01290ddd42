"""A reliable Redis job queue with leases: one job = one site crawl (`Crawl` row).

`claim` moves a job from the pending list to the processing list and sets its lease in one
Lua script, so no job is ever in `processing` without a lease. The owner renews the lease while
it crawls; when the owner dies the lease expires and `reap` puts the job back (attempt + 1).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from typing import Any

import redis

_CLAIM = """
local raw = redis.call('RPOP', KEYS[1])
if not raw then return nil end
redis.call('LPUSH', KEYS[2], raw)
local job = cjson.decode(raw)
redis.call('SET', ARGV[1] .. job['crawl_id'], ARGV[2], 'PX', ARGV[3])
return raw
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_ACK = """
local n = redis.call('LREM', KEYS[1], 1, ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return n
"""
_REQUEUE = """
if redis.call('EXISTS', KEYS[3]) == 1 and redis.call('GET', KEYS[3]) ~= ARGV[3] then return 0 end
local n = redis.call('LREM', KEYS[1], 1, ARGV[1])
if n == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('DEL', KEYS[3])
end
return n
"""


class NamespaceInUse(RuntimeError):
    """The namespace holds live work of another store's crawl under the same crawl id."""

    def __init__(self, namespace: str, crawl_id: int) -> None:
        super().__init__(f"Redis namespace {namespace!r} is busy with another store's audit (its crawl {crawl_id} "
                         "is not this database's); use another Redis database (redis://host:port/N) or let "
                         "that audit finish")
        self.namespace, self.crawl_id = namespace, crawl_id


class ForeignEntry(RuntimeError):
    """A queued entry of a crawl that this worker's store did not seed: its `--db` is not the database
    of the audit that filled the namespace."""

    def __init__(self, namespace: str, crawl_id: int) -> None:
        super().__init__(f"crawl {crawl_id} in Redis namespace {namespace!r} was queued by an audit of another "
                         "store; this worker's --db is not that audit's database (its work was left queued)")
        self.namespace, self.crawl_id = namespace, crawl_id


@dataclass(frozen=True)
class Job:
    """One site crawl to do."""

    crawl_id: int
    run_id: int
    site_id: int
    url: str
    attempt: int = 1

    def dumps(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def loads(cls, raw: str | bytes) -> Job:
        return cls(**json.loads(raw))


class JobQueue:
    """Pending list, processing list and per-job lease keys under one namespace."""

    def __init__(self, redis_url: str, namespace: str = "xxgk", lease_seconds: float = 30.0) -> None:
        self.r: redis.Redis = redis.Redis.from_url(redis_url, decode_responses=True)
        self.ns = namespace
        self.lease_ms = int(lease_seconds * 1000)
        self.pending_key = f"{namespace}:jobs"
        self.processing_key = f"{namespace}:processing"
        self.lease_prefix = f"{namespace}:lease:"
        self._claim = self.r.register_script(_CLAIM)
        self._renew = self.r.register_script(_RENEW)
        self._ack = self.r.register_script(_ACK)
        self._requeue = self.r.register_script(_REQUEUE)

    # ---- producer -----------------------------------------------------------------------------

    def push(self, job: Job, token: str = "", replace_stale: bool = True) -> bool:
        """Queue a job once (a crawl already seeded by this run is not queued again).

        `token` and `replace_stale` as in `RequestQueue.seed`: a seeded mark that another store left
        under the same crawl id is replaced when the seeder found the namespace idle, else refused.
        """
        key = f"{self.ns}:seeded:{job.crawl_id}"
        mark = token or "1"
        if not self.r.set(key, mark, nx=True):
            if self.r.get(key) == mark:
                return False
            if not replace_stale:
                raise NamespaceInUse(self.ns, job.crawl_id)
            self.r.delete(key)
            if not self.r.set(key, mark, nx=True):
                return False
        self.r.lpush(self.pending_key, job.dumps())
        return True

    def idle(self) -> bool:
        """Nothing pending or in processing in the namespace."""
        counts = self.counts()
        return not (counts["pending"] or counts["processing"])

    # ---- consumer -----------------------------------------------------------------------------

    def claim(self, token: str) -> tuple[Job, str] | None:
        """Take the oldest pending job with a lease held by `token`; (job, raw) or None."""
        raw = self._claim(keys=[self.pending_key, self.processing_key],
                          args=[self.lease_prefix, token, self.lease_ms])
        return (Job.loads(raw), raw) if raw else None

    def renew(self, job: Job, token: str) -> bool:
        """Extend our lease; False when it expired (the job may be someone else's now)."""
        return bool(self._renew(keys=[self.lease_prefix + str(job.crawl_id)], args=[token, self.lease_ms]))

    def ack(self, raw: str, job: Job, token: str) -> None:
        """The job is finished: drop it from processing and release the lease."""
        self._ack(keys=[self.processing_key, self.lease_prefix + str(job.crawl_id)], args=[raw, token])

    def release(self, raw: str, job: Job, token: str) -> bool:
        """Give a job back (graceful stop): it goes to the head of the pending list."""
        again = Job(**{**asdict(job), "attempt": job.attempt})
        return bool(self._requeue(keys=[self.processing_key, self.pending_key, self.lease_prefix + str(job.crawl_id)],
                                  args=[raw, again.dumps(), token]))

    def reap(self) -> list[Job]:
        """Re-queue every processing job whose lease expired (its worker died); returns them."""
        back: list[Job] = []
        for raw in self.r.lrange(self.processing_key, 0, -1):
            job = Job.loads(raw)
            lease = self.lease_prefix + str(job.crawl_id)
            if self.r.exists(lease):
                continue
            again = Job(**{**asdict(job), "attempt": job.attempt + 1})
            # ARGV[3] = "" never equals a live lease value: requeue only while the lease is absent
            if self._requeue(keys=[self.processing_key, self.pending_key, lease], args=[raw, again.dumps(), ""]):
                back.append(again)
        return back

    def counts(self) -> dict[str, Any]:
        return {"pending": self.r.llen(self.pending_key), "processing": self.r.llen(self.processing_key)}

    @staticmethod
    def new_token() -> str:
        return uuid.uuid4().hex

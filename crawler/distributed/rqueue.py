"""A reliable, host-aware Redis request queue for request-level distributed crawls.

Every queued entry (a serialised request, or a crawl stage task) has an id and lives in the hash
`<ns>:entries`; its id waits in the sorted set of its host, `<ns>:q:<host>` (score: priority, then
arrival). `pop` takes the best-scored head among the hosts that this worker is not already saturating
and whose cross-worker slots (`hostlimit`'s `<ns>:host:<host>`) are not all taken, and moves it to
`<ns>:inflight` scored by its lease expiry, in one Lua script: an entry is never popped without a
lease. `renew` extends the leases of the entries a worker holds; `reap` puts expired ones back in
their host queue (their worker died). `commit` (one Lua script) marks an entry done exactly once,
applies its buffered crawl-state writes, queues its new children through the per-crawl dupefilter
(`<ns>:c:<id>:df`, request fingerprints) and keeps the crawl's outstanding-entry counter; when the
counter reaches zero it queues the crawl's next stage task (link checks → search → finalise).
Stage tasks wait in the host queue "-", which no host limit applies to.

**Fence.** Each pop names the entry's holder (`<ns>:owner`, the pop's token); a reap clears it and the
next pop names the new holder. `holds` is what a worker asks before writing a request's rows to the
store, and `commit`, `renew` and `release` given a holder's token act only while that token still holds
the entry: a worker frozen past its lease (SIGSTOP, a long GC, a VM pause) wakes to find its requests
run by others and its late writes refused (the store upserts stay idempotent for the moment between the
check and the write).

Keys are built inside the scripts from the namespace: this needs a standalone Redis, not a cluster.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import redis

from crawler.distributed.queue import NamespaceInUse

STAGE_HOST = "-"
STAGE_SCORE = -1e15  # stage tasks (a crawl's start, its end) before any request
LAST_STAGE = 3  # 1 link checks, 2 search test, 3 finalise

# 1: the crawl is this run's and new; 0: this run already seeded it; -1: the keys are another store's
_CLAIM_SEED = """
if redis.call('GET', KEYS[2]) == ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return -1 end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[1], 'run', ARGV[1])
return 1
"""


_POP = """
local ns = ARGV[1]
local hosts = redis.call('SMEMBERS', ns .. ':hosts')
local n = #hosts
if n == 0 then return nil end
local busy = {}
for _, h in ipairs(cjson.decode(ARGV[6])) do busy[h] = true end
local limit = tonumber(ARGV[4])
local start = redis.call('INCR', ns .. ':rr') % n
local best, best_score, best_host = nil, nil, nil
for i = 0, n - 1 do
  local h = hosts[(start + i) % n + 1]
  if not busy[h] then
    local q = ns .. ':q:' .. h
    local top = redis.call('ZRANGE', q, 0, 0, 'WITHSCORES')
    if #top == 0 then
      redis.call('SREM', ns .. ':hosts', h)
    else
      local score = tonumber(top[2])
      if best_score == nil or score < best_score then
        local free = true
        if limit > 0 and h ~= '-' then
          -- slots taken (requests on the wire) plus requests popped but not on the wire yet
          local hk, pk = ns .. ':host:' .. h, ns .. ':popped:' .. h
          redis.call('ZREMRANGEBYSCORE', hk, '-inf', ARGV[5])
          redis.call('ZREMRANGEBYSCORE', pk, '-inf', ARGV[5])
          free = redis.call('ZCARD', hk) + redis.call('ZCARD', pk) < limit
        end
        if free then best, best_score, best_host = top[1], score, h end
      end
    end
  end
end
if best == nil then return nil end
redis.call('ZREM', ns .. ':q:' .. best_host, best)
if limit > 0 and best_host ~= '-' then
  -- mark it popped: no worker pops this host past its limit before the request takes its slot
  local pk = ns .. ':popped:' .. best_host
  redis.call('ZADD', pk, tonumber(ARGV[5]) + tonumber(ARGV[7]), ARGV[8])
  redis.call('PEXPIRE', pk, math.floor(tonumber(ARGV[7]) * 1000) + 1000)
end
redis.call('ZADD', ns .. ':inflight', tonumber(ARGV[2]) + tonumber(ARGV[3]), best)
redis.call('HSET', ns .. ':owner', best, ARGV[8])
local tries = redis.call('HINCRBY', ns .. ':attempts', best, 1)
return {best, redis.call('HGET', ns .. ':entries', best), tries, best_host}
"""

_REAP = """
local ns = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', ns .. ':inflight', '-inf', ARGV[2])
for _, id in ipairs(ids) do
  redis.call('ZREM', ns .. ':inflight', id)
  redis.call('HDEL', ns .. ':owner', id)
  local where = redis.call('HGET', ns .. ':where', id)
  if where then
    local sep = string.find(where, '\\n', 1, true)
    local h = string.sub(where, 1, sep - 1)
    redis.call('ZADD', ns .. ':q:' .. h, tonumber(string.sub(where, sep + 1)), id)
    redis.call('SADD', ns .. ':hosts', h)
  end
end
return #ids
"""

# KEYS none; ARGV ns, lease end (ms, 0 = now: a release), then id, token pairs: only entries the token holds
_RENEW = """
local ns, n = ARGV[1], 0
for i = 3, #ARGV, 2 do
  if redis.call('HGET', ns .. ':owner', ARGV[i]) == ARGV[i + 1] then
    n = n + redis.call('ZADD', ns .. ':inflight', 'XX', 'CH', tonumber(ARGV[2]), ARGV[i])
  end
end
return n
"""

_COMMIT = """
local ns, cid, id = ARGV[1], ARGV[2], ARGV[3]
local c = ns .. ':c:' .. cid .. ':'
local finished = 0
if id ~= '' then
  if ARGV[6] ~= '' and redis.call('HGET', ns .. ':owner', id) ~= ARGV[6] then
    if redis.call('SISMEMBER', c .. 'done', id) == 1 then return -1 end
    return -2
  end
  if redis.call('SADD', c .. 'done', id) == 0 then return -1 end
  redis.call('ZREM', ns .. ':inflight', id)
  local where = redis.call('HGET', ns .. ':where', id)
  if where then
    local sep = string.find(where, '\\n', 1, true)
    redis.call('ZREM', ns .. ':q:' .. string.sub(where, 1, sep - 1), id)
  end
  redis.call('HDEL', ns .. ':entries', id)
  redis.call('HDEL', ns .. ':where', id)
  redis.call('HDEL', ns .. ':attempts', id)
  redis.call('HDEL', ns .. ':owner', id)
  finished = 1
end
for _, op in ipairs(cjson.decode(ARGV[4])) do redis.call(unpack(op)) end
local added = 0
for i = 7, #ARGV, 5 do
  local eid, h, score, fp, raw = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  if fp == '' or redis.call('SADD', c .. 'df', fp) == 1 then
    redis.call('HSET', ns .. ':entries', eid, raw)
    redis.call('HSET', ns .. ':where', eid, h .. '\\n' .. score)
    redis.call('ZADD', ns .. ':q:' .. h, tonumber(score), eid)
    redis.call('SADD', ns .. ':hosts', h)
    added = added + 1
  end
end
local left = redis.call('HINCRBY', c .. 'n', 'outstanding', added - finished)
if left == 0 and finished == 1 then
  local stage = redis.call('HINCRBY', c .. 'n', 'stage', 1)
  if stage <= tonumber(ARGV[5]) then
    local sid = cid .. ':stage:' .. stage
    local raw = cjson.encode({crawl = tonumber(cid), run = tonumber(redis.call('HGET', c .. 'n', 'run')),
                              stage = stage})
    redis.call('HSET', ns .. ':entries', sid, raw)
    redis.call('HSET', ns .. ':where', sid, '-\\n-1e15')
    redis.call('ZADD', ns .. ':q:-', -1e15, sid)
    redis.call('SADD', ns .. ':hosts', '-')
    redis.call('HINCRBY', c .. 'n', 'outstanding', 1)
  end
end
return added
"""


@dataclass
class Child:
    """A new entry to queue: id, host, score, fingerprint ('' = never filtered), raw bytes."""

    id: str
    host: str
    score: float
    fp: str
    raw: bytes


@dataclass
class Popped:
    """An entry handed to this worker under a lease (and, for a limited host, one of its slots)."""

    id: str
    raw: bytes
    attempt: int
    host: str
    slot: tuple[str, str] | None = None  # (popped-marker key, token) for `hostlimit`, or None
    lease: str = ""  # this pop's holder token (the fence)


class RequestQueue:
    """The shared request queue of one namespace (all crawls of all runs)."""

    def __init__(self, redis_url: str, namespace: str = "xxgk", lease_seconds: float = 30.0,
                 host_limit: int = 2, host_lease: float = 60.0) -> None:
        self.r: redis.Redis = redis.Redis.from_url(redis_url)
        self.ns = namespace
        self.lease_ms = int(lease_seconds * 1000)
        self.host_limit = host_limit
        self.host_lease = host_lease
        self._pop = self.r.register_script(_POP)
        self._reap = self.r.register_script(_REAP)
        self._commit = self.r.register_script(_COMMIT)
        self._renew = self.r.register_script(_RENEW)
        self._claim_seed = self.r.register_script(_CLAIM_SEED)
        self._seq = 0

    def crawl_key(self, crawl_id: int, name: str) -> str:
        """A key of one crawl's shared state."""
        return f"{self.ns}:c:{crawl_id}:{name}"

    def score(self, priority: int, rank: int = 0) -> float:
        """Lower pops first: Scrapy priority, then the crawl's seeding rank (largest site first, as site
        mode orders whole sites: the first-ranked sites keep their full per-host share from the start and
        the others fill the free slots), then the newest first (depth first, as Scrapy's LIFO queue)."""
        self._seq = (self._seq + 1) % 1000
        return -priority * 1e16 + rank * 1e13 - time.time() * 1000 - self._seq / 1000

    def rank(self, crawl_id: int) -> int:
        """The crawl's seeding rank (0 for the first crawl seeded in this namespace)."""
        return int(self.r.hget(self.crawl_key(crawl_id, "n"), "rank") or 0)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    # ---- producer ----------------------------------------------------------------------------

    def seed(self, crawl_id: int, run_id: int, token: str = "", replace_stale: bool = True) -> bool:
        """Queue a crawl's start task once (a crawl already seeded is not queued again).

        `token` names the store's run (`store_ops.run_token`; kept in `<ns>:c:<id>:seed`): crawl ids
        restart in every new database, so keys of this crawl id that another store's audit left in the
        namespace are not this crawl. With `replace_stale` (the seeder found the namespace idle: nothing
        queued or in flight) they are dropped and the crawl seeded anew; otherwise they may belong to
        another store's live audit, and `NamespaceInUse` says so instead of leaving the audit waiting.
        """
        n = self.crawl_key(crawl_id, "n")
        keys = [n, self.crawl_key(crawl_id, "seed")]
        got = int(self._claim_seed(keys=keys, args=[run_id, token]))
        if got == 0:
            return False
        if got < 0:
            if not replace_stale:
                raise NamespaceInUse(self.ns, crawl_id)
            self.forget_crawl(crawl_id)
            if int(self._claim_seed(keys=keys, args=[run_id, token])) <= 0:
                return False  # another seeder of this run got here first
        rank = int(self.r.incr(f"{self.ns}:ranks")) - 1
        self.r.hset(n, mapping={"stage": 0, "outstanding": 0, "rank": rank})
        raw = json.dumps({"crawl": crawl_id, "run": run_id, "stage": 0}).encode()
        self.commit(crawl_id, "", [], [Child(f"{crawl_id}:stage:0", STAGE_HOST, STAGE_SCORE, "", raw)])
        return True

    def crawl_keys(self, crawl_id: int) -> list[str]:
        """Every shared-state key of one crawl (its counters, dupefilter, seeding mark and crawl state)."""
        return [k.decode() for k in self.r.scan_iter(match=self.crawl_key(crawl_id, "*"), count=1000)]

    def forget_crawl(self, crawl_id: int) -> int:
        """Delete every shared-state key of one crawl."""
        keys = self.crawl_keys(crawl_id)
        return int(self.r.delete(*keys)) if keys else 0

    # ---- consumer ----------------------------------------------------------------------------

    def pop(self, busy_hosts: Iterable[str] = ()) -> Popped | None:
        """The next entry of a host with free slots (not one of `busy_hosts`), under a lease. The host gets
        a "popped" marker that counts against its limit until `hostlimit` takes the request's real slot
        (not the slot itself: a robots.txt fetch the request waits for must still find one)."""
        token = uuid.uuid4().hex
        got = self._pop(args=[self.ns, int(time.time() * 1000), self.lease_ms, self.host_limit, time.time(),
                              json.dumps(sorted(busy_hosts)), self.host_lease, token])
        if not got:
            return None
        entry_id, raw, tries, host = got[0].decode(), got[1], int(got[2]), got[3].decode()
        slot = (f"{self.ns}:popped:{host}", token) if self.host_limit > 0 and host != STAGE_HOST else None
        if raw is None:  # committed by a duplicate holder between reap and pop: nothing to do
            self.r.zrem(f"{self.ns}:inflight", entry_id)
            self.free_slot(slot)
            return None
        return Popped(entry_id, raw, tries, host, slot, token)

    def free_slot(self, slot: tuple[str, str] | None) -> None:
        """Drop the popped marker of a request that will not be downloaded."""
        if slot is not None:
            self.r.zrem(slot[0], slot[1])

    def renew(self, held: Iterable[str] | Mapping[str, str]) -> None:
        """Extend the leases of entries still held (XX: a reaped entry is not taken back); given
        id → token, only those the token still holds (never another worker's lease)."""
        self._set_leases(held, int(time.time() * 1000) + self.lease_ms)

    def holds(self, entry_id: str, token: str) -> bool:
        """Whether `token` (a pop's) still holds the entry: its lease was not reaped and handed on."""
        return self.r.hget(f"{self.ns}:owner", entry_id) == token.encode()

    def _set_leases(self, held: Iterable[str] | Mapping[str, str], until: int) -> None:
        if isinstance(held, Mapping):
            args: list = [self.ns, until]
            for entry_id, token in held.items():
                args += [entry_id, token]
            if len(args) > 2:
                self._renew(args=args)
            return
        ids = list(held)
        if ids:
            self.r.zadd(f"{self.ns}:inflight", dict.fromkeys(ids, until), xx=True)

    def reap(self) -> int:
        """Put entries whose lease expired back in their host queue; how many."""
        return int(self._reap(args=[self.ns, int(time.time() * 1000)]))

    def release(self, held: Iterable[str] | Mapping[str, str]) -> None:
        """Give held entries back now (a graceful stop): expire their leases and reap; given id → token,
        only those the token still holds."""
        if held:
            self._set_leases(held, 0)
            self.reap()

    def commit(self, crawl_id: int, entry_id: str, ops: list[list], children: list[Child],
               token: str | None = None) -> int:
        """Finish an entry exactly once: state writes, new children, counter; -1 when already done, -2 when
        `token` no longer holds it (nothing is applied: the holder now is another worker)."""
        args: list = [self.ns, crawl_id, entry_id, json.dumps(ops, ensure_ascii=False), LAST_STAGE, token or ""]
        for ch in children:
            args += [ch.id, ch.host, repr(ch.score), ch.fp, ch.raw]
        return int(self._commit(args=args))

    def drop(self, entry_id: str) -> None:
        """Forget an entry that belongs to no crawl this worker can name (a malformed or planted one):
        it is neither run nor queued again, and no crawl's counter changes."""
        pipe = self.r.pipeline()
        pipe.zrem(f"{self.ns}:inflight", entry_id)
        for name in ("entries", "where", "attempts", "owner"):
            pipe.hdel(f"{self.ns}:{name}", entry_id)
        pipe.execute()

    def pending(self) -> tuple[int, int]:
        """(entries waiting, entries in processing) over all crawls of the namespace."""
        return int(self.r.hlen(f"{self.ns}:entries")), int(self.r.zcard(f"{self.ns}:inflight"))

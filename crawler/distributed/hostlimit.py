"""Per-host concurrency across all workers: a Redis lease semaphore in a downloader middleware.

Before a request goes to the network it takes one of `XXGK_HOST_LIMIT` slots of its host (a
sorted set of lease tokens scored by expiry); the slot is given back when the response or the
error comes back. A worker killed mid-request leaves a slot that expires after
`XXGK_HOST_LEASE` seconds. The highest number of slots ever held per host is kept in the hash
`<ns>:host-max` so tests and operators can check the limit held.

Scrapy calls downloader middlewares before its own per-domain queue, so up to `CONCURRENT_REQUESTS`
requests can be waiting here at once. Each middleware therefore first passes a local per-host gate
(an asyncio semaphore of the same limit): only requests that could go now ask Redis, and the others
wait without polling. Redis is polled only while other workers hold the host's slots.

**Pacing** (`XXGK_HOST_DELAY`, request mode): with a site's requests spread over workers, no one
Scrapy engine sees all of a host's requests, so Scrapy's DOWNLOAD_DELAY cannot space them. Once a
request holds its slot it reserves the host's next send time in Redis (`<ns>:next:<host>`, one Lua
step: at = max(now, next); next = at + delay) and waits until then, so a host sees at most one request
start per `delay` from all workers together; the start then claims the host's last actual start time
(`<ns>:last:<host>`), so a request whose worker woke late still leaves `delay` before the next one.
"auto": 0.5 s for remote hosts, none for loopback ones (the sample portals and benchmarks), as local
crawls do.

**Shared AutoThrottle** (paced hosts only): one delay per host for all workers, kept in Redis
(`<ns>:throttle:<host>`), updated from every response's latency by Scrapy's AutoThrottle rule (target
delay = latency / AUTOTHROTTLE_TARGET_CONCURRENCY, moved half-way, never below the configured delay or
above AUTOTHROTTLE_MAX_DELAY, never lowered by an error answer). The pacing step spaces the host's
request starts by that delay, so no worker sees the host as idler than another does. A 429 or 503 with
`Retry-After` pushes the host's next send time past the wait (capped by `XXGK_RETRY_AFTER_MAX`), so
the back-off one worker was told holds every worker's requests to that host, not only its retry.

**Crawl-delay**: a host's robots.txt `Crawl-delay`, which `crawler.crawl_delay` hands over in the
request's meta (`CRAWL_DELAY`) instead of waiting on its own clock, is the floor of the host's shared
pacing: every worker's requests of the host start at least that far apart.

In request mode the queue's pop counts requests popped but not yet here against the host's limit
(`<ns>:popped:<host>`, the marker named by `RESERVED` in the request's meta); the middleware drops the
marker once the request holds its real slot, or fails.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from scrapy.http import Request, Response

from crawler.crawl_delay import CRAWL_DELAY
from crawler.retry_after import CODES as BACKOFF_CODES
from crawler.retry_after import DEFAULT_MAX_WAIT, retry_after_seconds

_ACQUIRE = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[3]) * 1000) + 1000)
local held = n + 1
local best = tonumber(redis.call('HGET', KEYS[2], ARGV[5]) or '0')
if held > best then redis.call('HSET', KEYS[2], ARGV[5], held) end
return 1
"""

_PACE = """
local now = tonumber(ARGV[1])
local delay = math.max(tonumber(ARGV[2]), tonumber(redis.call('HGET', KEYS[2], 'delay') or '0'))
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(at + delay), 'PX', math.floor((at + delay - now) * 1000) + 60000)
return tostring(at - now)
"""
# AutoThrottle's rule on the host's shared delay: ARGV latency, min delay, max delay, target, ok (1/0),
# the request's real start; KEYS the throttle hash, the host's last start
_THROTTLE = """
local latency, low, high = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local old = tonumber(redis.call('HGET', KEYS[1], 'delay') or ARGV[2])
local target = latency / tonumber(ARGV[4])
local new = math.max(target, (old + target) / 2)
new = math.min(math.max(low, new), high)
if ARGV[5] ~= '1' and new < old then new = old end
redis.call('HSET', KEYS[1], 'delay', tostring(new), 'latency', tostring(latency))
redis.call('EXPIRE', KEYS[1], 86400)
-- the request's real start (answer time - latency) counts as the host's last start if it is later than
-- the claimed one: the request went out late, and the next one must keep the delay from when it did
if tonumber(ARGV[6]) > tonumber(redis.call('GET', KEYS[2]) or '-1e18') then
  redis.call('SET', KEYS[2], ARGV[6], 'PX', math.floor(new * 1000) + 60000)
end
return tostring(new)
"""
# a Retry-After back-off: no request of the host starts before now + wait, whichever worker sends it
# (KEYS: the next send time, the back-off end; requests already paced re-check the end before sending)
_BACKOFF = """
local upto = tonumber(ARGV[1]) + tonumber(ARGV[2])
local ttl = math.floor(tonumber(ARGV[2]) * 1000) + 60000
if upto > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], tostring(upto), 'PX', ttl) end
if upto > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], tostring(upto), 'PX', ttl) end
return tostring(upto)
"""
# the start itself: at least `delay` after the host's last actual start (a reservation only spaces the
# planned times; a worker whose event loop is busy wakes late, and the next one must not follow too close)
_CLAIM = """
local now, delay = tonumber(ARGV[1]), tonumber(ARGV[2])
delay = math.max(delay, tonumber(redis.call('HGET', KEYS[2], 'delay') or '0'))
local last = tonumber(redis.call('GET', KEYS[1]) or '-1e18')
if now - last >= delay then
  redis.call('SET', KEYS[1], tostring(now), 'PX', math.floor(delay * 1000) + 60000)
  return '0'
end
return tostring(last + delay - now)
"""
REMOTE_DELAY = 0.5  # "auto" pacing of a remote host, like a local crawl's DOWNLOAD_DELAY

META = "xxgk_host_slot"
RESERVED = "xxgk_host_popped"  # request mode: the queue's popped marker (key, token), dropped on acquire


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost (host:port or bare host)."""
    if host.startswith("["):
        name = host[1:host.find("]")]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name == "localhost" or name.startswith("127.") or name == "::1"


def host_delay(setting: str | float | None, host: str) -> float:
    """Seconds between request starts to `host` across workers for an `XXGK_HOST_DELAY` setting."""
    if setting in (None, ""):
        return 0.0
    if setting == "auto":
        return 0.0 if is_loopback(host) else REMOTE_DELAY
    return max(0.0, float(setting))


def host_of(url: str) -> str:
    """host:port of a URL (each sample portal is its own port, like its own host)."""
    parts = urlsplit(url)
    return parts.netloc.lower() or parts.path


class RedisHostLimitMiddleware:
    """Hold a Redis slot of the request's host while the request is in flight."""

    def __init__(self, redis_url: str, limit: int, lease: float, namespace: str, poll: float = 0.01,
                 delay: str | float | None = None, max_delay: float = 30.0, target_concurrency: float = 1.0,
                 max_backoff: float = DEFAULT_MAX_WAIT) -> None:
        self.r = aioredis.Redis.from_url(redis_url, decode_responses=True)
        self.delay = delay
        self.max_delay = max_delay
        self.target = max(0.1, target_concurrency)
        self.max_backoff = max_backoff
        self.limit = limit
        self.lease = lease
        self.ns = namespace
        self.poll = poll
        self._acquire = self.r.register_script(_ACQUIRE)
        self._pace = self.r.register_script(_PACE)
        self._throttle = self.r.register_script(_THROTTLE)
        self._backoff = self.r.register_script(_BACKOFF)
        self._claim = self.r.register_script(_CLAIM)
        self._gates: dict[str, asyncio.Semaphore] = {}  # host → local slots of this crawl

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisHostLimitMiddleware:
        s = crawler.settings
        lease = s.getfloat("XXGK_HOST_LEASE") or s.getfloat("DOWNLOAD_TIMEOUT", 30) + 30
        return cls(s.get("XXGK_REDIS_URL"), s.getint("XXGK_HOST_LIMIT", 2), lease,
                   s.get("XXGK_REDIS_NAMESPACE", "xxgk"), delay=s.get("XXGK_HOST_DELAY"),
                   max_delay=s.getfloat("AUTOTHROTTLE_MAX_DELAY", 30.0),
                   target_concurrency=s.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY", 1.0),
                   max_backoff=s.getfloat("XXGK_RETRY_AFTER_MAX", DEFAULT_MAX_WAIT))

    async def process_request(self, request: Request) -> None:
        if self.limit <= 0 or META in request.meta:
            await self._drop_marker(request)
            return None
        host = host_of(request.url)
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = asyncio.Semaphore(self.limit)
        await gate.acquire()  # event-driven: no Redis traffic while this crawl already uses its share
        key = f"{self.ns}:host:{host}"
        token = uuid.uuid4().hex
        try:
            while not await self._acquire(keys=[key, f"{self.ns}:host-max"],
                                          args=[time.time(), self.limit, self.lease, token, host]):
                await asyncio.sleep(self.poll)  # other workers hold the host's slots
        except BaseException:  # cancelled (spider closing) or Redis down: give the local slot back
            gate.release()
            raise
        request.meta[META] = (key, token, host)
        await self._drop_marker(request)
        await self.wait_turn(host, self.delay_for(request, host))
        return None

    def delay_for(self, request: Request, host: str) -> float:
        """The host's pacing for `request`: the configured delay, raised to its robots Crawl-delay."""
        return max(host_delay(self.delay, host), float(request.meta.get(CRAWL_DELAY) or 0.0))

    async def wait_turn(self, host: str, delay: float) -> None:
        """Reserve the host's next send time and wait for it; a back-off announced meanwhile (another
        worker's 429) is waited out and the turn taken again. Holds the slot: a paced host is busy."""
        reserved = False
        while True:
            if delay > 0 and not reserved:  # an unpaced host (loopback under "auto") still obeys a back-off
                wait = float(await self._pace(keys=[f"{self.ns}:next:{host}", f"{self.ns}:throttle:{host}"],
                                              args=[time.time(), delay]))
                reserved = True
                if wait > 0:
                    await asyncio.sleep(wait)
            upto = float(await self.r.get(f"{self.ns}:backoff:{host}") or 0.0)
            if upto > time.time():
                await asyncio.sleep(upto - time.time())
                reserved = False  # the turn fell inside the back-off: take a new one after it
                continue
            if delay <= 0:
                return
            late = float(await self._claim(keys=[f"{self.ns}:last:{host}", f"{self.ns}:throttle:{host}"],
                                           args=[time.time(), delay]))
            if late <= 0:
                return
            await asyncio.sleep(late)  # another worker's start came late, closer than the delay

    async def shared_delay(self, host: str) -> float:
        """The host's current adaptive delay, as every worker reads it (0 before any response)."""
        return float(await self.r.hget(f"{self.ns}:throttle:{host}", "delay") or 0.0)

    async def _learn(self, request: Request, response: Response) -> None:
        """Feed the host's shared throttle: Retry-After back-off, then the latency of a paced host."""
        host = host_of(request.url)
        if response.status in BACKOFF_CODES:
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and wait > 0:
                await self._backoff(keys=[f"{self.ns}:next:{host}", f"{self.ns}:backoff:{host}"],
                                    args=[time.time(), min(wait, self.max_backoff)])
        delay = self.delay_for(request, host)
        latency = request.meta.get("download_latency")
        if delay > 0 and latency is not None:
            ok = "1" if response.status == 200 else "0"
            await self._throttle(keys=[f"{self.ns}:throttle:{host}", f"{self.ns}:last:{host}"],
                                 args=[float(latency), delay, max(delay, self.max_delay), self.target, ok,
                                       repr(time.time() - float(latency))])

    async def _drop_marker(self, request: Request) -> None:
        marker = request.meta.pop(RESERVED, None)
        if marker is not None:
            await self.r.zrem(marker[0], marker[1])

    async def release(self, request: Request) -> None:
        """Give back the host slot `request` holds (and its queue marker), if any."""
        await self._drop_marker(request)  # failed before it took a slot (robots.txt, time-out)
        slot = request.meta.pop(META, None)
        if slot:
            self._gates[slot[2]].release()
            await self.r.zrem(slot[0], slot[1])

    async def process_response(self, request: Request, response: Response) -> Response:
        try:  # learn before the slot is free: the next request of the host must see a back-off
            await self._learn(request, response)
        finally:
            await self.release(request)
        return response

    async def process_exception(self, request: Request, exception: BaseException) -> None:
        await self.release(request)
        return None

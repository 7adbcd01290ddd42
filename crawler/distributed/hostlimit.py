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
start per `delay` from all workers together. "auto": 0.5 s for remote hosts, none for loopback ones
(the sample portals and benchmarks), as local crawls do.

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
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[2])), 'PX', math.floor(tonumber(ARGV[2]) * 1000) + 60000)
return tostring(at - now)
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
                 delay: str | float | None = None) -> None:
        self.r = aioredis.Redis.from_url(redis_url, decode_responses=True)
        self.delay = delay
        self.limit = limit
        self.lease = lease
        self.ns = namespace
        self.poll = poll
        self._acquire = self.r.register_script(_ACQUIRE)
        self._pace = self.r.register_script(_PACE)
        self._gates: dict[str, asyncio.Semaphore] = {}  # host → local slots of this crawl

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedisHostLimitMiddleware:
        s = crawler.settings
        lease = s.getfloat("XXGK_HOST_LEASE") or s.getfloat("DOWNLOAD_TIMEOUT", 30) + 30
        return cls(s.get("XXGK_REDIS_URL"), s.getint("XXGK_HOST_LIMIT", 2), lease,
                   s.get("XXGK_REDIS_NAMESPACE", "xxgk"), delay=s.get("XXGK_HOST_DELAY"))

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
        delay = host_delay(self.delay, host)
        if delay > 0:
            wait = float(await self._pace(keys=[f"{self.ns}:next:{host}"], args=[time.time(), delay]))
            if wait > 0:
                await asyncio.sleep(wait)  # holds the slot: a paced host still counts as busy
        return None

    async def _drop_marker(self, request: Request) -> None:
        marker = request.meta.pop(RESERVED, None)
        if marker is not None:
            await self.r.zrem(marker[0], marker[1])

    async def _release(self, request: Request) -> None:
        await self._drop_marker(request)  # failed before it took a slot (robots.txt, time-out)
        slot = request.meta.pop(META, None)
        if slot:
            self._gates[slot[2]].release()
            await self.r.zrem(slot[0], slot[1])

    async def process_response(self, request: Request, response: Response) -> Response:
        await self._release(request)
        return response

    async def process_exception(self, request: Request, exception: BaseException) -> None:
        await self._release(request)
        return None

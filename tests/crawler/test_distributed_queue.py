"""The reliable Redis job queue (leases, re-queue after a dead worker) and the host semaphore."""

from __future__ import annotations

import asyncio
import time

from crawler.distributed.hostlimit import RedisHostLimitMiddleware
from crawler.distributed.queue import Job, JobQueue


def test_claim_renew_reap_ack(redis_url: str) -> None:
    q = JobQueue(redis_url, namespace="q1", lease_seconds=0.3)
    assert q.push(Job(1, 1, 1, "http://a/")) and q.push(Job(2, 1, 2, "http://b/"))
    assert not q.push(Job(1, 1, 1, "http://a/"))  # seeded once
    first = q.claim("w1")
    assert first is not None and first[0].crawl_id == 1  # FIFO
    second = q.claim("w2")
    assert second is not None and q.claim("w3") is None
    assert q.counts() == {"pending": 0, "processing": 2}
    for _ in range(3):  # w2 keeps renewing, w1 died
        time.sleep(0.15)
        assert q.renew(second[0], "w2")
    assert not q.renew(second[0], "w1")  # a lease is renewed only by its holder
    back = q.reap()
    assert [j.crawl_id for j in back] == [1] and back[0].attempt == 2
    again = q.claim("w3")
    assert again is not None and again[0].crawl_id == 1 and again[0].attempt == 2
    q.ack(again[1], again[0], "w3")
    q.ack(second[1], second[0], "w2")
    assert q.counts() == {"pending": 0, "processing": 0} and q.reap() == []


def test_release_puts_the_job_first(redis_url: str) -> None:
    q = JobQueue(redis_url, namespace="q2")
    for i in (1, 2):
        q.push(Job(i, 1, i, f"http://{i}/"))
    job, raw = q.claim("w")
    assert q.release(raw, job, "w")
    assert q.claim("w")[0].crawl_id == job.crawl_id


def test_host_semaphore_caps_concurrency(redis_url: str) -> None:
    """Six concurrent 'requests' from three middlewares (three workers) on one host: never more than 2."""
    from scrapy.http import Request, Response

    async def run() -> int:
        mws = [RedisHostLimitMiddleware(redis_url, limit=2, lease=10, namespace="q3", poll=0.005) for _ in range(3)]
        now, peak = 0, 0

        async def one(mw: RedisHostLimitMiddleware, i: int) -> None:
            nonlocal now, peak
            req = Request(f"http://127.0.0.1:8123/p{i}")
            await mw.process_request(req)
            now += 1
            peak = max(peak, now)
            await asyncio.sleep(0.03)
            now -= 1
            await mw.process_response(req, Response(req.url, request=req))

        await asyncio.gather(*(one(mws[i % 3], i) for i in range(12)))
        for mw in mws:
            await mw.r.aclose()
        return peak

    assert asyncio.run(run()) == 2

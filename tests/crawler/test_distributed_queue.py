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


def test_requests_queued_in_one_crawl_do_not_poll_redis(redis_url: str) -> None:
    """Scrapy hands many requests of one host to the middleware at once (CONCURRENT_REQUESTS > limit):
    those beyond the limit wait on the local gate, so each request asks Redis once, not every 10 ms."""
    from scrapy.http import Request, Response

    async def run() -> tuple[int, int, int]:
        mw = RedisHostLimitMiddleware(redis_url, limit=2, lease=10, namespace="q4", poll=0.005)
        calls = 0
        acquire = mw._acquire

        async def counting(*args: object, **kwargs: object) -> object:
            nonlocal calls
            calls += 1
            return await acquire(*args, **kwargs)

        mw._acquire = counting
        now, peak = 0, 0

        async def one(i: int) -> None:
            nonlocal now, peak
            req = Request(f"http://127.0.0.1:8124/p{i}")
            await mw.process_request(req)
            now += 1
            peak = max(peak, now)
            await asyncio.sleep(0.03)
            now -= 1
            await mw.process_response(req, Response(req.url, request=req))

        await asyncio.gather(*(one(i) for i in range(12)))
        left = await mw.r.zcard("q4:host:127.0.0.1:8124")
        await mw.r.aclose()
        return peak, calls, left

    peak, calls, left = asyncio.run(run())
    assert peak == 2 and left == 0
    assert calls == 12  # one Redis acquire per request: nobody spun on the semaphore


def test_seeding_puts_the_longest_site_first(tmp_path) -> None:
    """Longest-processing-time first by the latest finished crawl's duration, not its pages: a small site
    that answered slowly goes before a big quick one; a never-crawled site goes first."""
    import datetime as dt

    from sqlalchemy import select
    from storekit import add_run_with_sites

    from crawler.distributed.store_ops import pending_crawls
    from xxgk.store import Crawl, session_factory

    db_url = f"sqlite:///{tmp_path / 'seed.sqlite'}"
    sites = {"slow": "http://127.0.0.1:1/", "big": "http://127.0.0.1:2/", "new": "http://127.0.0.1:3/"}
    t0 = dt.datetime(2026, 11, 1, 2, 0)
    took = {"slow": (40.0, 5), "big": (10.0, 300)}  # seconds, pages of the previous run
    with session_factory(db_url).begin() as s:
        old = add_run_with_sites(s, {k: v for k, v in sites.items() if k != "new"})
        for crawl in s.scalars(select(Crawl).where(Crawl.run_id == old)):
            secs, pages = took["slow" if crawl.site.url == sites["slow"] else "big"]
            crawl.status, crawl.pages = "done", pages
            crawl.started_at, crawl.finished_at = t0, t0 + dt.timedelta(seconds=secs)
        new = add_run_with_sites(s, sites)
    order = [url for _cid, _sid, url in pending_crawls(db_url, new)]
    assert order == [sites["new"], sites["slow"], sites["big"]]


def test_another_stores_seeded_mark_is_replaced_only_when_idle(redis_url: str) -> None:
    """Site mode: a seeded mark of another store's crawl with the same id is replaced once the namespace
    is idle, and refused (not silently skipped) while that store's jobs are queued."""
    import pytest

    from crawler.distributed.queue import NamespaceInUse

    q = JobQueue(redis_url, namespace="q-stores")
    assert q.push(Job(1, 1, 1, "http://a/"), "1@old")
    assert not q.idle()
    with pytest.raises(NamespaceInUse):
        q.push(Job(1, 1, 1, "http://b/"), "1@new", replace_stale=q.idle())
    raw = q.claim("w1")
    q.ack(raw[1], raw[0], "w1")
    assert not q.push(Job(1, 1, 1, "http://a/"), "1@old")
    assert q.idle() and q.push(Job(1, 1, 1, "http://b/"), "1@new", replace_stale=q.idle())
    assert q.claim("w2")[0].url == "http://b/"

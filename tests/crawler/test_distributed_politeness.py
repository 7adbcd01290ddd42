"""Per-host politeness shared by all workers, counted on the server side.

Three "workers" are three `RedisHostLimitMiddleware`s with their own Redis connections (exactly what
three worker processes hold), each sending real HTTP requests to one loopback host that logs every
arrival. They prove: the host never sees more than 1 request in any 1-s window at 1 req/s; a 429 with
Retry-After answered to one worker holds back the requests of all of them; the adaptive delay learnt
from one worker's responses is the one every worker paces by; two sites (two path prefixes) on one
host share the host's slots.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from aiohttp import ClientSession, web
from scrapy.http import Request, Response

from crawler.distributed.hostlimit import RedisHostLimitMiddleware, host_of
from crawler.distributed.rqueue import Child, RequestQueue
from xxgk.samples.latency import window_peak

JITTER = 0.02  # loopback scheduling jitter between a client's send and the server's read


class LoggingHost:
    """One loopback host: logs arrivals (wall clock), counts requests in flight, answers by a rule."""

    def __init__(self, answer: Callable[[int, web.Request], tuple[int, dict[str, str]]] | None = None,
                 latency: float = 0.0) -> None:
        self.arrivals: list[tuple[float, str, int]] = []  # (time, path, status)
        self.in_flight = 0
        self.peak = 0
        self.answer = answer or (lambda n, req: (200, {}))
        self.latency = latency
        self.runner: web.AppRunner | None = None
        self.base = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            status, headers = self.answer(len(self.arrivals), request)
            self.arrivals.append((time.time(), request.path, status))
            if self.latency:
                await asyncio.sleep(self.latency)
            return web.Response(status=status, headers=headers, text="ok")
        finally:
            self.in_flight -= 1

    async def __aenter__(self) -> LoggingHost:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self.runner is not None
        await self.runner.cleanup()


async def fetch(mw: RedisHostLimitMiddleware, http: ClientSession, url: str) -> int:
    """One request through a worker's host-limit middleware, as Scrapy's downloader would send it."""
    req = Request(url)
    await mw.process_request(req)
    t0 = time.monotonic()
    async with http.get(url) as r:
        body = await r.read()
        status, headers = r.status, dict(r.headers)
    req.meta["download_latency"] = time.monotonic() - t0
    await mw.process_response(req, Response(url, status=status, headers=headers, body=body))
    return status


def workers(redis_url: str, ns: str, n: int = 3, **kw: Any) -> list[RedisHostLimitMiddleware]:
    return [RedisHostLimitMiddleware(redis_url, namespace=ns, lease=30, **{"limit": 2, **kw}) for _ in range(n)]


async def close(mws: list[RedisHostLimitMiddleware]) -> None:
    for mw in mws:
        await mw.r.aclose()


def test_three_workers_never_exceed_one_request_per_second(redis_url: str) -> None:
    async def main() -> tuple[list[float], list[float]]:
        async with LoggingHost() as host, ClientSession() as http:
            shared = workers(redis_url, "pol1", delay=1.0)
            # each worker sends two requests at once, as its engine would with several in flight
            await asyncio.gather(*[fetch(mw, http, f"{host.base}/p{i}-{k}") for i, mw in enumerate(shared)
                                   for k in range(2)])
            paced = [t for t, _, _ in host.arrivals]
            # the control: the same three workers each with its own (unshared) politeness state
            alone = [workers(redis_url, f"pol1-alone{i}", n=1, delay=1.0)[0] for i in range(3)]
            host.arrivals.clear()
            await asyncio.gather(*[fetch(mw, http, f"{host.base}/q{i}") for i, mw in enumerate(alone)])
            unshared = [t for t, _, _ in host.arrivals]
            await close(shared + alone)
        return paced, unshared

    paced, unshared = asyncio.run(main())
    assert len(paced) == 6
    assert window_peak(paced, 1.0 - JITTER) == 1, sorted(b - a for a, b in zip(sorted(paced), sorted(paced)[1:], strict=False))
    assert window_peak(unshared, 1.0 - JITTER) == 3  # per-worker state would let all three through at once


def test_retry_after_seen_by_one_worker_holds_back_all(redis_url: str) -> None:
    """The first request gets 429 Retry-After: 2; the other workers' requests, already paced and
    waiting, and every later one, reach the host only after the back-off."""

    def answer(n: int, request: web.Request) -> tuple[int, dict[str, str]]:
        return (429, {"Retry-After": "2"}) if n == 0 else (200, {})

    async def main() -> list[tuple[float, str, int]]:
        async with LoggingHost(answer) as host, ClientSession() as http:
            mws = workers(redis_url, "pol2", delay=1.0)
            statuses = await asyncio.gather(*[fetch(mw, http, f"{host.base}/w{i}") for i, mw in enumerate(mws)])
            assert sorted(statuses) == [200, 200, 429]
            await asyncio.gather(*[fetch(mw, http, f"{host.base}/again{i}") for i, mw in enumerate(mws)])
            await close(mws)
            return list(host.arrivals)

    arrivals = asyncio.run(main())
    (t429,) = [t for t, _, status in arrivals if status == 429]
    after = sorted(t for t, _, status in arrivals if status != 429)
    assert len(after) == 5
    assert after[0] >= t429 + 2.0 - JITTER, [round(t - t429, 2) for t in after]
    assert window_peak(after, 1.0 - JITTER) == 1  # and the pace holds after the back-off


def test_adaptive_delay_is_one_per_host_for_all_workers(redis_url: str) -> None:
    """A slow answer seen by one worker raises the delay every worker paces that host by; an error
    answer never lowers it; another host keeps its own."""

    async def main() -> None:
        a, b = workers(redis_url, "pol3", n=2, delay=0.5, max_delay=10.0)
        req = Request("http://slow.example/x", meta={"download_latency": 3.5})
        await a._learn(req, Response(req.url, status=200))
        assert await a.shared_delay("slow.example") == await b.shared_delay("slow.example") == 3.5  # up to the latency at once
        fast = Request("http://slow.example/y", meta={"download_latency": 0.1})
        await b._learn(fast, Response(fast.url, status=500))
        assert await a.shared_delay("slow.example") == 3.5
        await b._learn(fast, Response(fast.url, status=200))
        assert await a.shared_delay("slow.example") == 1.8  # half-way down, as AutoThrottle moves
        assert await a.shared_delay("other.example") == 0.0
        # b's next two requests to the host start at least the shared delay apart
        starts = []
        for path in ("/1", "/2"):
            r = Request("http://slow.example" + path)
            await b.process_request(r)
            starts.append(time.monotonic())
            await b.release(r)
        assert starts[1] - starts[0] >= 1.8 - JITTER
        await close([a, b])

    asyncio.run(main())


def test_two_sites_on_one_host_share_its_slots(redis_url: str) -> None:
    """Portals /a/ and /b/ on one host:port are one host: with a limit of 1, two workers crawling both
    never have two requests on it, and the queue does not pop a second one while the first is out."""
    assert host_of("http://127.0.0.1:8080/a/index.html") == host_of("http://127.0.0.1:8080/b/") == "127.0.0.1:8080"

    async def main() -> int:
        async with LoggingHost(latency=0.05) as host, ClientSession() as http:
            mws = workers(redis_url, "pol4", n=2, limit=1, delay=0)
            jobs = [fetch(mws[i % 2], http, f"{host.base}/{site}/p{i}") for i in range(6) for site in ("a", "b")]
            await asyncio.gather(*jobs)
            await close(mws)
            assert {p.split("/")[1] for _, p, _ in host.arrivals} == {"a", "b"} and len(host.arrivals) == 12
            return host.peak

    assert asyncio.run(main()) == 1
    q = RequestQueue(redis_url, "pol4q", host_limit=1)
    for crawl, site in ((1, "a"), (2, "b")):
        q.commit(crawl, "", [], [Child(q.new_id(), host_of(f"http://127.0.0.1:8080/{site}/"), q.score(0), "",
                                       f"{site}".encode())])
    first = q.pop()
    assert first is not None and first.host == "127.0.0.1:8080"
    assert q.pop() is None  # the other site's request waits: its host's one slot is out
    q.free_slot(first.slot)
    second = q.pop()
    assert second is not None and second.raw != first.raw


class _Robots:
    """A RobotsTxtMiddleware stand-in whose robots.txt asks every agent for `Crawl-delay: <delay>`."""

    def __init__(self, delay: int) -> None:
        from scrapy.robotstxt import ProtegoRobotParser

        self.parser = ProtegoRobotParser(f"User-agent: *\nCrawl-delay: {delay}\n".encode(), None)

    async def robot_parser(self, request: Request) -> Any:
        return self.parser


def crawl_delay_worker(redis_url: str, ns: str, robots: _Robots, shared: bool) -> tuple[Any, RedisHostLimitMiddleware]:
    """One worker's Crawl-delay middleware and host limit (`shared`: its settings name the Redis)."""
    from types import SimpleNamespace

    from scrapy.settings import Settings

    from crawler.crawl_delay import CrawlDelayMiddleware

    settings = Settings({"ROBOTSTXT_OBEY": True, "USER_AGENT": "xxgk-test", "XXGK_HOST_LIMIT": 2,
                         "XXGK_REDIS_URL": redis_url if shared else None})
    crawler = SimpleNamespace(settings=settings, spider=SimpleNamespace())
    delay_mw = CrawlDelayMiddleware(crawler)
    delay_mw._robots = robots
    return delay_mw, workers(redis_url, ns, n=1, delay="auto")[0]


async def fetch_obeying(delay_mw: Any, mw: RedisHostLimitMiddleware, http: ClientSession, url: str) -> int:
    """One request through a worker's Crawl-delay middleware (110) and its host limit (960)."""
    req = Request(url)
    await delay_mw.process_request(req)
    await mw.process_request(req)
    async with http.get(url) as r:
        status, body = r.status, await r.read()
    await mw.process_response(req, Response(url, status=status, body=body))
    return status


def test_robots_crawl_delay_spaces_a_host_for_all_workers(redis_url: str, monkeypatch: Any) -> None:
    """Two workers, each with two requests at once, on a loopback host (unpaced under "auto") whose
    robots.txt says `Crawl-delay: 2`: the host never sees two requests closer than 2 s; with each
    worker keeping the delay on its own clock (the control), both workers' first requests come together."""
    monkeypatch.setattr("crawler.crawl_delay.sleep", asyncio.sleep)  # no Twisted reactor runs here
    robots = _Robots(2)

    async def main() -> tuple[list[float], list[float]]:
        async with LoggingHost() as host, ClientSession() as http:
            pairs = [crawl_delay_worker(redis_url, "pol5", robots, shared=True) for _ in range(2)]
            await asyncio.gather(*[fetch_obeying(d, mw, http, f"{host.base}/p{i}-{k}")
                                   for i, (d, mw) in enumerate(pairs) for k in range(2)])
            paced = [t for t, _, _ in host.arrivals]
            host.arrivals.clear()
            alone = [crawl_delay_worker(redis_url, f"pol5-alone{i}", robots, shared=False) for i in range(2)]
            await asyncio.gather(*[fetch_obeying(d, mw, http, f"{host.base}/q{i}") for i, (d, mw) in enumerate(alone)])
            unshared = [t for t, _, _ in host.arrivals]
            await close([mw for _, mw in pairs + alone])
        return paced, unshared

    paced, unshared = asyncio.run(main())
    assert len(paced) == 4
    gaps = [b - a for a, b in zip(sorted(paced), sorted(paced)[1:], strict=False)]
    assert window_peak(paced, 2.0 - JITTER) == 1, gaps
    assert window_peak(unshared, 2.0 - JITTER) == 2


def test_crawl_delay_is_shared_by_crawl_processes_through_the_run_directory(tmp_path: Any) -> None:
    """Without Redis, two crawlers (as in two crawl worker processes) reserving starts of one host
    through the run's shared directory get starts `delay` apart; another host is not held up."""
    from crawler.crawl_delay import reserve_start

    starts = [reserve_start(tmp_path, "127.0.0.1:8080", 2.0) for _ in range(3)]
    assert [round(b - a, 3) for a, b in zip(starts, starts[1:], strict=False)] == [2.0, 2.0]
    assert reserve_start(tmp_path, "127.0.0.2:8080", 2.0) <= time.time()

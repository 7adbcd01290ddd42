"""Per-host pacing across workers (request mode): requests to one host start at least `delay` apart
whichever worker sends them; loopback hosts are not paced under "auto"; other hosts are independent."""

from __future__ import annotations

import asyncio
import time

from scrapy.http import Request

from crawler.distributed.hostlimit import REMOTE_DELAY, RedisHostLimitMiddleware, host_delay

DELAY = 0.3


def test_auto_delay_rules() -> None:
    assert host_delay("auto", "www.gov.cn:443") == REMOTE_DELAY
    assert host_delay("auto", "127.0.0.1:8080") == 0 and host_delay("auto", "localhost") == 0
    assert host_delay("auto", "[::1]:8000") == 0
    assert host_delay(None, "www.gov.cn") == 0 and host_delay("1.5", "www.gov.cn") == 1.5


def test_two_workers_share_one_host_spacing(redis_url: str) -> None:
    async def main() -> dict[str, list[float]]:
        workers = [RedisHostLimitMiddleware(redis_url, limit=4, lease=30, namespace="pace1", delay=DELAY)
                   for _ in range(2)]
        starts: dict[str, list[float]] = {}

        async def send(mw: RedisHostLimitMiddleware, url: str) -> None:
            req = Request(url)
            await mw.process_request(req)
            starts.setdefault(url.split("/")[2], []).append(time.monotonic())
            await mw.release(req)

        jobs = [send(workers[i % 2], f"http://{host}/p{i}") for i in range(4) for host in ("a.example", "b.example")]
        t0 = time.monotonic()
        await asyncio.gather(*jobs)
        auto = RedisHostLimitMiddleware(redis_url, limit=4, lease=30, namespace="pace1", delay="auto")
        await asyncio.gather(*[send(auto, f"http://{h}/x") for h in ("127.0.0.1:9", "c.example")])
        hosts = ("a.example", "b.example", "127.0.0.1:9", "c.example")
        paced = {h: await auto.r.exists(f"pace1:next:{h}") for h in hosts}
        # one schedule per host (a and b are paced side by side); auto: loopback hosts are not paced
        assert paced == {"a.example": 1, "b.example": 1, "127.0.0.1:9": 0, "c.example": 1}
        for mw in [*workers, auto]:
            await mw.r.aclose()
        return {host: [t - t0 for t in sorted(ts)] for host, ts in starts.items()}

    starts = asyncio.run(main())
    for host in ("a.example", "b.example"):
        gaps = [b - a for a, b in zip(starts[host], starts[host][1:], strict=False)]
        assert len(starts[host]) == 4 and min(gaps) >= DELAY - 0.02, (host, gaps)

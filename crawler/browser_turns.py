"""When a rendered page's own requests may go: the crawl's per-host politeness, applied to the browser.

Chromium fetches a page's scripts, styles and XHRs itself, outside Scrapy's downloader.
`crawler.browser.RenderGate` lets one of them in flight per host at a time and asks `HostTurns` for
each one's turn, so the host sees them as it sees Scrapy's requests:

- spacing: the host's Scrapy downloader slot (its download delay, AutoThrottle's included), then its
  robots.txt Crawl-delay on the audit's shared clock (`crawler.crawl_delay`); with workers on Redis,
  the host's shared Redis pacing (`crawler.distributed.hostlimit`), whose floor is that Crawl-delay,
  because no one worker sees all of a host's requests;
- a place in flight on a host other than the page's own (a sibling `static.` host, a CDN script):
  one of the host's Scrapy transfer places, and with workers on Redis one of the host's Redis slots,
  so no Scrapy request of that host, in this crawl or another worker's, runs beside the browser's.
  The page's own host needs none: the page's Scrapy request holds its place for the whole render.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from scrapy import Request

from crawler.crawl_delay import CRAWL_DELAY
from crawler.distributed.hostlimit import RedisHostLimitMiddleware, host_of

POLL_S = 0.05  # Scrapy signals no free transfer place: a waiting browser request looks again this often
Release = Callable[[], None]


def _noop() -> None:
    return None


class HostTurns:
    """The pace of a `RenderGate`: `await turns(url, own_host)` waits for the request's turn and
    returns what gives its place back once the request has finished."""

    def __init__(self, downloader: Any, crawl_delay: Any = None,
                 host_limit: RedisHostLimitMiddleware | None = None) -> None:
        self.downloader = downloader
        self.crawl_delay = crawl_delay  # crawler.crawl_delay.CrawlDelayMiddleware, if the crawl has one
        self.host_limit = host_limit

    @classmethod
    def of_engine(cls, engine: Any) -> HostTurns:
        """The turns of a running crawl: its downloader and the middlewares that pace its requests."""
        from crawler.crawl_delay import CrawlDelayMiddleware

        mws = engine.downloader.middleware.middlewares
        return cls(engine.downloader,
                   next((m for m in mws if isinstance(m, CrawlDelayMiddleware)), None),
                   next((m for m in mws if isinstance(m, RedisHostLimitMiddleware) and m.limit > 0), None))

    async def __call__(self, url: str, own_host: bool = True) -> Release:
        held: list[Release] = []
        probe = self._probe(url)
        try:
            if not own_host:
                held.append(await self._transfer_place(probe))
            await self._slot_spacing(probe)
            if self.crawl_delay is not None:
                await self.crawl_delay.space(url)
            if self.host_limit is not None:
                held.append(await self._redis_turn(url, own_host))
        except BaseException:
            for release in reversed(held):
                release()
            raise

        def release() -> None:
            for step in reversed(held):
                step()
            held.clear()  # a second call (finish after a time-out) gives nothing back twice

        return release

    def _probe(self, url: str) -> Request:
        """A stand-in Scrapy request of the URL, keyed to the slot Scrapy's own requests of it use
        (with workers on Redis the scheduler keys slots by host:port, as the host limit does)."""
        meta = {"download_slot": host_of(url)} if self.host_limit is not None else {}
        return Request(url, meta=meta)

    async def _slot_spacing(self, probe: Request) -> None:
        """Wait until the host's Scrapy slot allows the next start (`lastseen` + its delay), then
        count the start in it, on Scrapy's own (monotonic) clock."""
        slot = self.downloader.slots.get(self.downloader.get_slot_key(probe))
        if slot is None:  # no Scrapy request of that host yet: no slot spacing to keep
            return
        delay = slot.download_delay()
        while (wait := slot.lastseen + delay - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        slot.lastseen = time.monotonic()

    async def _transfer_place(self, probe: Request) -> Release:
        """Hold one of the host's Scrapy transfer places: Scrapy starts none of its queued requests of
        the host while the browser's is in flight, and the browser's waits for a running one."""
        _key, slot = self.downloader._get_slot(probe)  # made if absent, so later Scrapy requests see it
        while slot.free_transfer_slots() <= 0:
            await asyncio.sleep(POLL_S)
        slot.transferring.add(probe)

        def release() -> None:
            if probe in slot.transferring:
                slot.transferring.discard(probe)
                self.downloader._process_queue(slot)  # what Scrapy does when one of its own finishes

        return release

    async def _redis_turn(self, url: str, own_host: bool) -> Release:
        """Take the host's shared Redis pacing; on another host, also one of its Redis slots."""
        limit = self.host_limit
        assert limit is not None
        host = host_of(url)
        crawl_delay = getattr(self.crawl_delay, "delays", {}).get(host)
        probe = Request(url, meta={CRAWL_DELAY: crawl_delay} if crawl_delay else {})
        if own_host:  # the host's pacing, as its Scrapy requests get it (`delay_for`)
            await limit.wait_turn(host, limit.delay_for(probe, host))
            return _noop
        await limit.process_request(probe)

        def release() -> None:
            asyncio.ensure_future(limit.release(probe))

        return release

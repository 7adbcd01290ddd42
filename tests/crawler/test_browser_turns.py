"""A rendered page's own requests take their turns in the host's politeness (`crawler.browser_turns`):
Scrapy's slot spacing and the robots Crawl-delay, a Scrapy transfer place on a host other than the
page's own, and with workers on Redis the host's shared pacing and one of its Redis slots."""

from __future__ import annotations

import asyncio
import time
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Request
from scrapy.settings import Settings

from crawler.browser import RenderGate
from crawler.browser_turns import HostTurns
from crawler.crawl_delay import CrawlDelayMiddleware
from crawler.distributed.hostlimit import RedisHostLimitMiddleware

PAGE = "http://127.0.0.1:9/"
SIBLING = "http://127.0.0.2:9/"  # another host of the site (a `static.` host, say)


def _request(url: str, kind: str = "script", navigation: bool = False) -> SimpleNamespace:
    return SimpleNamespace(url=url, resource_type=kind, is_navigation_request=lambda: navigation,
                           redirected_from=None, redirected_to=None)


class Downloader:
    """Scrapy's downloader as the turns use it: real `Slot`s keyed as Scrapy keys them, and a record
    of each time the queue of a slot is looked at again."""

    def __init__(self) -> None:
        self.slots: dict[str, Slot] = {}
        self.processed: list[Slot] = []

    def get_slot_key(self, request: Request) -> str:
        return request.meta.get("download_slot") or urlsplit(request.url).hostname or ""

    def _get_slot(self, request: Request) -> tuple[str, Slot]:
        key = self.get_slot_key(request)
        slot = self.slots.setdefault(key, Slot(concurrency=1, delay=0, jitter=0))
        return key, slot

    def _process_queue(self, slot: Slot) -> None:
        self.processed.append(slot)


def _spacer(redis: bool = False, **delays: float) -> CrawlDelayMiddleware:
    settings = {"ROBOTSTXT_OBEY": True}
    if redis:
        settings.update(XXGK_REDIS_URL="redis://unused", XXGK_HOST_LIMIT=1)
    mw = CrawlDelayMiddleware(SimpleNamespace(settings=Settings(settings)))
    mw.delays.update(delays)  # a Scrapy request of the host met its robots.txt `Crawl-delay`
    return mw


def test_pacer_counts_the_start_on_scrapys_own_slot_clock() -> None:
    """The pace waits out the Scrapy slot's delay and moves its `lastseen` on Scrapy's (monotonic)
    clock: a wall-clock `lastseen` would put the slot's next request decades ahead and stall it."""
    slot = SimpleNamespace(lastseen=time.monotonic(), download_delay=lambda: 0.2)
    downloader = SimpleNamespace(slots={"127.0.0.1": slot}, get_slot_key=lambda request: "127.0.0.1")
    before = slot.lastseen
    asyncio.run(HostTurns(downloader)("http://127.0.0.1:9/a.js"))
    assert slot.lastseen >= before + 0.2
    assert slot.lastseen <= time.monotonic()


def test_browser_sub_requests_keep_the_hosts_crawl_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rendered page's stylesheet and script wait for their turn under the host's robots Crawl-delay,
    as Scrapy's own requests do; a host whose robots.txt asked for none is not held up, and without the
    crawl's Crawl-delay middleware (the control) the page's requests go out together."""
    monkeypatch.setattr("crawler.crawl_delay.sleep", asyncio.sleep)  # no Twisted reactor runs here

    async def page(crawl_delay: CrawlDelayMiddleware | None) -> dict[str, float]:
        loop = asyncio.get_running_loop()
        gate = RenderGate(PAGE, lambda url: True, HostTurns(Downloader(), crawl_delay), host_locks={})
        starts: dict[str, float] = {"turn": loop.time()}
        if crawl_delay is not None:  # the document's own Scrapy request took its turn first
            await crawl_delay.space(PAGE)
        for req in (_request(PAGE, "document", navigation=True), _request(PAGE + "a.css", "stylesheet"),
                    _request(PAGE + "a.js"), _request("http://127.0.0.1:8/b.js")):
            assert await gate.enter(req)
            starts[req.url.rsplit("/", 1)[-1] or "doc"] = loop.time()
            gate.finished(req)
        return starts

    spaced = asyncio.run(page(_spacer(**{"127.0.0.1:9": 0.5})))
    assert spaced["a.css"] - spaced["turn"] >= 0.5 - 0.02 and spaced["a.js"] - spaced["a.css"] >= 0.5 - 0.02
    assert spaced["b.js"] - spaced["a.js"] < 0.4  # another host, no Crawl-delay
    together = asyncio.run(page(None))
    assert together["a.js"] - together["turn"] < 0.4


def test_a_sibling_hosts_browser_request_and_scrapys_never_run_together() -> None:
    """On a host other than the page's own, the browser's request waits for Scrapy's running one,
    then holds the host's transfer place so Scrapy starts none beside it, and gives it back (Scrapy
    looks at its queue again) when it finishes. On the page's own host it takes no place: the page's
    Scrapy request holds it for the whole render, and waiting for it would never end."""

    async def main() -> None:
        downloader = Downloader()
        gate = RenderGate(PAGE, lambda url: True, HostTurns(downloader), host_locks={})
        _key, own = downloader._get_slot(Request(PAGE))
        own.transferring.add(Request(PAGE))  # the page's own Scrapy request, in flight for the render
        doc = _request(PAGE, "document", navigation=True)
        assert await gate.enter(doc)
        gate.finished(doc)
        css = _request(PAGE + "a.css", "stylesheet")
        assert await asyncio.wait_for(gate.enter(css), 1.0)  # own host: no place needed
        gate.finished(css)

        _key, sibling = downloader._get_slot(Request(SIBLING))
        scrapys = Request(SIBLING + "list.html")
        sibling.transferring.add(scrapys)  # Scrapy's own request of the sibling host is running
        js = _request(SIBLING + "menu.js")
        entering = asyncio.ensure_future(gate.enter(js))
        await asyncio.sleep(0.3)
        assert not entering.done(), "the browser's request went out beside Scrapy's"
        sibling.transferring.discard(scrapys)
        assert await asyncio.wait_for(entering, 1.0)
        assert sibling.free_transfer_slots() == 0  # Scrapy's queued requests of the host wait now
        gate.finished(js)
        assert sibling.free_transfer_slots() == 1 and downloader.processed == [sibling]

    asyncio.run(main())


def test_with_workers_on_redis_browser_requests_share_the_hosts_limit_and_pacing(redis_url: str) -> None:
    """Workers on Redis: the page's own requests are spaced by the host's shared pacing, whose floor
    is the robots Crawl-delay (the crawl's own clock stands aside for Redis, so without the host
    limit, the control, they go out together); a sibling host's browser request holds one of the
    host's Redis slots, so another worker's Scrapy request of that host waits until it is done."""
    ns = f"bturn-{uuid.uuid4().hex[:8]}"

    async def page(with_limit: bool) -> tuple[dict[str, float], bool, int]:
        loop = asyncio.get_running_loop()
        ours = RedisHostLimitMiddleware(redis_url, limit=1, lease=30, namespace=ns)
        other_worker = RedisHostLimitMiddleware(redis_url, limit=1, lease=30, namespace=ns)
        turns = HostTurns(Downloader(), _spacer(redis=True, **{"127.0.0.1:9": 0.4}), ours if with_limit else None)
        gate = RenderGate(PAGE, lambda url: True, turns, host_locks={})
        doc = _request(PAGE, "document", navigation=True)
        assert await gate.enter(doc)
        gate.finished(doc)
        starts = {}
        for name in ("a.css", "a.js"):
            req = _request(PAGE + name, "stylesheet")
            assert await gate.enter(req)
            starts[name] = loop.time()
            gate.finished(req)
        js = _request(SIBLING + "menu.js")
        assert await gate.enter(js)
        listing = Request(SIBLING + "list.html")
        theirs = asyncio.ensure_future(other_worker.process_request(listing))
        await asyncio.sleep(0.3)
        waited = not theirs.done()
        gate.finished(js)
        await asyncio.wait_for(theirs, 2.0)
        await other_worker.release(listing)
        peak = int(await ours.r.hget(f"{ns}:host-max", "127.0.0.2:9") or 0)
        for mw in (ours, other_worker):
            await mw.r.aclose()
        return starts, waited, peak

    starts, waited, peak = asyncio.run(page(with_limit=True))
    assert starts["a.js"] - starts["a.css"] >= 0.4 - 0.02
    assert waited and peak == 1
    starts, waited, _ = asyncio.run(page(with_limit=False))
    assert starts["a.js"] - starts["a.css"] < 0.2 and not waited

"""Downloader middleware: obey robots.txt `Crawl-delay` (Scrapy reads robots.txt but not its delay).

Requests to a host whose robots.txt asks for a delay start at least that many seconds apart, capped
at `XXGK_MAX_CRAWL_DELAY` (a portal asking for minutes would never finish). It waits in front of
the downloader on its own clock, so AutoThrottle cannot lower it. Requests that do not obey
robots.txt (the run's opt-out, off-site link checks) are not delayed.

The spacing is per host for the whole audit, not per crawler: site crawlers of one host in several
crawl worker processes reserve the host's next start in one small file per host under the run's
shared directory (`XXGK_BROWSER_SLOTS_DIR`, which `crawler.feeder` sets per run), under `flock`.
With workers on Redis (`XXGK_REDIS_URL` and a host limit), the delay is handed to the Redis host
limit instead (`CRAWL_DELAY` in the request's meta), where it is the floor of the host's shared
pacing for every worker. A rendered page's own requests (scripts, styles, XHRs) take their turns
through `space`, called by the page's `crawler.browser.RenderGate` pace.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request

from crawler.retry_after import sleep

log = logging.getLogger(__name__)
DEFAULT_MAX = 30.0
CRAWL_DELAY = "xxgk_crawl_delay"  # meta: the host's robots Crawl-delay, for the Redis host limit to pace by


def reserve_start(directory: Path, host: str, delay: float) -> float:
    """Reserve `host`'s next request start (wall-clock seconds) in a file every crawl process of the
    audit shares: the start is max(now, the reserved next start), and the next start moves `delay`
    past it. The `flock` is held for one read and write, so concurrent reservers queue up."""
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / (quote(host, safe="") + ".next"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.pread(fd, 64, 0).strip()
        start = max(time.time(), float(raw) if raw else 0.0)
        os.ftruncate(fd, 0)
        os.pwrite(fd, repr(start + delay).encode(), 0)
    finally:
        os.close(fd)  # drops the lock
    return start


class CrawlDelayMiddleware:
    """Space the requests to each host by its robots.txt Crawl-delay (placed after RobotsTxtMiddleware)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.max_delay = crawler.settings.getfloat("XXGK_MAX_CRAWL_DELAY", DEFAULT_MAX)
        self.next_start: dict[str, float] = {}  # host:port → earliest start of its next request
        self.delays: dict[str, float] = {}  # host:port → its Crawl-delay, once a request of it was checked
        s = crawler.settings
        self.to_redis = bool(s.get("XXGK_REDIS_URL")) and s.getint("XXGK_HOST_LIMIT", 0) > 0
        shared = s.get("XXGK_BROWSER_SLOTS_DIR")
        self.clock_dir = Path(shared) / "crawl-delay" if shared else None
        self._robots: RobotsTxtMiddleware | None | bool = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlDelayMiddleware:
        return cls(crawler)

    def _robots_mw(self) -> RobotsTxtMiddleware | None:
        if self._robots is False:
            mws = self.crawler.engine.downloader.middleware.middlewares
            self._robots = next((m for m in mws if isinstance(m, RobotsTxtMiddleware)), None)
        return self._robots  # type: ignore[return-value]

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") or not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            return None
        if urlsplit(request.url).path == "/robots.txt":
            return None
        spider = self.crawler.spider
        warc = getattr(spider, "warc", None)
        if getattr(spider, "resuming", False) and warc is not None and warc.index.get(request.url, -1) >= 0:
            return None  # answered from the evidence file on resume: nothing is sent
        robots = self._robots_mw()
        if robots is None:
            return None
        parser = await robots.robot_parser(request)
        delay = getattr(parser, "crawl_delay", None)
        wait_for = delay(self.user_agent) if callable(delay) else None
        if not wait_for or wait_for <= 0:
            return None
        wait_for = min(float(wait_for), self.max_delay)
        host = urlsplit(request.url).netloc.lower()
        self.delays[host] = wait_for
        if self.to_redis:
            request.meta[CRAWL_DELAY] = wait_for  # paced with every worker's requests of the host
            return None
        await self._take_turn(host, wait_for)
        return None

    async def space(self, url: str) -> None:
        """Wait for the turn of a request the browser makes for a rendered page (its scripts, styles,
        XHRs): on a host whose Crawl-delay a request of this crawl already met, it is spaced with
        Scrapy's requests of the host. With workers on Redis the host's shared pacing covers the page's
        own request only."""
        host = urlsplit(url).netloc.lower()
        delay = self.delays.get(host)
        if delay and not self.to_redis:
            await self._take_turn(host, delay)

    async def _take_turn(self, host: str, delay: float) -> None:
        """Reserve the host's next start (shared file, or this crawler's clock) and wait for it."""
        if self.clock_dir is not None:
            start = reserve_start(self.clock_dir, host, delay)
            if start > time.time():
                await sleep(start - time.time())
            return
        now = time.monotonic()
        start = max(now, self.next_start.get(host, 0.0))
        self.next_start[host] = start + delay  # reserved before waiting: concurrent requests queue up
        if start > now:
            await sleep(start - now)

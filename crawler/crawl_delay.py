"""Downloader middleware: obey robots.txt `Crawl-delay` (Scrapy reads robots.txt but not its delay).

Requests to a host whose robots.txt asks for a delay start at least that many seconds apart, capped
at `XXGK_MAX_CRAWL_DELAY` (a portal asking for minutes would never finish). It waits in front of
the downloader on its own clock, so AutoThrottle cannot lower it. Requests that do not obey
robots.txt (the run's opt-out, off-site link checks) are not delayed.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request

from crawler.retry_after import sleep

log = logging.getLogger(__name__)
DEFAULT_MAX = 30.0


class CrawlDelayMiddleware:
    """Space the requests to each host by its robots.txt Crawl-delay (placed after RobotsTxtMiddleware)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.max_delay = crawler.settings.getfloat("XXGK_MAX_CRAWL_DELAY", DEFAULT_MAX)
        self.next_start: dict[str, float] = {}  # host:port → earliest start of its next request
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
        now = time.monotonic()
        start = max(now, self.next_start.get(host, 0.0))
        self.next_start[host] = start + wait_for  # reserved before waiting: concurrent requests queue up
        if start > now:
            await sleep(start - now)
        return None

"""The bare-Scrapy baseline of the national bench: a plain link follower on the same latency world,
at the same politeness, so xxgk's CPU per page is read beside the framework's own.

Same rules as xxgk's crawl in `bench/national.py`: `in_flight` hosts crawled at once (the next starts
as one ends), one request in flight per host (`download_slot` = host:port; Scrapy's own per-domain
key drops the port), a 1 s download delay with AutoThrottle on as xxgk's settings have it, robots.txt
obeyed, each host for `seconds` from its first answer. It counts what xxgk counts (HTML pages stored:
status 200, an HTML content type) and writes its running count to a file, so the bench samples the
same (seconds, pages, CPU) curve for both. It extracts, stores and archives nothing: what xxgk spends
above it is extraction, the store and the WARC evidence.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BARE_CHILD = r"""
import json, sys, time
from collections import deque
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

urls, seconds, in_flight, count_file = json.loads(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


class Bare(scrapy.Spider):
    name = "bare-national"

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.waiting = deque(urls)
        self.first = {}  # host:port -> when its first answer came (the host's time budget)
        self.pending = {}  # host:port -> requests sent and not answered
        self.seen = {}  # host:port -> URLs found (no dupe filter: every request is counted)
        self.frontier = {}  # host:port -> URLs found and not yet requested
        self.pages = 0
        self.written = 0.0

    def _request(self, url, host):
        self.pending[host] = self.pending.get(host, 0) + 1
        return scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                              meta={"download_slot": host})

    def _feed(self, host):
        # the host's next requests from its own frontier, two at most in Scrapy's queue (its slot
        # sends one at a time), so the host's crawl ends when its budget does, as xxgk's does
        out = []
        frontier = self.frontier.get(host)
        started = self.first.get(host)
        if started is not None and time.monotonic() - started > seconds:
            frontier.clear()
        while frontier and self.pending.get(host, 0) < 2:
            out.append(self._request(frontier.popleft(), host))
        if not out and self.pending.get(host, 0) == 0:
            self.pending.pop(host, None)
            out.extend(self._next_site())  # the host's crawl ended: the next site starts
        return out

    def _next_site(self):
        if not self.waiting:
            return []
        url = self.waiting.popleft()
        host = urlsplit(url).netloc
        self.seen[host] = {url}
        self.frontier[host] = deque()
        return [self._request(url, host)]

    async def start(self):
        for _ in range(min(in_flight, len(self.waiting))):
            for req in self._next_site():
                yield req

    def _count(self):
        now = time.monotonic()
        if now - self.written >= 1.0:
            self.written = now
            with open(count_file, "w") as fh:
                fh.write(str(self.pages))

    def failed(self, failure):
        host = urlsplit(failure.request.url).netloc
        self.pending[host] -= 1
        yield from self._feed(host)

    def parse(self, response):
        host = urlsplit(response.request.url).netloc
        self.pending[host] -= 1
        started = self.first.setdefault(host, time.monotonic())
        if (isinstance(response, scrapy.http.TextResponse) and response.status == 200
                and b"html" in (response.headers.get(b"Content-Type") or b"")):
            self.pages += 1
            self._count()
            if time.monotonic() - started <= seconds:
                seen, frontier = self.seen[host], self.frontier[host]
                for href in response.css("a::attr(href)").getall():
                    url = response.urljoin(href).split("#", 1)[0]
                    if url.startswith("http") and urlsplit(url).netloc == host and url not in seen:
                        seen.add(url)
                        frontier.append(url)
        yield from self._feed(host)


process = CrawlerProcess({
    "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": True, "RETRY_TIMES": 0,
    "CONCURRENT_REQUESTS": max(16, 4 * in_flight), "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0, "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "CONCURRENT_ITEMS": 8, "DOWNLOAD_TIMEOUT": 30,
})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
t0 = time.perf_counter()
process.start()
with open(count_file, "w") as fh:
    fh.write(str(crawler.spider.pages))
print("RESULT " + json.dumps({"seconds": time.perf_counter() - t0, "pages": crawler.spider.pages}))
"""


def bare_command(work: Path, urls: list[str], seconds: float, in_flight: int) -> tuple[list[str], Path]:
    """The baseline's command line over the served hosts, and the file its running page count is in."""
    count_file = work / "bare-pages.txt"
    count_file.write_text("0", encoding="utf-8")
    script = work / "bare_child.py"  # a file, not `-c`: Scrapy reads the callbacks' source
    script.write_text(BARE_CHILD, encoding="utf-8")
    return [sys.executable, str(script), json.dumps(urls), str(seconds), str(in_flight), str(count_file)], count_file

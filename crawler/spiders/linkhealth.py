"""Link health (a mixin of `PortalSpider`): every link of every crawled page is remembered, the ones
not fetched by the crawl are checked (HEAD, then GET) when it goes idle, and `link_rows` classifies
them ok / broken / restricted / empty / unchecked for the store. Request mode keeps these tables
per request and rebuilds them from every page's share (`crawler.distributed.rspider`)."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from typing import Any

import scrapy
from parsel import Selector
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.extract.html import absolute, clean
from crawler.failures import describe as describe_failure
from crawler.failures import is_unchecked
from crawler.spiders.settled import settled

EMPTY_HREF = re.compile(r"^(?:#|javascript:.*)$", re.I | re.S)  # blank, '#', any javascript: pseudo-link
MAX_SOURCES = 5000  # pages remembered per link target (a broken link is reported once per page)


class LinkHealthMixin:
    """Links seen, fetch outcomes, end-of-crawl checks."""

    # (attributes provided by PortalSpider)
    links: dict[str, list[Any]]
    empty_links: dict[tuple[str, int], tuple[str, str]]
    empty_seq: dict[str, int]
    fetched: dict[str, tuple[int | None, str | None]]
    page_ids: dict[str, int]
    page_urls: list[str]
    check_links: bool
    checks_done: bool
    search_done: bool
    max_link_checks: int
    max_offsite_checks: int
    failed: str | None
    requested: Any
    scope: Any
    crawler: Any

    def _mark_fetched(self, response: Response) -> None:
        self.fetched[response.url] = (response.status, None)
        for u in response.meta.get("redirect_urls") or []:
            self.fetched[u] = (response.status, None)
        self.fetched.setdefault(response.request.url, (response.status, None))

    def _links(self, sel: Selector, page_url: str) -> list[str]:
        """Remember every link of a crawled page for the link-health report; returns its URLs."""
        urls: list[str] = []
        first = page_url not in self.page_ids
        src = self._page_index(page_url)
        record = self.check_links and first
        for el in sel.root.iter("a"):
            raw = el.get("href")
            if raw is None:
                continue
            href = raw.strip()
            if not href or EMPTY_HREF.match(href):
                if record:
                    n = self.empty_seq.get(page_url, 0)
                    self.empty_seq[page_url] = n + 1
                    self.empty_links.setdefault((page_url, n), (raw, clean(el.text_content())[:200]))
                continue
            if href[0] == "#" or href[:11].lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
                continue
            url = absolute(page_url, href)
            if not url:
                continue
            urls.append(url)
            if not record:
                continue
            entry = self.links.get(url)
            if entry is None:
                self.links[url] = [page_url, clean(el.text_content())[:200], array("I", [src])]
            elif len(entry[2]) < MAX_SOURCES and entry[2][-1] != src:
                entry[2].append(src)
        return urls

    def _page_index(self, url: str) -> int:
        n = self.page_ids.get(url)
        if n is None:
            n = self.page_ids[url] = len(self.page_urls)
            self.page_urls.append(url)
        return n

    def on_idle(self) -> None:
        """When the crawl proper is done: check links not fetched yet, then try the search form."""
        reqs: list[scrapy.Request] = []
        if not self.checks_done:
            self.checks_done = True
            reqs += self._link_checks()
        if not reqs and not self.search_done:
            self.search_done = True
            req = self._search_request()
            if req is not None:
                reqs.append(req)
        if reqs:
            for r in reqs:
                self.crawler.engine.crawl(r)
            raise DontCloseSpider

    def _link_checks(self) -> list[scrapy.Request]:
        if not self.check_links or self.failed:
            return []
        out: list[scrapy.Request] = []
        onsite = offsite = 0
        for url in self.links:
            if url in self.fetched or url in self.requested:
                continue
            inside = url in self.scope
            if inside:
                if onsite >= self.max_link_checks:
                    continue
                onsite += 1
            else:
                if offsite >= self.max_offsite_checks:
                    continue
                offsite += 1
            out.append(self._check(url, "HEAD", inside))
        return out

    def _check(self, url: str, method: str, inside: bool) -> scrapy.Request:
        meta = {"kind": "check", "target": url, "handle_httpstatus_all": True, "inside": inside,
                "download_timeout": 15 if not inside else None}
        if meta["download_timeout"] is None:
            del meta["download_timeout"]
        if not inside:
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, method=method, callback=self.parse_check, errback=self.check_error,
                              meta=meta, dont_filter=True, priority=-10)

    @settled
    def parse_check(self, response: Response) -> Iterator[Any]:
        target = response.meta["target"]
        if response.status >= 400 and response.request.method == "HEAD":
            yield self._check(target, "GET", response.meta.get("inside", True))
            return
        self.fetched[target] = (response.status, None)

    def check_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        target = request.meta["target"]
        if failure.check(HttpError):
            self.fetched[target] = (failure.value.response.status, None)
            return
        error = describe_failure(failure)[0][:300]
        if is_unchecked(error) or failure.type.__name__ == "IgnoreRequest":
            self.fetched[target] = (None, error)
            return
        if request.method == "HEAD":
            yield self._check(target, "GET", request.meta.get("inside", True))
            return
        self.fetched[target] = (None, error)

    def link_rows(self) -> list[dict[str, Any]]:
        """Every link seen on crawled pages, classified ok / broken / empty / unchecked."""
        rows: list[dict[str, Any]] = []
        for url, (src, text, sources) in self.links.items():
            status, error = self.fetched.get(url, (None, None))
            if status is not None:
                kind = "ok" if status < 400 else ("restricted" if status in (401, 403) else "broken")
            elif error and not is_unchecked(error):
                kind = "broken"
            else:
                kind = "unchecked"
            offsite = url not in self.scope
            froms = [self.page_urls[i] for i in dict.fromkeys(sources)] if kind == "broken" else [src]
            for page in froms:
                rows.append({"from_url": page, "to_url": url, "text": text or None, "kind": kind,
                             "status": status, "error": error, "offsite": offsite})
        for (src, _), (raw, text) in self.empty_links.items():
            rows.append({"from_url": src, "to_url": raw, "text": text or None, "kind": "empty", "status": None,
                         "error": None, "offsite": False})
        return rows

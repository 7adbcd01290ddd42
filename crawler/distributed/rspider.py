"""The portal spider over shared crawl state, for request-level distributed crawls.

`SharedPortalSpider` is the normal `PortalSpider` (same callbacks, same decisions) whose state
attributes are the Redis-backed views of `crawlstate`: any worker can run any request of the crawl.
It is not a Scrapy crawler's spider: the worker's dispatcher spider runs its callbacks (`begin`
before each, `take_ops` after) and the crawl's stage tasks call `link_check_requests`,
`search_requests` and `load_link_health`.

Link health is kept per page: the links a request's page recorded go to the hash `pagelinks`
(page URL → its links, first writer wins) and fetch outcomes to `fetched`; the finalising worker
rebuilds the spider's tables from them (pages in URL order) and uses the spider's own `link_rows`.
"""

from __future__ import annotations

import json
import time
from array import array
from collections.abc import Mapping
from typing import Any

import redis
import scrapy

from crawler.distributed.crawlstate import (
    COUNTERS,
    SharedCrawlState,
    SharedState,
    prefetch,
    wall_t0,
)
from crawler.records import ColumnRecord
from crawler.spiders.portal import MAX_SOURCES, PortalSpider
from xxgk.settings import CrawlSettings


class SharedPortalSpider(PortalSpider):
    """`PortalSpider` whose crawl state lives in Redis (one instance per crawl per worker)."""

    name = "portal-shared"

    def __init__(self, r: redis.Redis, namespace: str, crawl_id: int, site_id: int, start_url: str,
                 limits: CrawlSettings | Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        self.state = SharedState(r, namespace, crawl_id)
        super().__init__(crawl_id=crawl_id, site_id=site_id, start_url=start_url, limits=limits, **kwargs)
        st = self.state
        self.crawl_state = SharedCrawlState(st, start_url, {"robots_ignored": self.facts["robots_ignored"]})
        st.take_ops()  # the initial facts are written by the start task, not by every instance

    # ---- per request ------------------------------------------------------------------------

    def begin(self) -> None:
        """Before a callback: fresh write buffer and link-health scratch, shared values re-read."""
        scope, skip = self.state.begin()
        self.scope.refresh(scope)
        self.skip_keys.refresh(skip)
        self.t0 = time.monotonic() - (time.time() - wall_t0(self.state))
        self.links, self.empty_links, self.empty_seq = {}, {}, {}
        self.page_ids, self.page_urls, self.fetched = {}, [], {}

    def take_ops(self) -> list[list[Any]]:
        """After a callback: its buffered state writes, link health included."""
        st = self.state
        per_page: dict[str, dict[str, list]] = {}
        for url, (_src, text, sources) in self.links.items():
            for i in dict.fromkeys(sources):
                per_page.setdefault(self.page_urls[i], {"links": [], "empty": []})["links"].append([url, text])
        for (page, n), (raw, text) in sorted(self.empty_links.items()):
            per_page.setdefault(page, {"links": [], "empty": []})["empty"].append([n, raw, text])
        for page, blob in per_page.items():
            st.ops.append(["HSETNX", st.key("pagelinks"), page, json.dumps(blob, ensure_ascii=False)])
        for url, (status, error) in self.fetched.items():
            st.ops.append(["HSET", st.key("fetched"), url, json.dumps([status, error])])
        return st.take_ops()

    def _links(self, sel: Any, page_url: str) -> list[str]:
        """The page's links, with their `url_key` / `requested` membership fetched in one round trip
        (a first list page checks every link against both)."""
        urls = super()._links(sel, page_url)
        prefetch(self.state, [(self.url_key, urls), (self.requested, urls)])
        return urls

    def _status(self, key: str, status: str, detail: str | None) -> ColumnRecord:
        rec = super()._status(key, status, detail)
        self.columns.put(rec)  # type: ignore[attr-defined]
        return rec

    def _kind(self, key: str, kind: str) -> ColumnRecord:
        rec = super()._kind(key, kind)
        self.columns.put(rec)  # type: ignore[attr-defined]
        return rec

    def on_idle(self) -> None:  # the crawl's stages replace the idle hook
        return None

    # ---- stages -----------------------------------------------------------------------------

    def open_crawl(self) -> None:
        """Start task: record the crawl's start time and its initial facts."""
        self.state.put("t0", repr(time.time()), first=True)
        self.facts["robots_ignored"] = self.facts["robots_ignored"]

    def load_link_health(self) -> None:
        """Rebuild the spider's link tables (links, empty links, fetched) from every page's share."""
        r, st = self.state.r, self.state
        self.links, self.empty_links, self.page_ids, self.page_urls = {}, {}, {}, []
        pages = {k.decode(): json.loads(v) for k, v in r.hgetall(st.key("pagelinks")).items()}
        for page in sorted(pages):
            src = self._page_index(page)
            blob = pages[page]
            for url, text in blob["links"]:
                entry = self.links.get(url)
                if entry is None:
                    self.links[url] = [page, text, array("I", [src])]
                elif len(entry[2]) < MAX_SOURCES and entry[2][-1] != src:
                    entry[2].append(src)
            for n, raw, text in blob["empty"]:
                self.empty_links[(page, n)] = (raw, text)
        self.fetched = {k.decode(): tuple(json.loads(v)) for k, v in r.hgetall(st.key("fetched")).items()}

    def link_check_requests(self) -> list[scrapy.Request]:
        """Stage 1: the link checks the local spider makes when the crawl goes idle."""
        self.load_link_health()
        self.requested = {m.decode() for m in self.state.r.smembers(self.state.key("req"))}
        return self._link_checks()

    def search_requests(self) -> list[scrapy.Request]:
        """Stage 2: the search test."""
        req = self._search_request()
        return [req] if req is not None else []

    def site_facts(self) -> dict[str, Any]:
        raw = self.state.r.hgetall(self.state.key("facts"))
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    def counters(self) -> dict[str, int]:
        return {name: self.state.counter(name) for name in COUNTERS}

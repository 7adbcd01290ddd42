"""The one generic portal spider: home page → 信息公开 entry → column tree → list pages → articles.

CMS specifics live in `crawler.cms` adapters, chosen per page by fingerprint. The spider keeps
the column tree, the limits, link health and site facts; everything found is yielded as records
(`crawler.records`) that `crawler.pipelines.StorePipeline` writes to the store. A page goes
through the browser (scrapy-playwright) only when its adapter or the generic reader says the
list or menu is filled by script.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from lxml import etree
from parsel import Selector
from scrapy import signals
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import threads
from twisted.python.failure import Failure

from crawler.cms import GenericAdapter, article_adapter, by_name, detect
from crawler.discovery.classify import says_empty, says_no_data
from crawler.extract.article import is_truncated
from crawler.extract.columns import prune, tab_columns
from crawler.extract.files import extract_text
from crawler.extract.html import clean, node_text, page_key
from crawler.extract.readable import unreadable_reason
from crawler.extract.types import ApiCall, ListPage, NavNode
from crawler.failures import describe as describe_failure
from crawler.records import (
    ArticleRecord,
    AttachmentRecord,
    ColumnRecord,
    CrawlInfo,
    ItemTitle,
    ListRecord,
    PageRecord,
)
from crawler.spiders.discovery import DiscoveryMixin
from crawler.spiders.linkhealth import MAX_SOURCES, LinkHealthMixin
from crawler.spiders.pages import (
    LOGIN_URL,
    PageSelector,
    body_sha256,
    page_selector,
    page_source,
    restricted_reason,
)
from crawler.spiders.probes import HOP_RE, ProbesMixin, entry_link, find_entry
from crawler.spiders.rendering import RenderingMixin, use_lazy_browser
from crawler.spiders.settled import settled
from crawler.spiders.state import LocalCrawlState, StateAttributes
from xxgk.settings import CrawlSettings

log = logging.getLogger(__name__)
UNREAD = "page could not be read"
MIN_CONTENT_CHARS = 30
ANNUAL = re.compile(r"年度报告|年报")


class PortalSpider(DiscoveryMixin, LinkHealthMixin, ProbesMixin, RenderingMixin, StateAttributes,
                   scrapy.Spider):
    """Crawl one site (one `Crawl` row) and yield records for the store."""

    name = "portal"
    # Scrapy starts one task per allowed concurrent item for every callback's output (default 100);
    # a callback yields a handful of records, and the store pipeline is synchronous, so a few workers
    # do the same work without creating ~100 asyncio tasks per response. (bench/crawl.py gives the
    # bare spider the same value.)
    custom_settings = {"CONCURRENT_ITEMS": 8}

    def __init__(
        self,
        crawl_id: int,
        site_id: int,
        start_url: str,
        limits: CrawlSettings | Mapping[str, Any] | None = None,
        progress: Callable[[str, dict], None] | None = None,
        warc: Any = None,
        resuming: bool = False,
        browser: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.crawl_id = crawl_id
        self.site_id = site_id
        self.start_url = start_url
        self.crawl_settings = crawl = CrawlSettings.coerce(limits)  # the run's settings (a mapping is parsed)
        self.progress = progress
        self.warc = warc
        self.resuming = resuming
        self.browser = browser
        self.replayed = 0
        # everything another request of this crawl must see (`crawler.spiders.state`)
        self.crawl_state = LocalCrawlState(start_url, {"robots_ignored": not crawl.obey_robots})
        self.max_pages = crawl.max_pages
        self.max_depth = crawl.max_depth
        self.max_list_pages = crawl.max_list_pages
        self.max_seconds = crawl.max_seconds
        self.fetch_articles = crawl.fetch_articles
        self.max_articles = crawl.max_articles
        self.fetch_attachments = crawl.fetch_attachments
        self.max_attachments = crawl.max_attachments
        self.max_attachment_bytes = crawl.max_attachment_bytes
        self.check_links = crawl.check_links
        self.max_link_checks = crawl.max_link_checks
        self.max_offsite_checks = crawl.max_offsite_checks
        self.max_rendered = crawl.max_browser_pages
        self.search = crawl.search
        self.max_candidates = crawl.max_candidates
        self.t0 = time.monotonic()
        # link health
        self.links: dict[str, list[Any]] = {}  # target → [from_url, text]
        self.empty_links: dict[tuple[str, int], tuple[str, str]] = {}  # (page, n-th) → (href, text)
        self.empty_seq: dict[str, int] = {}
        self.fetched: dict[str, tuple[int | None, str | None]] = {}
        self.page_ids: dict[str, int] = {}
        self.page_urls: list[str] = []
        self.checks_done = False
        self.search_done = False
        # browser contexts
        self.ctx_n = 0
        self.ctx_used = 0
        self.ctx_open: dict[str, int] = {}

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Swap scrapy-playwright's handler for the lazy one (Playwright starts on the site's first
        rendered page, not for every site at engine start)."""
        super().update_settings(settings)
        use_lazy_browser(settings)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    # ---- requests -------------------------------------------------------------------------

    def _limit(self, depth: int) -> str | None:
        if self.scheduled >= self.max_pages:
            return "page limit"
        if time.monotonic() - self.t0 > self.max_seconds:
            return "time limit"
        if depth > self.max_depth:
            return "depth limit"
        return None

    def _request(self, url: str, callback: Callable, depth: int = 0, **meta: Any) -> scrapy.Request | None:
        """A request, unless a limit says stop (the reason is kept for the crawl record)."""
        reason = self._limit(depth)
        if reason:
            self.stop_reason = self.stop_reason or reason
            return None
        self.scheduled += 1
        self.requested.add(url)
        meta["depth"] = depth
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=True)

    async def start(self) -> AsyncIterator[Any]:
        for out in self.start_output():
            yield out

    def start_output(self) -> Iterator[Any]:
        """The crawl's first records and request (also run by a distributed worker's start task)."""
        if self.facts["robots_ignored"]:
            yield CrawlInfo(facts={"robots_ignored": True})
        req = self._request(self.start_url, self.parse_start, 0, kind="home")
        if req is not None:
            yield req

    # ---- pages ----------------------------------------------------------------------------

    def _page(self, response: Response, kind: str, sel: Selector | None = None, **extra: Any) -> PageRecord:
        ctype = response.headers.get(b"Content-Type")
        self._mark_fetched(response)
        title = None
        if sel is not None:
            title = _page_title(sel)
        rendered = bool(response.meta.get("playwright") or response.meta.get("rendered"))
        return PageRecord(
            url=response.url,
            status=response.status,
            kind=kind,
            content_type=ctype.decode("latin-1") if ctype else None,
            size=len(response.body),
            sha256=body_sha256(response),
            render="browser" if rendered else "http",
            depth=response.meta.get("depth"),
            title=title,
            evidence_ref=response.meta.get("warc_id"),
            payload_warc=(response.meta.get("warc_payload") or (None, None))[0],
            payload_ref=(response.meta.get("warc_payload") or (None, None))[1],
            **extra,
        )

    @settled
    def parse_start(self, response: Response) -> Iterator[Any]:
        """Home page: follow the 信息公开 entry, or treat the page itself as the portal."""
        sel = page_selector(response)
        title = clean(sel.xpath("//title").xpath("string()").get()) if sel else ""
        self.scope.add(response.url)
        if sel is not None:
            self._home_facts(sel, response.url)
            self._find_search(sel, response.url)
            self._channels(sel, response.url)
        entry = None if sel is None or "信息公开" in title else entry_link(sel, response.url)
        if entry and entry["url"] != response.url:
            yield self._page(response, "home", sel)
            if sel is not None:
                self._links(sel, response.url)
            self.skip_keys.add(page_key(response.url))
            self.scope.add(entry["url"])  # the site's own declared entry (e.g. xxgk.<school>.edu.cn)
            yield CrawlInfo(facts={"entry": {**entry, "depth": 1}})
            req = self._request(entry["url"], self.parse_portal, 1, kind="portal")
            if req is not None:
                yield req
            return
        if sel is not None and "信息公开" not in title:
            hop = entry_link(sel, response.url, HOP_RE)
            if hop and hop["url"] != response.url:
                yield self._page(response, "home", sel)
                self._links(sel, response.url)
                self.skip_keys.add(page_key(response.url))
                req = self._request(hop["url"], self.parse_hop, 1, kind="other", hop=hop)
                if req is not None:
                    yield req
                    return
        facts = {"entry": {"url": response.url, "text": title, "depth": 0, "hidden": False, "place": None}}
        if sel is not None and "信息公开" not in title:
            facts = {"entry": {"url": None, "text": None, "depth": None, "hidden": None, "place": None}}
        yield CrawlInfo(facts=facts)
        self.skip_keys.add(page_key(response.url))
        yield from self.parse_portal(response, kind="portal")

    @settled
    def parse_hop(self, response: Response) -> Iterator[Any]:
        """A 政务公开 page between the home page and the 信息公开 portal (entry two clicks deep)."""
        sel = page_selector(response)
        hop = response.meta["hop"]
        entry = entry_link(sel, response.url) if sel is not None else None
        if entry and entry["url"] != response.url:
            yield self._page(response, "other", sel)
            self._links(sel, response.url)
            self.skip_keys.add(page_key(response.url))
            self.scope.add(entry["url"])
            entry = {**entry, "depth": 2, "hidden": bool(entry["hidden"] or hop["hidden"])}
            yield CrawlInfo(facts={"entry": entry})
            req = self._request(entry["url"], self.parse_portal, 2, kind="portal")
            if req is not None:
                yield req
            return
        yield CrawlInfo(facts={"entry": {**hop, "depth": 1}})
        yield from self.parse_portal(response, kind="portal")

    @settled
    def parse_portal(self, response: Response, kind: str = "portal") -> Iterator[Any]:
        """Portal page: read the column tree and request every on-site column."""
        sel = page_selector(response)
        rendered = bool(response.meta.get("playwright") or response.meta.get("rendered"))
        if sel is not None and not rendered:
            adapter = detect(sel.get(), response.url)
            why = adapter.nav_needs_render(sel)
            if why:
                req = self._render(response.url, response.meta.get("depth", 0), why, kind=kind, role="portal")
                if req is not None:
                    self.portal_url = response.url
                    yield req
                    return
        yield self._page(response, kind, sel)
        self.portal_url = response.url
        if sel is None:
            yield CrawlInfo(portal_url=response.url)
            return
        links = self._links(sel, response.url)
        self._find_search(sel, response.url)
        self._channels(sel, response.url, "portal_channels")
        adapter = detect(sel.get(), response.url)
        yield CrawlInfo(portal_url=response.url, cms=adapter.name)
        skip = {page_key(u) for u in (response.url, self.start_url, response.request.url)}
        self.skip_keys |= skip
        depth = response.meta.get("depth", 0)
        for node in prune(adapter.nav_tree(sel, response.url), skip):
            yield from self._add_column(node, None, skip, depth + 1, adapter)
        # Columns only a tab strip names (their panes hidden); ones the nav already has are skipped.
        for node in prune(tab_columns(sel, response.url), skip):
            yield from self._add_column(node, None, skip, depth + 1, adapter)
        # Every other on-scope link that could be a column is fetched once and judged by what it is.
        yield from self._discover(sel, response.url, None, depth + 1, adapter, skip, links)

    def _add_column(
        self,
        node: NavNode,
        parent: ColumnRecord | None,
        skip: set[str],
        depth: int,
        adapter: GenericAdapter | None = None,
    ) -> Iterator[Any]:
        """Record a nav node (and its subtree) as columns; request on-site column pages."""
        if node.url is not None and (
            node.url in self.url_key or page_key(node.url) in skip or page_key(node.url) in self.skip_keys
        ):
            return
        parent_key = parent.key if parent else None
        key = node.url or f"group:{parent_key or ''}/{node.name}"
        if key in self.columns:
            return
        segment = node.name.replace("/", "／")  # "/" separates path levels; keep names unambiguous
        path = f"{parent.path}/{segment}" if parent else segment
        offsite = node.url is not None and node.url not in self.scope
        rec = ColumnRecord(
            key=key,
            name=node.name,
            url=node.url,
            parent_key=parent_key,
            path=path,
            depth=(parent.depth + 1) if parent else 1,
            offsite=offsite,
            status="not_fetched" if offsite else "ok",
            kind="group" if node.url is None or not node.fetch else None,
        )
        self.columns[key] = rec
        if node.url:
            self.url_key[node.url] = key
        yield rec
        if node.url and not offsite and node.fetch:
            self.col_pages[key] = {node.url}
            self.col_depth[key] = depth
            call = adapter.column_call(node.url) if adapter is not None else None
            if call is not None:
                req = self._api_request(call, key, adapter, depth, first=True)
            else:
                req = self._request(node.url, self.parse_column, depth, kind="list", column=key, first=True)
            if req is not None:
                yield req
            else:
                yield self._status(key, "not_fetched", self.stop_reason)
        for child in node.children:
            yield from self._add_column(child, rec, skip, depth + 1, adapter)

    def _status(self, key: str, status: str, detail: str | None) -> ColumnRecord:
        rec = self.columns[key]
        rec.status, rec.status_detail = status, detail
        return rec

    @settled
    def parse_column(self, response: Response,
                     read: tuple[Selector, GenericAdapter, ListPage] | None = None) -> Iterator[Any]:
        """A column page (first or later list page): items, pager, sub-columns or body text. `read`:
        the page's selector, adapter and list as the caller already read them from this response."""
        key: str = response.meta["column"]
        first: bool = response.meta.get("first", False)
        depth: int = response.meta.get("depth", 0)
        sel = read[0] if read is not None else page_selector(response)
        if sel is None:
            yield self._page(response, "list")
            ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            yield ListRecord(column_key=key, page_url=response.url, found=False, has_content=True)
            if first:
                yield self._status(key, "ok", f"non-HTML column page: {ctype}")
            return
        barrier = restricted_reason(response, sel)
        if barrier:
            yield self._page(response, "list", sel, restricted=barrier)
            if first:
                yield self._status(key, "restricted", barrier)
            else:
                yield from self._incomplete(key, response.url, barrier)
            return
        rendered = bool(response.meta.get("playwright") or response.meta.get("rendered"))
        if read is not None:
            adapter, page = read[1], read[2]
        else:
            adapter = self._adapter(sel, response)
            page = adapter.list_page(sel, response.url)
        if not rendered:
            why = page.render_reason if page.render else adapter.needs_render(sel, page)
            if why:
                req = self._render(response.url, depth, why, kind="list", column=key, first=first,
                                   role="column", static_items=len(page.items))
                if req is not None:
                    yield req
                    return
        unread = None if page.items or page.found else unreadable_reason(response.body, sel)
        if unread:  # nothing can be said about this column's content: never "blank"
            yield self._page(response, response.meta.get("page_kind", "list"), sel, error=unread)
            if first:
                yield self._status(key, "error", unread)
            else:
                yield from self._incomplete(key, response.url, unread)
            return
        page_rec = self._page(response, response.meta.get("page_kind", "list"), sel)
        links = self._links(sel, response.url)
        found: list[Any] = []
        if first:
            known = {it.url for it in page.items} | set(page.pager.page_urls)
            if page.pager.next_url:
                known.add(page.pager.next_url)
            fresh = [u for u in links if u not in self.url_key and u not in known and u in self.scope
                     and page_key(u) not in self.skip_keys and u not in self.requested]
            if fresh:
                found += list(self._sub_columns(adapter, sel, response.url, key, depth))
                found += list(self._discover(sel, response.url, key, depth + 1, adapter, known, links))
        has_content = False
        if first and not page.items and not page.found:
            body = adapter.content(sel)
            has_content = len(body.replace(" ", "")) >= MIN_CONTENT_CHARS and not says_empty(sel)
            if has_content:
                found.append(self._kind(key, "content"))
        if first and "page_kind" not in response.meta:
            below = self._links_below(sel, response.url) if not (page.items or page.found) else 0
            empty = not (page.items or page.found or has_content) and says_no_data(sel)
            page_rec.kind = _page_kind(page, has_content, found, below, empty)
        yield page_rec
        yield from found
        yield ListRecord(
            column_key=key,
            page_url=response.url,
            items=page.items,
            found=page.found,
            declared_count=page.pager.declared_count,
            has_content=has_content,
            cms=adapter.name,
            total_pages=page.virtual_pages,
        )
        yield from self._item_requests(page, key, depth)
        for call in page.calls:
            req = self._api_request(call, key, adapter, depth)
            if req is not None:
                yield req
        seen = self.col_pages.setdefault(key, {response.url})
        seen.add(response.url)
        pager = page.pager
        page_depth = self.col_depth.get(key, depth) + 1
        for url in page.render_pages:
            if url in seen or url not in self.scope:
                continue
            seen.add(url)
            req = self._render(url, page_depth, "list page filled by script", kind="list", column=key,
                               role="column")
            if req is not None:
                yield req
        for url in [*([pager.next_url] if pager.next_url else []), *pager.page_urls]:
            if url in seen or url not in self.scope:
                continue
            if len(seen) >= self.max_list_pages:
                self.stop_reason = self.stop_reason or "list page limit"
                break
            seen.add(url)
            if rendered:
                req = self._render(url, page_depth, "list page of a rendered list", kind="list", column=key,
                                   role="column")
            else:
                req = self._request(url, self.parse_column, page_depth, kind="list", column=key)
            if req is not None:
                yield req

    def _adapter(self, sel: Selector, response: Response) -> GenericAdapter:
        """The page's adapter by fingerprint (every page: families share markup, so no caching)."""
        return detect(response.text if isinstance(response, TextResponse) else sel.get(), response.url)

    def _kind(self, key: str, kind: str) -> ColumnRecord:
        rec = self.columns[key]
        rec.kind = kind
        return rec

    def _item_requests(self, page: ListPage, key: str, depth: int) -> Iterator[Any]:
        """Article pages of the listed items (default on, bounded by `max_articles`)."""
        for item in page.items:
            if not self.search_query and item.title and not is_truncated(item.title):
                self.search_query = item.title
            cut = is_truncated(item.title)
            if not (self.fetch_articles or cut) or item.url not in self.scope or item.url in self.requested:
                continue
            if self.articles_requested >= self.max_articles and not cut:
                self.stop_reason = self.stop_reason or "article limit"
                continue
            self.articles_requested += 1
            req = self._request(
                item.url,
                self.parse_article,
                depth + 1,
                kind="article",
                column=key,
                item_url=item.url,
                listed_title=item.title,
            )
            if req is not None:
                yield req

    def _api_request(self, call: ApiCall, key: str, adapter: GenericAdapter, depth: int,
                     first: bool = False) -> scrapy.Request | None:
        """A data request of a column (`first`: the column's only way in, so its failure fails the column)."""
        reason = self._limit(depth)
        if reason:
            self.stop_reason = self.stop_reason or reason
            return None
        self.scheduled += 1
        meta = {"kind": "api", "column": key, "adapter": adapter.name, "call": call, "depth": depth}
        if first:
            meta["first"] = True
        if call.method.upper() == "POST":
            return scrapy.FormRequest(call.url, formdata=call.form or {}, callback=self.parse_api,
                                      errback=self.on_error, meta=meta, dont_filter=True)
        url = call.url
        if call.form:
            url += ("&" if "?" in url else "?") + urlencode(call.form)
        return scrapy.Request(url, callback=self.parse_api, errback=self.on_error, meta=meta, dont_filter=True)

    @settled
    def parse_api(self, response: Response) -> Iterator[Any]:
        """A data request's answer (Hanweb dataproxy XML, gkmlpt JSON): items, further calls."""
        key: str = response.meta["column"]
        depth: int = response.meta.get("depth", 0)
        adapter = by_name(response.meta["adapter"])
        call: ApiCall = response.meta["call"]
        text = response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        page = adapter.parse_api(text, response.url, call)
        self._mark_fetched(response)
        yield ListRecord(
            column_key=key,
            page_url=response.url,
            items=page.items,
            found=page.found,
            declared_count=page.pager.declared_count,
            cms=adapter.name,
            counts_as_page=False,
            total_pages=page.pager.total_pages,
        )
        yield from self._item_requests(page, key, depth)
        for nxt in page.calls:
            req = self._api_request(nxt, key, adapter, depth)
            if req is not None:
                yield req

    def _sub_columns(self, adapter: GenericAdapter, sel: Selector, url: str, key: str, depth: int) -> Iterator[Any]:
        """Columns first seen on a column page: the adapter's sub-column menu, and nav nodes
        nested under an already-known column."""
        parent = self.columns[key]
        for node in adapter.sub_columns(sel, url):
            yield from self._add_column(node, parent, {page_key(url)}, depth + 1, adapter)
        for node in _flat_with_parent(adapter.nav_tree(sel, url)):
            child, tree_parent = node
            if child.url in self.url_key or tree_parent is None or tree_parent.url not in self.url_key:
                continue
            known = self.columns[self.url_key[tree_parent.url]]
            yield from self._add_column(child, known, {page_key(url)}, depth + 1, adapter)

    @settled
    def parse_article(self, response: Response) -> Iterator[Any]:
        """Article page: title, date, metadata block, body, attachments."""
        sel = page_selector(response)
        if sel is None:  # the "article" is a file
            yield self._page(response, "article")
            yield from self._attachment_result(response, response.meta["item_url"], response.meta.get("listed_title"))
            return
        barrier = restricted_reason(response, sel)
        adapter = article_adapter(response.text if isinstance(response, TextResponse) else sel.get(), response.url)
        info = adapter.article(sel, response.url, page_source(sel))
        yield self._page(response, "article", sel, restricted=barrier, text_chars=info.body_chars,
                         image_only=info.image_only)
        self._links(sel, response.url)
        if barrier:
            return
        listed = response.meta.get("listed_title") or ""
        if listed and is_truncated(listed) and info.title:
            yield ItemTitle(column_key=response.meta["column"], url=response.meta["item_url"], title=info.title)
        annual = bool(ANNUAL.search(listed or "") or ANNUAL.search(info.title or ""))
        body_text = None
        if annual:
            from crawler.extract.article import body_node

            node = body_node(sel)
            body_text = node_text(node) if node is not None else None
        yield ArticleRecord(
            url=response.meta["item_url"],
            title=info.title,
            date=info.date,
            meta=info.meta,
            unit=info.unit,
            body_chars=info.body_chars,
            image_only=info.image_only,
            annual_report=annual and not info.attachments,
            text=body_text,
            raw=response.body if annual else None,
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1") or None,
            sha256=body_sha256(response),
        )
        if not self.fetch_attachments:
            return
        depth = response.meta.get("depth", 0)
        for att in info.attachments:
            if att.type not in ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et"):
                continue
            if att.url in self.requested or att.url not in self.scope:
                continue
            if self.attachments_requested >= self.max_attachments:
                self.stop_reason = self.stop_reason or "attachment limit"
                break
            self.attachments_requested += 1
            req = self._request(
                att.url,
                self.parse_attachment,
                depth + 1,
                kind="attachment",
                item_url=response.meta["item_url"],
                att_name=att.name,
                att_type=att.type,
                listed_title=listed or info.title,
                download_maxsize=self.max_attachment_bytes,
            )
            if req is not None:
                yield req

    async def parse_attachment(self, response: Response) -> AsyncIterator[Any]:
        """A file linked from an article: text extracted in a thread (PDF parsing is slow)."""
        yield self._page(response, "attachment")
        title = response.meta.get("listed_title") or ""
        from scrapy.utils.defer import maybe_deferred_to_future

        kind, ft = await maybe_deferred_to_future(
            threads.deferToThread(extract_text, response.body, response.meta.get("att_type", ""))
        )
        for rec in self._attachment_records(response, kind, ft, title):
            yield rec

    def _attachment_result(self, response: Response, item_url: str, title: str | None) -> Iterator[Any]:
        kind, ft = extract_text(response.body, urlsplit(response.url).path.rsplit(".", 1)[-1].lower())
        yield from self._attachment_records(response, kind, ft, title or "", item_url=item_url)

    def _attachment_records(self, response: Response, kind: str, ft: Any, title: str,
                            item_url: str | None = None) -> Iterator[Any]:
        name = response.meta.get("att_name") or response.url.rsplit("/", 1)[-1]
        annual = bool(ANNUAL.search(title) or ANNUAL.search(name))
        yield AttachmentRecord(
            item_url=item_url or response.meta["item_url"],
            url=response.url,
            name=name,
            type=kind,
            status=response.status,
            error=ft.error,
            text=ft.text or None,
            text_chars=ft.text_chars,
            scanned=ft.scanned,
            role="annual_report" if annual else "attachment",
            content_type=(response.headers.get(b"Content-Type") or b"").decode("latin-1") or None,
            sha256=body_sha256(response),
            size=len(response.body),
            body=response.body if annual else None,
        )

    # ---- end of crawl: link checks and the search test ---------------------------------------

    def site_facts(self) -> dict[str, Any]:
        """Facts for `Crawl.facts` (entry, home_newest_date, search, robots_ignored, …)."""
        facts = dict(self.facts)
        if self.unread_pages:
            facts["unread_pages"] = self.unread_pages
        return facts

    # ---- errors ---------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Record the failed page; fail the crawl if it was the start page; flag the column."""
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("kind", "other")
        status, restricted = None, None
        if failure.check(HttpError):
            resp = failure.value.response
            status = resp.status
            error = f"HTTP {status}"
            if status in (401, 403):
                restricted = error
        else:
            error, restricted = describe_failure(failure)
            target = urlsplit(getattr(failure.value, "target", None) or "")
            if getattr(failure.value, "kind", None) == "off-site" and LOGIN_URL.search(f"{target.path}?{target.query}"):
                restricted = f"redirected to login: {target.geturl()}"  # a login wall on another host
        # a refused redirect hop is reported on the page that was asked for, not on its target
        url = getattr(failure.value, "url", None) or request.url
        self.fetched[url] = (status, None if status else error)
        if kind != "api":
            yield PageRecord(url=url, status=status, kind=kind, error=error, restricted=restricted,
                             depth=request.meta.get("depth"))
        if kind == "home" or (kind == "portal" and self.portal_url is None):
            self.failed = restricted or error
        yield from self._column_failed(request.meta, request.url, "restricted" if restricted else "error",
                                       restricted or error)

    def record_unread(self, response: Response, exc: BaseException) -> Iterator[Any]:
        """A page that answered but whose reading raised (a bug of ours, or markup no reader foresaw).

        Whatever the page held — columns, items, an article's facts — is unknown, so nothing may be called
        missing because of it: the page is recorded with the error, its column is `error` (a first page) or
        `incomplete` (a later one), and the crawl counts it (`Crawl.facts["unread_pages"]`), which makes
        its coverage implausible (`scoring.coverage`)."""
        meta = response.meta
        kind = meta.get("kind", "other")
        why = f"{UNREAD}: {type(exc).__name__}: {exc}"[:500]
        self.unread_pages += 1
        if "unread_page" not in self.facts:  # the first one, for the report's reason line
            self.facts["unread_page"] = {"url": response.url, "error": why}
        if kind != "api":
            yield PageRecord(url=response.url, status=response.status, kind=kind, error=why,
                             depth=meta.get("depth"))
        yield from self._column_failed(meta, response.url, "error", why)

    def _column_failed(self, meta: Mapping[str, Any], url: str, status: str, why: str) -> Iterator[ColumnRecord]:
        """A column's list page or data request failed: a first page gives the column `status`, a later
        one makes it incomplete."""
        key = meta.get("column")
        if key and meta.get("kind", "other") in ("list", "api"):
            if meta.get("first"):
                yield self._status(key, status, why)
            else:
                yield from self._incomplete(key, url, why)

    def _incomplete(self, key: str, url: str, why: str) -> Iterator[ColumnRecord]:
        """A later list page or data request of a readable column failed: its items are only in part
        (status `incomplete`), so checks may not call something in it missing. The first failure is kept."""
        if key in self.columns and self.columns[key].status == "ok":  # (`columns` may be a Redis view)
            yield self._status(key, "incomplete", f"list page failed: {url} ({why})")


def _page_kind(page: ListPage, has_content: bool, found: list[Any], below: int = 0, empty_list: bool = False) -> str:
    """A column's first page classified: list, landing (it led to columns, or links to pages in its
    own URL folder), content or unclassified."""
    if page.items or page.found or empty_list:
        return "list"
    led = [r for r in found if isinstance(r, scrapy.Request) or (isinstance(r, ColumnRecord) and r.kind != "content")]
    if led or below:
        return "landing"
    return "content" if has_content else "unclassified"


_TITLES = etree.XPath("//title")
_STRING = etree.XPath("string()", smart_strings=False)


def _page_title(sel: Selector) -> str | None:
    """The string value of the page's first `<title>` (what `//title` then `string()` gives), cleaned."""
    try:
        titles = _TITLES(sel.root)
    except (TypeError, ValueError, etree.XPathEvalError):  # a selector over no tree
        return clean(sel.xpath("//title").xpath("string()").get()) or None
    return (clean(_STRING(titles[0])) or None) if titles else None


def _flat_with_parent(roots: list[NavNode]) -> list[tuple[NavNode, NavNode | None]]:
    out: list[tuple[NavNode, NavNode | None]] = []

    def walk(node: NavNode, parent: NavNode | None) -> None:
        out.append((node, parent))
        for ch in node.children:
            walk(ch, node)

    for r in roots:
        walk(r, None)
    return out


# re-exported: other modules and tests import these from the spider module
__all__ = ["MAX_SOURCES", "PageSelector", "PortalSpider", "body_sha256", "entry_link", "find_entry", "page_selector",
           "page_source", "restricted_reason", "use_lazy_browser"]

"""The one generic portal spider: home page → 信息公开 entry → column tree → list pages → articles.

CMS specifics live in `crawler.cms` adapters, chosen per page by fingerprint. The spider keeps
the column tree, the limits, link health and site facts; everything found is yielded as records
(`crawler.records`) that `crawler.pipelines.StorePipeline` writes to the store. A page goes
through the browser (scrapy-playwright) only when its adapter or the generic reader says the
list or menu is filled by script.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import time
from array import array
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import threads
from twisted.python.failure import Failure

from crawler.cms import GenericAdapter, by_name, detect
from crawler.discovery.channels import site_channels
from crawler.discovery.classify import says_no_data
from crawler.extract.article import is_truncated
from crawler.extract.columns import prune, tab_columns
from crawler.extract.dates import parse_date
from crawler.extract.files import extract_text
from crawler.extract.html import Scope, absolute, clean, node_text, page_key
from crawler.extract.types import ApiCall, ListPage, NavNode
from crawler.middlewares import LAZY_PLAYWRIGHT_HANDLER, PLAYWRIGHT_HANDLER
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

log = logging.getLogger(__name__)
ENTRY_RE = re.compile(r"^(?:政府|政务|校务|院务)?信息公开(?:网|专栏|平台|主页|门户|专题|目录)?$")
MIN_CONTENT_CHARS = 30
RESTRICTED_WORDS = ("IP地址范围未授权", "ip地址访问受限", "IP地址访问受限", "访问受限", "无权访问", "未授权访问")
_RESTRICTED_LOW = tuple(dict.fromkeys(w.lower() for w in RESTRICTED_WORDS))
LOGIN_URL = re.compile(r"login|logon|signin|sign_in|/cas/|/sso|passport|/auth/|denglu", re.I)
ANNUAL = re.compile(r"年度报告|年报")
EMPTY_HREF = re.compile(r"^(?:#|javascript:.*)$", re.I | re.S)  # blank, '#', any javascript: pseudo-link
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
FOOTER_HINT = re.compile(r"foot|bottom|copyright|banquan", re.I)
HEADER_HINT = re.compile(r"header|top|mainnav|\bnav", re.I)
HOP_RE = re.compile(r"^(?:政务公开|政府公开|公开)$")
MAX_SOURCES = 5000  # pages remembered per link target (a broken link is reported once per page)
CONTEXT_PAGES = 20  # browser pages per context before it is recycled


def use_lazy_browser(settings: Any) -> None:
    """Point the download handlers at the lazy Playwright handler (Playwright starts on first use)."""
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    swapped = {k: LAZY_PLAYWRIGHT_HANDLER if v == PLAYWRIGHT_HANDLER else v for k, v in handlers.items()}
    if swapped != handlers:
        settings.set("DOWNLOAD_HANDLERS", swapped, priority="spider")


def find_entry(sel: Selector, base: str) -> str | None:
    """The 信息公开 entry link of a home page (text or title such as 信息公开/信息公开网/政府信息公开)."""
    found = entry_link(sel, base)
    return found["url"] if found else None


def _link_place(a: Selector) -> tuple[bool, str]:
    """(hidden, place) of a link: hidden inside a display:none block or as a tiny image;
    place is footer / header / body."""
    hidden, place = False, "body"
    for anc in a.xpath("ancestor-or-self::*"):
        if HIDDEN_STYLE.search(anc.attrib.get("style", "")) or anc.attrib.get("hidden") is not None:
            hidden = True
        hints = f"{anc.attrib.get('class', '')} {anc.attrib.get('id', '')}"
        if anc.root.tag == "footer" or FOOTER_HINT.search(hints):
            place = "footer"
        elif place == "body" and (anc.root.tag in ("header", "nav") or HEADER_HINT.search(hints)):
            place = "header"
    if not node_text(a):
        for img in a.xpath(".//img"):
            w, h = img.attrib.get("width", ""), img.attrib.get("height", "")
            if (w.isdigit() and int(w) <= 16) or (h.isdigit() and int(h) <= 16):
                hidden = True
    return hidden, place


def entry_link(sel: Selector, base: str, pattern: re.Pattern[str] = ENTRY_RE) -> dict[str, Any] | None:
    """The best 信息公开 entry link with its text, place and whether every such link is hidden."""
    cands: list[tuple[int, int, str, str, bool, str]] = []
    for n, a in enumerate(sel.xpath("//a[@href]")):
        url = absolute(base, a.attrib.get("href"))
        if not url or url == base:
            continue
        for label in (node_text(a), clean(a.attrib.get("title")), clean(a.xpath(".//img/@alt").get())):
            if label and pattern.match(label.replace(" ", "")):
                rank = 0 if label in ("信息公开网", "信息公开") else 1
                hidden, place = _link_place(a)
                cands.append((rank, n, url, label, hidden, place))
                break
    if not cands:
        return None
    visible = [c for c in cands if not c[4]]
    best = min(visible or cands)
    return {"url": best[2], "text": best[3], "hidden": not visible, "place": best[5]}


def body_sha256(response: Response) -> str:
    """Hex sha256 of the body: the one the evidence middleware computed for the WARC record, if any."""
    known = response.meta.get("body_sha256") if response.request is not None else None
    if known and known[0] == response.url and known[1] == len(response.body):
        return known[2]
    return hashlib.sha256(response.body).hexdigest()


def page_selector(response: Response) -> Selector | None:
    """A selector over the page text; re-decodes as GB18030 when the declared charset was wrong."""
    if not isinstance(response, TextResponse):
        return None
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if ctype and not any(t in ctype for t in ("html", "xml", "text")):
        return None
    text = response.text
    if text.count("\ufffd") > 3:
        for enc in ("gb18030", "utf-8"):
            try:
                alt = response.body.decode(enc)
            except UnicodeDecodeError:
                continue
            if alt.count("\ufffd") < text.count("\ufffd"):
                text = alt
                break
    sel = PageSelector(text=text, base_url=response.url)
    sel.source = text
    return sel


class PageSelector(Selector):
    """A page's selector that keeps the decoded page text (`source`), so readers that need the raw
    markup (comments, script configs) do not serialise the whole tree again."""

    __slots__ = ("source",)


def page_source(sel: Selector) -> str:
    """The page's markup: the decoded text it was parsed from, else the serialised tree."""
    return getattr(sel, "source", None) or sel.get()


def restricted_reason(response: Response, sel: Selector | None) -> str | None:
    """Why a 200 page is an access barrier: a login redirect, a password form, an IP-range notice."""
    redirects = response.meta.get("redirect_urls") or []
    if redirects and LOGIN_URL.search(urlsplit(response.url).path + "?" + urlsplit(response.url).query):
        return f"redirected to login: {response.url}"
    if sel is None:
        return None
    raw = response.text if isinstance(response, TextResponse) else ""
    low = raw.lower()
    if not any(w in low for w in _RESTRICTED_LOW) and "password" not in raw:
        return None
    body = sel.xpath("//body")
    text = node_text(body[0]) if body else ""
    if len(text) < 3000:
        for word in RESTRICTED_WORDS:
            if word.lower() in text.lower():
                return word
        if sel.xpath("//input[@type='password']") and len(text) < 1500:
            return "login required"
    return None


class PortalSpider(DiscoveryMixin, scrapy.Spider):
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
        limits: dict[str, Any] | None = None,
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
        self.limits = dict(limits or {})
        self.progress = progress
        self.warc = warc
        self.resuming = resuming
        self.browser = browser
        self.replayed = 0
        self.scope = Scope(start_url)
        lim = self.limits
        self.max_pages = int(lim.get("max_pages", 5000))
        self.max_depth = int(lim.get("max_depth", 8))
        self.max_list_pages = int(lim.get("max_list_pages", 500))
        self.max_seconds = float(lim.get("max_seconds", 3600))
        self.fetch_articles = bool(lim.get("fetch_articles", True))
        self.max_articles = int(lim.get("max_articles", 3000))
        self.fetch_attachments = bool(lim.get("fetch_attachments", True))
        self.max_attachments = int(lim.get("max_attachments", 300))
        self.max_attachment_bytes = int(lim.get("max_attachment_bytes", 10 * 1024 * 1024))
        self.check_links = bool(lim.get("check_links", True))
        self.max_link_checks = int(lim.get("max_link_checks", 2000))
        self.max_offsite_checks = int(lim.get("max_offsite_checks", 50))
        self.max_rendered = int(lim.get("max_browser_pages", 300))
        self.search = bool(lim.get("search", True))
        self.max_candidates = int(lim.get("max_candidates", 500))
        self.candidates_requested = 0
        self.t0 = time.monotonic()
        self.scheduled = 0
        self.articles_requested = 0
        self.attachments_requested = 0
        self.rendered_requested = 0
        self.stop_reason: str | None = None
        self.failed: str | None = None
        self.portal_url: str | None = None
        self.columns: dict[str, ColumnRecord] = {}
        self.url_key: dict[str, str] = {}
        self.col_pages: dict[str, set[str]] = {}
        self.col_depth: dict[str, int] = {}
        self.requested: set[str] = set()
        self.skip_keys: set[str] = set()  # portal / home pages: never columns
        # link health
        self.links: dict[str, list[Any]] = {}  # target → [from_url, text]
        self.empty_links: dict[tuple[str, int], tuple[str, str]] = {}  # (page, n-th) → (href, text)
        self.empty_seq: dict[str, int] = {}
        self.fetched: dict[str, tuple[int | None, str | None]] = {}
        self.page_ids: dict[str, int] = {}
        self.page_urls: list[str] = []
        self.checks_done = False
        # site facts
        self.facts: dict[str, Any] = {"robots_ignored": not bool(lim.get("obey_robots", True))}
        self.search_form: dict[str, Any] | None = None
        self.search_query: str | None = None
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

    def _render(self, url: str, depth: int, reason: str, **meta: Any) -> scrapy.Request | None:
        """The same page again through the browser (bounded pages per recycled context)."""
        if not self.browser or self.rendered_requested >= self.max_rendered:
            return None
        from scrapy_playwright.page import PageMethod

        if self.ctx_used >= CONTEXT_PAGES:
            self.ctx_n, self.ctx_used = self.ctx_n + 1, 0
        self.ctx_used += 1
        ctx = f"site{self.site_id}-{self.ctx_n}"
        self.ctx_open[ctx] = self.ctx_open.get(ctx, 0) + 1
        self.rendered_requested += 1
        meta.update(
            depth=depth,
            playwright=True,
            playwright_include_page=True,
            playwright_context=ctx,
            playwright_page_methods=[PageMethod("wait_for_load_state", "networkidle")],
            render_reason=reason,
        )
        return scrapy.Request(url, callback=self.parse_rendered, errback=self.on_render_error, meta=meta,
                              dont_filter=True)

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
            title = clean(sel.xpath("//title").xpath("string()").get()) or None
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
            **extra,
        )

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

    def _home_facts(self, sel: Selector, url: str) -> None:
        today = dt.date.today()
        dates = []
        for row in sel.xpath("//li | //tr | //dd"):
            if row.xpath(".//li | .//tr"):
                continue
            d = parse_date(node_text(row))
            if d and d <= today:
                dates.append(d)
        self.facts["home_newest_date"] = max(dates).isoformat() if dates else None

    def _channels(self, sel: Selector, url: str) -> None:
        """Site channels (政务服务, 政民互动 …) linked from the home or portal page, wherever they sit."""
        known = list(self.facts.get("channels") or [])
        have = {c["channel"] for c in known}
        new = [c for c in site_channels(sel, url) if c["channel"] not in have]
        if new or "channels" not in self.facts:
            self.facts["channels"] = known + new

    def _find_search(self, sel: Selector, url: str) -> None:
        if self.search_form is not None:
            return
        for form in sel.xpath("//form"):
            inputs = form.xpath(".//input[not(@type) or @type='text' or @type='search']")
            if not inputs or not inputs[0].attrib.get("name"):
                continue
            action = absolute(url, form.attrib.get("action") or url) or url
            hidden = {
                i.attrib["name"]: i.attrib.get("value", "")
                for i in form.xpath(".//input[@type='hidden'][@name]")
            }
            self.search_form = {
                "form_url": action,
                "method": (form.attrib.get("method") or "get").lower(),
                "field": inputs[0].attrib["name"],
                "hidden": hidden,
            }
            return

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
        self._channels(sel, response.url)
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

    def parse_column(self, response: Response) -> Iterator[Any]:
        """A column page (first or later list page): items, pager, sub-columns or body text."""
        key: str = response.meta["column"]
        first: bool = response.meta.get("first", False)
        depth: int = response.meta.get("depth", 0)
        sel = page_selector(response)
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
        adapter: GenericAdapter = self._adapter(sel, response)
        page = adapter.list_page(sel, response.url)
        if not rendered:
            why = page.render_reason if page.render else adapter.needs_render(sel, page)
            if why:
                req = self._render(response.url, depth, why, kind="list", column=key, first=first,
                                   role="column", static_items=len(page.items))
                if req is not None:
                    yield req
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
            has_content = len(adapter.content(sel).replace(" ", "")) >= MIN_CONTENT_CHARS
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

    async def parse_rendered(self, response: Response) -> AsyncIterator[Any]:
        """A page that came through the browser: close its tab (and a used-up context), then read it."""
        await self._release(response.meta)
        role = response.meta.get("role")
        handler = self.parse_portal if role == "portal" else self.parse_column
        if role == "portal":
            for rec in handler(response, kind=response.meta.get("kind", "portal")):
                yield rec
        else:
            for rec in handler(response):
                yield rec

    async def _release(self, meta: dict[str, Any]) -> None:
        page = meta.pop("playwright_page", None)
        ctx = meta.get("playwright_context")
        if page is None:
            return
        try:
            await page.close()
            if ctx:
                self.ctx_open[ctx] = self.ctx_open.get(ctx, 1) - 1
                current = f"site{self.site_id}-{self.ctx_n}"
                if self.ctx_open[ctx] <= 0 and ctx != current:
                    await page.context.close()
        except Exception as exc:  # a browser hiccup must not lose the page
            log.debug("closing browser page: %s", exc)

    async def on_render_error(self, failure: Failure) -> AsyncIterator[Any]:
        """The browser failed: fall back to the plain HTTP copy of the page."""
        request = failure.request  # type: ignore[attr-defined]
        await self._release(request.meta)
        log.warning("browser rendering failed for %s: %s", request.url, failure.getErrorMessage())
        meta = {k: v for k, v in request.meta.items() if not k.startswith("playwright")}
        meta["rendered"] = True  # do not try the browser again
        cb = self.parse_portal if meta.get("role") == "portal" else self.parse_column
        yield scrapy.Request(request.url, callback=cb, errback=self.on_error, meta=meta, dont_filter=True)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """Article page: title, date, metadata block, body, attachments."""
        sel = page_selector(response)
        if sel is None:  # the "article" is a file
            yield self._page(response, "article")
            yield from self._attachment_result(response, response.meta["item_url"], response.meta.get("listed_title"))
            return
        barrier = restricted_reason(response, sel)
        adapter = self._adapter(sel, response)
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
        error = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        if failure.type.__name__ == "IgnoreRequest":
            self.fetched[target] = (None, "blocked by robots.txt")
            return
        if request.method == "HEAD":
            yield self._check(target, "GET", request.meta.get("inside", True))
            return
        self.fetched[target] = (None, error)

    def _search_request(self) -> scrapy.Request | None:
        if not self.search or self.failed:
            return None
        if self.search_form is None or not self.search_query:
            self.facts["search"] = {"form_url": (self.search_form or {}).get("form_url"), "query": None,
                                    "found": False if self.search_form is None else None}
            return None
        form = self.search_form
        data = {**form["hidden"], form["field"]: self.search_query}
        meta = {"kind": "search", "handle_httpstatus_all": True}
        if form["method"] == "post":
            return scrapy.FormRequest(form["form_url"], formdata=data, callback=self.parse_search, meta=meta,
                                      errback=self.search_error, dont_filter=True)
        url = form["form_url"] + ("&" if "?" in form["form_url"] else "?") + urlencode(data)
        return scrapy.Request(url, callback=self.parse_search, errback=self.search_error, meta=meta,
                              dont_filter=True)

    def parse_search(self, response: Response) -> Iterator[Any]:
        sel = page_selector(response)
        text = node_text(sel.xpath("//body")[0]) if sel is not None and sel.xpath("//body") else ""
        query = self.search_query or ""
        self.facts["search"] = {
            "form_url": (self.search_form or {}).get("form_url"),
            "query": query,
            "found": response.status < 400 and clean(query) in text,
            "status": response.status,
        }
        return iter(())

    def search_error(self, failure: Failure) -> Iterator[Any]:
        self.facts["search"] = {
            "form_url": (self.search_form or {}).get("form_url"),
            "query": self.search_query,
            # The query never ran (robots.txt, time-out, refused): nothing is known about the results,
            # so the check must not turn this into "search finds nothing".
            "found": None,
            "error": failure.getErrorMessage()[:200],
        }
        return iter(())

    def site_facts(self) -> dict[str, Any]:
        """Facts for `Crawl.facts` (entry, home_newest_date, search, robots_ignored, …)."""
        return dict(self.facts)

    def link_rows(self) -> list[dict[str, Any]]:
        """Every link seen on crawled pages, classified ok / broken / empty / unchecked."""
        rows: list[dict[str, Any]] = []
        for url, (src, text, sources) in self.links.items():
            status, error = self.fetched.get(url, (None, None))
            if status is not None:
                kind = "ok" if status < 400 else ("restricted" if status in (401, 403) else "broken")
            elif error and "robots" not in error:
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
            error = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]
            if "robots" in error.lower() or failure.type.__name__ == "IgnoreRequest":
                restricted = "blocked by robots.txt"
        self.fetched[request.url] = (status, None if status else error)
        if kind != "api":
            yield PageRecord(url=request.url, status=status, kind=kind, error=error, restricted=restricted,
                             depth=request.meta.get("depth"))
        if kind == "home" or (kind == "portal" and self.portal_url is None):
            self.failed = restricted or error
        key = request.meta.get("column")
        if key and kind in ("list", "api"):
            if request.meta.get("first"):
                yield self._status(key, "restricted" if restricted else "error", restricted or error)
            else:
                yield from self._incomplete(key, request.url, restricted or error)

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


def _flat_with_parent(roots: list[NavNode]) -> list[tuple[NavNode, NavNode | None]]:
    out: list[tuple[NavNode, NavNode | None]] = []

    def walk(node: NavNode, parent: NavNode | None) -> None:
        out.append((node, parent))
        for ch in node.children:
            walk(ch, node)

    for r in roots:
        walk(r, None)
    return out

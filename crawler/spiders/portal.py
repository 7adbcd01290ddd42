"""The one generic portal spider: home page → 信息公开 entry → column tree → every list page.

CMS specifics live in `crawler.cms` adapters, chosen per page by fingerprint. The spider
only keeps the column tree and the crawl limits; everything found is yielded as records
(`crawler.records`) that `crawler.pipelines.StorePipeline` writes to the store.
Article pages are fetched only when `limits["fetch_articles"]` is set (v1: recorded as pages).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.cms import GenericAdapter, detect
from crawler.extract.article import article_title, completed, is_truncated
from crawler.extract.columns import prune
from crawler.extract.html import Scope, absolute, clean, node_text, page_key
from crawler.extract.types import NavNode
from crawler.records import ColumnRecord, CrawlInfo, ItemTitle, ListRecord, PageRecord

ENTRY_RE = re.compile(r"^(?:政府|政务|校务|院务)?信息公开(?:网|专栏|平台|主页|门户|专题|目录)?$")
MIN_CONTENT_CHARS = 30


def find_entry(sel: Selector, base: str) -> str | None:
    """The 信息公开 entry link of a home page (text or title such as 信息公开/信息公开网/政府信息公开)."""
    best: tuple[int, str] | None = None
    for a in sel.xpath("//a[@href]"):
        url = absolute(base, a.attrib.get("href"))
        if not url or url == base:
            continue
        for label in (node_text(a), clean(a.attrib.get("title")), clean(a.xpath(".//img/@alt").get())):
            if label and ENTRY_RE.match(label.replace(" ", "")):
                rank = 0 if label in ("信息公开网", "信息公开") else 1
                if best is None or rank < best[0]:
                    best = (rank, url)
                break
    return best[1] if best else None


def page_selector(response: Response) -> Selector | None:
    """A selector over the page text; re-decodes as GB18030 when the declared charset was wrong."""
    if not isinstance(response, TextResponse):
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
    return Selector(text=text, base_url=response.url)


class PortalSpider(scrapy.Spider):
    """Crawl one site (one `Crawl` row) and yield records for the store."""

    name = "portal"

    def __init__(
        self,
        crawl_id: int,
        site_id: int,
        start_url: str,
        limits: dict[str, Any] | None = None,
        progress: Callable[[str, dict], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.crawl_id = crawl_id
        self.site_id = site_id
        self.start_url = start_url
        self.limits = dict(limits or {})
        self.progress = progress
        self.scope = Scope(start_url)
        self.max_pages = int(self.limits.get("max_pages", 5000))
        self.max_list_pages = int(self.limits.get("max_list_pages", 500))
        self.max_seconds = float(self.limits.get("max_seconds", 3600))
        self.fetch_articles = bool(self.limits.get("fetch_articles", False))
        self.complete_titles = bool(self.limits.get("complete_titles", True))
        self.t0 = time.monotonic()
        self.scheduled = 0
        self.stop_reason: str | None = None
        self.failed: str | None = None
        self.portal_url: str | None = None
        self.columns: dict[str, ColumnRecord] = {}
        self.url_key: dict[str, str] = {}
        self.col_pages: dict[str, set[str]] = {}
        self.requested: set[str] = set()
        self.skip_keys: set[str] = set()  # portal / home pages: never columns

    # ---- requests -------------------------------------------------------------------------

    def _request(self, url: str, callback: Callable, **meta: Any) -> scrapy.Request | None:
        """A request, unless a limit says stop (the reason is kept for the crawl record)."""
        if self.scheduled >= self.max_pages:
            self.stop_reason = "page limit"
            return None
        if time.monotonic() - self.t0 > self.max_seconds:
            self.stop_reason = "time limit"
            return None
        self.scheduled += 1
        return scrapy.Request(url, callback=callback, errback=self.on_error, meta=meta, dont_filter=True)

    async def start(self) -> AsyncIterator[Any]:
        req = self._request(self.start_url, self.parse_start, kind="home")
        if req is not None:
            yield req

    # ---- pages ----------------------------------------------------------------------------

    def _page(self, response: Response, kind: str) -> PageRecord:
        ctype = response.headers.get(b"Content-Type")
        return PageRecord(
            url=response.url,
            status=response.status,
            kind=kind,
            content_type=ctype.decode("latin-1") if ctype else None,
            size=len(response.body),
            sha256=hashlib.sha256(response.body).hexdigest(),
        )

    def parse_start(self, response: Response) -> Iterator[Any]:
        """Home page: follow the 信息公开 entry, or treat the page itself as the portal."""
        sel = page_selector(response)
        title = clean(sel.xpath("//title").xpath("string()").get()) if sel else ""
        entry = None if sel is None or "信息公开" in title else find_entry(sel, response.url)
        if entry and entry != response.url:
            yield self._page(response, "home")
            self.skip_keys.add(page_key(response.url))
            self.scope.add(entry)  # the site's own declared entry (e.g. xxgk.<school>.edu.cn)
            req = self._request(entry, self.parse_portal, kind="portal")
            if req is not None:
                yield req
            return
        self.skip_keys.add(page_key(response.url))
        yield from self.parse_portal(response, kind="portal")

    def parse_portal(self, response: Response, kind: str = "portal") -> Iterator[Any]:
        """Portal page: read the column tree and request every on-site column."""
        yield self._page(response, kind)
        self.portal_url = response.url
        sel = page_selector(response)
        if sel is None:
            yield CrawlInfo(portal_url=response.url)
            return
        adapter = detect(sel.get(), response.url)
        yield CrawlInfo(portal_url=response.url, cms=adapter.name)
        skip = {page_key(u) for u in (response.url, self.start_url, response.request.url)}
        self.skip_keys |= skip
        for node in prune(adapter.nav_tree(sel, response.url), skip):
            yield from self._add_column(node, None, skip)

    def _add_column(self, node: NavNode, parent: ColumnRecord | None, skip: set[str]) -> Iterator[Any]:
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
        )
        self.columns[key] = rec
        if node.url:
            self.url_key[node.url] = key
        yield rec
        if node.url and not offsite:
            self.col_pages[key] = {node.url}
            req = self._request(node.url, self.parse_column, kind="list", column=key, first=True)
            if req is not None:
                yield req
            else:
                yield self._status(key, "not_fetched", self.stop_reason)
        for child in node.children:
            yield from self._add_column(child, rec, skip)

    def _status(self, key: str, status: str, detail: str | None) -> ColumnRecord:
        rec = self.columns[key]
        rec.status, rec.status_detail = status, detail
        return rec

    def parse_column(self, response: Response) -> Iterator[Any]:
        """A column page (first or later list page): items, pager, sub-columns or body text."""
        yield self._page(response, "list")
        key: str = response.meta["column"]
        first: bool = response.meta.get("first", False)
        sel = page_selector(response)
        if sel is None:
            ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            yield ListRecord(column_key=key, page_url=response.url, found=False, has_content=True)
            yield self._status(key, "ok", f"non-HTML column page: {ctype}")
            return
        adapter: GenericAdapter = detect(sel.get(), response.url)
        if first:
            yield from self._sub_columns(adapter, sel, response.url, key)
        page = adapter.list_page(sel, response.url)
        has_content = False
        if first and not page.items and not page.found:
            has_content = len(adapter.content(sel).replace(" ", "")) >= MIN_CONTENT_CHARS
        yield ListRecord(
            column_key=key,
            page_url=response.url,
            items=page.items,
            found=page.found,
            declared_count=page.pager.declared_count,
            has_content=has_content,
            cms=adapter.name,
        )
        for item in page.items:
            cut = self.complete_titles and is_truncated(item.title)
            if (cut or self.fetch_articles) and item.url in self.scope and item.url not in self.requested:
                self.requested.add(item.url)
                req = self._request(
                    item.url,
                    self.parse_article,
                    kind="article",
                    column=key,
                    item_url=item.url,
                    listed_title=item.title if cut else None,
                )
                if req is not None:
                    yield req
        seen = self.col_pages.setdefault(key, {response.url})
        seen.add(response.url)
        pager = page.pager
        for url in [*([pager.next_url] if pager.next_url else []), *pager.page_urls]:
            if url in seen or url not in self.scope:
                continue
            if len(seen) >= self.max_list_pages:
                self.stop_reason = self.stop_reason or "list page limit"
                break
            seen.add(url)
            req = self._request(url, self.parse_column, kind="list", column=key)
            if req is not None:
                yield req

    def _sub_columns(self, adapter: GenericAdapter, sel: Selector, url: str, key: str) -> Iterator[Any]:
        """Columns first seen on a column page: the adapter's sub-column menu, and nav nodes
        nested under an already-known column."""
        parent = self.columns[key]
        for node in adapter.sub_columns(sel, url):
            yield from self._add_column(node, parent, {page_key(url)})
        for node in _flat_with_parent(adapter.nav_tree(sel, url)):
            child, tree_parent = node
            if child.url in self.url_key or tree_parent is None or tree_parent.url not in self.url_key:
                continue
            known = self.columns[self.url_key[tree_parent.url]]
            yield from self._add_column(child, known, {page_key(url)})

    def parse_article(self, response: Response) -> Iterator[Any]:
        """Article page: recorded; completes a cut-off list title. Metadata extraction comes later."""
        yield self._page(response, "article")
        listed = response.meta.get("listed_title")
        sel = page_selector(response)
        if listed and sel is not None:
            full = completed(listed, article_title(sel))
            if full != listed:
                yield ItemTitle(column_key=response.meta["column"], url=response.meta["item_url"], title=full)

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
            error = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            if "robots" in error.lower() or failure.type.__name__ == "IgnoreRequest":
                restricted = "blocked by robots.txt"
        yield PageRecord(url=request.url, status=status, kind=kind, error=error, restricted=restricted)
        if kind == "home" or (kind == "portal" and self.portal_url is None):
            self.failed = restricted or error
        key = request.meta.get("column")
        if key and request.meta.get("first") and kind == "list":
            yield self._status(key, "restricted" if restricted else "error", restricted or error)


def _flat_with_parent(roots: list[NavNode]) -> list[tuple[NavNode, NavNode | None]]:
    out: list[tuple[NavNode, NavNode | None]] = []

    def walk(node: NavNode, parent: NavNode | None) -> None:
        out.append((node, parent))
        for ch in node.children:
            walk(ch, node)

    for r in roots:
        walk(r, None)
    return out

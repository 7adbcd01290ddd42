"""Store pipeline: writes the spider's records into `xxgk.store` in batches.

Rows are collected in memory and written in one short transaction every `BATCH` records or
`FLUSH_SECONDS` (and at the end), so the store never limits the crawl. No transaction stays
open between callbacks: several spiders share the reactor thread and one SQLite file.
A resumed crawl keeps its pages (de-duplicated by URL) and rebuilds columns, items, links and
documents from the replayed responses, so nothing is lost or counted twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from contextlib import suppress
from typing import Any

from scrapy import signals
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from crawler.distributed import fence
from crawler.extract.article import completed, is_truncated
from crawler.records import (
    ArticleRecord,
    AttachmentRecord,
    ColumnRecord,
    CrawlInfo,
    ItemTitle,
    ListRecord,
    PageRecord,
)
from xxgk.store import (
    CRAWL_DONE,
    CRAWL_FAILED,
    CRAWL_RUNNING,
    Column,
    Crawl,
    Document,
    Item,
    Link,
    Page,
    session_factory,
    utcnow,
)

log = logging.getLogger(__name__)
_FACTORIES: dict[str, sessionmaker[Session]] = {}
BATCH = 5000
FLUSH_SECONDS = 10.0

CLOSE_REASONS = {
    "finished": "finished",
    "closespider_pagecount": "page limit",
    "closespider_timeout": "time limit",
    "shutdown": "interrupted",
}


def apply_article(row: Item, art: ArticleRecord) -> None:
    """What an item's article page says, onto its row: the full title when the list cut it, the
    article date when it differs from the list's, metadata, unit, body size, image-only."""
    if art.title and is_truncated(row.title):
        row.title = completed(row.title, art.title)
    if art.date and art.date != row.published:
        row.article_date = art.date
    row.meta = dict(art.meta)
    row.unit = art.unit or row.unit
    row.body_chars = art.body_chars
    row.image_only = bool(art.image_only or row.image_only)


def factory_for(db_url: str) -> sessionmaker[Session]:
    """One engine per database per process."""
    if db_url not in _FACTORIES:
        _FACTORIES[db_url] = session_factory(db_url)
    return _FACTORIES[db_url]


class _ColumnStats:
    def __init__(self, col: Column) -> None:
        self.col = col
        self.urls: set[str] = set()
        self.pages: set[str] = set()
        self.newest: dt.date | None = None
        self.declared: int | None = None
        self.has_content = False
        self.api_pages: int = 0


class StorePipeline:
    """Per-spider state: column keys → rows, items by URL, page URLs seen, pending rows."""

    def __init__(self, db_url: str, crawler: Any = None) -> None:
        self.factory = factory_for(db_url)
        self.crawler = crawler
        self.session: Session = self.factory()
        if self.session.get_bind().dialect.name == "sqlite":
            # WAL + NORMAL: commits need no fsync; a crash loses at most the last batch, which a
            # resumed crawl replays from its WARC file anyway.
            self.session.connection().exec_driver_sql("PRAGMA synchronous=NORMAL")
            self.session.commit()
        self.cols: dict[str, _ColumnStats] = {}
        self.pages: set[str] = set()
        self.cms_votes: Counter[str] = Counter()
        self.portal_cms: str | None = None
        self.portal_url: str | None = None
        self.facts: dict[str, Any] = {}
        self.new_columns: list[tuple[Column, str | None]] = []
        self.new_items: list[tuple[Item, str]] = []
        self.new_docs: list[tuple[Document, str | None]] = []
        self.page_rows: list[dict[str, Any]] = []
        self.items_by_url: dict[str, list[Item]] = defaultdict(list)
        self.articles: dict[str, ArticleRecord] = {}
        self.doc_urls: set[str] = set()
        self.pending = 0
        self.last_flush = time.monotonic()
        self.spider: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        pipe = cls(crawler.settings.get("XXGK_DB_URL"), crawler)
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    # ---- lifecycle --------------------------------------------------------------------------

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        self.spider = spider
        with suppress(fence.Fenced), self.factory.begin() as s:
            fence.hold(s, self.crawler, spider.crawl_id)  # distributed: refused once another worker took over
            crawl = s.get(Crawl, spider.crawl_id)
            if getattr(spider, "resuming", False):
                self._clear_derived(s, spider.crawl_id)
                self.pages = set(s.scalars(select(Page.url).where(Page.crawl_id == spider.crawl_id)))
            crawl.status = CRAWL_RUNNING
            crawl.started_at = crawl.started_at if getattr(spider, "resuming", False) else utcnow()
            crawl.error = None
            crawl.warc_path = str(spider.warc.path) if getattr(spider, "warc", None) else None

    @staticmethod
    def _clear_derived(s: Session, crawl_id: int) -> None:
        """Resume: columns, items, links and documents are rebuilt from the replayed pages."""
        s.execute(delete(Document).where(Document.crawl_id == crawl_id))
        s.execute(delete(Link).where(Link.crawl_id == crawl_id))
        s.execute(delete(Item).where(Item.crawl_id == crawl_id))
        s.execute(update(Column).where(Column.crawl_id == crawl_id).values(parent_id=None))
        s.execute(delete(Column).where(Column.crawl_id == crawl_id))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PageRecord):
            self._page(item)
        elif isinstance(item, ListRecord):
            self._list(item)
        elif isinstance(item, ColumnRecord):
            self._column(item)
        elif isinstance(item, ArticleRecord):
            self._article(item)
        elif isinstance(item, AttachmentRecord):
            self._attachment(item)
        elif isinstance(item, ItemTitle):
            for row in self.items_by_url.get(item.url, []):
                row.title = completed(row.title, item.title)
        elif isinstance(item, CrawlInfo):
            self.portal_url = item.portal_url or self.portal_url
            self.portal_cms = item.cms or self.portal_cms
            self.facts.update(item.facts)
        self.pending += 1
        if self.pending >= BATCH or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()
        return item

    def flush(self) -> None:
        """Write everything collected so far in one transaction."""
        s = self.session
        try:
            fence.hold(s, self.crawler, self.spider.crawl_id)  # distributed: refused once another worker took over
            if self.new_columns:
                for col, _ in self.new_columns:
                    s.add(col)
                s.flush()
                for col, parent_key in self.new_columns:
                    if parent_key and parent_key in self.cols:
                        col.parent_id = self.cols[parent_key].col.id
                self.new_columns = []
            if self.new_items:
                for it, key in self.new_items:
                    it.column_id = self.cols[key].col.id
                    s.add(it)
                s.flush()
                self.new_items = []
            if self.new_docs:
                for doc, item_url in self.new_docs:
                    rows = self.items_by_url.get(item_url or "", [])
                    doc.item_id = rows[0].id if rows else None
                    s.add(doc)
                self.new_docs = []
            if self.page_rows:
                s.execute(insert(Page), self.page_rows)
                self.page_rows = []
            if self.portal_url:
                crawl = s.get(Crawl, self.spider.crawl_id)
                if crawl.portal_url != self.portal_url:
                    crawl.portal_url = self.portal_url
            s.commit()
        except fence.Fenced:
            s.rollback()  # a stalled attempt's batch: write nothing (the spider is closing)
            return
        except BaseException:
            s.rollback()
            raise
        self.pending = 0
        self.last_flush = time.monotonic()

    # ---- records ----------------------------------------------------------------------------

    def _page(self, rec: PageRecord) -> None:
        spider = self.spider
        if rec.url in self.pages:
            return
        self.pages.add(rec.url)
        self.page_rows.append(
            {
                "crawl_id": spider.crawl_id,
                "url": rec.url,
                "status": rec.status,
                "error": rec.error,
                "content_type": rec.content_type,
                "size": rec.size,
                "sha256": rec.sha256,
                "kind": rec.kind,
                "restricted": rec.restricted,
                "render": rec.render,
                "depth": rec.depth,
                "title": rec.title,
                "text_chars": rec.text_chars,
                "image_only": rec.image_only,
                "evidence_ref": rec.evidence_ref,
                "fetched_at": utcnow(),
            }
        )
        if spider.progress:
            try:
                spider.progress("page", {"site_id": spider.site_id, "url": rec.url})
            except Exception:  # a broken progress callback must not stop the crawl
                log.exception("progress callback failed")

    def _column(self, rec: ColumnRecord) -> None:
        stats = self.cols.get(rec.key)
        if stats is not None:  # status / kind update
            col = stats.col
            col.status, col.status_detail = rec.status, rec.status_detail
            if rec.kind:
                col.kind = rec.kind
            if rec.unit:
                col.unit = rec.unit
            return
        col = Column(
            crawl_id=self.spider.crawl_id,
            key=rec.key,
            name=rec.name,
            url=rec.url,
            path=rec.path,
            depth=rec.depth,
            offsite=rec.offsite,
            status=rec.status,
            status_detail=rec.status_detail,
            kind=rec.kind or ("group" if rec.url is None else None),
            unit=rec.unit,
            item_count=0,
            list_pages=0,
            has_content=False,
        )
        self.cols[rec.key] = _ColumnStats(col)
        self.new_columns.append((col, rec.parent_key))

    def _list(self, rec: ListRecord) -> None:
        stats = self.cols[rec.column_key]
        if rec.cms:
            self.cms_votes[rec.cms] += 1
        if rec.counts_as_page and (rec.found or rec.items):
            stats.pages.add(rec.page_url)
        if rec.declared_count is not None and stats.declared is None:
            stats.declared = rec.declared_count
        stats.has_content = stats.has_content or rec.has_content
        if rec.total_pages:
            stats.api_pages = max(stats.api_pages, rec.total_pages)
        for it in rec.items:
            if it.url in stats.urls:
                continue
            stats.urls.add(it.url)
            row = Item(
                crawl_id=self.spider.crawl_id,
                title=it.title,
                url=it.url,
                published=it.date,
                meta={},
                attachments=[],
            )
            art = self.articles.get(it.url)
            if art is not None:
                apply_article(row, art)
            self.items_by_url[it.url].append(row)
            self.new_items.append((row, rec.column_key))
            if it.date and (stats.newest is None or it.date > stats.newest):
                stats.newest = it.date
        col = stats.col
        col.item_count = len(stats.urls)
        col.list_pages = max(len(stats.pages), stats.api_pages)
        col.newest_date = stats.newest
        col.declared_count = stats.declared
        col.has_content = stats.has_content
        if col.kind is None or col.kind == "list" or col.kind == "content":
            col.kind = "list" if (stats.urls or rec.found) else ("content" if stats.has_content else col.kind)

    def _article(self, rec: ArticleRecord) -> None:
        self.articles[rec.url] = ArticleRecord(
            url=rec.url, title=rec.title, date=rec.date, meta=rec.meta, unit=rec.unit,
            body_chars=rec.body_chars, image_only=rec.image_only,
        )
        for row in self.items_by_url.get(rec.url, []):
            apply_article(row, rec)
        if rec.annual_report and rec.url not in self.doc_urls:
            self.doc_urls.add(rec.url)
            doc = Document(
                crawl_id=self.spider.crawl_id,
                url=rec.url,
                doc_type="html",
                title=rec.title,
                text=rec.text,
                tables=[],
                role="annual_report",
                content_type=rec.content_type,
                sha256=rec.sha256,
                body=rec.raw,
            )
            self.new_docs.append((doc, rec.url))

    def _attachment(self, rec: AttachmentRecord) -> None:
        entry = {
            "url": rec.url,
            "name": rec.name,
            "type": rec.type,
            "status": rec.status,
            "text_chars": rec.text_chars,
            "scanned": rec.scanned,
        }
        if rec.error:
            entry["error"] = rec.error
        for row in self.items_by_url.get(rec.item_url, []):
            if all(a.get("url") != rec.url for a in row.attachments or []):
                row.attachments = [*(row.attachments or []), entry]
            if rec.scanned and (row.body_chars or 0) < 50:
                row.image_only = True
        if rec.url in self.doc_urls or rec.status is None or rec.status >= 400:
            return
        self.doc_urls.add(rec.url)
        doc = Document(
            crawl_id=self.spider.crawl_id,
            url=rec.url,
            doc_type=rec.type,
            title=rec.name,
            text=rec.text,
            tables=[],
            role=rec.role,
            content_type=rec.content_type,
            sha256=rec.sha256,
            body=rec.body,
        )
        self.new_docs.append((doc, rec.item_url))

    # ---- end --------------------------------------------------------------------------------

    def close_spider(self, spider: Any = None) -> None:
        self.flush()

    def spider_closed(self, spider: Any, reason: str = "finished") -> None:
        """Final crawl row: status, stop reason (with Scrapy's close reason), counts, facts, links."""
        self.flush()
        links = spider.link_rows() if hasattr(spider, "link_rows") else []
        status = CRAWL_FAILED if spider.failed else CRAWL_DONE
        stop = spider.failed or spider.stop_reason or CLOSE_REASONS.get(reason, reason)
        if stop == "interrupted":
            status = CRAWL_FAILED
        with suppress(fence.Fenced), self.factory.begin() as s:
            fence.hold(s, self.crawler, spider.crawl_id)
            if links:
                for i in range(0, len(links), 5000):
                    s.execute(insert(Link), [{"crawl_id": spider.crawl_id, **row} for row in links[i : i + 5000]])
            crawl = s.get(Crawl, spider.crawl_id)
            crawl.status = status
            crawl.finished_at = utcnow()
            crawl.error = spider.failed or (stop if status == CRAWL_FAILED else None)
            crawl.stop_reason = stop
            crawl.pages = s.scalar(select(func.count(Page.id)).where(Page.crawl_id == spider.crawl_id)) or 0
            crawl.browser_pages = (
                s.scalar(
                    select(func.count(Page.id)).where(Page.crawl_id == spider.crawl_id, Page.render == "browser")
                )
                or 0
            )
            facts = dict(crawl.facts or {})
            facts.update(self.facts)
            facts.update(spider.site_facts() if hasattr(spider, "site_facts") else {})
            crawl.facts = facts
            votes = [name for name, _ in self.cms_votes.most_common() if name != "generic"]
            crawl.cms = votes[0] if votes else (self.portal_cms or ("generic" if self.cms_votes else None))
        self.session.close()
        if spider.progress:
            try:
                spider.progress("site_done", {"site_id": spider.site_id, "status": status})
            except Exception:
                log.exception("progress callback failed")

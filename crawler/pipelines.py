"""Store pipeline: writes the spider's records into `xxgk.store` in batches.

Rows are collected in memory and written in one short transaction every `BATCH` records and new
item rows or `FLUSH_SECONDS` (and at the end), so the store never limits the crawl. No transaction stays
open between callbacks: several spiders share the reactor thread and one SQLite file.
A resumed crawl keeps its pages (de-duplicated by URL) and rebuilds columns, items, links and
documents from the replayed responses, so nothing is lost or counted twice.

What a record means for a row is `crawler.rows`' (shared with the request-mode writer); the crawl
row's status and verdict are `xxgk.store.lifecycle`'s; the item rows, and what a crawl keeps of them
once written (their ids), are `crawler.site_items`'. This module keeps only the in-memory
aggregation of a local crawl. Every write transaction first asks `writes_allowed`, the hook a
distributed worker's subclass uses to fence a stalled attempt out (`crawler.distributed.fence`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from typing import Any

from scrapy import signals
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from crawler import records, rows
from crawler.extract.items import dedupe
from crawler.site_items import SiteItems
from xxgk.store import Column, Crawl, Document, Page, session_factory
from xxgk.store.blobs import delete_documents, document_rows
from xxgk.store.lifecycle import finish_crawl_row, start_crawl, verdict
from xxgk.store.shared_rows import delete_items, delete_links, share_item_contents

log = logging.getLogger(__name__)
BATCH = 250  # records and new item rows: bounds what a site holds between flushes (~0.3 MB)
FLUSH_SECONDS = 10.0


class _ColumnStats:
    def __init__(self, col: Column) -> None:
        self.col = col
        self.urls: dict[str, None] = {}  # the column's item URLs; a dict, not a set: 21 against 105 B a key at 20,000
        self.pages: set[str] = set()
        self.newest: dt.date | None = None
        self.declared: int | None = None
        self.has_content = False
        self.api_pages: int = 0


class StorePipeline:
    """Per-spider state: column keys → rows, the crawl's items (`SiteItems`), page URLs seen, pending rows."""

    def __init__(self, db_url: str, crawler: Any = None) -> None:
        self.factory = session_factory(db_url)
        self.crawler = crawler
        self.session: Session = self.factory()
        if self.session.get_bind().dialect.name == "sqlite":
            # WAL + NORMAL: commits need no fsync; a crash loses at most the last batch, which a
            # resumed crawl replays from its WARC file anyway.
            self.session.connection().exec_driver_sql("PRAGMA synchronous=NORMAL")
            self.session.commit()
        self.cols: dict[str, _ColumnStats] = {}
        self.pages: dict[str, None] = {}  # URLs of the pages stored (a dict, as the column's item URLs)
        self.cms_votes: Counter[str] = Counter()
        self.portal_cms: str | None = None
        self.portal_url: str | None = None
        self.stored_portal_url: str | None = None  # what the crawl row holds since the last commit
        self.facts: dict[str, Any] = {}
        self.new_columns: list[tuple[Column, str | None]] = []
        self.items: SiteItems | None = None  # the crawl's item rows (`crawler.site_items`), from open_spider
        self.new_docs: list[tuple[dict[str, Any], str | None]] = []
        self.page_rows: list[dict[str, Any]] = []
        self.doc_urls: set[str] = set()
        self.pending = 0
        self.last_flush = time.monotonic()
        self.spider: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        pipe = cls(crawler.settings.get("XXGK_DB_URL"), crawler)
        crawler.signals.connect(pipe.spider_closed, signal=signals.spider_closed)
        return pipe

    def writes_allowed(self, session: Session) -> bool:
        """Called first in every write transaction; False: write nothing of it. A local crawl always writes."""
        return True

    # ---- lifecycle --------------------------------------------------------------------------

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        self.spider = spider
        self.items = SiteItems(spider.crawl_id)
        with self.factory.begin() as s:
            if not self.writes_allowed(s):
                return
            if getattr(spider, "resuming", False):
                self._clear_derived(s, spider.crawl_id)
                self.pages = dict.fromkeys(s.scalars(select(Page.url).where(Page.crawl_id == spider.crawl_id)))
            warc = getattr(spider, "warc", None)
            start_crawl(s.get(Crawl, spider.crawl_id), str(warc.path) if warc else None)

    @staticmethod
    def _clear_derived(s: Session, crawl_id: int) -> None:
        """Resume: columns, items, links and documents are rebuilt from the replayed pages."""
        delete_documents(s, [crawl_id])
        delete_links(s, [crawl_id])
        delete_items(s, [crawl_id])
        s.execute(update(Column).where(Column.crawl_id == crawl_id).values(parent_id=None))
        s.execute(delete(Column).where(Column.crawl_id == crawl_id))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        rows.route(self, item)
        self.pending += 1
        if self.pending >= BATCH or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()
        return item

    def flush(self) -> None:
        """Write everything collected so far in one transaction."""
        s = self.session
        try:
            if not self.writes_allowed(s):
                # A refused attempt writes nothing, now or later (its spider is closing). Its columns leave
                # the session first: a rollback would expire them, and the next list record reading one
                # would load a row the new owner deleted.
                s.expunge_all()
                s.rollback()
                return
            if self.new_columns:
                for col, _ in self.new_columns:
                    s.add(col)
                s.flush()
                for col, parent_key in self.new_columns:
                    if parent_key and parent_key in self.cols:
                        col.parent_id = self.cols[parent_key].col.id
                self.new_columns = []
            items = self.items
            items.write(s, lambda key: self.cols[key].col.id)
            if self.new_docs:
                docs = [{**doc, "item_id": items.first_id(item_url or "")} for doc, item_url in self.new_docs]
                s.execute(insert(Document), document_rows(s, docs))
            if self.page_rows:
                s.execute(insert(Page), self.page_rows)
            portal_url = self.portal_url
            if portal_url and portal_url != self.stored_portal_url:  # the crawl row is read only when it may change
                crawl = s.get(Crawl, self.spider.crawl_id)
                if crawl.portal_url != portal_url:
                    crawl.portal_url = portal_url
            s.commit()
            items.committed()
            self.new_docs, self.page_rows = [], []  # kept until committed: a failed batch is written by the next
            self.stored_portal_url = portal_url or self.stored_portal_url
        except BaseException:
            s.rollback()
            self.items.abandon()
            raise
        self.pending = 0
        self.last_flush = time.monotonic()

    # ---- records (`rows.route` calls these) -------------------------------------------------

    def on_page(self, rec: records.PageRecord) -> None:
        spider = self.spider
        if rec.url in self.pages:
            return
        self.pages[rec.url] = None
        self.page_rows.append(rows.page_row(spider.crawl_id, rec))
        self._progress("page", {"site_id": spider.site_id, "url": rec.url})

    def on_column(self, rec: records.ColumnRecord) -> None:
        stats = self.cols.get(rec.key)
        if stats is not None:  # status / kind update
            for name, value in rows.column_update(rec).items():
                setattr(stats.col, name, value)
            return
        col = Column(**rows.column_row(self.spider.crawl_id, rec))
        self.cols[rec.key] = _ColumnStats(col)
        self.new_columns.append((col, rec.parent_key))

    def on_list(self, rec: records.ListRecord) -> None:
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
        for it in dedupe(rec.items):
            if it.url in stats.urls:
                continue
            stats.urls[it.url] = None
            self.items.listed(rec.column_key, it)
            self.pending += 1  # a batch is bounded in rows too: one data-API record can list hundreds
            if it.date and (stats.newest is None or it.date > stats.newest):
                stats.newest = it.date
        col = stats.col
        col.item_count = len(stats.urls)
        col.list_pages = max(len(stats.pages), stats.api_pages)
        col.newest_date = stats.newest
        col.declared_count = stats.declared
        col.has_content = stats.has_content
        col.kind = rows.column_kind(col.kind, bool(stats.urls or rec.found), stats.has_content)

    def on_article(self, rec: records.ArticleRecord) -> None:
        self.items.on_article(rec)
        self._document(rows.article_document(self.spider.crawl_id, rec), rec.url)

    def on_attachment(self, rec: records.AttachmentRecord) -> None:
        self.items.change(rec.item_url, rows.add_attachment, rows.attachment_entry(rec))
        self._document(rows.attachment_document(self.spider.crawl_id, rec), rec.item_url)

    def _document(self, doc: dict[str, Any] | None, item_url: str | None) -> None:
        """A document row (once per URL), joined to its item's row when that is written."""
        if doc is not None and doc["url"] not in self.doc_urls:
            self.doc_urls.add(doc["url"])
            self.new_docs.append((doc, item_url))

    def on_title(self, rec: records.ItemTitle) -> None:
        self.items.change(rec.url, rows.apply_title, rec.title)

    def on_info(self, rec: records.CrawlInfo) -> None:
        self.portal_url = rec.portal_url or self.portal_url
        self.portal_cms = rec.cms or self.portal_cms
        self.facts.update(rec.facts)

    # ---- end --------------------------------------------------------------------------------

    def close_spider(self, spider: Any = None) -> None:
        self.flush()

    def spider_closed(self, spider: Any, reason: str = "finished") -> None:
        """Final crawl row: status, stop reason (with Scrapy's close reason), counts, facts, links."""
        self.flush()
        links = spider.link_rows() if hasattr(spider, "link_rows") else []
        facts = {**self.facts, **(spider.site_facts() if hasattr(spider, "site_facts") else {})}
        status = verdict(spider.failed, spider.stop_reason, reason)[0]
        with self.factory.begin() as s:
            if self.writes_allowed(s):
                rows.insert_links(s, spider.crawl_id, links)
                share_item_contents(s, spider.crawl_id)
                finish_crawl_row(s, s.get(Crawl, spider.crawl_id), failed=spider.failed,
                                          stop_reason=spider.stop_reason, close_reason=reason, facts=facts,
                                          cms_votes=self.cms_votes, portal_cms=self.portal_cms,
                                          portal_url=self.portal_url)
        self.session.close()
        self._progress("site_done", {"site_id": spider.site_id, "status": status})

    def _progress(self, event: str, data: dict[str, Any]) -> None:
        if self.spider is None or not self.spider.progress:
            return
        try:
            self.spider.progress(event, data)
        except Exception:  # a broken progress callback must not stop the crawl
            log.exception("progress callback failed")

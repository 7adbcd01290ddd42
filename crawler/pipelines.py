"""Store pipeline: writes the spider's records into `xxgk.store` (Page, Column, Item, Crawl).

Every record is committed at once: several spiders share the reactor thread and one
SQLite file, so no session may hold a write transaction across callbacks.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.records import ColumnRecord, CrawlInfo, ItemTitle, ListRecord, PageRecord
from xxgk.store import (
    CRAWL_DONE,
    CRAWL_FAILED,
    CRAWL_RUNNING,
    Column,
    Crawl,
    Item,
    Page,
    session_factory,
    utcnow,
)

log = logging.getLogger(__name__)
_FACTORIES: dict[str, sessionmaker[Session]] = {}

CLOSE_REASONS = {
    "finished": "finished",
    "closespider_pagecount": "page limit",
    "closespider_timeout": "time limit",
    "shutdown": "interrupted",
}


def factory_for(db_url: str) -> sessionmaker[Session]:
    """One engine per database per process."""
    if db_url not in _FACTORIES:
        _FACTORIES[db_url] = session_factory(db_url)
    return _FACTORIES[db_url]


class _ColumnStats:
    def __init__(self, column_id: int) -> None:
        self.column_id = column_id
        self.urls: set[str] = set()
        self.pages: set[str] = set()
        self.newest: dt.date | None = None
        self.declared: int | None = None
        self.has_content = False


class StorePipeline:
    """Per-spider state: column keys → row ids, item URLs per column, page URLs seen."""

    def __init__(self, db_url: str) -> None:
        self.factory = factory_for(db_url)
        self.cols: dict[str, _ColumnStats] = {}
        self.pages: set[str] = set()
        self.cms_votes: Counter[str] = Counter()
        self.portal_cms: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        return cls(crawler.settings.get("XXGK_DB_URL"))

    def open_spider(self, spider: Any) -> None:
        with self.factory.begin() as s:
            crawl = s.get(Crawl, spider.crawl_id)
            crawl.status = CRAWL_RUNNING
            crawl.started_at = utcnow()
            crawl.error = None

    def process_item(self, item: Any, spider: Any) -> Any:
        with self.factory.begin() as s:
            if isinstance(item, PageRecord):
                self._page(s, item, spider)
            elif isinstance(item, CrawlInfo):
                crawl = s.get(Crawl, spider.crawl_id)
                crawl.portal_url = item.portal_url or crawl.portal_url
                self.portal_cms = item.cms or self.portal_cms
            elif isinstance(item, ColumnRecord):
                self._column(s, item, spider)
            elif isinstance(item, ListRecord):
                self._list(s, item, spider)
            elif isinstance(item, ItemTitle):
                stats = self.cols.get(item.column_key)
                if stats is not None:
                    row = s.scalars(
                        select(Item).where(Item.column_id == stats.column_id, Item.url == item.url)
                    ).first()
                    if row is not None:
                        row.title = item.title
        return item

    def _page(self, s: Session, rec: PageRecord, spider: Any) -> None:
        if rec.url in self.pages:
            return
        self.pages.add(rec.url)
        s.add(
            Page(
                crawl_id=spider.crawl_id,
                url=rec.url,
                status=rec.status,
                error=rec.error,
                content_type=rec.content_type,
                size=rec.size,
                sha256=rec.sha256,
                kind=rec.kind,
                restricted=rec.restricted,
            )
        )
        crawl = s.get(Crawl, spider.crawl_id)
        crawl.pages = (crawl.pages or 0) + 1
        if spider.progress:
            try:
                spider.progress("page", {"site_id": spider.site_id, "url": rec.url})
            except Exception:  # a broken progress callback must not stop the crawl
                log.exception("progress callback failed")

    def _column(self, s: Session, rec: ColumnRecord, spider: Any) -> None:
        stats = self.cols.get(rec.key)
        if stats is not None:  # status update
            col = s.get(Column, stats.column_id)
            col.status, col.status_detail = rec.status, rec.status_detail
            return
        parent = self.cols.get(rec.parent_key) if rec.parent_key else None
        col = Column(
            crawl_id=spider.crawl_id,
            parent_id=parent.column_id if parent else None,
            name=rec.name,
            url=rec.url,
            path=rec.path,
            depth=rec.depth,
            offsite=rec.offsite,
            status=rec.status,
            status_detail=rec.status_detail,
        )
        s.add(col)
        s.flush()
        self.cols[rec.key] = _ColumnStats(col.id)

    def _list(self, s: Session, rec: ListRecord, spider: Any) -> None:
        stats = self.cols[rec.column_key]
        if rec.cms:
            self.cms_votes[rec.cms] += 1
        if rec.found or rec.items:
            stats.pages.add(rec.page_url)
        if rec.declared_count is not None and stats.declared is None:
            stats.declared = rec.declared_count
        stats.has_content = stats.has_content or rec.has_content
        for it in rec.items:
            if it.url in stats.urls:
                continue
            stats.urls.add(it.url)
            s.add(
                Item(
                    column_id=stats.column_id,
                    crawl_id=spider.crawl_id,
                    title=it.title,
                    url=it.url,
                    published=it.date,
                )
            )
            if it.date and (stats.newest is None or it.date > stats.newest):
                stats.newest = it.date
        col = s.get(Column, stats.column_id)
        col.item_count = len(stats.urls)
        col.list_pages = len(stats.pages)
        col.newest_date = stats.newest
        col.declared_count = stats.declared
        col.has_content = stats.has_content

    def close_spider(self, spider: Any, reason: str = "finished") -> None:
        status = CRAWL_FAILED if spider.failed else CRAWL_DONE
        with self.factory.begin() as s:
            crawl = s.get(Crawl, spider.crawl_id)
            crawl.status = status
            crawl.finished_at = utcnow()
            crawl.error = spider.failed
            crawl.stop_reason = spider.failed or spider.stop_reason or CLOSE_REASONS.get(reason, reason)
            votes = [name for name, _ in self.cms_votes.most_common() if name != "generic"]
            crawl.cms = votes[0] if votes else (self.portal_cms or ("generic" if self.cms_votes else None))
        if spider.progress:
            try:
                spider.progress("site_done", {"site_id": spider.site_id, "status": status})
            except Exception:
                log.exception("progress callback failed")

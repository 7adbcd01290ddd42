"""Request-mode store writes are idempotent: a request re-run after its worker died (its rows written,
its Redis commit never made) leaves no duplicate row, and the crawl's end aggregates the rows once."""

from __future__ import annotations

import datetime as dt

import redis as redislib
from sqlalchemy import func, select
from storekit import add_run_with_sites

from crawler.distributed.rspider import SharedPortalSpider
from crawler.distributed.rwriter import finalize, write_records
from crawler.extract.types import ListItem
from crawler.records import ArticleRecord, AttachmentRecord, ColumnRecord, CrawlInfo, ListRecord, PageRecord
from xxgk.store import Column, Crawl, Document, Item, Page, session_factory
from xxgk.store.models import item_contents

URL = "http://127.0.0.1:9/"


def _records() -> list:
    items = [ListItem("通知一", URL + "a/1.html", dt.date(2026, 1, 2)), ListItem("通知二", URL + "a/2.html")]
    return [
        PageRecord(url=URL + "list/", status=200, kind="list"),
        ColumnRecord(key=URL + "list/", name="通知公告", url=URL + "list/", parent_key=None, path="通知公告",
                     depth=1),
        ListRecord(column_key=URL + "list/", page_url=URL + "list/", items=items, declared_count=2, cms="generic"),
        ArticleRecord(url=URL + "a/1.html", title="通知一（全文）", date=dt.date(2026, 1, 3), body_chars=120),
        AttachmentRecord(item_url=URL + "a/1.html", url=URL + "f/1.pdf", name="附件.pdf", type="pdf", status=200,
                         text="年度报告", text_chars=4, role="annual_report"),
        CrawlInfo(portal_url=URL + "list/", cms="generic", facts={"entry": {"depth": 0}}),
    ]


def test_rerun_request_writes_no_duplicates(pg_url: str, redis_url: str) -> None:
    factory = session_factory(pg_url)
    with factory.begin() as s:
        run_id = add_run_with_sites(s, {"x": URL}, label="rw")
        crawl_id = s.scalars(select(Crawl.id).where(Crawl.run_id == run_id)).one()
    r = redislib.Redis.from_url(redis_url)
    spider = SharedPortalSpider(r, "rw", crawl_id, 1, URL, limits={"check_links": False})
    col_ids: dict = {}
    for _ in range(2):  # the first attempt died after its store write; the re-delivered one writes again
        spider.begin()
        with factory.begin() as s:
            write_records(s, spider.state, crawl_id, _records(), col_ids)
        ops = spider.take_ops()
    for op in ops:  # the second attempt's Redis commit (applying its buffered aggregates)
        r.execute_command(*op)
    spider.begin()
    spider.load_link_health()
    with factory.begin() as s:
        finalize(s, spider)
    with factory() as s:
        assert s.scalar(select(func.count(Page.id))) == 1
        assert s.scalar(select(func.count(Column.id))) == 1
        assert s.scalar(select(func.count(Item.id))) == 2
        # one content per item: the re-delivery wrote none twice, and the one the article changed went
        assert s.scalar(select(func.count()).select_from(item_contents)) == 2
        assert s.scalar(select(func.count(Document.id))) == 1
        col = s.scalars(select(Column)).one()
        assert (col.item_count, col.list_pages, col.declared_count, col.kind) == (2, 1, 2, "list")
        assert col.newest_date == dt.date(2026, 1, 2)
        first = s.scalars(select(Item).where(Item.url == URL + "a/1.html")).one()
        assert first.article_date == dt.date(2026, 1, 3) and first.body_chars == 120
        assert [a["url"] for a in first.attachments] == [URL + "f/1.pdf"]
        assert s.scalars(select(Document)).one().item_id == first.id
        crawl = s.get(Crawl, crawl_id)
        assert (crawl.status, crawl.cms, crawl.portal_url, crawl.pages) == ("done", "generic", URL + "list/", 1)
        assert crawl.facts["entry"] == {"depth": 0}

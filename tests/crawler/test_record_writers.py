"""The local store pipeline and the request-mode writer turn one record stream into the same rows.

The two writers differ only in where they aggregate (memory vs Redis); a crawl of the same site must
end with the same crawl row, columns, items and documents either way. Real Redis, SQLite store.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import redis as redislib
from sqlalchemy import select
from storekit import add_run_with_sites

from crawler.distributed.rspider import SharedPortalSpider
from crawler.distributed.rwriter import finalize, open_crawl, write_records
from crawler.extract.types import ListItem
from crawler.pipelines import StorePipeline
from crawler.records import (
    ArticleRecord,
    AttachmentRecord,
    ColumnRecord,
    CrawlInfo,
    ItemTitle,
    ListRecord,
    PageRecord,
)
from xxgk.store import Column, Crawl, Document, Item, session_factory

URL = "http://127.0.0.1:9/"
CUT = "关于做好2026年度政务公开工作的通..."
FULL = "关于做好2026年度政务公开工作的通知"


def _requests() -> list[list[Any]]:
    """The records of a small crawl, grouped as the requests that yielded them."""
    list_a = URL + "gk/tzgg/"
    return [
        [PageRecord(url=URL, status=200, kind="home"),
         ColumnRecord(key="group:/组织机构", name="组织机构", url=None, parent_key=None, path="组织机构", depth=1),
         ColumnRecord(key=list_a, name="通知公告", url=list_a, parent_key=None, path="通知公告", depth=1),
         ColumnRecord(key=URL + "gk/ld/", name="领导信息", url=URL + "gk/ld/", parent_key="group:/组织机构",
                      path="组织机构/领导信息", depth=2, unit="办公室"),
         # a column named twice in one request: the later record's status, and its unit where it names one
         ColumnRecord(key=URL + "gk/ld/", name="领导信息", url=URL + "gk/ld/", parent_key="group:/组织机构",
                      path="组织机构/领导信息", depth=2, status="error", status_detail="页面无法读取"),
         ColumnRecord(key=list_a, name="通知公告", url=list_a, parent_key=None, path="通知公告", depth=1,
                      unit="党政办"),
         CrawlInfo(portal_url=URL + "gk/", cms="generic", facts={"entry": {"url": URL + "gk/", "depth": 1}})],
        [PageRecord(url=list_a, status=200, kind="list", render="browser"),
         ListRecord(column_key=list_a, page_url=list_a, declared_count=3, cms="hanweb",
                    items=[ListItem(CUT, URL + "a/1.html", dt.date(2026, 3, 1)),
                           ListItem("年度报告", URL + "a/2.html", dt.date(2026, 1, 20)),
                           ListItem(CUT, URL + "a/1.html", dt.date(2026, 3, 1))])],
        [PageRecord(url=list_a + "index_1.html", status=200, kind="list"),
         ListRecord(column_key=list_a, page_url=list_a + "index_1.html", cms="generic",
                    items=[ListItem("旧通知", URL + "a/3.html", dt.date(2025, 6, 1))])],
        [PageRecord(url=URL + "gk/ld/", status=200, kind="list"),
         ListRecord(column_key=URL + "gk/ld/", page_url=URL + "gk/ld/", found=False, has_content=True),
         ColumnRecord(key=URL + "gk/ld/", name="领导信息", url=URL + "gk/ld/", parent_key="group:/组织机构",
                      path="组织机构/领导信息", depth=2, status="incomplete", status_detail="第2页无法打开")],
        [PageRecord(url=URL + "a/1.html", status=200, kind="article"),
         ArticleRecord(url=URL + "a/1.html", title=FULL, date=dt.date(2026, 3, 2), meta={"文号": "政办〔2026〕1号"},
                       unit="政府办公室", body_chars=20),
         ItemTitle(column_key=list_a, url=URL + "a/1.html", title=FULL),
         AttachmentRecord(item_url=URL + "a/1.html", url=URL + "f/1.pdf", name="扫描件.pdf", type="pdf", status=200,
                          text="", scanned=True),
         AttachmentRecord(item_url=URL + "a/1.html", url=URL + "f/gone.pdf", name="丢失.pdf", type="pdf", status=404,
                          error="HTTP 404")],
        [PageRecord(url=URL + "a/2.html", status=200, kind="article"),
         ArticleRecord(url=URL + "a/2.html", title="2025年政府信息公开工作年度报告", body_chars=3000,
                       annual_report=True, text="一、总体情况", raw=b"<html>", content_type="text/html")],
    ]


def _new_crawl(factory: Any, name: str) -> int:
    with factory.begin() as s:
        run_id = add_run_with_sites(s, {name: URL + name}, label=name)
        return s.scalars(select(Crawl.id).where(Crawl.run_id == run_id)).one()


def _local(db_url: str, crawl_id: int) -> None:
    spider = SimpleNamespace(crawl_id=crawl_id, site_id=1, progress=None, resuming=False, warc=None, failed=None,
                             stop_reason="page limit", link_rows=list, site_facts=lambda: {"robots_ignored": False})
    pipe = StorePipeline(db_url, SimpleNamespace(spider=spider))
    pipe.open_spider(spider)
    for request in _requests():
        for rec in request:
            pipe.process_item(rec)
    pipe.close_spider(spider)
    pipe.spider_closed(spider, "finished")


def _request_mode(db_url: str, redis_url: str, crawl_id: int) -> None:
    factory = session_factory(db_url)
    r = redislib.Redis.from_url(redis_url)
    spider = SharedPortalSpider(r, f"writers{crawl_id}", crawl_id, 1, URL, limits={"check_links": False})
    spider.begin()
    spider.open_crawl()
    with factory.begin() as s:
        open_crawl(s, crawl_id, None)
    col_ids: dict = {}
    for i, request in enumerate(_requests()):
        if i:
            spider.begin()
        if i == 1:
            spider.stop_reason = "page limit"
        for rec in request:  # the spider keeps its columns (their parents) in Redis as it yields them
            if isinstance(rec, ColumnRecord):
                spider.columns.put(rec)
        with factory.begin() as s:
            write_records(s, spider.state, crawl_id, request, col_ids)
        for op in spider.take_ops():
            r.execute_command(*op)
    spider.begin()
    spider.load_link_health()
    with factory.begin() as s:
        finalize(s, spider)


def _rows(db_url: str, crawl_id: int) -> dict[str, Any]:
    """Everything the crawl wrote, without ids and times."""
    with session_factory(db_url)() as s:
        crawl = s.get(Crawl, crawl_id)
        cols = {c.id: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl_id))}
        items = {i.id: i for i in s.scalars(select(Item).where(Item.crawl_id == crawl_id))}
        return {
            "crawl": (crawl.status, crawl.stop_reason, crawl.error, crawl.pages, crawl.browser_pages, crawl.cms,
                      crawl.portal_url, crawl.facts, crawl.started_at is not None, crawl.finished_at is not None),
            "columns": sorted((c.key, c.name, c.kind, c.status, c.status_detail, c.unit, c.item_count, c.list_pages,
                               c.declared_count, c.has_content, c.newest_date,
                               cols[c.parent_id].key if c.parent_id else None) for c in cols.values()),
            "items": sorted((cols[i.column_id].key, i.url, i.title, i.published, i.article_date, i.meta, i.unit,
                             i.body_chars, i.image_only, i.attachments) for i in items.values()),
            "documents": sorted((d.url, d.doc_type, d.role, d.title, d.text, d.body,
                                 items[d.item_id].url if d.item_id else None)
                                for d in s.scalars(select(Document).where(Document.crawl_id == crawl_id))),
        }


def test_local_and_request_mode_writers_write_the_same_rows(tmp_path: Any, redis_url: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'writers.sqlite'}"
    factory = session_factory(db_url)
    local_id, dist_id = _new_crawl(factory, "local"), _new_crawl(factory, "dist")
    _local(db_url, local_id)
    _request_mode(db_url, redis_url, dist_id)
    local, dist = _rows(db_url, local_id), _rows(db_url, dist_id)
    assert local == dist

    # and the rows are right, not merely alike
    assert local["crawl"][:8] == ("done", "page limit", None, 6, 1, "hanweb", URL + "gk/",
                                  {"entry": {"url": URL + "gk/", "depth": 1}, "robots_ignored": False})
    cols = {c[0]: c for c in local["columns"]}
    assert cols["group:/组织机构"][2] == "group"
    assert cols[URL + "gk/tzgg/"][2:] == ("list", "ok", None, "党政办", 3, 2, 3, False, dt.date(2026, 3, 1), None)
    assert cols[URL + "gk/ld/"][2:] == ("content", "incomplete", "第2页无法打开", "办公室", 0, 0, None, True, None,
                                        "group:/组织机构")
    first = next(i for i in local["items"] if i[1] == URL + "a/1.html")
    assert first[2:9] == (FULL, dt.date(2026, 3, 1), dt.date(2026, 3, 2), {"文号": "政办〔2026〕1号"}, "政府办公室", 20,
                          True)
    assert [a["url"] for a in first[9]] == [URL + "f/1.pdf", URL + "f/gone.pdf"]
    assert [(d[0], d[2], d[6]) for d in local["documents"]] == [
        (URL + "a/2.html", "annual_report", URL + "a/2.html"), (URL + "f/1.pdf", "attachment", URL + "a/1.html")]

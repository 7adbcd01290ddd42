"""A page whose reading raises is recorded as unread — on its column and in the crawl's coverage —
instead of vanishing with whatever it held (which later checks would call missing)."""

from __future__ import annotations

from pathlib import Path

from dyn_server import DynServer, paged_columns
from sqlalchemy import select
from storekit import add_run_with_sites

from scoring.coverage import measure
from xxgk.store import Column, Crawl, Item, Page, default_db_url, session_factory

# the child's column and article reader raise on two pages: a first list page and a later one
BREAK_READER = """
import crawler.spiders.portal as portal
_read = portal.restricted_reason
def _breaking(response, sel):
    if response.url.endswith(("/c1/list1.html", "/c2/list2.html")):
        raise ValueError("reader bug")
    return _read(response, sel)
portal.restricted_reason = _breaking
"""


def _crawl(tmp_path: Path, crawl_in_subprocess, prelude: str) -> tuple[str, int]:
    with DynServer(paged_columns(4, 5)) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"县": srv.url + "/index.html"}, label="unread")
        crawl_in_subprocess(db_url, run_id, limits={"browser": False, "check_links": False,
                                                    "fetch_articles": False, "search": False}, prelude=prelude)
    return db_url, run_id


def test_a_page_whose_reading_raises_is_recorded_as_unread(tmp_path: Path, crawl_in_subprocess) -> None:
    db_url, run_id = _crawl(tmp_path, crawl_in_subprocess, BREAK_READER)
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        cols = {c.name: c for c in s.scalars(select(Column).where(Column.crawl_id == crawl.id))}
        pages = {p.url.rsplit("/", 2)[-2] + "/" + p.url.rsplit("/", 1)[-1]: p
                 for p in s.scalars(select(Page).where(Page.crawl_id == crawl.id))}
        items = s.scalars(select(Item.url).where(Item.crawl_id == crawl.id)).all()
        cov = measure(s, crawl)
    assert crawl.status == "done"
    first = cols["栏目1"]
    assert first.status == "error" and "page could not be read: ValueError: reader bug" in first.status_detail
    later = cols["栏目2"]
    assert later.status == "incomplete" and "/c2/list2.html" in later.status_detail
    assert cols["栏目0"].status == cols["栏目3"].status == "ok"
    assert pages["c1/list1.html"].status == 200 and "reader bug" in pages["c1/list1.html"].error
    assert "reader bug" in pages["c2/list2.html"].error
    assert sum("/c2/" in u for u in items) == 5 and not any("/c1/" in u for u in items)
    assert crawl.facts["unread_pages"] == 2
    assert crawl.facts["unread_page"]["url"].endswith(("/c1/list1.html", "/c2/list2.html"))
    assert not cov.plausible and cov.pages_unread == 2 and "pages that could not be read" in cov.reasons
    assert "读取出错页面 2 个" in cov.figures()


def test_a_crawl_whose_pages_all_read_has_no_unread_count(tmp_path: Path, crawl_in_subprocess) -> None:
    db_url, run_id = _crawl(tmp_path, crawl_in_subprocess, "")
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        statuses = set(s.scalars(select(Column.status).where(Column.crawl_id == crawl.id)))
        cov = measure(s, crawl)
    assert statuses == {"ok"} and "unread_pages" not in crawl.facts
    assert cov.plausible and cov.pages_unread == 0 and "读取出错" not in cov.figures()


def test_a_request_mode_worker_records_the_unread_page_with_what_the_callback_yielded_first() -> None:
    """Request-level distributed workers run callbacks outside Scrapy's spider middlewares
    (`crawler.distributed.rscheduler.Dispatcher.run`): the same records come from the spider there."""
    import asyncio
    import types

    from scrapy.http import HtmlResponse, Request

    from crawler.distributed.rscheduler import Dispatcher
    from crawler.records import ColumnRecord, PageRecord
    from crawler.spiders.portal import PortalSpider

    spider = PortalSpider(crawl_id=1, site_id=1, start_url="http://x.gov.cn/", limits={})
    spider.begin = lambda: None  # type: ignore[method-assign]
    spider.columns["k"] = ColumnRecord(key="k", name="通知公告", url="http://x.gov.cn/tzgg/", parent_key=None,
                                       path="通知公告", depth=1)
    url = "http://x.gov.cn/tzgg/index.html"
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url, meta={"kind": "list", "column": "k",
                                                                                     "first": True, "depth": 1}))

    def callback(resp: HtmlResponse):
        yield PageRecord(url="http://x.gov.cn/other.html", status=200, kind="other")
        raise KeyError("reader bug")

    committed: list = []
    fake = types.SimpleNamespace(commit=lambda ctx, entry, records, children: committed.append(records))
    ctx = types.SimpleNamespace(spider=spider, crawl_id=1, lock=asyncio.Lock())

    async def drain() -> None:
        async for _ in Dispatcher.run(fake, ctx, "e1", callback, response):  # type: ignore[arg-type]
            pass

    asyncio.run(drain())
    (records,) = committed
    pages = [r for r in records if isinstance(r, PageRecord)]
    assert [p.url for p in pages] == ["http://x.gov.cn/other.html", url]
    assert "KeyError" in pages[1].error and pages[1].status == 200
    (col,) = [r for r in records if isinstance(r, ColumnRecord)]
    assert col.status == "error" and "reader bug" in col.status_detail
    assert spider.unread_pages == 1 and spider.site_facts()["unread_pages"] == 1

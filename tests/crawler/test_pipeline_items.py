"""The store pipeline's item rows: written in batches, changed after they were written (the article page,
a file, the full title arrive in a later batch), their contents interned by the crawl's end."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from storekit import add_run_with_sites

from crawler.extract.types import ListItem
from crawler.pipelines import StorePipeline
from crawler.records import ArticleRecord, AttachmentRecord, ColumnRecord, ItemTitle, ListRecord, PageRecord
from xxgk.store import Crawl, Document, Item, default_db_url, session_factory
from xxgk.store.models import item_contents

URL = "http://127.0.0.1:9/"
LIST = URL + "gk/tzgg/"
CUT = "关于做好2026年度政务公开工作的通..."
FULL = "关于做好2026年度政务公开工作的通知"


def _pipeline(tmp_path: Any) -> tuple[StorePipeline, Any, str]:
    db = default_db_url(tmp_path / "store.sqlite")
    with session_factory(db).begin() as s:
        add_run_with_sites(s, {"site": URL})
        crawl_id = s.scalars(select(Crawl.id)).one()
    spider = SimpleNamespace(crawl_id=crawl_id, site_id=1, progress=None, resuming=False, warc=None, failed=None,
                             stop_reason=None, link_rows=list, site_facts=dict)
    pipe = StorePipeline(db, SimpleNamespace(spider=spider))
    pipe.open_spider(spider)
    return pipe, spider, db


def _listed(pipe: StorePipeline) -> None:
    pipe.process_item(ColumnRecord(key=LIST, name="通知公告", url=LIST, parent_key=None, path="通知公告", depth=1))
    pipe.process_item(ListRecord(column_key=LIST, page_url=LIST, items=[
        ListItem(CUT, URL + "a/1.html", dt.date(2026, 3, 1)), ListItem("年度报告", URL + "a/2.html", dt.date(2026, 1, 20)),
        ListItem("旧通知", URL + "a/3.html", dt.date(2026, 3, 1))]))


def _items(db: str) -> dict[str, tuple[Any, ...]]:
    with session_factory(db)() as s:
        return {i.url: (i.title, i.published, i.article_date, i.meta, i.unit, i.body_chars, i.image_only,
                        [a["url"] for a in i.attachments], i.content_hash is not None)
                for i in s.scalars(select(Item))}


def test_items_changed_after_their_batch_get_the_article_and_share_contents(tmp_path: Any) -> None:
    pipe, spider, db = _pipeline(tmp_path)
    _listed(pipe)
    pipe.flush()  # the items are written before their article pages are read
    assert {u: row[0] for u, row in _items(db).items()} == {URL + "a/1.html": CUT, URL + "a/2.html": "年度报告",
                                                             URL + "a/3.html": "旧通知"}
    pipe.process_item(PageRecord(url=URL + "a/1.html", status=200, kind="article"))
    pipe.process_item(ArticleRecord(url=URL + "a/1.html", title=FULL, date=dt.date(2026, 3, 2),
                                    meta={"文号": "政办〔2026〕1号"}, unit="政府办公室", body_chars=10))
    pipe.process_item(ItemTitle(column_key=LIST, url=URL + "a/1.html", title=FULL))
    pipe.process_item(AttachmentRecord(item_url=URL + "a/1.html", url=URL + "f/1.pdf", name="扫描件.pdf", type="pdf",
                                       status=200, text="", scanned=True))
    pipe.process_item(ArticleRecord(url=URL + "a/2.html", title="2025年年度报告", body_chars=3000, annual_report=True,
                                    text="一、总体情况", raw=b"<html>", content_type="text/html"))
    pipe.close_spider(spider)
    pipe.spider_closed(spider, "finished")
    items = _items(db)
    assert items[URL + "a/1.html"] == (FULL, dt.date(2026, 3, 1), dt.date(2026, 3, 2), {"文号": "政办〔2026〕1号"},
                                       "政府办公室", 10, True, [URL + "f/1.pdf"], True)
    assert items[URL + "a/2.html"][5] == 3000 and items[URL + "a/3.html"][5] is None
    with session_factory(db)() as s:
        # every content row is used (the ones the first batch wrote and the articles replaced are gone)
        assert s.scalar(select(func.count()).select_from(item_contents)) == 3
        docs = {d.url: d.item_id for d in s.scalars(select(Document))}
        ids = {i.url: i.id for i in s.scalars(select(Item))}
    assert docs == {URL + "a/2.html": ids[URL + "a/2.html"], URL + "f/1.pdf": ids[URL + "a/1.html"]}

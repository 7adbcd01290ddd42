"""What a crawl keeps of its written items (`crawler.site_items`): their ids, not their rows, and records
that change a written item (its article page, a file, the full title) still land on its stored row, in
whatever order they come, for an item listed in two columns too, and after a failed flush."""

from __future__ import annotations

import datetime as dt
import gc
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from storekit import add_run_with_sites

from crawler.extract.types import ListItem
from crawler.pipelines import StorePipeline
from crawler.records import ArticleRecord, AttachmentRecord, ColumnRecord, ItemTitle, ListRecord, PageRecord
from xxgk.store import Column, Crawl, Document, Item, default_db_url, session_factory

URL = "http://127.0.0.1:9/"
NOTICES, NEWS = URL + "gk/tzgg/", URL + "gk/zxxx/"
CUT = "关于做好2026年度政务公开工作的通..."
FULL = "关于做好2026年度政务公开工作的通知"


def _pipeline(db: str) -> tuple[StorePipeline, Any]:
    """A store pipeline of a new crawl (its own run) in the store `db`."""
    with session_factory(db).begin() as s:
        run_id = add_run_with_sites(s, {"site": URL})
        crawl_id = s.scalars(select(Crawl.id).where(Crawl.run_id == run_id)).one()
    spider = SimpleNamespace(crawl_id=crawl_id, site_id=1, progress=None, resuming=False, warc=None, failed=None,
                             stop_reason=None, link_rows=list, site_facts=dict)
    pipe = StorePipeline(db, SimpleNamespace(spider=spider))
    pipe.open_spider(spider)
    return pipe, spider


def _column(key: str, name: str) -> ColumnRecord:
    return ColumnRecord(key=key, name=name, url=key, parent_key=None, path=name, depth=1)


def _listing(key: str, *items: ListItem) -> ListRecord:
    return ListRecord(column_key=key, page_url=key, items=list(items))


ONE = ListItem(CUT, URL + "a/1.html", dt.date(2026, 3, 1))
TWO = ListItem("年度报告", URL + "a/2.html", dt.date(2026, 1, 20))
THREE = ListItem("旧通知", URL + "a/3.html", dt.date(2026, 3, 1))

# A crawl's records: item 1 is listed in two columns, before and after its article page; item 3's
# article comes before it is listed; files and the full title come after their items are listed.
RECORDS = [
    _column(NOTICES, "通知公告"), _column(NEWS, "最新信息"),
    ArticleRecord(url=THREE.url, title="旧通知", date=dt.date(2026, 2, 1), meta={"索引号": "003"}, unit="档案馆",
                  body_chars=5),
    _listing(NOTICES, ONE, TWO),
    PageRecord(url=ONE.url, status=200, kind="article"),
    ArticleRecord(url=ONE.url, title=FULL, date=dt.date(2026, 3, 2), meta={"文号": "政办〔2026〕1号"}, unit="政府办公室",
                  body_chars=10),
    ItemTitle(column_key=NOTICES, url=ONE.url, title=FULL),
    AttachmentRecord(item_url=ONE.url, url=URL + "f/1.pdf", name="扫描件.pdf", type="pdf", status=200, text="",
                     scanned=True),
    _listing(NEWS, ONE, THREE),
    AttachmentRecord(item_url=ONE.url, url=URL + "f/2.pdf", name="附件2.pdf", type="pdf", status=200, text="正文"),
    ArticleRecord(url=TWO.url, title="2025年年度报告", body_chars=3000, annual_report=True, text="一、总体情况",
                  raw=b"<html>", content_type="text/html"),
    AttachmentRecord(item_url=THREE.url, url=URL + "f/3.doc", name="附件.doc", type="doc", status=200, text="正文",
                     scanned=True),
]


def _stored(db: str, crawl_id: int) -> dict[str, Any]:
    """The crawl's items (by column and URL, every content field) and documents (by URL, their item)."""
    with session_factory(db)() as s:
        keys = {c.id: c.key for c in s.scalars(select(Column).where(Column.crawl_id == crawl_id))}
        items = {i.id: i for i in s.scalars(select(Item).where(Item.crawl_id == crawl_id))}
        return {
            "items": sorted((keys[i.column_id], i.url, i.title, i.published, i.article_date, i.meta, i.unit,
                             i.body_chars, i.image_only, i.attachments, i.content_hash is not None)
                            for i in items.values()),
            "documents": sorted((d.url, (keys[items[d.item_id].column_id], items[d.item_id].url))
                                for d in s.scalars(select(Document).where(Document.crawl_id == crawl_id))),
        }


def _crawl(db: str, flush_every: int | None) -> dict[str, Any]:
    """The rows of a new crawl of RECORDS, flushed every `flush_every` records (None: at the end only)."""
    pipe, spider = _pipeline(db)
    for n, rec in enumerate(RECORDS, 1):
        pipe.process_item(rec)
        if flush_every and n % flush_every == 0:
            pipe.flush()
    pipe.close_spider(spider)
    pipe.spider_closed(spider, "finished")
    return _stored(db, spider.crawl_id)


def test_records_for_written_items_land_on_their_rows(store_url: str) -> None:
    at_end = _crawl(store_url, None)  # every row still in memory when its later records come
    assert _crawl(store_url, 1) == at_end  # every row written before its later records come
    assert _crawl(store_url, 2) == at_end
    one = (FULL, dt.date(2026, 3, 1), dt.date(2026, 3, 2), {"文号": "政办〔2026〕1号"}, "政府办公室", 10)
    rows = {(key, url): (*rest[:7], [a["url"] for a in rest[7]], rest[8]) for key, url, *rest in at_end["items"]}
    assert rows[(NOTICES, ONE.url)] == (*one, True, [URL + "f/1.pdf", URL + "f/2.pdf"], True)
    # listed again after its article and first (scanned) file: the article is applied, the earlier file not
    assert rows[(NEWS, ONE.url)] == (*one, False, [URL + "f/2.pdf"], True)
    assert rows[(NEWS, THREE.url)] == ("旧通知", dt.date(2026, 3, 1), dt.date(2026, 2, 1), {"索引号": "003"}, "档案馆",
                                       5, True, [URL + "f/3.doc"], True)
    assert rows[(NOTICES, TWO.url)][5] == 3000
    # a document joins the first row listed for its item
    assert at_end["documents"] == [(TWO.url, (NOTICES, TWO.url)), (URL + "f/1.pdf", (NOTICES, ONE.url)),
                                   (URL + "f/2.pdf", (NOTICES, ONE.url)), (URL + "f/3.doc", (NEWS, THREE.url))]


def _live_items() -> int:
    gc.collect()
    return sum(isinstance(o, Item) for o in gc.get_objects())


def test_a_flushed_pipeline_holds_no_item_objects(tmp_path: Any) -> None:
    pipe, _ = _pipeline(default_db_url(tmp_path / "store.sqlite"))
    before = _live_items()  # (whatever other tests of this process still hold)
    for rec in RECORDS[:6]:
        pipe.process_item(rec)
    pipe.flush()
    assert _live_items() == before
    assert not [o for o in pipe.session.identity_map.values() if isinstance(o, Item)]
    assert pipe.items.first_id(ONE.url) is not None and not pipe.items.pending


def test_a_failed_flush_is_written_by_the_next(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    db = default_db_url(tmp_path / "store.sqlite")
    pipe, spider = _pipeline(db)
    for rec in RECORDS[:4]:
        pipe.process_item(rec)
    pipe.flush()  # the columns and items 1 and 2 are written
    original, failed = pipe.session.execute, []

    def fail_on_pages(statement: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(getattr(statement, "table", None), "name", None) == "pages" and not failed:
            failed.append(statement)
            raise RuntimeError("disk full")
        return original(statement, *args, **kwargs)

    monkeypatch.setattr(pipe.session, "execute", fail_on_pages)
    for rec in RECORDS[4:9]:  # item 1's article, title and file, then items 1 and 3 in the second column
        pipe.process_item(rec)
    with pytest.raises(RuntimeError):
        pipe.flush()  # the new rows and the changes were written, then the transaction failed after them
    for rec in RECORDS[9:]:
        pipe.process_item(rec)
    pipe.close_spider(spider)
    pipe.spider_closed(spider, "finished")
    assert failed and _stored(db, spider.crawl_id) == _crawl(db, None)

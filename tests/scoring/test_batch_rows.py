"""A batch's crawl rows read in one select give each crawl exactly its ORM rows' values of the attributes
scoring reads, JSON, dates and booleans decoded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from scoring.batch_rows import READ, rows_by_crawl
from xxgk.store import Column, Crawl, Item, Run, Site, session_factory, session_scope


def _store(url: str) -> list[int]:
    with session_scope(session_factory(url)) as s:
        run = Run(rubric_id="x")
        s.add(run)
        s.flush()
        ids = []
        for k in range(3):
            site = Site(url=f"http://s{k}.test/", name=f"站{k}", key=f"s{k}-{run.id}")
            s.add(site)
            s.flush()
            crawl = Crawl(run_id=run.id, site_id=site.id, status="done")
            s.add(crawl)
            s.flush()
            col = Column(crawl_id=crawl.id, name="章程", path="章程", url=f"http://s{k}.test/zc",
                         newest_date=dt.date(2024, 3, k + 1) if k else None, offsite=k == 1, has_content=k == 2)
            s.add(col)
            s.flush()
            for j in range(k):  # crawl 0 has no items: it must still get its (empty) list
                s.add(Item(column_id=col.id, crawl_id=crawl.id, title=f"t{j}", url=f"http://s{k}.test/{j}",
                           meta={"索引号": f"{k}-{j}"} if j else {}, attachments=[{"url": "a.pdf", "scanned": j > 0}],
                           published=dt.date(2023, 12, 31 - j) if j else None, article_date=dt.date(2024, 1, 2),
                           image_only=j == 1, body_chars=10 * j or None, unit="办公室" if j else None))
            ids.append(crawl.id)
        return ids


def _check(url: str) -> None:
    ids = _store(url)
    with session_scope(session_factory(url)) as s:
        batch = rows_by_crawl(s, Item, ids)
        cols = rows_by_crawl(s, Column, ids)
        assert [len(batch[c]) for c in ids] == [0, 1, 2] and [len(cols[c]) for c in ids] == [1, 1, 1]
        for cid in ids:
            for model, got in ((Item, batch[cid]), (Column, cols[cid])):
                orm = s.scalars(select(model).where(model.crawl_id == cid).order_by(model.id)).all()
                names = READ[model.__name__]
                assert [[(n, getattr(r, n)) for n in names] for r in got] == \
                    [[(n, getattr(r, n)) for n in names] for r in orm]
                # same types too: a boolean read as 0/1 would be encoded into findings as a number
                assert [[type(getattr(r, n)) for n in names] for r in got] == \
                    [[type(getattr(r, n)) for n in names] for r in orm]
        second = batch[ids[2]][1]
        assert second.attachments[0]["scanned"] is True and second.image_only is True
        assert second.published == dt.date(2023, 12, 30) and second.attachments is second.attachments  # decoded once
        assert cols[ids[1]][0].newest_date == dt.date(2024, 3, 2) and cols[ids[1]][0].offsite is True
        assert not hasattr(second, "meta")  # unread by scoring, so never fetched


def test_records_compare_by_identity_like_orm_objects(tmp_path) -> None:
    ids = _store(f"sqlite:///{tmp_path / 'b.db'}")
    with session_scope(session_factory(f"sqlite:///{tmp_path / 'b.db'}")) as s:
        first, again = rows_by_crawl(s, Column, ids[:1])[ids[0]][0], rows_by_crawl(s, Column, ids[:1])[ids[0]][0]
    assert tuple(first) == tuple(again) and first != again and len({first, again}) == 2


def test_sqlite_batch_rows_equal_orm_rows(tmp_path) -> None:
    _check(f"sqlite:///{tmp_path / 'b.db'}")


def test_postgres_batch_rows_equal_orm_rows(pg_url) -> None:
    _check(pg_url)

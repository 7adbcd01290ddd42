"""A batch's crawl rows read in one select give each crawl exactly its ORM rows' values, JSON and dates decoded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from scoring.batch_rows import rows_by_crawl
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
                         newest_date=dt.date(2024, 3, k + 1) if k else None)
            s.add(col)
            s.flush()
            for j in range(k):  # crawl 0 has no items: it must still get its (empty) list
                s.add(Item(column_id=col.id, crawl_id=crawl.id, title=f"t{j}", url=f"http://s{k}.test/{j}",
                           meta={"索引号": f"{k}-{j}"} if j else {}, attachments=[{"url": "a.pdf", "scanned": j > 0}],
                           published=dt.date(2023, 12, 31 - j) if j else None, article_date=dt.date(2024, 1, 2)))
            ids.append(crawl.id)
        return ids


def _check(url: str) -> None:
    ids = _store(url)
    with session_scope(session_factory(url)) as s:
        batch = rows_by_crawl(s, Item, ids)
        cols = rows_by_crawl(s, Column, ids)
        assert [len(batch[c]) for c in ids] == [0, 1, 2] and [len(cols[c]) for c in ids] == [1, 1, 1]
        for cid in ids:
            orm = s.scalars(select(Item).where(Item.crawl_id == cid).order_by(Item.id)).all()
            assert [(r.id, r.title, r.meta, r.attachments, r.published, r.article_date) for r in batch[cid]] == \
                [(r.id, r.title, r.meta, r.attachments, r.published, r.article_date) for r in orm]
            orm_cols = s.scalars(select(Column).where(Column.crawl_id == cid)).all()
            assert [(c.id, c.name, c.newest_date) for c in cols[cid]] == [(c.id, c.name, c.newest_date) for c in orm_cols]
        second = batch[ids[2]][1]
        assert second.meta == {"索引号": "2-1"} and second.attachments[0]["scanned"] is True
        assert second.published == dt.date(2023, 12, 30) and second.meta is second.meta  # decoded once, kept
        assert cols[ids[1]][0].newest_date == dt.date(2024, 3, 2)


def test_records_compare_by_identity_like_orm_objects(tmp_path) -> None:
    ids = _store(f"sqlite:///{tmp_path / 'b.db'}")
    with session_scope(session_factory(f"sqlite:///{tmp_path / 'b.db'}")) as s:
        first, again = rows_by_crawl(s, Column, ids[:1])[ids[0]][0], rows_by_crawl(s, Column, ids[:1])[ids[0]][0]
    assert tuple(first) == tuple(again) and first != again and len({first, again}) == 2


def test_sqlite_batch_rows_equal_orm_rows(tmp_path) -> None:
    _check(f"sqlite:///{tmp_path / 'b.db'}")


def test_postgres_batch_rows_equal_orm_rows(pg_url) -> None:
    _check(pg_url)

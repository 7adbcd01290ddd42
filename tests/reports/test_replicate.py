"""`bench.synthetic.replicate_run` copies an audit's rows to more sites with consistent keys."""

from __future__ import annotations

from sqlalchemy import func, select, text

from bench.synthetic import PROVINCES, make_store, replicate_run
from xxgk.store import Column, Crawl, Item, Page, Site, session_factory, session_scope


def test_copies_keep_every_foreign_key_and_get_distinct_sites(tmp_path):
    store = make_store(f"sqlite:///{tmp_path / 's.sqlite'}", n_sites=3, n_runs=1, evidence_dir=tmp_path / "ev")
    factory = session_factory(store.db_url)
    with session_scope(factory) as s:
        for site in s.scalars(select(Site)):
            site.key = f"key-{site.id}"
        for crawl in s.scalars(select(Crawl)):
            top = Column(crawl_id=crawl.id, name="基本信息", path="基本信息")
            s.add(top)
            s.flush()
            child = Column(crawl_id=crawl.id, parent_id=top.id, name="学校章程", path="基本信息/学校章程", url="http://x/zc")
            s.add(child)
            s.flush()
            s.add(Item(column_id=child.id, crawl_id=crawl.id, title="章程", url="http://x/zc/1"))
        before = {m.__name__: s.scalar(select(func.count()).select_from(m)) for m in (Site, Crawl, Column, Item, Page)}
    assert replicate_run(store.db_url, store.runs[0], 12) == 12
    with session_scope(factory) as s:
        after = {m.__name__: s.scalar(select(func.count()).select_from(m)) for m in (Site, Crawl, Column, Item, Page)}
        assert after == {k: 4 * v for k, v in before.items()}
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        sites = s.scalars(select(Site)).all()
        assert len({x.key for x in sites}) == len({x.name for x in sites}) == 12
        assert {x.group for x in sites} <= set(PROVINCES) and len({x.group for x in sites}) == 12
        # each copied column sits under its own copy's parent and crawl, each item in its own copy's column
        cols = {c.id: c for c in s.scalars(select(Column))}
        assert all(cols[c.parent_id].crawl_id == c.crawl_id for c in cols.values() if c.parent_id)
        assert all(cols[i.column_id].crawl_id == i.crawl_id for i in s.scalars(select(Item)))

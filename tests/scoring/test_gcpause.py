"""The cyclic collector is off while a batch is judged, and back as it was afterwards."""

from __future__ import annotations

import gc

import scoring.engine as engine
from scoring.gcpause import collector_paused
from scoring.rubric import find_rubric, load_rubric
from xxgk.store import Column, Crawl, Item, Run, Site, session_factory


def _store(session, n_sites: int) -> int:
    run = Run(rubric_id="moe-university-checklist-2014")
    session.add(run)
    session.flush()
    for k in range(n_sites):
        site = Site(url=f"http://s{k}.test/", name=f"大学{k}", kind="university", key=f"s{k}")
        session.add(site)
        session.flush()
        crawl = Crawl(run_id=run.id, site_id=site.id, status="done", portal_url=f"http://s{k}.test/xxgk/")
        session.add(crawl)
        session.flush()
        col = Column(crawl_id=crawl.id, name="学校章程", path="学校章程", url=f"http://s{k}.test/zc.htm", item_count=1)
        session.add(col)
        session.flush()
        session.add(Item(column_id=col.id, crawl_id=crawl.id, title="章程", url=f"http://s{k}.test/zc/1.htm"))
    session.flush()
    return run.id


def test_paused_block_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner pause must not switch the collector back on"
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector that was off stays off"
    finally:
        gc.enable()


def test_collector_is_restored_when_the_block_raises() -> None:
    try:
        with collector_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


def test_checks_run_with_the_collector_paused(tmp_path, monkeypatch) -> None:
    seen: list[bool] = []
    judge = engine.judge_crawl

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(gc.isenabled())
        return judge(*args, **kwargs)

    monkeypatch.setattr(engine, "judge_crawl", spy)
    session = session_factory(f"sqlite:///{tmp_path / 'g.db'}")()
    try:
        run_id = _store(session, 3)
        engine.score_run(session, run_id, load_rubric(find_rubric("moe-university-checklist-2014")))
    finally:
        session.close()
    assert seen == [False, False, False]
    assert gc.isenabled()

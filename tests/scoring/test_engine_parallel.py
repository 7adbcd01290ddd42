"""Scoring in worker processes writes exactly the findings, scores and coverage one process writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

import scoring.engine as engine
from scoring.engine import score_run
from scoring.parallel import PARALLEL_MIN_SITES, scoring_processes
from scoring.rubric import find_rubric, load_rubric
from xxgk.store import Column, Crawl, Finding, Item, Page, Run, Score, Site, session_factory, session_scope

RUBRIC = "moe-university-checklist-2014"
# exact names, an alias-like name, fuzzy and conflicting names, a generic column, a group header
NAMES = ("学校章程", "规章制度", "教职工代表大会相关制度", "学校发展规划", "招生章程", "学校新闻", "财务信息",
         "收费项目及标准", "研究生招生简章", "本科生学业考试规则", "就业质量年度报告", "信息公开年度报告")


def _build(url: str, n_sites: int) -> int:
    """Sites that differ: each holds a rotating subset of NAMES, some blank, some off-site, with items."""
    with session_scope(session_factory(url)) as s:
        run = Run(rubric_id=RUBRIC, config={"as_of": "2026-11-20"}, started_at=dt.datetime(2026, 11, 25, 8))
        s.add(run)
        s.flush()
        for k in range(n_sites):
            site = Site(url=f"http://u{k}.test/", name=f"大学{k}", kind="university", key=f"u{k}")
            s.add(site)
            s.flush()
            crawl = Crawl(run_id=run.id, site_id=site.id, status="done", portal_url=f"http://u{k}.test/xxgk/",
                          pages=10)
            s.add(crawl)
            s.flush()
            group = Column(crawl_id=crawl.id, name="基本信息", path="基本信息", url=None, kind="group")
            s.add(group)
            s.flush()
            for j, name in enumerate(NAMES):
                if (j + k) % 3 == 0:
                    continue
                col = Column(crawl_id=crawl.id, parent_id=group.id if j % 2 else None, name=name,
                             path=f"基本信息/{name}" if j % 2 else name, url=f"http://u{k}.test/c{j}/",
                             item_count=(j + k) % 4, offsite=(j * k) % 7 == 3, status="ok")
                s.add(col)
                s.flush()
                for i in range(col.item_count):
                    s.add(Item(column_id=col.id, crawl_id=crawl.id, title=f"{2025 - i}年{name}",
                               url=f"http://u{k}.test/c{j}/{i}.htm", published=dt.date(2026, 10, 1 + i)))
                s.add(Page(crawl_id=crawl.id, url=col.url, status=200, kind="list"))
        return run.id


def _findings(url: str, run_id: int) -> list[tuple]:
    with session_scope(session_factory(url)) as s:
        cols = [c for c in Finding.__table__.columns if c.name != "id"]
        rows = s.execute(select(*cols).where(Finding.run_id == run_id).order_by(Finding.id)).all()
        scores = s.execute(select(Score.site_id, Score.section_id, Score.points, Score.eligible_points,
                                  Score.percent, Score.veto).order_by(Score.id)).all()
        coverage = s.execute(select(Crawl.id, Crawl.coverage).order_by(Crawl.id)).all()
        return [tuple(r) for r in rows] + [tuple(r) for r in scores] + [tuple(r) for r in coverage]


def test_worker_processes_write_what_one_process_writes(tmp_path: Path, monkeypatch):
    rubric = load_rubric(find_rubric(RUBRIC))
    monkeypatch.setattr(engine, "BATCH_SITES", 3)  # 8 sites: batches of 3, 3 and 2 over two workers
    one, two = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    run_id = _build(one, 8)
    assert _build(two, 8) == run_id
    with session_scope(session_factory(one)) as s:
        score_run(s, run_id, rubric, processes=1)
    with session_scope(session_factory(two)) as s:
        score_run(s, run_id, rubric, processes=2)
    first, second = _findings(one, run_id), _findings(two, run_id)
    assert len(first) == 8 * 50 + 8 * (len(rubric.sections) + 1) + 8
    statuses = {r[8] for r in first[:400]}
    assert {"pass", "fail"} <= statuses, "the store exercises passing and failing items"
    assert all(r[1] for r in first[-8:]), "coverage was measured and stored"
    assert second == first
    with session_scope(session_factory(two)) as s:  # re-scored: the old rows go while the workers start
        score_run(s, run_id, rubric, processes=2)
    assert _findings(two, run_id) == first


def test_an_in_memory_store_or_a_small_run_stays_in_one_process(tmp_path: Path):
    mem = session_factory("sqlite://")()
    assert scoring_processes(mem, None, 10 * PARALLEL_MIN_SITES) == 1
    assert scoring_processes(mem, 4, 10) == 1
    mem.close()
    disk = session_factory(f"sqlite:///{tmp_path / 'd.db'}")()
    assert scoring_processes(disk, None, PARALLEL_MIN_SITES - 1) == 1
    assert scoring_processes(disk, 3, 10) == 3
    disk.close()


def _judged(url: str, run_id: int) -> list[tuple]:
    with session_scope(session_factory(url)) as s:
        return [(f.site_id, f.item_id, f.status, f.points, f.message, f.evidence, f.matched, f.details)
                for f in s.scalars(select(Finding).where(Finding.run_id == run_id).order_by(Finding.id))]


def test_sqlite_and_postgres_stores_hold_the_same_findings_json_once_encoded(tmp_path: Path, pg_url: str):
    lite = f"sqlite:///{tmp_path / 'lite.db'}"
    rubric = load_rubric(find_rubric(RUBRIC))
    rows = {}
    for url in (lite, pg_url):
        run_id = _build(url, 4)
        with session_scope(session_factory(url)) as s:
            score_run(s, run_id, rubric, processes=1)
        rows[url] = _judged(url, run_id)
    assert rows[lite] == rows[pg_url]
    assert len(rows[lite]) == 4 * 50
    # decoded once: lists and dicts, never the JSON text of them
    assert all(isinstance(e, list) and isinstance(m, list) and isinstance(d, dict) for *_r, e, m, d in rows[lite])
    assert any(e for *_r, e, _m, _d in rows[pg_url]) and any(d for *_r, _e, _m, d in rows[pg_url])

"""Scoring at national size: bulk writes, re-scoring replaces every row, memory bounded by a batch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

import scoring.engine as engine
from scoring.engine import score_run
from scoring.rubric import find_rubric, load_rubric
from tests.storekit import charter_run
from xxgk.store import Column, Crawl, Finding, Item, Score, session_factory


@pytest.fixture()
def session(tmp_path: Path):
    s = session_factory(f"sqlite:///{tmp_path / 'b.db'}")()
    yield s
    s.close()


def _rows(session, run_id):
    return sorted(session.execute(select(Finding.site_id, Finding.item_id, Finding.status, Finding.points,
                                         Finding.message).where(Finding.run_id == run_id)).all())


def test_rescoring_replaces_every_row_with_the_same_findings(session, monkeypatch):
    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    monkeypatch.setattr(engine, "BATCH_SITES", 2)  # 5 sites: batches of 2, 2 and 1
    run_id = charter_run(session, 5)
    score_run(session, run_id, rubric)
    first = _rows(session, run_id)
    assert len(first) == 5 * 50
    score_run(session, run_id, rubric)
    assert _rows(session, run_id) == first
    assert session.scalar(select(func.count(Score.id)).where(Score.run_id == run_id)) == 5 * (len(rubric.sections) + 1)


def test_findings_go_in_bulk_and_crawl_rows_leave_the_session(session, monkeypatch):
    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    monkeypatch.setattr(engine, "BATCH_SITES", 3)
    run_id = charter_run(session, 6)
    session.expunge_all()
    inserts = []
    conn = session.connection()

    @event.listens_for(conn, "before_cursor_execute")
    def _count(_c, _cur, statement, params, _ctx, many):  # noqa: ANN001
        if statement.lstrip().upper().startswith("INSERT INTO FINDINGS"):
            inserts.append(len(params) if many and isinstance(params, list | tuple) else 1)

    score_run(session, run_id, rubric)
    assert sum(inserts) == 6 * 50
    assert len(inserts) == 2, "one multi-row insert per batch of 3 sites"
    assert not [o for o in session.identity_map.values() if isinstance(o, Column | Item)]


def test_a_batch_reads_each_crawl_table_once_not_once_per_site(session, monkeypatch):
    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    monkeypatch.setattr(engine, "BATCH_SITES", 3)
    run_id = charter_run(session, 6)
    session.expunge_all()
    selects: dict[str, int] = {}
    conn = session.connection()

    @event.listens_for(conn, "before_cursor_execute")
    def _count(_c, _cur, statement, _params, _ctx, _many):  # noqa: ANN001
        head = statement.lstrip().upper()
        while re.search(r"\([^()]*\)", head):  # the outer statement's FROM, not a subquery's
            head = re.sub(r"\([^()]*\)", "", head)
        for table in ("COLUMNS", "ITEMS", "PAGES", "LINKS", "CRAWLS"):
            if head.startswith("SELECT") and f"FROM {table}" in head.split("WHERE")[0]:
                selects[table] = selects.get(table, 0) + 1

    score_run(session, run_id, rubric)
    # two batches of 3 sites: one select per table and batch (crawls: the run's ids, then each batch;
    # pages: the fetched ones counted by kind, then the unclassified ones)
    assert selects == {"COLUMNS": 2, "ITEMS": 2, "PAGES": 4, "LINKS": 2, "CRAWLS": 3}


def _full_rows(session, run_id):
    return [tuple(r) for r in session.execute(
        select(Finding.site_id, Finding.item_id, Finding.status, Finding.credit, Finding.points, Finding.message,
               Finding.reason, Finding.evidence, Finding.matched, Finding.details)
        .where(Finding.run_id == run_id).order_by(Finding.id))]


def test_batched_findings_equal_site_by_site_findings(session, monkeypatch):
    """The batch read hands each site exactly the rows a site-by-site read gives it."""
    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    monkeypatch.setattr(engine, "BATCH_SITES", 4)
    run_id = charter_run(session, 5)
    score_run(session, run_id, rubric)
    batched = _full_rows(session, run_id)
    engine.clear_results(session, run_id, rubric.id)
    for crawl in session.scalars(select(Crawl).where(Crawl.run_id == run_id).order_by(Crawl.id)):
        engine.score_crawl(session, crawl, rubric)
    assert _full_rows(session, run_id) == batched and len(batched) == 5 * 50


def test_finding_tuples_name_every_finding_column_in_order():
    """The driver insert binds finding tuples by position: a column added to the model must be added there."""
    assert engine.FINDING_COLUMNS == tuple(c.name for c in Finding.__table__.columns if c.name != "id")

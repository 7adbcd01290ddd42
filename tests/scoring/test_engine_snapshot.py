"""`score_run` stores the rubric as scored (method, pass mark, weights) for reports to read."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from scoring.engine import score_run
from scoring.rubric import load_rubric
from scoring.snapshot import content_hash
from xxgk.store import Crawl, RubricSnapshot, Run, Site, session_factory

TINY = """\
id: tiny
title: Tiny
source: {title: 测试, number: 测〔2024〕1号}
applies_to: any
method: deduction
total: 10
pass_mark: 85
sections:
  - id: s
    name: 基本信息
    items:
      - {id: a, name: 学校章程, points: 4}
      - {id: b, name: 信息公开年度报告, points: 6, checks: [{kind: blank_column}]}
"""


def _run(session) -> int:
    run, site = Run(rubric_id="tiny"), Site(url="http://a.test/", name="甲大学")
    session.add_all([run, site])
    session.flush()
    session.add(Crawl(run_id=run.id, site_id=site.id, status="done"))
    session.flush()
    return run.id


def test_snapshot_holds_what_was_scored_and_a_rescore_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    tiny = load_rubric(path)
    session = session_factory(f"sqlite:///{tmp_path / 't.db'}")()
    run_id = _run(session)
    score_run(session, run_id, tiny)
    row = session.scalar(select(RubricSnapshot).where(RubricSnapshot.run_id == run_id))
    assert (row.rubric_id, row.method, row.pass_mark) == ("tiny", "deduction", 85.0)
    assert row.content_sha256 == content_hash(tiny)
    [section] = row.snapshot["sections"]
    assert (section["id"], section["name"], section["max_points"]) == ("s", "基本信息", 10.0)
    assert [(i["id"], i["max_points"], i["veto"]) for i in section["items"]] == [("a", 4.0, False), ("b", 6.0, False)]

    path.write_text(TINY.replace("pass_mark: 85", "pass_mark: 70"), encoding="utf-8")
    edited = load_rubric(path)
    assert content_hash(edited) != content_hash(tiny)
    score_run(session, run_id, edited)
    rows = session.scalars(select(RubricSnapshot).where(RubricSnapshot.run_id == run_id)).all()
    assert [(r.pass_mark, r.content_sha256) for r in rows] == [(70.0, content_hash(edited))]


def test_content_hash_ignores_comments_and_layout(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(TINY, encoding="utf-8")
    b.write_text("# edited comment\n" + TINY.replace("total: 10", "total:   10  # full marks"), encoding="utf-8")
    assert content_hash(load_rubric(a)) == content_hash(load_rubric(b))

"""Reports use the pass mark and method stored at scoring; a rubric file edited since is only a warning."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import delete

from reports.render import render_report
from scoring.engine import score_run
from scoring.rubric import find_rubric, load_rubric, rubric_hash
from tests.storekit import new_crawl
from xxgk.store import Column, RubricSnapshot, Run, session_factory, session_scope

RUBRIC = """\
id: stored-mark
title: 存储的及格线
source: {title: 测试, number: 测〔2026〕1号}
applies_to: any
method: weighted
total: 10
pass_mark: 60
sections:
  - id: s
    name: 基本信息
    items:
      - {id: a, name: 学校章程, weight: 7}
      - {id: b, name: 信息公开年度报告, weight: 3}
"""


@pytest.fixture()
def scored(tmp_path, monkeypatch):
    """One site scored 70 (学校章程 found, 年度报告 missing) with pass mark 60; the rubric file is bundled."""
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    path = rubrics / "stored-mark.yaml"
    path.write_text(RUBRIC, encoding="utf-8")
    monkeypatch.setenv("XXGK_RUBRICS_DIR", str(rubrics))
    assert find_rubric("stored-mark") == path
    db_url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with session_scope(session_factory(db_url)) as s:
        crawl = new_crawl(s, "http://a.test/", name="甲大学", rubric_id="stored-mark", rubric_hash=rubric_hash(path))
        run = s.get(Run, crawl.run_id)
        s.add(Column(crawl_id=crawl.id, name="学校章程", path="学校章程", url="http://a.test/zc/", depth=1,
                     item_count=3, has_content=True, status="ok"))
        s.flush()
        score_run(s, run.id, load_rubric(path))
        run_id = run.id
    return db_url, run_id, path


def _render(db_url: str, run_id: int, out: Path) -> dict:
    with session_scope(session_factory(db_url)) as s:
        render_report(s, run_id, None, out, formats="json")
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_unchanged_rubric_renders_without_a_note(scored, tmp_path, caplog):
    db_url, run_id, _path = scored
    with caplog.at_level(logging.WARNING, logger="reports"):
        doc = _render(db_url, run_id, tmp_path / "out")
    assert doc["rubric"]["source"] == "store" and doc["notes"] == [] and not caplog.records
    assert (doc["ranking"][0]["total"], doc["ranking"][0]["verdict"]) == (70.0, "及格")
    assert "注意：" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_changed_rubric_file_warns_and_keeps_the_stored_pass_mark(scored, tmp_path, caplog):
    db_url, run_id, path = scored
    path.write_text(RUBRIC.replace("pass_mark: 60", "pass_mark: 90"), encoding="utf-8")
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING, logger="reports"):
        doc = _render(db_url, run_id, out)
    [record] = caplog.records
    assert "\n" not in record.getMessage()
    assert f"rubric stored-mark ({path}) has changed since run {run_id} was scored" in record.getMessage()
    assert "pass mark 60" in record.getMessage()
    assert doc["pass_mark"] == 60 and doc["rubric"]["pass_mark"] == 60 and doc["rubric"]["source"] == "store"
    assert (doc["ranking"][0]["total"], doc["ranking"][0]["verdict"]) == (70.0, "及格")  # 70 ≥ 60, not < 90
    assert doc["notes"] == [record.getMessage()]
    for page in (out / "index.html", *sorted((out / "sites").glob("*.html"))):
        html = page.read_text(encoding="utf-8")
        assert "注意：评分细则 stored-mark 的文件在运行" in html and "及格线 60 分" in html, page


def test_comment_only_edit_is_not_a_change(scored, tmp_path, caplog):
    db_url, run_id, path = scored
    path.write_text("# 仅修改注释\n" + RUBRIC, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="reports"):
        doc = _render(db_url, run_id, tmp_path / "out")
    assert doc["notes"] == [] and not caplog.records


def test_run_scored_before_snapshots_falls_back_to_the_file_with_a_note(scored, tmp_path, caplog):
    db_url, run_id, path = scored
    with session_scope(session_factory(db_url)) as s:
        s.execute(delete(RubricSnapshot).where(RubricSnapshot.run_id == run_id))
    path.write_text(RUBRIC.replace("pass_mark: 60", "pass_mark: 90"), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="reports"):
        doc = _render(db_url, run_id, tmp_path / "out")
    [record] = caplog.records
    assert f"run {run_id} was scored before xxgk stored the rubric" in record.getMessage()
    assert "which has changed since the run was made" in record.getMessage()  # Run.rubric_hash is checked
    assert doc["rubric"]["source"] == "file" and doc["pass_mark"] == 90
    assert doc["ranking"][0]["verdict"] == "不及格"
    assert "评分时未保存评分细则" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")

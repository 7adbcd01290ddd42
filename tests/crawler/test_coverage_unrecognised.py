"""A portal whose pages the crawler cannot recognise: no "missing" fail, needs_review with the
coverage figures, and the figures kept on the crawl."""

from __future__ import annotations

from pathlib import Path

from dyn_server import DynServer, html
from sqlalchemy import select
from storekit import add_run_with_sites

from scoring.coverage import REASON
from scoring.engine import score_crawl
from scoring.rubric import find_rubric, load_rubric
from xxgk.store import (
    FAIL,
    NEEDS_REVIEW,
    Crawl,
    Finding,
    Site,
    default_db_url,
    session_factory,
)

NAMES = ["信息公开指南", "信息公开制度", "学校概况", "招生考试信息", "财务资产信息", "人事师资信息",
         "教学质量信息", "学生管理服务信息"]


def _routes() -> dict:
    nav = "<ul class='menu'>" + "".join(f"<li><a href='/c{i}.htm'>{n}</a></li>" for i, n in enumerate(NAMES)) + "</ul>"
    routes: dict = {"/index.htm": html(f"<div>{nav}</div><div>欢迎</div>", "某大学信息公开网")}
    for i, n in enumerate(NAMES):
        # a list drawn by a plugin the crawler cannot read: no rows, no pager, no body text
        routes[f"/c{i}.htm"] = html(f"<div>{nav}</div><object data='/list{i}.swf'></object>", n)
    return routes


def test_unrecognised_portal_needs_review_with_coverage_figures(tmp_path: Path, crawl_in_subprocess) -> None:
    with DynServer(_routes()) as srv:
        db_url = default_db_url(tmp_path / "store.sqlite")
        with session_factory(db_url).begin() as s:
            run_id = add_run_with_sites(s, {"某大学": srv.url + "/index.htm"}, label="coverage")
            for site in s.scalars(select(Site)):
                site.kind = "university"
        crawl_in_subprocess(db_url, run_id, limits={"browser": False, "search": False})
    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    with session_factory(db_url).begin() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        assert crawl.status == "done"
        score_crawl(s, crawl, rubric)
    with session_factory(db_url)() as s:
        crawl = s.scalars(select(Crawl).where(Crawl.run_id == run_id)).one()
        findings = list(s.scalars(select(Finding).where(Finding.run_id == run_id)))
        cov = crawl.coverage
    assert cov["plausible"] is False and cov["columns"] == len(NAMES) and cov["items"] == 0
    assert cov["empty_columns"] == len(NAMES) and cov["pages_unclassified"] == len(NAMES)
    assert cov["pages_fetched"] == len(NAMES) + 1
    assert [f.item_id for f in findings if f.status == FAIL] == []
    review = [f for f in findings if f.reason and f.reason.startswith(REASON)]
    assert len(review) >= 10 and all(f.status == NEEDS_REVIEW for f in review)
    assert "抓取页面 9 个" in review[0].message and "未识别 8 个" in review[0].message

"""The engine writes exact findings and scores for a small hand-built store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.engine import score_run
from scoring.rubric import Rubric, find_rubric, load_rubric
from xxgk.store import Column, Crawl, Finding, Item, Run, Score, Site, session_factory


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubric(find_rubric("moe-university-checklist-2014"))


def _col(session: Session, crawl: Crawl, name: str, parent: Column | None = None, *, url: str | None = "auto",
         items: int = 0, content: bool = False, status: str = "ok", offsite: bool = False,
         detail: str | None = None) -> Column:
    path = f"{parent.path}/{name}" if parent else name
    col = Column(crawl_id=crawl.id, parent_id=parent.id if parent else None, name=name, path=path,
                 url=f"http://a.test/c/{name}.htm" if url == "auto" else url,
                 depth=(parent.depth + 1) if parent else 1, item_count=items, has_content=content,
                 status=status, offsite=offsite, status_detail=detail)
    session.add(col)
    session.flush()
    return col


def _build(session: Session) -> int:
    run = Run(rubric_id="moe-university-checklist-2014")
    a = Site(url="http://a.test/", name="甲大学", kind="university")
    b = Site(url="http://b.test/", name="乙大学", kind="university")
    session.add_all([run, a, b])
    session.flush()
    ca = Crawl(run_id=run.id, site_id=a.id, status="done", portal_url="http://a.test/xxgk/")
    cb = Crawl(run_id=run.id, site_id=b.id, status="failed", error="连接超时 (timeout)")
    session.add_all([ca, cb])
    session.flush()

    basic = _col(session, ca, "基本信息", url=None)
    session.flush()
    _col(session, ca, "学校简介", basic, content=True)  # 1 pass (single page with body text)
    charter = _col(session, ca, "学校章程", basic, items=2)  # 2 pass
    _col(session, ca, "信息公开年度报告", basic)  # 6 blank → fail 空白栏目
    _col(session, ca, "校园概况", basic, content=True)  # weak fuzzy for 1 (but 1 passes anyway)
    adm = _col(session, ca, "招生考试信息", url=None)
    session.flush()
    grad = _col(session, ca, "研究生招生", adm, url=None)
    session.flush()
    grad_rules = _col(session, ca, "招生章程", grad, items=1)  # 11 pass, not 7
    _col(session, ca, "章程制度", basic, content=True)  # weak fuzzy for 2 only (2 passes anyway)
    _col(session, ca, "毕业就业", content=True)  # weak fuzzy → 32 needs_review
    _col(session, ca, "就业质量年度报告", url="http://jy.a.test/report", offsite=True)  # 33 off-site → needs_review
    _col(session, ca, "学术规范", status="restricted", detail="IP地址范围未授权")  # 41 not_checked
    _col(session, ca, "学生申诉", status="not_fetched")  # 39 not_checked: our page limit, not the site
    news = _col(session, ca, "通知公告", items=2)
    session.flush()
    session.add_all([
        Item(column_id=charter.id, crawl_id=ca.id, title="甲大学章程", url="http://a.test/zc/1.htm",
             published=dt.date(2023, 5, 1)),
        Item(column_id=charter.id, crawl_id=ca.id, title="甲大学章程（修订）", url="http://a.test/zc/2.htm",
             published=dt.date(2024, 6, 1)),
        Item(column_id=grad_rules.id, crawl_id=ca.id, title="2025年硕士研究生招生章程",
             url="http://a.test/yz/1.htm", published=dt.date(2024, 9, 20)),
        Item(column_id=news.id, crawl_id=ca.id, title="甲大学2023-2024学年本科教学质量报告",
             url="http://a.test/tz/9.htm", published=dt.date(2024, 12, 1)),
        Item(column_id=news.id, crawl_id=ca.id, title="关于召开教代会的通知", url="http://a.test/tz/10.htm",
             published=dt.date(2024, 3, 1)),
    ])
    session.flush()
    return run.id


@pytest.fixture()
def scored(tmp_path: Path, rubric: Rubric) -> tuple[Session, int]:
    factory = session_factory(f"sqlite:///{tmp_path / 'x.db'}")
    session = factory()
    run_id = _build(session)
    score_run(session, run_id, rubric)
    session.commit()
    yield session, run_id
    session.close()


def _findings(session: Session, site_name: str) -> dict[str, Finding]:
    site = session.scalar(select(Site).where(Site.name == site_name))
    rows = session.scalars(select(Finding).where(Finding.site_id == site.id)).all()
    return {f.item_id: f for f in rows}


def _scores(session: Session, site_name: str) -> dict[str, Score]:
    site = session.scalar(select(Site).where(Site.name == site_name))
    return {s.section_id: s for s in session.scalars(select(Score).where(Score.site_id == site.id))}


def test_one_finding_per_item(scored: tuple[Session, int]) -> None:
    session, _ = scored
    for name in ("甲大学", "乙大学"):
        f = _findings(session, name)
        assert sorted(f, key=int) == [str(i) for i in range(1, 51)]
        assert all(x.rubric_id == "moe-university-checklist-2014" for x in f.values())


def test_statuses_of_site_a(scored: tuple[Session, int]) -> None:
    session, _ = scored
    f = _findings(session, "甲大学")
    status = {k: v.status for k, v in f.items()}
    # 1: only 学校简介 (学校概况) is published, not 校级领导班子简介及分工 → half credit
    expected = {"1": "partial", "2": "pass", "6": "fail", "11": "pass", "32": "needs_review",
                "33": "needs_review", "35": "pass", "39": "not_checked", "41": "not_checked"}
    assert {k: status[k] for k in expected} == expected
    others = {k: v for k, v in status.items() if k not in expected}
    assert set(others.values()) == {"fail"}  # 7 included: 招生章程 under 研究生招生 is not item 7
    assert f["7"].message.startswith("未找到栏目")


def test_pass_evidence_and_matches(scored: tuple[Session, int]) -> None:
    session, _ = scored
    f = _findings(session, "甲大学")
    two = f["2"]
    assert (two.credit, two.points, two.max_points, two.check_kind) == (1.0, 2.0, 2.0, "presence")
    assert two.evidence == [
        {"url": "http://a.test/c/学校章程.htm", "label": "栏目：基本信息/学校章程"},
        {"url": "http://a.test/zc/2.htm", "label": "条目：甲大学章程（修订）"},
    ]
    assert two.matched[0]["how"] == "alias" and two.matched[0]["name"] == "学校章程"
    assert [m["how"] for m in two.matched] == ["alias", "fuzzy"]  # 章程制度 shown as a weak candidate
    eleven = f["11"]
    assert eleven.matched[0]["path"] == "招生考试信息/研究生招生/招生章程"
    assert f["35"].evidence == [{"url": "http://a.test/tz/9.htm", "label": "文章：甲大学2023-2024学年本科教学质量报告"}]
    assert f["35"].matched[0]["how"] == "title"


def test_blank_offsite_restricted_review(scored: tuple[Session, int]) -> None:
    session, _ = scored
    f = _findings(session, "甲大学")
    six = f["6"]
    assert six.message.startswith("空白栏目") and six.check_kind == "blank_column"
    assert six.evidence == [{"url": "http://a.test/c/信息公开年度报告.htm", "label": "空白栏目：信息公开年度报告"}]
    assert (six.points, six.max_points) == (0.0, 2.0)
    assert "站外" in f["33"].message and f["33"].points == 0.0
    assert f["33"].evidence[0]["url"] == "http://jy.a.test/report"
    assert f["41"].reason == "访问受限：IP地址范围未授权"
    assert f["39"].status == "not_checked" and f["39"].reason.startswith("栏目未抓取")
    assert "毕业就业" in f["32"].message and "需人工确认" in f["32"].message
    assert f["32"].matched[0]["how"] == "fuzzy" and f["32"].matched[0]["score"] < 90


def test_scores_of_site_a(scored: tuple[Session, int]) -> None:
    session, _ = scored
    s = _scores(session, "甲大学")
    assert sorted(s, key=lambda k: (k == "total", k.zfill(3))) == [str(i) for i in range(1, 11)] + ["total"]
    total = s["total"]
    # pass: 2, 11, 35 → 6 points, 1 partial → 1 point; 39 and 41 not_checked leave 96 eligible;
    # 32 (needs_review, 4 points) is left out of the denominator too (scoring.rates): 92
    assert (total.points, total.max_points, total.eligible_points) == (7.0, 100.0, 92.0)
    assert total.percent == pytest.approx(7 / 92 * 100, abs=0.01)
    assert (s["1"].points, s["1"].max_points, s["1"].eligible_points, s["1"].percent) == (3.0, 12.0, 12.0, 25.0)
    assert (s["7"].points, s["7"].eligible_points, s["7"].percent) == (0.0, 4.0, 0.0)
    assert s["1"].section_name == "基本信息" and total.section_name == "总分"


def test_failed_crawl_is_not_checked(scored: tuple[Session, int]) -> None:
    session, _ = scored
    f = _findings(session, "乙大学")
    assert {x.status for x in f.values()} == {"not_checked"}
    assert all(x.reason == "抓取失败：连接超时 (timeout)" for x in f.values())
    total = _scores(session, "乙大学")["total"]
    assert (total.points, total.max_points, total.eligible_points, total.percent) == (0.0, 100.0, 0.0, None)


def test_rescoring_is_identical_and_replaces(scored: tuple[Session, int], rubric: Rubric) -> None:
    session, run_id = scored

    def snapshot() -> list[tuple]:
        rows = session.scalars(select(Finding).order_by(Finding.site_id, Finding.id)).all()
        return [(r.site_id, r.item_id, r.status, r.points, r.message, r.reason, r.evidence, r.matched)
                for r in rows]

    before = snapshot()
    score_run(session, run_id, rubric)
    session.commit()
    assert snapshot() == before
    assert session.query(Finding).count() == 100
    assert session.query(Score).count() == 22


def test_not_applicable_for_other_site_kinds(tmp_path: Path, rubric: Rubric) -> None:
    session = session_factory(f"sqlite:///{tmp_path / 'y.db'}")()
    run = Run()
    site = Site(url="http://gov.test/", name="某区政府", kind="government")
    session.add_all([run, site])
    session.flush()
    crawl = Crawl(run_id=run.id, site_id=site.id, status="done")
    session.add(crawl)
    session.flush()
    score_run(session, run.id, rubric)
    rows = session.scalars(select(Finding)).all()
    assert {r.status for r in rows} == {"not_applicable"} and len(rows) == 50
    total = session.scalar(select(Score).where(Score.section_id == "total"))
    assert total.percent is None and total.eligible_points == 0.0


def test_unknown_run_is_user_error(tmp_path: Path, rubric: Rubric) -> None:
    from xxgk.errors import UserError

    session = session_factory(f"sqlite:///{tmp_path / 'z.db'}")()
    with pytest.raises(UserError, match="no run with id 99"):
        score_run(session, 99, rubric)


TINY = """\
id: tiny
title: Tiny
source: {title: 测试, number: 测〔2024〕1号}
applies_to: any
method: {method}
total: 10
sections:
  - id: s
    name: 基本信息
    items:
      - id: a
        name: 学校章程
        weight: 4
        checks: [{kind: presence}, {kind: blank_column}]
      - id: b
        name: 信息公开年度报告
        weight: 6
        checks: [{kind: presence}, {kind: blank_column}]
"""


def test_multiple_checks_per_item(tmp_path: Path) -> None:
    from scoring.rubric import load_rubric as load

    p = tmp_path / "tiny.yaml"
    p.write_text(TINY.replace("{method}", "weighted"), encoding="utf-8")
    tiny = load(p)
    session = session_factory(f"sqlite:///{tmp_path / 't.db'}")()
    run_id = _build(session)
    score_run(session, run_id, tiny)
    f = _findings(session, "甲大学")
    assert (f["a"].status, f["a"].check_kind, f["a"].points) == ("pass", "presence+blank_column", 4.0)
    assert (f["b"].status, f["b"].check_kind) == ("fail", "blank_column")  # both checks gave the blank-column verdict
    assert f["b"].message.startswith("空白栏目")
    total = _scores(session, "甲大学")["total"]
    assert (total.points, total.eligible_points, total.percent) == (4.0, 10.0, 40.0)


def test_partial_credit_details(scored: tuple[Session, int]) -> None:
    session, _ = scored
    one = _findings(session, "甲大学")["1"]
    assert (one.status, one.credit, one.points) == ("partial", 0.5, 1.0)
    subs = {r["id"]: r for r in one.details["presence"]["sub_items"]}
    assert subs["1.1"]["found"] and subs["1.1"]["columns"] == ["学校简介"]
    assert not subs["1.2"]["found"]
    assert "缺少「校级领导班子简介及分工」" in one.message


def test_deduction_method_scores(tmp_path: Path) -> None:
    from scoring.rubric import load_rubric as load

    p = tmp_path / "tiny.yaml"
    p.write_text(TINY.replace("{method}", "deduction").replace("weight:", "points:"), encoding="utf-8")
    tiny = load(p)
    session = session_factory(f"sqlite:///{tmp_path / 't.db'}")()
    run_id = _build(session)
    score_run(session, run_id, tiny)
    f = _findings(session, "甲大学")
    assert (f["a"].status, f["a"].points) == ("pass", 4.0)
    assert (f["b"].status, f["b"].points, f["b"].details["deduction"]["applied"]) == ("fail", 0.0, 6.0)
    total = _scores(session, "甲大学")["total"]
    assert (total.points, total.eligible_points, total.percent, total.veto) == (4.0, 10.0, 40.0, None)

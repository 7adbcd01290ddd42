"""veto+deduction and deduction scoring on the inspection rubric; stable re-scoring; edited rubrics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sitekit import AS_OF, Kit
from sqlalchemy import select

from scoring.engine import score_run, verdict
from scoring.rubric import Rubric, find_rubric, load_rubric
from xxgk.store import Finding, Score

D = dt.timedelta
GOOD_FACTS = {"home_newest_date": (AS_OF - D(2)).isoformat(),
              "search": {"form_url": "http://s.test/search", "query": "关于某某的通知", "found": True},
              "entry": {"url": "http://s.test/xxgk/", "text": "政府信息公开", "depth": 1, "hidden": False}}


@pytest.fixture(scope="module")
def inspection() -> Rubric:
    return load_rubric(find_rubric("gov-website-inspection-2019"))


def _portal(k: Kit, *, stale_dyn: int = 0, blank: int = 0, interaction: bool = True, broken: int = 0) -> None:
    for name in ("政府信息公开指南",):
        k.col(name, content=True)
    for name in ("政府信息公开制度", "政府信息公开年报"):
        c = k.col(name, items=2, newest=AS_OF - D(100))
        k.item(c, f"{name}1", AS_OF - D(100))
    fixed = k.col("法定主动公开内容")
    for i, name in enumerate(("政策文件", "通知公告")):
        c = k.col(name, fixed, items=5, newest=AS_OF - D(20 + i))
        k.item(c, f"{name}条目", AS_OF - D(20 + i))
    news = k.col("工作动态")
    for i, name in enumerate(("政务要闻", "部门动态", "乡镇动态", "图片新闻", "县区动态", "街道动态")):
        age = 40 if i < stale_dyn else 3
        c = k.col(name, news, items=5, newest=AS_OF - D(age))
        k.item(c, f"{name}条目", AS_OF - D(age))
    for i in range(blank):
        k.col(f"空白栏目{i}", fixed)
    if interaction:
        hd = k.col("互动交流")
        k.col("政务咨询", hd, items=3, newest=AS_OF - D(5))
    fw = k.col("办事服务")
    k.col("办事指南", fw, items=3, newest=AS_OF - D(5))
    k.link("http://s.test/ok.htm", "ok")
    for i in range(broken):
        k.link(f"http://s.test/dead{i}.htm", "broken")


def _rows(k: Kit, rubric_id: str = "gov-website-inspection-2019") -> tuple[dict[str, Finding], dict[str, Score]]:
    f = {x.item_id: x for x in k.session.scalars(select(Finding).where(Finding.rubric_id == rubric_id))}
    s = {x.section_id: x for x in k.session.scalars(select(Score).where(Score.rubric_id == rubric_id))}
    return f, s


def test_clean_portal_no_veto(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, facts=GOOD_FACTS)
    _portal(k, broken=3)
    score_run(k.session, k.run.id, inspection)
    f, s = _rows(k)
    assert s["total"].veto is None
    assert {i: f[i].status for i in ("V1", "V2", "V3", "V4", "V5", "V6")} == {
        "V1": "not_checked", "V2": "pass", "V3": "pass", "V4": "pass", "V5": "needs_review", "V6": "needs_review"}
    assert f["D1"].details["deduction"] == {"raw": 3.0, "cap": 10.0, "applied": 3.0, "capped": False}
    assert (f["D1"].status, f["D1"].points) == ("partial", 7.0)
    assert f["D8"].status == "pass" and f["D7"].status == "pass"
    assert f["D5"].status == "needs_review" and f["D6"].status == "needs_review"
    # D5, D6 (needs_review) are out of the denominator: 70 eligible, 3 deducted
    total = s["total"]
    assert (total.points, total.eligible_points, total.max_points) == (67.0, 70.0, 100.0)
    assert verdict(total, inspection) == "合格"
    assert f["D1"].details["unconfirmed"]["params"]["link_health"] == {"deduct_per_broken": 1.0,
                                                                       "deduct_per_empty": 1.0}


def test_deduction_is_capped(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, facts=GOOD_FACTS)
    _portal(k, broken=25, stale_dyn=2)
    score_run(k.session, k.run.id, inspection)
    f, s = _rows(k)
    assert f["D1"].details["deduction"] == {"raw": 25.0, "cap": 10.0, "applied": 10.0, "capped": True}
    assert (f["D1"].status, f["D1"].points) == ("fail", 0.0)
    assert f["D2"].details["deduction"]["applied"] == 10.0 and f["D2"].status == "partial"
    assert s["total"].veto is None


def test_veto_stops_scoring(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, facts={**GOOD_FACTS, "home_newest_date": (AS_OF - D(30)).isoformat()})
    _portal(k, stale_dyn=5, interaction=False)
    score_run(k.session, k.run.id, inspection)
    f, s = _rows(k)
    assert [i for i in ("V3", "V4", "V5") if f[i].status == "fail"] == ["V3", "V4", "V5"]
    assert f["V4"].details["veto"] is True and f["V2"].details["veto"] is False
    total = s["total"]
    assert total.veto and "首页不更新" in total.veto and "栏目不更新" in total.veto and "互动回应差" in total.veto
    assert (total.points, total.percent) == (0.0, None) and verdict(total, inspection) == "不合格"
    assert s["veto"].veto == total.veto and s["deduct"].veto is None
    d1 = f["D1"]
    assert d1.status == "not_checked" and d1.reason.startswith("单项否决") and d1.points == 0.0
    assert d1.details["skipped_after_veto"]["status"] == "pass"


def test_blank_columns_veto(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, facts=GOOD_FACTS)
    _portal(k, blank=5)
    score_run(k.session, k.run.id, inspection)
    f, s = _rows(k)
    assert f["V4"].status == "fail" and "空白栏目 5 个" in f["V4"].message
    assert s["total"].veto


def test_failed_site_is_vetoed_as_unreachable(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, status="failed")
    score_run(k.session, k.run.id, inspection)
    f, s = _rows(k)
    assert f["V2"].status == "fail" and s["total"].veto.startswith("站点无法访问")
    assert all(f[i].status == "not_checked" for i in ("V3", "V4", "D1", "D8"))


def test_not_applicable_to_universities(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, kind="university", status="failed")
    score_run(k.session, k.run.id, inspection)
    f, s = _rows(k)
    assert {x.status for x in f.values()} == {"not_applicable"} and s["total"].veto is None


def _snapshot(k: Kit) -> list[tuple]:
    rows = k.session.scalars(select(Finding).order_by(Finding.rubric_id, Finding.item_id)).all()
    return [(r.rubric_id, r.item_id, r.status, r.points, r.credit, r.message, r.reason, r.evidence, r.matched,
             r.details) for r in rows]


def test_rescoring_twice_is_identical(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, facts=GOOD_FACTS)
    _portal(k, stale_dyn=2, broken=4, blank=2)
    score_run(k.session, k.run.id, inspection)
    k.session.commit()
    first = _snapshot(k)
    score_run(k.session, k.run.id, inspection)
    k.session.commit()
    assert _snapshot(k) == first


def test_as_of_comes_from_the_run(tmp_path: Path, inspection: Rubric) -> None:
    k = Kit(tmp_path, facts=GOOD_FACTS)
    _portal(k)
    score_run(k.session, k.run.id, inspection)
    assert _rows(k)[0]["V3"].status == "pass"
    k.run.config = {"as_of": (AS_OF + D(60)).isoformat()}  # audit date moved: the same crawl is now stale
    k.session.flush()
    score_run(k.session, k.run.id, inspection)
    assert _rows(k)[0]["V3"].status == "fail"


def test_edited_rubric_changes_only_the_edited_item(tmp_path: Path) -> None:
    src = find_rubric("gov-website-inspection-2019").read_text(encoding="utf-8")
    edited_text = src.replace("deduct_per_broken: 1, deduct_per_empty: 1", "deduct_per_broken: 2, deduct_per_empty: 1")
    assert edited_text != src
    (tmp_path / "edited.yaml").write_text(edited_text, encoding="utf-8")
    original = load_rubric(find_rubric("gov-website-inspection-2019"))
    edited = load_rubric(tmp_path / "edited.yaml")
    k = Kit(tmp_path, facts=GOOD_FACTS)
    _portal(k, stale_dyn=2, broken=3, blank=2)
    score_run(k.session, k.run.id, original)
    before = {r[1]: r for r in _snapshot(k)}
    score_run(k.session, k.run.id, edited)
    after = {r[1]: r for r in _snapshot(k)}
    changed = sorted(i for i in before if before[i] != after[i])
    assert changed == ["D1"]
    assert (before["D1"][3], after["D1"][3]) == (7.0, 4.0)

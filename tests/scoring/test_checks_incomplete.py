"""A column whose later list page failed (`incomplete`) or whose page timed out is evidence that
something is there, never that it is not: checks that would call an item missing say not_checked."""

from __future__ import annotations

import datetime as dt

from sitekit import AS_OF, Kit

LOST = "list page failed: http://s.test/tzgg/index_2.html (TimeoutError: took longer than 30.0 seconds)"
MATCH = {"id": "1", "name": "招生章程", "weight": 1, "checks": [{"kind": "presence", "params": {"match_items": True}}]}


def _presence(k: Kit):
    from sitekit import tiny_rubric

    return k.check("presence", MATCH["checks"][0]["params"], rubric=tiny_rubric([MATCH]), item=MATCH)


def test_title_search_over_a_partly_read_list_is_not_a_miss(kit: Kit) -> None:
    news = kit.col("通知公告", items=20, status="incomplete", detail=LOST)
    kit.item(news, "关于举办运动会的通知", dt.date(2026, 10, 1))
    out = _presence(kit)
    assert out.status == "not_checked"
    assert "通知公告" in out.reason and "index_2.html" in out.reason
    assert out.evidence[0]["url"] == news.url


def test_partly_read_list_still_proves_presence(kit: Kit) -> None:
    news = kit.col("通知公告", items=20, status="incomplete", detail=LOST)
    kit.item(news, "2026年招生章程", dt.date(2026, 5, 1))
    assert _presence(kit).status == "pass"
    col = kit.col("招生章程", items=3, status="incomplete", detail=LOST)
    assert col.status == "incomplete"
    out = _presence(kit)
    assert out.status == "pass" and "招生章程" in out.message


def test_dead_or_restricted_columns_do_not_block_a_miss(kit: Kit) -> None:
    kit.col("通知公告", items=3)
    kit.col("旧栏目", status="error", detail="HTTP 404")  # the site's dead link, its own finding
    kit.col("内部通知", status="restricted", detail="IP地址范围未授权")
    assert _presence(kit).status == "fail"
    kit.col("新闻", status="error", detail="TimeoutError: took longer than 30.0 seconds")
    assert _presence(kit).status == "not_checked"


def test_annual_report_not_found_in_a_partly_read_report_column(kit: Kit) -> None:
    col = kit.col("政府信息公开年报", items=12, status="incomplete", detail=LOST)
    kit.item(col, "某区政府2019年政府信息公开工作年度报告", dt.date(2020, 1, 20))
    out = kit.check("annual_report")
    assert out.status == "not_checked" and "政府信息公开年报" in out.reason
    col.status, col.status_detail = "ok", None
    kit.session.flush()
    assert kit.check("annual_report").status == "fail"


def test_monthly_volume_does_not_judge_a_unit_with_a_lost_list_page(kit: Kit) -> None:
    depts = kit.col("部门信息公开", url=None)
    edu = kit.col("教育局", depts, items=1, unit="某区教育局", status="incomplete", detail=LOST)
    kit.item(edu, "教育通知", dt.date(2026, 5, 5))
    dev = kit.col("发改局", depts, items=1, unit="某区发改局")
    kit.item(dev, "发改通知", dt.date(2026, 10, 5))
    audit = kit.col("审计局", depts, unit="某区审计局")  # published nothing, read in full
    assert audit.status == "ok"
    out = kit.check("monthly_volume", {"unit_source": "column"})
    assert [r["unit"] for r in out.details["units"]] == ["某区发改局", "某区审计局"]
    assert out.details["unknown_units"][0]["unit"] == "某区教育局"
    assert (out.status, out.credit) == ("partial", 0.5) and "未完整读取" in out.message
    audit.status, audit.status_detail = "incomplete", LOST
    dev.status = "not_fetched"
    kit.session.flush()
    out = kit.check("monthly_volume", {"unit_source": "column"})
    assert out.status == "pass" and len(out.details["unknown_units"]) == 2


def test_freshness_and_blank_checks_with_a_partly_read_column(kit: Kit) -> None:
    kit.col("机构职能", items=3, newest=AS_OF - dt.timedelta(days=800), status="incomplete", detail=LOST)
    kit.col("领导信息", items=3, newest=AS_OF - dt.timedelta(days=10), status="incomplete", detail=LOST)
    out = kit.check("column_freshness", {"types": [{"type": "any", "names": ["*"], "max_age_days": 365}]})
    states = {r["name"]: r["state"] for r in out.details["columns"]}
    assert states == {"机构职能": "unknown", "领导信息": "fresh"}  # a newer item may be on the lost page
    assert out.details["count"] == 0 and out.details["unknown"] == 1
    blank = kit.check("blank_columns")
    assert blank.details["count"] == 0 and blank.details.get("unknown", 0) == 0

"""Site-level check kinds: each with passing and failing cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitekit import AS_OF, Kit

D = dt.timedelta


# ---------------------------------------------------------------- site_unreachable

def test_site_unreachable_failed_crawl_fails(tmp_path: Path) -> None:
    k = Kit(tmp_path, status="failed")
    out = k.check("site_unreachable")
    assert out.status == "fail" and "站点无法访问" in out.message and "连接超时" in out.message


def test_site_unreachable_done_crawl_passes(kit: Kit) -> None:
    assert kit.check("site_unreachable").status == "pass"


def test_site_unreachable_monitoring_ratio(tmp_path: Path) -> None:
    k = Kit(tmp_path, facts={"availability": {"attempts": 140, "failures": 7}})
    out = k.check("site_unreachable")
    assert out.status == "fail" and out.details["failure_ratio"] == 0.05  # 超过（含）5%
    k2 = Kit(tmp_path / "b", facts={"availability": {"attempts": 140, "failures": 6}})
    assert k2.check("site_unreachable").status == "pass"


def test_site_unreachable_pending_is_not_checked(tmp_path: Path) -> None:
    assert Kit(tmp_path, status="pending").check("site_unreachable").status == "not_checked"


# ---------------------------------------------------------------- home_updated

def test_home_updated_within_and_beyond(tmp_path: Path) -> None:
    ok = Kit(tmp_path, facts={"home_newest_date": (AS_OF - D(14)).isoformat()}).check("home_updated")
    assert ok.status == "pass" and ok.details["age_days"] == 14
    bad = Kit(tmp_path / "b", facts={"home_newest_date": (AS_OF - D(15)).isoformat()}).check("home_updated")
    assert bad.status == "fail" and "首页不更新" in bad.message and bad.details["age_days"] == 15


def test_home_updated_threshold_is_a_parameter(tmp_path: Path) -> None:
    k = Kit(tmp_path, facts={"home_newest_date": (AS_OF - D(20)).isoformat()})
    assert k.check("home_updated", {"max_age_days": 30}).status == "pass"


def test_home_updated_undated_and_absent(tmp_path: Path) -> None:
    undated = Kit(tmp_path, facts={"home_newest_date": None})
    assert undated.check("home_updated").status == "fail"
    assert undated.check("home_updated", {"undated_is_stale": False}).status == "needs_review"
    assert Kit(tmp_path / "b", facts={}).check("home_updated").status == "not_checked"


def test_home_updated_uses_run_start_not_wall_clock(tmp_path: Path) -> None:
    # no as_of in the run config: "today" is the run's start date (2026-11-25)
    k = Kit(tmp_path, as_of=None, facts={"home_newest_date": "2026-11-10"})
    out = k.check("home_updated")
    assert out.details["as_of"] == "2026-11-25" and out.status == "fail"


# ---------------------------------------------------------------- column_freshness / blank_columns

FRESH = {"types": [
    {"type": "dynamic", "names": ["动态", "要闻"], "max_age_days": 14},
    {"type": "notice_policy", "names": ["通知公告", "政策文件"], "max_age_days": 183, "max_depth": 1},
    {"type": "long_term", "names": ["人事", "规划计划"], "max_age_days": 365},
]}


def _fresh_site(k: Kit) -> None:
    k.col("工作动态", items=5, newest=AS_OF - D(3))  # fresh
    k.col("部门动态", items=5, newest=AS_OF - D(30))  # stale (2 weeks)
    k.col("通知公告", items=5, newest=AS_OF - D(150))  # fresh (6 months)
    k.col("政策文件", items=5, newest=AS_OF - D(200))  # stale
    top = k.col("法定主动公开内容", url=None)
    k.col("政策文件", top, items=3, newest=AS_OF - D(400))  # second level: not a 一级栏目, ignored
    k.col("人事信息", items=2, newest=AS_OF - D(500))  # stale (1 year)
    k.col("规划计划")  # blank: counted by blank_columns, not stale
    col = k.col("要闻", items=2)  # items without dates: stale (未注明发布时间)
    k.item(col, "无日期信息")


def test_column_freshness_counts_by_type(kit: Kit) -> None:
    _fresh_site(kit)
    out = kit.check("column_freshness", {**FRESH, "threshold": 4})
    assert out.status == "fail"
    assert out.details["stale_by_type"] == {"dynamic": 2, "notice_policy": 1, "long_term": 1}
    states = {(r["path"], r["state"]) for r in out.details["columns"]}
    assert ("法定主动公开内容/政策文件", "stale") not in states
    assert ("规划计划", "blank") in states and ("通知公告", "fresh") in states


def test_column_freshness_below_threshold_passes(kit: Kit) -> None:
    _fresh_site(kit)
    assert kit.check("column_freshness", {**FRESH, "threshold": 5}).status == "pass"


def test_column_freshness_deduction_per_type(kit: Kit) -> None:
    _fresh_site(kit)
    types = [dict(t, deduct=5) if t["type"] != "long_term" else dict(t, deduct=1) for t in FRESH["types"]]
    out = kit.check("column_freshness", {"types": types})
    assert out.deduct == 16.0 and out.status == "fail"


def test_column_freshness_wildcard_and_unknown(kit: Kit) -> None:
    kit.col("机构职能", items=3, newest=AS_OF - D(800))
    kit.col("领导信息", items=3, newest=AS_OF - D(10))
    kit.col("受限栏目", items=3, status="restricted")
    out = kit.check("column_freshness", {"types": [{"type": "any", "names": ["*"], "max_age_days": 365}],
                                         "threshold": 2})
    assert out.status == "needs_review"  # 1 stale + 1 unreadable could reach 2
    assert out.details["count"] == 1 and out.details["unknown"] == 1


def test_blank_columns_threshold(kit: Kit) -> None:
    for i in range(5):
        kit.col(f"空栏目{i}")
    kit.col("有内容", content=True)
    group = kit.col("分组", url=None)
    kit.col("子栏目", group, items=1)
    out = kit.check("blank_columns", {"threshold": 5})
    assert out.status == "fail" and out.details["count"] == 5
    assert kit.check("blank_columns", {"threshold": 6}).status == "pass"
    assert kit.check("blank_columns", {"deduct_per": 2}).deduct == 10.0


def test_blank_columns_none(kit: Kit) -> None:
    kit.col("有内容", items=3)
    out = kit.check("blank_columns")
    assert out.status == "pass" and out.details["count"] == 0


# ---------------------------------------------------------------- link_health

def test_link_health_counts_and_prices(kit: Kit) -> None:
    kit.link("http://s.test/ok", "ok")
    kit.link("http://s.test/dead", "broken")
    kit.link("http://s.test/dead", "broken", from_url="http://s.test/b")  # same target once
    kit.link("http://s.test/x#", "empty")
    kit.link("http://other.test/dead", "broken", offsite=True)  # off-site: not counted by default
    out = kit.check("link_health", {"deduct_per_broken": 0.5, "deduct_per_empty": 1})
    assert out.status == "fail"
    assert out.details["counts"] == {"broken": 1, "empty": 1, "checked": 4}
    assert out.deduct == 1.5
    per_link = kit.check("link_health", {"count_by": "link", "include_offsite": True})
    assert per_link.details["counts"]["broken"] == 3


def test_link_health_all_ok_and_unchecked(kit: Kit, tmp_path: Path) -> None:
    kit.link("http://s.test/ok", "ok")
    out = kit.check("link_health")
    assert out.status == "pass" and out.deduct == 0.0
    assert Kit(tmp_path / "b").check("link_health").status == "not_checked"


# ---------------------------------------------------------------- access_restriction

def test_access_restriction(kit: Kit, tmp_path: Path) -> None:
    kit.col("财务信息", status="restricted", detail="IP地址范围未授权")
    kit.page("http://s.test/login.htm", restricted="需要登录")
    out = kit.check("access_restriction", {"deduct_per": 2})
    assert out.status == "fail" and out.details["count"] == 2 and out.deduct == 4.0
    assert "IP地址范围未授权" in out.message
    open_site = Kit(tmp_path / "b")
    open_site.col("财务信息", items=2)
    assert open_site.check("access_restriction").status == "pass"


# ---------------------------------------------------------------- search_function

def test_search_function(tmp_path: Path) -> None:
    found = {"form_url": "http://s.test/search", "query": "关于印发某某办法的通知", "found": True}
    assert Kit(tmp_path / "a", facts={"search": found}).check("search_function").status == "pass"
    miss = Kit(tmp_path / "b", facts={"search": {**found, "found": False}}).check("search_function")
    assert miss.status == "fail" and "无结果" in miss.message
    none = Kit(tmp_path / "c", facts={"search": {"form_url": None, "query": None, "found": None}})
    assert none.check("search_function").status == "fail"
    unsure = Kit(tmp_path / "d", facts={"search": {**found, "found": None}})
    assert unsure.check("search_function").status == "needs_review"
    assert Kit(tmp_path / "e").check("search_function").status == "not_checked"


# ---------------------------------------------------------------- entry_point

def test_entry_point(tmp_path: Path) -> None:
    good = {"url": "http://s.test/xxgk/", "text": "信息公开", "depth": 1, "hidden": False}
    assert Kit(tmp_path / "a", facts={"entry": good}).check("entry_point").status == "pass"
    hidden = Kit(tmp_path / "b", facts={"entry": {**good, "hidden": True}}).check("entry_point")
    assert hidden.status == "fail" and "隐藏" in hidden.message
    deep = Kit(tmp_path / "c", facts={"entry": {**good, "depth": 3}})
    assert deep.check("entry_point").status == "fail"
    assert deep.check("entry_point", {"max_clicks": 3}).status == "pass"
    missing = Kit(tmp_path / "d", facts={"entry": None}).check("entry_point")
    assert missing.status == "fail" and "未找到" in missing.message
    assert Kit(tmp_path / "e").check("entry_point").status == "not_checked"


# ---------------------------------------------------------------- machine_readable

def test_machine_readable(kit: Kit, tmp_path: Path) -> None:
    col = kit.col("政策文件", items=3)
    kit.item(col, "图片通知", AS_OF, image_only=True, body_chars=0)
    kit.item(col, "仅附件", AS_OF, body_chars=5, attachments=[{"url": "http://s.test/f.pdf", "name": "f.pdf"}])
    kit.item(col, "正常", AS_OF, body_chars=800, attachments=[{"url": "http://s.test/g.pdf", "name": "g.pdf"}])
    out = kit.check("machine_readable", {"deduct_per": 1})
    assert out.status == "fail" and out.details["by_problem"]["image_only"] == 1
    assert out.details["by_problem"]["download_only"] == 1 and out.deduct == 2.0
    assert kit.check("machine_readable", {"threshold": 3}).status == "pass"
    clean = Kit(tmp_path / "b")
    c2 = clean.col("政策文件", items=1)
    clean.item(c2, "正常", AS_OF, body_chars=800)
    assert clean.check("machine_readable").status == "pass"


# ---------------------------------------------------------------- manual

def test_manual_never_guesses(kit: Kit) -> None:
    out = kit.check("manual", {"reason": "需安全监测"})
    assert (out.status, out.reason) == ("not_checked", "需安全监测")
    assert kit.check("manual", {"reason": "需人工", "status": "needs_review"}).status == "needs_review"


def test_column_freshness_unit_columns(kit: Kit) -> None:
    depts = kit.col("部门信息公开", url=None)
    kit.col("发改局", depts, items=2, newest=AS_OF - D(500))  # a unit column: must be kept up
    kit.col("教育局", depts, items=2, newest=AS_OF - D(30))
    kit.col("机构职能", items=2, newest=AS_OF - D(900))  # not a column that must be updated
    params = {"types": [{"type": "long", "names": ["人事"], "unit_columns": True, "max_age_days": 365}],
              "threshold": 1}
    out = kit.check("column_freshness", params)
    assert out.status == "fail" and out.details["count"] == 1
    assert [r["name"] for r in out.details["columns"] if r["state"] == "stale"] == ["发改局"]


def test_home_updated_undated_home_linking_recent_items_needs_review(tmp_path: Path) -> None:
    # No date read beside the home page's links, but a crawled item it links to is 3 days old: the home
    # page shows recent information and our reading of its dates may be what failed — never a fail.
    k = Kit(tmp_path, facts={"home_newest_date": None, "home_item_links": ["http://s.test/a/1.html"]})
    col = k.col("要闻", items=1)
    k.item(col, "县政府召开常务会议", AS_OF - D(3), url="http://s.test/a/1.html")
    out = k.check("home_updated")
    assert out.status == "needs_review" and "县政府召开常务会议" in out.message
    assert out.details["linked_newest_date"] == (AS_OF - D(3)).isoformat()


def test_home_updated_stale_home_linking_newer_item_needs_review(tmp_path: Path) -> None:
    k = Kit(tmp_path, facts={"home_newest_date": (AS_OF - D(40)).isoformat(),
                             "home_item_links": ["http://s.test/a/1.html"]})
    k.item(k.col("要闻", items=1), "新近的一条", AS_OF - D(2), url="http://s.test/a/1.html")
    assert k.check("home_updated").status == "needs_review"


def test_home_updated_links_to_old_items_only_still_fails(tmp_path: Path) -> None:
    # Every linked item is old too: the home page is not updated, whatever we read of its dates.
    k = Kit(tmp_path, facts={"home_newest_date": None, "home_item_links": ["http://s.test/a/1.html"]})
    k.item(k.col("要闻", items=1), "旧闻", AS_OF - D(90), url="http://s.test/a/1.html")
    k.item(k.col("通知", items=1), "首页未链接的新闻", AS_OF - D(1), url="http://s.test/a/2.html")
    assert k.check("home_updated").status == "fail"

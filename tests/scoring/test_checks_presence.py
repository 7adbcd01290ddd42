"""`presence`: partial credit by clause, off-site targets that must be reachable, found → needs_review."""

from __future__ import annotations

import pytest
from sitekit import Kit, tiny_rubric

from scoring.rubric import Rubric, find_rubric, load_rubric


@pytest.fixture(scope="module")
def checklist() -> Rubric:
    return load_rubric(find_rubric("moe-university-checklist-2014"))


def _presence(kit: Kit, rubric: Rubric, item_id: str):
    from scoring.checks.presence import PresenceParams, check

    item = rubric.item(item_id)
    params = PresenceParams.model_validate(item.checks[0].params)
    return check(kit.ctx(rubric), item, params)


def test_item_7_missing_clause_is_partial(kit: Kit, checklist: Rubric) -> None:
    adm = kit.col("招生考试信息", url=None)
    kit.col("招生章程", adm, items=2)
    out = _presence(kit, checklist, "7")
    assert (out.status, out.credit) == ("partial", 0.5)
    rows = {r["id"]: r["found"] for r in out.details["sub_items"]}
    assert rows == {"7.1": True, "7.2": False}


def test_item_7_both_clauses_pass(kit: Kit, checklist: Rubric) -> None:
    adm = kit.col("招生考试信息", url=None)
    kit.col("招生章程", adm, items=2)
    kit.col("招生计划", adm, items=2)
    out = _presence(kit, checklist, "7")
    assert (out.status, out.credit) == ("pass", 1.0)


def test_item_19_by_table(kit: Kit, checklist: Rubric) -> None:
    fin = kit.col("财务、资产及收费信息", url=None)
    for name in ("收支预算总表", "收入预算表", "支出预算表"):
        kit.col(name, fin, items=1)
    out = _presence(kit, checklist, "19")
    assert (out.status, out.credit) == ("partial", 0.75)
    assert "缺少「财政拨款支出预算表」" in out.message


def test_whole_item_column_holds_every_clause(kit: Kit, checklist: Rubric) -> None:
    fin = kit.col("财务、资产及收费信息", url=None)
    kit.col("部门预算", fin, items=3)  # the item's own name for the whole: every table in it
    basic = kit.col("基本信息", url=None)
    kit.col("办学基本情况", basic, content=True)
    assert _presence(kit, checklist, "19").status == "pass"
    assert _presence(kit, checklist, "1").status == "pass"


def test_item_11_clauses(kit: Kit, checklist: Rubric) -> None:
    grad = kit.col("研究生招生", url=None)
    kit.col("研究生招生简章及专业目录", grad, items=2)  # 简章 + 专业目录 (which lists the numbers)
    kit.col("研究生复试录取办法", grad, items=1)
    assert _presence(kit, checklist, "11").status == "pass"


def test_item_11_missing_clauses(kit: Kit, checklist: Rubric) -> None:
    grad = kit.col("研究生招生", url=None)
    kit.col("研究生招生简章", grad, items=2)
    out = _presence(kit, checklist, "11")
    assert (out.status, out.credit) == ("partial", 0.25)


OFF = [{"id": "1", "name": "就业质量年度报告", "weight": 1,
        "checks": [{"kind": "presence", "params": {"offsite_counts": True}}]}]


def test_offsite_target_reachable_counts(kit: Kit) -> None:
    kit.col("就业质量年度报告", url="http://jy.s.test/report", offsite=True)
    kit.link("http://jy.s.test/report", "ok", offsite=True)
    out = kit.check("presence", {"offsite_counts": True}, rubric=tiny_rubric(OFF), item=OFF[0])
    assert out.status == "pass" and "站外" in out.message


def test_offsite_target_broken_fails(kit: Kit) -> None:
    kit.col("就业质量年度报告", url="http://jy.s.test/gone", offsite=True)
    kit.link("http://jy.s.test/gone", "broken", offsite=True)
    out = kit.check("presence", {"offsite_counts": True}, rubric=tiny_rubric(OFF), item=OFF[0])
    assert out.status == "fail" and "无法访问" in out.message


def test_offsite_unverified_needs_review(kit: Kit) -> None:
    kit.col("就业质量年度报告", url="http://jy.s.test/x", offsite=True)
    out = kit.check("presence", {"offsite_counts": True}, rubric=tiny_rubric(OFF), item=OFF[0])
    assert out.status == "needs_review"
    # off-site not counted at all: even a reachable target needs a human
    kit.link("http://jy.s.test/x", "ok", offsite=True)
    out = kit.check("presence", {}, rubric=tiny_rubric(OFF), item=OFF[0])
    assert out.status == "needs_review"


CHANNEL = [{"id": "1", "name": "互动回应差", "weight": 1, "aliases": ["互动交流", "政务咨询"],
            "checks": [{"kind": "presence", "params": {"found_status": "needs_review", "review_reason": "需人工核查答复"}}]}]


def test_found_status_needs_review_and_absent_fails(kit: Kit, tmp_path) -> None:
    kit.col("互动交流", items=3)
    out = kit.check("presence", CHANNEL[0]["checks"][0]["params"], rubric=tiny_rubric(CHANNEL), item=CHANNEL[0])
    assert out.status == "needs_review" and "需人工核查答复" in out.message
    none = Kit(tmp_path / "b")
    none.col("政策文件", items=3)
    out = none.check("presence", CHANNEL[0]["checks"][0]["params"], rubric=tiny_rubric(CHANNEL), item=CHANNEL[0])
    assert out.status == "fail"


def test_site_channel_counts_for_presence(tmp_path) -> None:
    """政务服务 is a top-menu channel, not a column: presence finds it (V6 then asks a human)."""
    from sitekit import Kit

    inspection = load_rubric(find_rubric("gov-website-inspection-2019"))
    kit = Kit(tmp_path, facts={"channels": [{"channel": "政务服务", "text": "政务服务", "url": "http://s.test/zwfw/"}]})
    kit.col("信息公开指南", content=True)
    out = _presence(kit, inspection, "V6")
    assert out.status == "needs_review" and "政务服务" in out.message
    assert out.evidence[0]["url"] == "http://s.test/zwfw/"
    kit2 = Kit(tmp_path / "b")
    kit2.col("信息公开指南", content=True)
    assert _presence(kit2, inspection, "V6").status == "fail"

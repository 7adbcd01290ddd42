"""`monthly_volume`: per-unit monthly counts, 空白月, consecutive blank months, quota; details shape."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitekit import Kit

from scoring.checks.monthly_volume import period_months

# audit date 2026-11-20 → the month judged is 2026-10, the table covers 2025-11 .. 2026-10


def _site(k: Kit) -> None:
    depts = k.col("部门信息公开", url=None)
    regular = k.col("发改局", depts, items=1, unit="某区发改局")
    gaps = k.col("教育局", depts, items=1, unit="某区教育局")
    low = k.col("财政局", depts, items=1, unit="某区财政局")
    k.col("审计局", depts, unit="某区审计局")  # published nothing at all
    for m in range(1, 11):
        k.item(regular, f"发改{m}a", dt.date(2026, m, 3))
        k.item(regular, f"发改{m}b", dt.date(2026, m, 9))
        if m not in (9, 10):
            k.item(gaps, f"教育{m}", dt.date(2026, m, 5))
            k.item(gaps, f"教育{m}b", dt.date(2026, m, 6))
    k.item(low, "财政10", dt.date(2026, 10, 12))
    own = k.col("政策文件", items=1)
    k.item(own, "区政府通知", dt.date(2026, 10, 1), unit="某区政府办公室")


def test_table_and_verdict(kit: Kit) -> None:
    _site(kit)
    out = kit.check("monthly_volume", {"quota": 2, "unit_source": "column"})
    d = out.details
    assert d["period"] == ["2026-10"] and d["months"][0] == "2025-11" and len(d["months"]) == 12
    rows = {r["unit"]: r for r in d["units"]}
    assert set(rows) == {"某区发改局", "某区教育局", "某区财政局", "某区审计局"}
    assert rows["某区发改局"]["counts"]["2026-10"] == 2 and rows["某区发改局"]["ok"]
    assert rows["某区教育局"]["blank_months"] == ["2026-10"] and rows["某区教育局"]["consecutive_blank_months"] == 2
    assert rows["某区财政局"]["below_quota_months"] == ["2026-10"] and rows["某区财政局"]["blank_months"] == []
    assert rows["某区审计局"]["consecutive_blank_months"] == 12
    assert d["blank_units"] == ["某区审计局", "某区教育局"]
    assert d["below_quota_units"] == ["某区审计局", "某区教育局", "某区财政局"]
    assert (out.status, out.credit) == ("partial", 0.25)
    assert "连续2个月" in out.message and "财政局（1条）" in out.message


def test_blank_measure_and_deductions(kit: Kit) -> None:
    _site(kit)
    out = kit.check("monthly_volume", {"quota": 2, "measure": "blank", "unit_source": "column",
                                       "deduct_per_blank_month": 5, "deduct_per_below_quota": 1})
    assert (out.status, out.credit) == ("partial", 0.5)  # 发改局 and 财政局 have no 空白月
    assert out.deduct == 2 * 5 + 1 * 1


def test_unit_source(kit: Kit) -> None:
    _site(kit)
    by_item = kit.check("monthly_volume", {"quota": 2, "unit_source": "item"})
    assert [r["unit"] for r in by_item.details["units"]] == ["某区政府办公室"]  # only 发布机构 of items
    assert by_item.status == "fail"
    both = kit.check("monthly_volume", {"quota": 2})
    assert "某区政府办公室" in [r["unit"] for r in both.details["units"]] and len(both.details["units"]) == 5


def test_regular_only_passes(tmp_path: Path) -> None:
    k = Kit(tmp_path)
    c = k.col("发改局", items=1, unit="某区发改局")
    for m in range(1, 11):
        k.item(c, f"a{m}", dt.date(2026, m, 2))
        k.item(c, f"b{m}", dt.date(2026, m, 3))
    out = k.check("monthly_volume", {"quota": 2})
    assert out.status == "pass" and out.credit == 1.0


def test_no_units_not_checked(kit: Kit) -> None:
    c = kit.col("政策文件", items=1)
    kit.item(c, "通知", dt.date(2026, 10, 1))
    assert kit.check("monthly_volume").status == "not_checked"


def test_period_months() -> None:
    assert period_months(dt.date(2026, 1, 15), 2, 3, False) == (["2025-11", "2025-12"],
                                                               ["2025-10", "2025-11", "2025-12"])
    assert period_months(dt.date(2026, 1, 15), 1, 1, True) == (["2026-01"], ["2026-01"])


def test_units_from_unit_group_columns(kit: Kit) -> None:
    """Without Column.unit, children of 部门信息公开 are units, named by their items' 发布机构 or their name."""
    depts = kit.col("部门信息公开", url=None)
    named = kit.col("发改局", depts, items=1)
    bare = kit.col("教育局", depts, items=1)
    kit.item(named, "发改通知", dt.date(2026, 10, 3), unit="某区发展和改革委员会")
    kit.item(named, "发改通知2", dt.date(2026, 10, 4), unit="某区发展和改革委员会")
    kit.item(bare, "教育通知", dt.date(2026, 9, 4))
    own = kit.col("通知公告", items=1)
    kit.item(own, "区政府通知", dt.date(2026, 10, 1), unit="某区政府办公室")
    out = kit.check("monthly_volume", {"quota": 2, "unit_source": "column"})
    rows = {r["unit"]: r for r in out.details["units"]}
    assert set(rows) == {"某区发展和改革委员会", "教育局"}
    assert rows["教育局"]["blank_months"] == ["2026-10"] and rows["某区发展和改革委员会"]["ok"]
    assert kit.check("monthly_volume", {"quota": 2, "unit_source": "column", "unit_groups": []}).status == \
        "not_checked"

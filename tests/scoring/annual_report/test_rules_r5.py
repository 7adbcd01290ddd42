"""R5 across two consecutive years, and the messages of the sum rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring.annual_report import check_report, parse_report


def test_r5_holds_for_a_consecutive_pair_and_breaks_when_injected(samples: tuple[Path, dict[str, Any]]) -> None:
    out, reports = samples
    y22 = parse_report((out / "pair-2022.html").read_bytes(), "pair-2022.html")
    y23 = parse_report((out / "pair-2023.html").read_bytes(), "pair-2023.html")
    y24 = parse_report((out / "pair-2024-r5.pdf").read_bytes(), "pair-2024-r5.pdf")
    ok = [r for r in check_report(y23, kind="department", previous=y22) if r.rule == "R5"]
    assert [r.status for r in ok] == ["pass"]
    bad = [r for r in check_report(y24, kind="department", previous=y23) if r.rule == "R5"]
    assert {r.column for r in bad} == {"自然人", "总计"} and all(r.status == "fail" for r in bad)
    carried = reports["pair-2023.html"]["tables"]["t3"]["rows"]["四"]
    r = next(r for r in bad if r.column == "自然人")
    assert (r.expected, r.found) == (carried[0], carried[0] + 2)
    assert "2023年度「四、结转下年度继续办理」" in r.message and "二、上年结转" in r.message
    # every other rule of the R5 report still holds: the break is only across years
    others = {x.rule: x.status for x in check_report(y24, kind="department", previous=y23) if x.rule != "R5"}
    assert others["R1"] == others["R2"] == others["R3"] == others["R4"] == "pass"


def test_wrong_total_messages_name_table_row_column(samples: tuple[Path, dict[str, Any]]) -> None:
    out, _ = samples
    rep = parse_report((out / "dept-2023-wrong-total.pdf").read_bytes(), "w.pdf")
    fails = [r for r in check_report(rep, kind="department") if r.status == "fail"]
    r2 = next(r for r in fails if r.rule == "R2")
    assert (r2.table, r2.row, r2.column) == ("三", "（七）总计", "总计") and r2.found == r2.expected + 3
    assert "表三「（七）总计」「总计」列" in r2.message and not r2.blanks_as_zero
    assert {r.rule for r in fails} == {"R1", "R2", "R3"}


def test_late_missing_section_and_old_format(samples: tuple[Path, dict[str, Any]]) -> None:
    out, reports = samples
    late = parse_report((out / "dept-2023-late.html").read_bytes())
    d = next(r for r in check_report(late, kind="department") if r.rule == "deadline")
    assert d.status == "fail" and d.extra["deadline"] == "2024-01-31" and d.extra["days_late"] == 20
    miss = parse_report((out / "dept-2023-missing-section.html").read_bytes())
    s = next(r for r in check_report(miss, kind="department") if r.rule == "sections")
    assert s.status == "fail" and s.extra["missing"] == ["五、存在的主要问题及改进情况"]
    old = parse_report((out / "dept-2022-old-format.docx").read_bytes())
    f = next(r for r in check_report(old, kind="department") if r.rule == "format")
    assert f.status == "fail" and "试行格式" in f.message
    # the 本级政府 summary is due by 3月31日
    gov = parse_report((out / "gov-2023-summary.html").read_bytes())
    g = next(r for r in check_report(gov, kind="government") if r.rule == "deadline")
    assert g.extra["deadline"] == "2024-03-31" and reports["gov-2023-summary.html"]["deadline"] == "2024-03-31"


def test_section_headings_matched_loosely_but_not_confused() -> None:
    from scoring.annual_report.checks import check_sections
    from scoring.annual_report.parse import ParsedReport

    heads = ["一、总体情况", "二、主动公开政府信息情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
             "五、存在问题及改进情况", "六、其他需要报告的事项"]
    rep = ParsedReport(source="x", doc_type="html", year=2023, version="2021", headings=heads)
    res = check_sections(rep, "department")
    assert res.status == "fail" and res.extra["missing"] == ["三、收到和处理政府信息公开申请情况"]
    rep.headings = heads[:2] + ["三、收到和处理政府信息公开申请情况"] + heads[2:]
    assert check_sections(rep, "department").status == "pass"

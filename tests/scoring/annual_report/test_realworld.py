"""The 15 real 2017 department reports of 柘城县: pre-2019 free-text reports with their year and unit."""

from __future__ import annotations

from pathlib import Path

from scoring.annual_report import check_report, parse_report


def test_real_2017_department_reports(zhecheng: Path) -> None:
    files = sorted(zhecheng.glob("gov-annual-report-dept-*-zhecheng-2017.html"))
    assert len(files) == 15
    units = set()
    for f in files:
        rep = parse_report(f.read_bytes(), str(f))
        assert rep.year == 2017, f.name
        assert rep.version == "free_text" and rep.free_text, f.name
        assert rep.unit.startswith(("柘城县", "国网")) and len(rep.unit) >= 4, f.name
        assert rep.published is not None and rep.published.year == 2018
        units.add(rep.unit)
        results = {r.rule: r.status for r in check_report(rep, kind="department")}
        assert results["sections"] == "not_applicable" and results["format"] == "pass"
        assert results["deadline"] in ("pass", "fail")  # judged against the old 3月31日 deadline
        assert "R1" not in results
    assert len(units) == 15
    late = parse_report((zhecheng / "gov-annual-report-dept-7477-zhecheng-2017.html").read_bytes())
    assert {r.rule: r.status for r in check_report(late, kind="department")}["deadline"] == "fail"  # 2018-04-02


def test_real_list_pages_are_not_taken_for_reports(zhecheng: Path) -> None:
    for f in sorted(zhecheng.glob("gov-annual-report-list-*.html")):
        rep = parse_report(f.read_bytes(), str(f))
        assert rep.title == "" and rep.needs_review and "列表" in rep.needs_review[0], f.name

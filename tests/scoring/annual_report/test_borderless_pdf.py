"""PDF reports whose tables have no ruling lines: read from word positions when sure, else needs_review.

The PDFs imitate Word/WPS exports with hidden borders (`borderless.py`): no line at all, values
centred, and narrow label columns whose long labels wrap over two or three lines. The values must
equal the generator's ground truth; a reading that is not sure stays needs_review, never a fail.
"""

from __future__ import annotations

import pytest

from scoring.annual_report import check_report, parse_report
from tests.scoring.annual_report.borderless import borderless_report
from xxgk.samples.annual_reports import build_report


def _values(rep) -> dict:
    t = rep.tables
    return {"t3": {k: r["values"] for k, r in t["t3"]["rows"].items()} if "t3" in t else None,
            "t4": t["t4"]["values"] if "t4" in t else None,
            "t2": [r["values"] for r in t["t2"]["rows"]] if "t2" in t else None}


def _truth(truth: dict) -> dict:
    t = truth["tables"]
    return {"t3": t["t3"]["rows"], "t4": t["t4"], "t2": [r["values"] for r in t["t2"]]}


@pytest.mark.parametrize("wrap", [False, True], ids=["one-line-labels", "wrapped-labels"])
def test_borderless_2021_tables_equal_truth_and_sums_are_checked(wrap: bool) -> None:
    data, truth = borderless_report("某县水利局", 2023, wrap=wrap)
    rep = parse_report(data, "report.pdf")
    assert rep.table_problem is None and rep.version == "2021" and rep.version_from == "tables"
    assert _values(rep) == _truth(truth)
    assert rep.tables["t3"]["read_from"] == "borderless"
    res = {r.rule: r.status for r in check_report(rep, kind="department")}
    assert {res[k] for k in ("format", "tables", "R1", "R2", "R3", "R4")} == {"pass"}, res


def test_borderless_2019_trial_format() -> None:
    data, truth = borderless_report("某县林业局", 2019, wrap=True, seed=3)
    rep = parse_report(data, "report.pdf")
    assert truth["version"] == "2019" and rep.version == "2019"
    assert [r["label"] for r in rep.tables["t2"]["rows"]][-1] == "政府集中采购"
    assert "三.六" in rep.tables["t3"]["rows"]  # the 2019 table 三 has one row （六）其他处理
    assert _values(rep) == _truth(truth)
    res = {r.rule: r.status for r in check_report(rep, kind="department")}
    assert res["format"] == "pass" and res["R1"] == "pass", res


def test_a_wrong_sum_read_for_sure_is_a_fail() -> None:
    data, truth = borderless_report("某县水利局", 2023, errors=("r1",), wrap=True)
    rep = parse_report(data, "report.pdf")
    assert _values(rep) == _truth(truth)
    res = {r.rule: r.status for r in check_report(rep, kind="department")}
    assert res["R1"] == "fail" and res["tables"] == "pass", res


@pytest.mark.parametrize("blanks", [0.5, 1.0])
def test_blank_cells_are_read_right_or_left_for_review(blanks: float) -> None:
    """Zeros written as blanks leave a borderless row short of numbers: where a blank cell is cannot
    always be told. Whatever is read equals the truth; the rest is needs_review, never a fail."""
    for seed in range(4):
        data, truth = borderless_report("某县水利局", 2023, blanks=blanks, wrap=True, seed=seed)
        rep = parse_report(data, "report.pdf")
        got, want = _values(rep), _truth(truth)
        for key, value in got.items():
            assert value is None or value == want[key], (seed, key)
        res = {r.rule: r.status for r in check_report(rep, kind="department")}
        assert "fail" not in res.values(), (seed, res)
        if None in got.values():
            assert res["tables"] == "needs_review", (seed, res)
        if got["t3"] is None:
            assert res["R1"] == res["R2"] == res["R3"] == "needs_review", (seed, res)
        if got["t4"] is None:
            assert res["R4"] == "needs_review", (seed, res)


def test_rules_under_rows_only_are_read_too() -> None:
    """The sample world's `pdf-rows` reports: a rule under each row, no vertical line."""
    data, truth = build_report("示例市财政局", 2023, "pdf-rows", "department")
    rep = parse_report(data, "rows.pdf")
    assert rep.table_problem is None and _values(rep) == _truth(truth)
    res = {r.rule: r.status for r in check_report(rep, kind="department")}
    assert res["format"] == "pass" and res["tables"] == "pass" and res["R1"] == "pass", res


def test_scanned_pdf_is_needs_review_scan() -> None:
    data, _truth = build_report("某县水利局", 2023, "scan", "department")
    rep = parse_report(data, "scan.pdf")
    assert rep.tables == {} and any("扫描件" in r for r in rep.needs_review)
    res = {r.rule: r for r in check_report(rep, kind="department")}
    assert "fail" not in {r.status for r in res.values()}
    assert res["readable"].status == "needs_review" and "扫描件" in res["readable"].message

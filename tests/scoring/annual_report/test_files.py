"""PDF and DOCX tables read as the official tables; legacy .doc is read best-effort and flagged."""

from __future__ import annotations

import struct

from scoring.annual_report import check_report, parse_report
from scoring.annual_report.parse import UnreadableReport, sniff_type
from tests.scoring.annual_report.borderless import borderless_report
from xxgk.samples.annual_reports import build_report


def test_docx_and_pdf_tables_equal_truth() -> None:
    for fmt in ("docx", "pdf"):
        data, truth = build_report("某县水利局", 2021, fmt, "department", blanks=0.5, seed=11)
        rep = parse_report(data, f"r.{fmt}")
        assert rep.doc_type == fmt
        assert {k: r["values"] for k, r in rep.tables["t3"]["rows"].items()} == truth["tables"]["t3"]["rows"], fmt
        assert rep.tables["t4"]["values"] == truth["tables"]["t4"], fmt
        assert [r["values"] for r in rep.tables["t2"]["rows"]] == [r["values"] for r in truth["tables"]["t2"]], fmt
        assert {r.rule: r.status for r in check_report(rep, kind="department")}["R1"] == "pass"


def test_trial_format_pdf_table2() -> None:
    data, truth = build_report("某县水利局", 2019, "pdf", "department", seed=3)
    t2 = parse_report(data, "r.pdf").tables["t2"]
    assert t2["version"] == "2019" and truth["version"] == "2019"
    assert [r["label"] for r in t2["rows"]][-1] == "政府集中采购"
    assert [r["values"] for r in t2["rows"]] == [r["values"] for r in truth["tables"]["t2"]]


def test_legacy_doc_is_best_effort_and_needs_review() -> None:
    text = "某县林业局2018年政府信息公开工作年度报告\r一、概述\r本年度…"
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + text.encode("utf-16le") + struct.pack("<I", 0)
    rep = parse_report(data, "r.doc")
    assert rep.doc_type == "doc" and rep.year == 2018 and rep.unit == "某县林业局"
    assert rep.needs_review and ".doc" in rep.needs_review[0]


def test_unreadable_inputs() -> None:
    assert sniff_type(b"%PDF-1.7") == "pdf" and sniff_type(b"PK\x03\x04") == "docx"
    for data in (b"", b"%PDF-1.4 broken", b"PK\x03\x04 broken zip"):
        try:
            parse_report(data, "x")
        except UnreadableReport:
            continue
        raise AssertionError(data)


def test_pdf_table_without_rules_not_read_for_sure_is_needs_review_not_a_format_fail() -> None:
    """Word/WPS exports often hide the borders: pdfplumber's line strategy finds no cells, and with
    every zero left blank the value columns cannot be told apart. The report did use the format:
    tables and sums need review, the format is not failed."""
    data, _truth = borderless_report("示例市财政局", 2023, blanks=1.0)
    rep = parse_report(data, "rows.pdf")
    res = {r.rule: r.status for r in check_report(rep, kind="department")}
    assert rep.version == "2021" and "t3" not in rep.tables and "PDF" in (rep.table_problem or "")
    assert res["format"] == "pass" and res["tables"] == "needs_review" and res["R1"] == "needs_review", res
    assert "fail" not in res.values(), res


def test_pdf_cells_with_a_leading_uncovered_position() -> None:
    """pdfplumber gives None for a position no cell covers; at the start of a row that is a blank cell."""
    from scoring.annual_report.grid import grid_from_cells

    g = grid_from_cells([[None, "自然人", "总计"], ["一、本年新收", "1", None]])
    assert g.rows == [["", "自然人", "总计"], ["一、本年新收", "1", "1"]]

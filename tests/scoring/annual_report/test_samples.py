"""Every sample report: every table value read exactly, every injected error reported, no false errors."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from scoring.annual_report import parse_report
from tests.scoring.annual_report.verify import check_file
from xxgk.samples.annual_reports import build_report


def _ordered(reports: dict[str, Any]) -> list[str]:
    # previous years first, so R5 can use them
    return sorted(reports, key=lambda n: (("previous" in reports[n]), n))


def test_every_sample_read_and_checked_exactly(samples: tuple[Path, dict[str, Any]]) -> None:
    out, reports = samples
    assert len(reports) >= 19
    parsed = {}
    problems = {}
    for name in _ordered(reports):
        truth = reports[name]
        prev = parsed.get(truth.get("previous"))
        if truth.get("previous"):
            assert prev is not None, name
        urls = set(truth.get("site_urls", []))
        rep, mism = check_file((out / name).read_bytes(), name, truth, prev, resolver=lambda u, s=urls: u in s)
        parsed[name] = rep
        if mism:
            problems[name] = mism
        if truth["readable"]:
            assert rep.title == truth["title"] and rep.unit == truth["unit"], name
            want_year = tuple(truth["year"]) if isinstance(truth["year"], list) else truth["year"]
            assert rep.year == want_year, name
    assert problems == {}


def test_formats_and_injected_errors_are_covered(samples: tuple[Path, dict[str, Any]]) -> None:
    _out, reports = samples
    fmts = {(t["format"], t["kind"]) for t in reports.values()}
    assert {("html", "department"), ("pdf", "department"), ("docx", "department"), ("scan", "department"),
            ("html", "university"), ("pdf", "university"), ("html", "government")} <= fmts
    errors = {e for t in reports.values() for e in t["errors"]}
    assert {"r1", "wrong_total", "r4", "r5", "missing_section", "late", "old_format", "bad_link",
            "missing_part"} <= errors
    versions = {t["version"] for t in reports.values() if t["kind"] != "university"}
    assert {"2019", "2021"} <= versions
    # every injected error shows up as an expected failure
    for name, t in reports.items():
        fails = {k for k, v in t["expected"].items() if v == "fail"}
        if t["errors"]:
            assert fails, name
        else:
            assert not fails, name


def test_blank_cells_distinct_from_zero(samples: tuple[Path, dict[str, Any]]) -> None:
    out, reports = samples
    truth = reports["dept-2023-blanks.html"]
    rows = truth["tables"]["t3"]["rows"]
    assert any(v is None for r in rows.values() for v in r) and any(v == 0 for r in rows.values() for v in r)
    rep = parse_report((out / "dept-2023-blanks.html").read_bytes(), "x.html")
    assert {k: r["values"] for k, r in rep.tables["t3"]["rows"].items()} == rows


def test_pdf_has_embedded_cjk_text_and_scan_has_none(samples: tuple[Path, dict[str, Any]]) -> None:
    out, _reports = samples
    pdf = (out / "dept-2023-ok.pdf").read_bytes()
    assert b"FontFile2" in pdf  # the TrueType font is embedded
    assert "财政局" in parse_report(pdf, "x.pdf").text
    scan = parse_report((out / "dept-2023-scan.pdf").read_bytes(), "s.pdf")
    assert scan.text == "" and scan.needs_review and "扫描件" in scan.needs_review[0]


def test_build_report_api_is_deterministic() -> None:
    a, ta = build_report("某县民政局", 2024, "docx", "department", ["r1"], seed=7)
    b, tb = build_report("某县民政局", 2024, "docx", "department", ["r1"], seed=7)
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest() and ta == tb
    assert ta["expected"]["R1"] == "fail" and ta["expected"]["R2"] == "pass"
    assert {f["column"] for f in ta["sum_failures"] if f["rule"] == "R1"} == {"自然人", "总计"}
    with pytest.raises(ValueError):
        build_report("x", 2024, "odt")

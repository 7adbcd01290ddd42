"""Every output format of the synthetic store: escaping of hostile strings, XLSX/JSON/DOCX content, snapshots."""

from __future__ import annotations

import csv
import json
import zipfile

import pytest
from openpyxl import load_workbook

from bench.synthetic import HOSTILE_SHORT
from reports.bulletin import parse_units
from reports.fixes import fix_hint, known_kinds
from reports.formats import report_formats
from xxgk.errors import UserError

ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def test_html_escapes_hostile_strings_and_never_links_javascript(rendered):
    _store, out, _ = rendered
    for page in [out / "index.html", out / "bulletin.html", *sorted((out / "sites").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert 'href="javascript:' not in html.lower(), page
        assert html.count("<script>") <= 1  # only the inline sorter
    assert ESCAPED in (out / "index.html").read_text(encoding="utf-8")
    assert ESCAPED in (out / "bulletin.html").read_text(encoding="utf-8")


def test_snapshot_is_static_and_screenshot_copied(rendered):
    store, out, _ = rendered
    snaps = list((out / "snapshots").glob("*.html"))
    assert len(snaps) == 1
    snap = snaps[0].read_text(encoding="utf-8")
    assert "存档副本" in snap and "Content-Security-Policy" in snap
    assert "<script" not in snap.lower() and "onclick" not in snap and "javascript:" not in snap
    assert "<iframe" not in snap and "evil.example" not in snap
    assert "&lt;script&gt;" in snap  # the page's own escaped text stays text
    site = (out / "sites" / f"site-{store.hostile_site}.html").read_text(encoding="utf-8")
    assert f'href="../snapshots/{snaps[0].name}"' in site
    shots = list((out / "screenshots").glob("*.png"))
    assert shots and f'href="../screenshots/{shots[0].name}"' in site


def test_csv_neutralises_and_keeps_text(rendered):
    store, out, _ = rendered
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    hostile = [r for r in rows if r["site_id"] == str(store.hostile_site)]
    assert any(r["site_name"].startswith(HOSTILE_SHORT) for r in hostile)  # plain text, not markup


def test_xlsx_summary_and_section_sheets(rendered):
    store, out, _ = rendered
    wb = load_workbook(out / "report.xlsx")
    assert wb.sheetnames == ["汇总", "类别1", "类别2", "类别3", "类别4", "评估说明", "评估结论"]
    summary = list(wb["汇总"].values)
    assert summary[0][:5] == ("排名", "网站", "网址", "总分", "结果")
    names = [r[1] for r in summary[1:]]
    assert any(isinstance(n, str) and n.startswith(HOSTILE_SHORT) for n in names)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    verdicts = {r[1]: r[4] for r in summary[1:]}
    assert "不合格" in verdicts.values()
    assert len(list(wb["类别1"].values)) == len(store.site_ids) + 1
    # readable as opened: filters, frozen headers, widths, Chinese statuses, one row per finding
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref, ws.title
        assert all(ws.column_dimensions[c].width and ws.column_dimensions[c].width >= 6 for c in "AB"), ws.title
    found = list(wb["评估结论"].values)
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        assert len(found) - 1 == sum(1 for _ in csv.DictReader(fh))
    assert {r[4] for r in found[1:]} <= {"公开", "部分公开", "未公开", "未能检查", "待人工复核", "不适用"}
    heads = [c for c in list(wb["类别1"].values)[0][2:]]
    assert all(len(set(h.split())) == len(h.split()) for h in heads)  # never "R1 R1"
    assert not any(isinstance(c, str) and c.split(" ", 1)[0] in ("pass", "fail", "partial")
                   for row in wb["类别1"].values for c in row)


def test_json_scores_findings_and_escaping(rendered):
    store, out, result = rendered
    text = (out / "report.json").read_text(encoding="utf-8")
    assert "<" not in text and ">" not in text
    doc = json.loads(text)
    assert doc["baseline_run"] == result.baseline_run
    assert len(doc["ranking"]) == len(store.site_ids)
    assert any(f["site_name"].startswith(HOSTILE_SHORT) for f in doc["findings"])
    assert doc["conclusions"] and doc["summary"]["vetoed"] == 1


def test_bulletin_docx_and_units(rendered):
    _store, out, _ = rendered
    with zipfile.ZipFile(out / "bulletin.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert" in xml and "<script>" not in xml
    assert "市财政局" in xml and "连续2个月未发布" in xml
    html = (out / "bulletin.html").read_text(encoding="utf-8")
    assert "低于定额" in html and "市教育局（15条）" in html and "\u2069" not in html


def test_parse_units_shapes():
    months, quota, rows = parse_units({"units": {"甲": [1, 0, 0], "乙": {"counts": [4, 5, 6]}},
                                       "months": ["1", "2", "3"], "quota": 5})
    assert quota == 5.0 and months == ["1", "2", "3"]
    by = {r.unit: r for r in rows}
    assert by["甲"].consecutive_blank == 2 and by["甲"].below_quota and not by["乙"].below_quota
    _m, _q, rows = parse_units({"units": [{"name": "丙", "counts": {"2026-02": 0, "2026-01": 3}}]})
    assert rows[0].counts == [3, 0] and rows[0].blank_months == ["2026-02"]


def test_fix_lines_for_every_kind():
    for kind in ("presence", "blank_column", "freshness", "link_health", "access", "search", "entry",
                 "monthly_volume", "machine_readable", "home_updated", "site_reachable", "annual_report"):
        assert kind in known_kinds()
        assert fix_hint(kind, "fail", "事项") and fix_hint(kind, "pass", "事项") == ""
    import scoring.checks  # noqa: F401  (registers every bundled check kind)
    from scoring.checks.registry import known_kinds as registered

    for kind in registered():  # every kind the scoring engine registers has its own line
        assert kind in known_kinds(), kind
        assert fix_hint(kind, "fail", "事项") != "按评估细则要求落实“事项”。", kind
    assert fix_hint("brand_new_kind", "fail", "某事项") == "按评估细则要求落实“某事项”。"
    assert fix_hint("presence+freshness", "fail", "x").startswith("在信息公开专栏")
    assert "人工" in fix_hint("whatever", "needs_review", "x")


def test_formats_option():
    assert report_formats("xlsx") == ("html", "csv", "xlsx")
    assert report_formats(None) == ("html", "csv", "xlsx", "json")
    with pytest.raises(UserError):
        report_formats("html,doc")


def test_csv_lang_zh_keeps_columns_and_order_under_chinese_heads(synth, tmp_path):
    from reports.formats.csv import ZH_HEADERS
    from reports.model import COLUMN_COLUMNS, FINDING_COLUMNS, ITEM_COLUMNS, SCORE_COLUMNS
    from reports.render import render_report
    from xxgk.store import session_factory, session_scope

    store, _root = synth
    assert not {*COLUMN_COLUMNS, *FINDING_COLUMNS, *ITEM_COLUMNS, *SCORE_COLUMNS, "rank"} - ZH_HEADERS.keys()
    outs = {}
    for lang in ("en", "zh"):
        with session_scope(session_factory(store.db_url)) as s:
            render_report(s, store.runs[-1], None, tmp_path / lang, formats="html,csv", lang=lang)
        with open(tmp_path / lang / "findings.csv", encoding="utf-8-sig") as fh:
            outs[lang] = list(csv.reader(fh))
    assert outs["en"][0] == FINDING_COLUMNS  # the default stays the stable English names
    assert outs["zh"][0] == [ZH_HEADERS[c] for c in FINDING_COLUMNS]
    assert outs["zh"][1:] == outs["en"][1:]  # values unchanged


def test_every_page_and_export_states_the_method(rendered):
    """评估时点, crawl window, rubric with its document and fingerprint, settings and verdict counts."""
    from scoring.context import audit_date
    from xxgk.store import Run, session_factory, session_scope

    store, out, _ = rendered
    with session_scope(session_factory(store.db_url)) as s:
        as_of = audit_date(s.get(Run, store.runs[-1])).isoformat()
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))["method"]
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        statuses = [r["status"] for r in csv.DictReader(fh)]
    assert doc["as_of"] == as_of and doc["rubric_id"] and doc["fingerprint"]
    assert doc["not_checkable"] == sum(s in ("not_checked", "not_applicable") for s in statuses)
    assert doc["needs_review"] == statuses.count("needs_review")
    assert doc["checked"] + doc["not_checkable"] + doc["needs_review"] == len(statuses)
    pages = [out / "index.html", *sorted((out / "sites").glob("site-*.html"))]
    for page in pages:
        assert f'<div class="method small" id="method"><b>评估时点</b> {as_of}' in page.read_text(encoding="utf-8"), page
    sheet = {r[0]: r[1] for r in load_workbook(out / "report.xlsx")["评估说明"].values}
    assert sheet["评估时点"] == as_of and "及格线" in sheet["计分方法"]

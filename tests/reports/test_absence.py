"""Every fail shows its evidence of absence on the site page, in findings.csv (added column) and the JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from lxml import html as lhtml

from reports.model import FINDING_COLUMNS
from reports.render import render_report
from tests.reports.test_vocabulary import RUBRICS, _audit
from xxgk.store import session_factory


def test_every_fail_names_where_it_looked(tmp_path: Path) -> None:
    path = next(p for p in RUBRICS if p.stem == "moe-university-checklist-2014")
    out, _rubric = _audit(path, tmp_path)
    with open(out / "findings.csv", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == FINDING_COLUMNS and reader.fieldnames[-1] == "absence"  # added, none renamed
        rows = list(reader)
    fails = [r for r in rows if r["status"] == "fail"]
    assert len(fails) >= 20
    for r in fails:
        assert r["absence"].startswith("已查找：") and "个栏目" in r["absence"] and "抓取覆盖：" in r["absence"], r
    assert all(not r["absence"] for r in rows if r["status"] != "fail")
    page = lhtml.fromstring((out / "sites/site-2.html").read_text(encoding="utf-8"))
    shown = [s.text_content() for s in page.xpath('//span[contains(@class, "absence")]')]
    assert len(shown) == sum(1 for r in fails if r["site_id"] == "2")
    assert all("fuzzy" not in s and "alias" not in s for s in shown)

    with session_factory(f"sqlite:///{tmp_path / 'v.db'}")() as s:
        render_report(s, 1, path.stem, tmp_path / "json", formats="html,csv,json")
    doc = json.loads((tmp_path / "json/report.json").read_text(encoding="utf-8"))
    failing = [f for f in doc["findings"] if f["status"] == "fail"]
    assert failing and all(f["details"]["absence"]["searched"]["columns"] >= 0 and f["absence"] for f in failing)
    assert doc["summary"]["rate_rule"].startswith("得分率")

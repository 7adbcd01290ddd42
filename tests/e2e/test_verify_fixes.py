"""An agency claims fixes; some are real, one is false: verify-fixes tells them apart on the live site."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys

import pytest

from xxgk.localservices import free_port_range
from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer

pytestmark = pytest.mark.e2e
N = 3  # seed 2024 with three universities has portals with 5 and 7 defects


def _xxgk(*args):
    return subprocess.run([sys.executable, "-m", "xxgk", *args], capture_output=True, text=True, timeout=600)


def test_claims_confirmed_and_false_claims_caught(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    generate_world(before, seed=2024, n_universities=N, n_governments=0)
    world = json.loads((before / "world.json").read_text(encoding="utf-8"))
    # the portal with the most failing checklist items
    manifests = {p["slug"]: json.loads((before / p["manifest"]).read_text(encoding="utf-8")) for p in world["portals"]}
    slug = max(manifests, key=lambda s: sum(v["status"] == "fail" for v in manifests[s]["checklist"].values()))
    failing = [k for k, v in manifests[slug]["checklist"].items() if v["status"] == "fail"]
    assert len(failing) >= 3, "the sample world must have a portal with several defects"
    fixed, false_claim = failing[:2], failing[2]
    generate_world(after, seed=2024, n_universities=N, n_governments=0, fix_defects={slug: fixed})

    db = str(tmp_path / "xxgk.sqlite")
    base_port = free_port_range(N)
    with SampleServer(before, base_port=base_port) as server:
        url = server.urls[slug]
        server.write_sites_csv(tmp_path / "sites.csv")
        res = _xxgk("audit", str(tmp_path / "sites.csv"), "--out", str(tmp_path / "out1"), "--db", db, "--quiet")
        assert res.returncode == 0, res.stderr[-2000:]

    claims = tmp_path / "claims.csv"
    with open(claims, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["site", "item", "claimed"])
        for item in [*fixed, false_claim]:
            w.writerow([url, item, "已整改"])
    with SampleServer(after, base_port=base_port) as server:  # the same URLs, now serving the repaired portal
        assert server.urls[slug] == url
        res = _xxgk("verify-fixes", "1", "--claims", str(claims), "--out", str(tmp_path / "verify"), "--db", db,
                    "--quiet")
    assert res.returncode == 1, res.stderr[-2000:]  # a false claim makes the command fail
    with open(tmp_path / "verify" / "verification.csv", encoding="utf-8-sig") as fh:
        rows = {r["item_id"]: r for r in csv.DictReader(fh)}
    assert {k: r["verdict"] for k, r in rows.items()} == {fixed[0]: "confirmed", fixed[1]: "confirmed",
                                                           false_claim: "not_fixed"}
    assert rows[false_claim]["before"] == "fail" and rows[false_claim]["after"] == "fail"
    assert all(rows[k]["after"] == "pass" and rows[k]["evidence_urls"].startswith(url) for k in fixed)

    with sqlite3.connect(db) as conn:  # the verify run is finished, not left running
        assert conn.execute("select status from runs where mode = 'verify'").fetchall() == [("done",)]

    # The documented `URL` header and the Chinese 整改链接 give the same table; an unknown column is named.
    tables = {}
    with SampleServer(after, base_port=base_port) as server:
        for header in ("URL", "整改链接"):
            path = tmp_path / f"claims-{header}.csv"
            with open(path, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["网站", "事项", "整改状态", header, "备注"])
                for item in fixed:
                    w.writerow([url, item, "已整改", url, "见首页"])
            res = _xxgk("verify-fixes", "1", "--claims", str(path), "--out", str(tmp_path / header), "--db", db,
                        "--quiet")
            assert res.returncode == 0, res.stderr[-2000:]
            assert f"warning: {path}: columns not used: 备注" in res.stderr
            with open(tmp_path / header / "verification.csv", encoding="utf-8-sig") as fh:
                tables[header] = [{k: v for k, v in r.items() if k != "line"} for r in csv.DictReader(fh)]
    assert tables["URL"] == tables["整改链接"]
    assert [(r["claim_url"], r["verdict"]) for r in tables["URL"]] == [(url, "confirmed"), (url, "confirmed")]

    # The agency's copies of the table: HTML, XLSX (Chinese headers, filter, frozen header) and DOCX.
    from docx import Document
    from openpyxl import load_workbook

    verify = tmp_path / "verify"
    html = (verify / "verification.html").read_text(encoding="utf-8")
    assert "整改情况核查结果" in html and html.count("已整改</span>") == 2 and html.count("未整改</span>") == 1
    ws = load_workbook(verify / "verification.xlsx").active
    assert [c.value for c in ws[1]][:7] == ["行", "网站", "事项编号", "事项", "声称", "整改链接", "核查结论"]
    assert ws.auto_filter.ref and ws.freeze_panes == "A2"
    assert sorted(r[6].value for r in ws.iter_rows(min_row=2)) == ["已整改", "已整改", "未整改"]
    doc = Document(str(verify / "verification.docx"))
    assert doc.paragraphs[0].text == "整改情况核查结果"
    grid = doc.tables[0]
    assert len(grid.rows) == 4 and [c.text for c in grid.rows[0].cells][4] == "核查结论"
    assert {row.cells[4].text for row in grid.rows[1:]} == {"已整改", "未整改"}
    assert abs(doc.sections[0].page_width.mm - 297) < 1  # A4, landscape

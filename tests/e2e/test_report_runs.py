"""Two audits of a small sample world (two universities and the hostile portal) with one portal's defects
fixed in between: the report shows the fix as an improvement in score and in rank against the
automatically chosen previous run; the hostile portal's strings stay text in HTML, CSV, XLSX, JSON and PDF."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from xxgk.localservices import free_port_range
from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer

pytestmark = pytest.mark.e2e

N_UNIVERSITIES = 2
N_PORTALS = N_UNIVERSITIES + 1  # + the hostile portal


def _audit(server: SampleServer, work, out):
    sites = work / "sites.csv"
    server.write_sites_csv(sites)
    res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(out),
                          "--db", str(work / "xxgk.sqlite"), "--quiet"], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    return res


def _read(path):
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _totals(out):
    return {r["site_name"]: r for r in _read(out / "scores.csv") if r["section_id"] == "total"}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Run 1 over the world; the lowest-ranked university's defects fixed; run 2 over the same URLs."""
    tmp_path = tmp_path_factory.mktemp("runs")
    base_port = free_port_range(N_PORTALS)
    world1, world2 = tmp_path / "w1", tmp_path / "w2"
    generate_world(world1, seed=2024, n_universities=N_UNIVERSITIES, n_governments=0, include_hostile=True)
    with SampleServer(world1, base_port=base_port) as server:
        _audit(server, tmp_path, tmp_path / "out1")
        urls = dict(server.urls)
    before = _totals(tmp_path / "out1")
    world = json.loads((world1 / "world.json").read_text(encoding="utf-8"))
    plain = {p["name"]: p["slug"] for p in world["portals"] if p["slug"] != "h01"}
    worst = max((r for r in before.values() if r["site_name"] in plain),
                key=lambda r: (int(r["rank"] or 10**6), r["site_name"]))
    slug = plain[worst["site_name"]]
    manifest = json.loads((world1 / slug / "manifest.json").read_text(encoding="utf-8"))
    defects = [str(i) for i, t in manifest["checklist"].items() if t.get("status") != "pass"]
    assert defects, "the lowest-ranked portal has failing items to fix"
    generate_world(world2, seed=2024, n_universities=N_UNIVERSITIES, n_governments=0, include_hostile=True,
                   fix_defects={slug: defects})
    with SampleServer(world2, base_port=base_port) as server:
        assert server.urls == urls  # same site list → the first run is the automatic baseline
        res = _audit(server, tmp_path, tmp_path / "out2")
    assert "report written to" in res.stdout
    return tmp_path, worst


def test_fixed_defect_shows_as_improvement(two_runs):
    tmp_path, worst = two_runs
    after = _totals(tmp_path / "out2")
    name = worst["site_name"]
    assert float(after[name]["percent"]) > float(worst["percent"])
    assert int(after[name]["rank"]) < int(worst["rank"])
    report = json.loads((tmp_path / "out2" / "report.json").read_text(encoding="utf-8"))
    assert report["baseline_run"] == 1
    row = next(r for r in report["ranking"] if r["site_name"] == name)
    assert row["delta"] > 0 and row["rank_change"] > 0
    html = (tmp_path / "out2" / "index.html").read_text(encoding="utf-8")
    assert "进步最大的是" in html and f"▲{row['rank_change']}" in html


HOSTILE = "<script>alert(1)</script>"


def test_hostile_portal_escaped_in_every_format(two_runs):
    """`xxgk report 2 --compare 1 --formats ...` re-renders run 2; hostile strings stay text everywhere."""
    from openpyxl import load_workbook

    from reports.browser import chromium_path

    tmp_path, _worst = two_runs
    out = tmp_path / "rerender"
    formats = "html,csv,xlsx,json" + (",pdf" if chromium_path() else "")
    res = subprocess.run([sys.executable, "-m", "xxgk", "report", "2", "--compare", "1", "--db",
                          str(tmp_path / "xxgk.sqlite"), "--out", str(out), "--formats", formats],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    pages = [out / "index.html", *sorted((out / "sites").glob("*.html")), *sorted((out / "snapshots").glob("*.html"))]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert HOSTILE not in html and 'href="javascript:' not in html.lower(), page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "index.html").read_text(encoding="utf-8")
    names = {r["site_name"] for r in _read(out / "scores.csv")}
    assert any(HOSTILE in n for n in names)  # CSV keeps the text as text
    assert all(not t["title"].startswith("=") for t in _read(out / "items.csv"))  # formulas neutralised
    wb = load_workbook(out / "report.xlsx")
    assert any(HOSTILE in str(c.value) for c in wb["汇总"]["B"])
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    text = (out / "report.json").read_text(encoding="utf-8")
    assert "<script" not in text and HOSTILE in json.dumps(json.loads(text), ensure_ascii=False)
    if chromium_path():
        pdf_text = _pdf_text(out / "index.pdf").replace("\n", "")
        assert HOSTILE in pdf_text


def _pdf_text(path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)

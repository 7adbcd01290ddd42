"""Whole audit of the sample world: every checklist item of every portal equals its ground truth."""

import csv
import json
import subprocess
import sys
from collections import defaultdict

import pytest

from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    generate_world(root, seed=2024, n_governments=0)  # government portals: tests/e2e/test_inspection_samples.py
    with SampleServer(root) as server:
        yield root, server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def audited(request, world, tmp_path_factory):
    """One whole audit per store backend: SQLite file (the default) and PostgreSQL."""
    root, server = world
    work = tmp_path_factory.mktemp("audit")
    sites = work / "sites.csv"
    server.write_sites_csv(sites)
    out = work / "out"
    db = str(work / "xxgk.sqlite") if request.param == "sqlite" else request.getfixturevalue("pg_server")
    res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(out),
                          "--db", db, "--quiet"],
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    return root, server, out, res


def _manifests(root, server):
    world = json.loads((root / "world.json").read_text(encoding="utf-8"))
    by_url = {}
    for portal in world["portals"]:
        manifest = json.loads((root / portal["manifest"]).read_text(encoding="utf-8"))
        by_url[server.urls[portal["slug"]]] = manifest
    return by_url


def _read(path):
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_every_item_status_equals_ground_truth(audited):
    root, server, out, _res = audited
    manifests = _manifests(root, server)
    findings = _read(out / "findings.csv")
    got = defaultdict(dict)
    for row in findings:
        got[row["site_url"]][row["item_id"]] = row
    assert set(got) == set(manifests), "every portal audited"
    wrong = []
    for url, manifest in manifests.items():
        assert set(got[url]) == {str(i) for i in range(1, 51)}
        for item_id, truth in manifest["checklist"].items():
            row = got[url][item_id]
            if row["status"] != truth["status"]:
                wrong.append(f"{manifest['slug']} item {item_id}: expected {truth['status']} ({truth.get('defect')}, "
                             f"{truth.get('columns')}), got {row['status']}: {row['matched']} {row['message']}")
    assert not wrong, f"{len(wrong)} findings differ from ground truth:\n" + "\n".join(wrong)


def test_passing_findings_carry_evidence_urls_on_the_site(audited):
    root, server, out, _res = audited
    for row in _read(out / "findings.csv"):
        if row["status"] == "pass":
            urls = row["evidence_urls"].split()
            assert urls and all(u.startswith(row["site_url"]) for u in urls), row


def test_report_files_are_written(audited):
    _root, server, out, res = audited
    assert "report written to" in res.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "信息公开评估排名" in index
    assert len(list((out / "sites").glob("*.html"))) == len(server.urls)
    columns = _read(out / "columns.csv")
    items = _read(out / "items.csv")
    assert columns and items
    assert {"path", "name", "url", "item_count", "newest_date"} <= set(columns[0])
    assert {"title", "url", "published", "column_path"} <= set(items[0])

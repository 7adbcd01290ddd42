"""The government sample portals audited with the annual-report rubric equal their ground truth.

One `xxgk audit --rubric gov-disclosure-annual-report --as-of <world as_of>` of the government portals
(and one listed portal that is down) in a subprocess, then every (site, item) of `findings.csv` is
compared with the manifest's `annual_report.expected`, computed by the sample generator from the
builder's truth of the reports it published (HTML pages, PDF/DOCX attachments, a scan; on time and
late; sum errors, a missing section, the old format; a missing latest report; a gap year).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer

pytestmark = pytest.mark.e2e

RUBRIC = "gov-disclosure-annual-report"
ITEMS = {"P1", "P2", "C1", "C2", "R1", "R2", "R3", "R4", "R5"}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("arworld")
    world = json.loads(generate_world(root, seed=2024, n_universities=0, include_down=True)
                       .read_text(encoding="utf-8"))
    work = tmp_path_factory.mktemp("araudit")
    out = work / "out"
    with SampleServer(root) as server:
        sites = work / "sites.csv"
        server.write_sites_csv(sites)
        res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--rubric", RUBRIC,
                              "--out", str(out), "--db", str(work / "xxgk.sqlite"), "--as-of", world["as_of"],
                              "--quiet"], capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, res.stderr[-3000:]
        manifests = {server.urls[p["slug"]]: json.loads((root / p["manifest"]).read_text(encoding="utf-8"))
                     for p in world["portals"] if p["kind"] == "government"}
    findings: dict[str, dict[str, dict[str, str]]] = {}
    for row in _read(out / "findings.csv"):
        findings.setdefault(row["site_url"], {})[row["item_id"]] = row
    details = {(f["site_url"], f["item_id"]): f["details"].get("annual_report", {})
               for f in json.loads((out / "report.json").read_text(encoding="utf-8"))["findings"]}
    return {"manifests": manifests, "findings": findings, "details": details}


def _due_report(man: dict[str, Any]) -> dict[str, Any] | None:
    ar = man["annual_report"]
    return next((r for r in ar["reports"] if r["own"] and r["year"] == ar["due_year"]), None)


def test_world_covers_the_cases(audited: dict[str, Any]) -> None:
    """The truth itself spans what the rubric can say, so the comparison below means something."""
    mans = list(audited["manifests"].values())
    statuses = {(i, e["status"]) for m in mans for i, e in m["annual_report"]["expected"].items()}
    for item in ITEMS:
        assert (item, "pass") in statuses and (item, "fail") in statuses, item
    assert {("P2", "needs_review"), ("R5", "not_checked")} <= statuses
    reports = [r for m in mans for r in m["annual_report"]["reports"]]
    assert {r["format"] for r in reports} >= {"html", "pdf", "docx", "scan"}
    assert sum(r["published_as"] == "page" for r in reports) > len(reports) / 2  # HTML pages are the common case
    assert any(not r["own"] for r in reports)  # another body's report in a 年报 column
    assert sum(_due_report(m) is None and not m["down"] for m in mans) >= 1  # no report for the due year


def test_every_government_portal_and_item_scored(audited: dict[str, Any]) -> None:
    assert set(audited["findings"]) == set(audited["manifests"])
    for url, rows in audited["findings"].items():
        assert set(rows) == ITEMS == set(audited["manifests"][url]["annual_report"]["expected"]), url


def test_every_status_equals_ground_truth(audited: dict[str, Any]) -> None:
    wrong = []
    for url, man in audited["manifests"].items():
        for item, truth in man["annual_report"]["expected"].items():
            row = audited["findings"][url][item]
            if row["status"] != truth["status"]:
                wrong.append(f"{man['slug']} {item}: expected {truth['status']} ({truth['why']}), "
                             f"got {row['status']}: {row['message']}")
    assert not wrong, f"{len(wrong)} findings differ from ground truth:\n" + "\n".join(wrong)


def test_findings_carry_the_report_as_evidence(audited: dict[str, Any]) -> None:
    """Fail and needs_review findings link the report (page and file), or the 年报 column it is missing from."""
    wrong = []
    for url, man in audited["manifests"].items():
        if man["down"]:
            continue
        rep = _due_report(man)
        if rep is None:
            want = {urljoin(url, man["annual_report"]["column_url"])}
        else:
            want = {urljoin(url, u) for u in (rep["url"], rep["attachment_url"]) if u}
        for item, row in audited["findings"][url].items():
            if row["status"] in ("fail", "needs_review") and not want <= set(row["evidence_urls"].split()):
                wrong.append(f"{man['slug']} {item} {row['status']}: evidence {row['evidence_urls']!r}, want {want}")
    assert not wrong, "\n".join(wrong)


def test_sum_failures_name_the_cells_of_the_truth(audited: dict[str, Any]) -> None:
    """Every injected sum error is reported at its table, row and column, and nothing else is."""
    checked = 0
    for url, man in audited["manifests"].items():
        rep = _due_report(man)
        if rep is None or not rep["readable"]:
            continue
        for rule in ("R1", "R2", "R3", "R4", "R5"):
            results = audited["details"][(url, rule)].get("results", [])
            got = sorted((r["column"], r.get("row") if rule in ("R2", "R4") else None)
                         for r in results if r["rule"] == rule and r["status"] == "fail")
            want = sorted((f["column"], f.get("row") if rule in ("R2", "R4") else None)
                          for f in rep["sum_failures"] if f["rule"] == rule)
            if man["annual_report"]["expected"][rule]["status"] == "not_checked":
                want = []
            assert got == want, (man["slug"], rule, got, want)
            checked += len(want)
    assert checked >= 5


def test_report_found_is_the_due_years_own(audited: dict[str, Any]) -> None:
    for url, man in audited["manifests"].items():
        if man["down"]:
            continue
        d = audited["details"][(url, "P1")]
        rep = _due_report(man)
        assert d["year"] == man["annual_report"]["due_year"], man["slug"]
        own_years = sorted(r["year"] for r in man["annual_report"]["reports"] if r["own"])
        assert d["years_found"] == own_years, man["slug"]
        assert (d.get("report") or {}).get("url") == (urljoin(url, rep["url"]) if rep else None), man["slug"]
        others = {o["title"] for o in d["other_units"]}
        assert others == {r["title"] for r in man["annual_report"]["reports"] if not r["own"]}, man["slug"]

"""The government sample portals scored with the inspection and monthly rubrics equal their ground truth.

One crawl of the government portals (plus one listed portal that is down) via `xxgk audit` in a
subprocess (Scrapy's reactor runs once per process), then re-scored in-process with the audit date
set to the world's `as_of` (Run.config["as_of"]), and compared with each manifest's `inspection` facts
and `units`: veto decisions, the counts behind them, and capped deductions.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scoring.engine import score_run
from scoring.rubric import Rubric, find_rubric, load_rubric
from xxgk.samples import generate_world
from xxgk.samples.server import SampleServer
from xxgk.store import Crawl, Finding, Run, Score, Site, session_factory

pytestmark = pytest.mark.e2e

INSPECTION = "gov-website-inspection-2019"
MONTHLY = "gov-monthly-publication"
VETO_ITEMS = {"V2": "站点无法访问", "V3": "首页不更新", "V4": "栏目不更新", "V5": "互动回应差", "V6": "服务不实用"}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("govworld")
    world = json.loads(generate_world(root, seed=2024, include_down=True).read_text(encoding="utf-8"))
    work = tmp_path_factory.mktemp("govaudit")
    db = work / "xxgk.sqlite"
    with SampleServer(root) as server:
        all_sites = work / "all.csv"
        server.write_sites_csv(all_sites)
        with open(all_sites, encoding="utf-8-sig") as fh:
            rows = [r for r in csv.DictReader(fh) if r["kind"] == "government"]
        sites = work / "sites.csv"
        with open(sites, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["name", "url", "kind"])
            writer.writeheader()
            writer.writerows(rows)
        res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--rubric", INSPECTION,
                              "--out", str(work / "out"), "--db", str(db), "--quiet"],
                             capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, res.stderr[-3000:]
        manifests = {}
        for portal in world["portals"]:
            if portal["kind"] == "government":
                man = json.loads((root / portal["manifest"]).read_text(encoding="utf-8"))
                url = server.urls.get(portal["slug"]) or next(r["url"] for r in rows if r["name"] == portal["name"])
                manifests[url] = man
    session = session_factory(f"sqlite:///{db}")()
    run = session.scalars(select(Run)).one()
    run.config = {**(run.config or {}), "as_of": world["as_of"]}
    session.flush()
    rubrics = {rid: load_rubric(find_rubric(rid)) for rid in (INSPECTION, MONTHLY)}
    for rubric in rubrics.values():
        score_run(session, run.id, rubric)
    session.commit()
    return {"session": session, "run": run, "manifests": manifests, "rubrics": rubrics}


def _findings(s: dict[str, Any], url: str, rid: str) -> dict[str, Finding]:
    site = s["session"].scalar(select(Site).where(Site.url == url))
    rows = s["session"].scalars(select(Finding).where(Finding.site_id == site.id, Finding.rubric_id == rid,
                                                      Finding.run_id == s["run"].id))
    return {f.item_id: f for f in rows}


def _total(s: dict[str, Any], url: str, rid: str) -> Score:
    site = s["session"].scalar(select(Site).where(Site.url == url))
    return s["session"].scalar(select(Score).where(Score.site_id == site.id, Score.rubric_id == rid,
                                                   Score.run_id == s["run"].id, Score.section_id == "total"))


def _expected_veto(man: dict[str, Any]) -> set[str]:
    if man.get("down"):
        return {"站点无法访问"}
    return {v.split("：")[0] for v in man["inspection"]["veto"]}


def _check_details(f: Finding, kind: str) -> dict[str, Any]:
    return f.details[kind]


def test_every_government_portal_was_crawled(scored: dict[str, Any]) -> None:
    session = scored["session"]
    crawls = session.scalars(select(Crawl).where(Crawl.run_id == scored["run"].id)).all()
    assert len(crawls) == len(scored["manifests"]) >= 7


def test_veto_decisions_equal_ground_truth(scored: dict[str, Any]) -> None:
    wrong = []
    for url, man in scored["manifests"].items():
        f = _findings(scored, url, INSPECTION)
        got = {name for item, name in VETO_ITEMS.items() if f[item].status == "fail"}
        want = _expected_veto(man)
        total = _total(scored, url, INSPECTION)
        if got != want or bool(total.veto) != bool(want):
            detail = {i: (f[i].status, f[i].message) for i in VETO_ITEMS}
            wrong.append(f"{man['slug']}: expected veto {sorted(want)}, got {sorted(got)} {detail}")
    assert not wrong, "\n".join(wrong)


def test_counts_behind_the_column_veto(scored: dict[str, Any]) -> None:
    wrong = []
    for url, man in scored["manifests"].items():
        if man.get("down"):
            continue
        facts = man["inspection"]
        v4 = _findings(scored, url, INSPECTION)["V4"]
        got = {"dynamic_notice_stale_total": v4.details["column_freshness"]["count"],
               "long_unupdated": v4.details["column_freshness#2"]["count"],
               "blank_columns": v4.details["blank_columns"]["count"]}
        want = {k: facts[k] for k in got}
        if got != want:
            wrong.append(f"{man['slug']}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_home_interaction_service(scored: dict[str, Any]) -> None:
    wrong = []
    for url, man in scored["manifests"].items():
        if man.get("down"):
            continue
        facts = man["inspection"]
        f = _findings(scored, url, INSPECTION)
        got = (f["V3"].status == "pass", f["V5"].status != "fail", f["V6"].status != "fail")
        want = (facts["home_updated_within_14d"], facts["has_interaction"], facts["has_service"])
        if got != want:
            wrong.append(f"{man['slug']}: expected {want}, got {got} ({f['V3'].message})")
    assert not wrong, "\n".join(wrong)


def _applied(f: Finding, cap: float) -> float:
    """The capped deduction: from the engine, or (after a veto) from the check's own deduction."""
    if "deduction" in f.details:
        return f.details["deduction"]["applied"]
    raw = f.details["skipped_after_veto"]["deduct"]
    return min(cap, raw)


def test_capped_deductions_equal_ground_truth(scored: dict[str, Any]) -> None:
    rubric: Rubric = scored["rubrics"][INSPECTION]
    caps = {i: rubric.item(i).max_points for i in ("D1", "D2", "D3", "D4")}
    wrong = []
    for url, man in scored["manifests"].items():
        if man.get("down"):
            continue
        facts = man["inspection"]
        f = _findings(scored, url, INSPECTION)
        want = {"D1": min(caps["D1"], facts["broken_links"] + facts["empty_links"]),
                "D2": min(caps["D2"], 5 * facts["dynamic_notice_stale_total"]),
                "D3": min(caps["D3"], 2 * facts["blank_columns"]),
                "D4": min(caps["D4"], 1 * facts["long_unupdated"])}
        got = {i: _applied(f[i], caps[i]) for i in want}
        if got != want:
            wrong.append(f"{man['slug']}: expected {want}, got {got} "
                         f"(links {f['D1'].details.get('link_health', {}).get('counts')})")
        d7 = f["D7"]
        found = d7.details.get("search_function", {}).get("found")
        query_path = (man["search"].get("query_url_template") or "").split("?")[0]
        if facts["has_search"] and any(query_path.startswith(p) for p in man.get("robots_disallow", [])):
            # robots.txt forbids the results page: the search cannot be verified, never judged missing
            if found is not None or d7.status == "fail":
                wrong.append(f"{man['slug']}: search behind robots.txt judged {found} / {d7.status}")
        elif (found is True) != facts["has_search"]:
            wrong.append(f"{man['slug']}: search expected {facts['has_search']}, got {d7.status} {d7.message}")
    assert not wrong, "\n".join(wrong)


def test_down_portal_is_vetoed_and_nothing_else_judged(scored: dict[str, Any]) -> None:
    down = [u for u, m in scored["manifests"].items() if m.get("down")]
    assert len(down) == 1
    f = _findings(scored, down[0], INSPECTION)
    assert f["V2"].status == "fail"
    assert all(f[i].status == "not_checked" for i in ("V3", "V4", "D1", "D2", "D3", "D4", "D7", "D8"))
    assert _total(scored, down[0], INSPECTION).veto.startswith("站点无法访问")


def _truth_name(unit: str, truth: dict[str, Any]) -> str:
    return next((t for t in truth if t == unit or t.endswith(unit)), unit)


def test_monthly_table_equals_units(scored: dict[str, Any]) -> None:
    wrong = []
    for url, man in scored["manifests"].items():
        if man.get("down"):
            continue
        quota = man["unit_quota"]
        f = _findings(scored, url, MONTHLY)
        truth = {u["name"]: u["monthly"] for u in man["units"]}
        # a unit is named by its items' 发布机构 (白石县发改局) or, without one, by its column (发改局)
        table = {_truth_name(r["unit"], truth): r for r in f["1"].details["monthly_volume"]["units"]}
        if set(table) != set(truth):
            wrong.append(f"{man['slug']}: units {sorted(table)} != {sorted(truth)}")
            continue
        for unit, monthly in truth.items():
            counts = {m: n for m, n in table[unit]["counts"].items() if m in monthly}
            if counts != monthly:
                wrong.append(f"{man['slug']} {unit}: counts {counts} != {monthly}")
        last = max(next(iter(truth.values())))
        blank = sorted(u for u, m in truth.items() if m[last] == 0)
        below = sorted(u for u, m in truth.items() if m[last] < quota)
        details = f["1"].details["monthly_volume"]
        got_blank = sorted(_truth_name(u, truth) for u in details["blank_units"])
        got_below = sorted(_truth_name(u, truth) for u in details["below_quota_units"])
        if got_blank != blank or got_below != below:
            wrong.append(f"{man['slug']}: blank {details['blank_units']} vs {blank}; "
                         f"below {details['below_quota_units']} vs {below}")
        n = len(truth)
        if (f["1"].credit, f["2"].credit) != (round((n - len(blank)) / n, 4), round((n - len(below)) / n, 4)):
            wrong.append(f"{man['slug']}: credits {(f['1'].credit, f['2'].credit)}")
    assert not wrong, "\n".join(wrong)


def test_rescoring_the_same_crawl_is_identical(scored: dict[str, Any]) -> None:
    session, run = scored["session"], scored["run"]

    def snap() -> list[tuple]:
        rows = session.scalars(select(Finding).where(Finding.run_id == run.id)
                               .order_by(Finding.site_id, Finding.rubric_id, Finding.item_id)).all()
        return [(r.site_id, r.rubric_id, r.item_id, r.status, r.points, r.message, r.details) for r in rows]

    before = snap()
    for rubric in scored["rubrics"].values():
        score_run(session, run.id, rubric)
    session.commit()
    assert snap() == before


def test_bundled_sample_manifests_match_rubric_thresholds(scored: dict[str, Any]) -> None:
    """The rubric's thresholds are the ones the ground truth was computed with."""
    rubric: Rubric = scored["rubrics"][INSPECTION]
    v4 = rubric.item("V4").checks
    days = {t["type"]: t["max_age_days"] for t in v4[0].params["types"] + v4[1].params["types"]}
    man = next(iter(scored["manifests"].values()))
    thr = man["inspection"]["thresholds_days"]
    assert (days["dynamic"], days["notice_policy"], days["long_unupdated"]) == (thr["dynamic"], thr["notice_policy"],
                                                                              thr["long"])
    assert [c.params.get("threshold") for c in v4] == [5, 10, 5]
    assert Path(find_rubric(MONTHLY)).exists()


def test_every_rate_on_the_rendered_pages_matches_findings_csv(scored: dict[str, Any], tmp_path: Path) -> None:
    """The government audit rendered for both rubrics: every total, section, category and item rate and
    count on the ranking page and the site pages recomputes from findings.csv (needs_review, not_checked
    and not_applicable outside every denominator), and the pages use the rubric kind's own words."""
    from reports.render import render_report
    from tests.reports.ratecheck import check_rates

    for rid in (INSPECTION, MONTHLY):
        out = tmp_path / rid
        render_report(scored["session"], scored["run"].id, rid, out, formats="html,csv")
        assert check_rates(out) > 20
        html = (out / "index.html").read_text(encoding="utf-8")
        assert "未公开" not in html
        for page in (out / "sites").glob("site-*.html"):
            assert ">公开<" not in page.read_text(encoding="utf-8") and "未公开" not in page.read_text(encoding="utf-8")

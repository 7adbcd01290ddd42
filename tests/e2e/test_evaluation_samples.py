"""`xxgk evaluate` over an audit of the sample universities, against truth made without the scorer.

One crawl (`xxgk audit` with the checklist, as of the world's date), then the bundled three-part
evaluation (rubrics/evaluations/university-21c.yaml; the annual-report rubric is scored on the way)
and the same evaluation with a one-click limit. Truth:

- 清单完成: the manifest's checklist verdicts weighted by the rubric's item weights;
- 年报发布规范性: the manifest's 年报 column holds the due 学年's report (P2) dated by 10月31日 (P1);
- 年报内容完备性: the sample reports have generic bodies, so C1 (eight parts) and C2 (清单 table) are never
  met; the part equals the stored findings recomputed with unjudged items out of the denominator;
- usability: no sample university has a search box, a restricted or a broken column; columns more than
  one click from the home page are counted by a breadth-first walk over the served HTML.
"""

from __future__ import annotations

import collections
import csv
import html
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scoring.rubric import find_rubric, load_rubric, rubrics_dir
from xxgk.samples import generate_world
from xxgk.samples.linkscan import INDEX, _join
from xxgk.samples.server import SampleServer

pytestmark = pytest.mark.e2e

EVALUATION = rubrics_dir() / "evaluations" / "university-21c.yaml"
REPORT_ITEM = "6"  # 信息公开工作年度报告 in the checklist and the manifests


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    root = tmp_path_factory.mktemp("uworld")
    world = json.loads(generate_world(root, seed=2024, n_governments=0).read_text(encoding="utf-8"))
    work = tmp_path_factory.mktemp("ueval")
    db = work / "xxgk.sqlite"
    one_click = work / "one-click.yaml"
    one_click.write_text(EVALUATION.read_text(encoding="utf-8").replace("max_clicks: 3", "max_clicks: 1"),
                         encoding="utf-8")
    with SampleServer(root) as server:
        sites = work / "sites.csv"
        server.write_sites_csv(sites)
        res = subprocess.run([sys.executable, "-m", "xxgk", "audit", str(sites), "--out", str(work / "audit"),
                              "--db", str(db), "--quiet", "--as-of", world["as_of"], "--formats", "html,csv"],
                             capture_output=True, text=True, timeout=900)
        assert res.returncode == 0, res.stderr[-3000:]
        run = re.search(r"^run (\d+):", res.stdout, re.M).group(1)
        outs = {}
        for name, file in (("bundled", EVALUATION), ("one-click", one_click)):
            res = subprocess.run([sys.executable, "-m", "xxgk", "evaluate", run, "--file", str(file), "--db",
                                  str(db), "--out", str(work / name)], capture_output=True, text=True, timeout=600)
            assert res.returncode == 0, res.stderr[-3000:]
            outs[name] = (work / name, res.stdout)
        manifests = {server.urls[p["slug"]]: json.loads((root / p["manifest"]).read_text(encoding="utf-8"))
                     for p in world["portals"]}
        roots = {server.urls[p["slug"]]: root / p["slug"] for p in world["portals"]}
    return {"world": world, "manifests": manifests, "roots": roots, "outs": outs, "db": db, "run": int(run)}


def _csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8-sig") as fh:
        return {r["site_url"]: r for r in csv.DictReader(fh)}


def _checklist_truth(manifest: dict) -> float:
    rubric = load_rubric(find_rubric("moe-university-checklist-2014"))
    weights = {str(i.id): i.max_points for s in rubric.sections for i in s.items}
    earned = sum(w for item, w in weights.items() if manifest["checklist"][item]["status"] == "pass")
    return round(earned / sum(weights.values()) * 100, 2)


def _publish_truth(manifest: dict, as_of: str) -> float:
    year = int(as_of[:4])
    columns = set(manifest["checklist"][REPORT_ITEM]["columns"])
    due = [it for c in manifest["columns"] if c.get("url") in columns for it in c["items"]
           if str(year - 1) in it["title"] and str(year) in it["title"]]
    on_time = any(it["date"] <= f"{year}-10-31" for it in due)
    return round((20 * on_time + 20 * bool(due)) / 40 * 100, 2)


def test_part_scores_equal_truth_and_the_total_is_their_mean(evaluated):
    out, stdout = evaluated["outs"]["bundled"]
    assert "scored with moe-university-annual-report" in stdout  # the second rubric, from the stored crawl
    rows = _csv(out / "evaluation.csv")
    assert set(rows) == set(evaluated["manifests"])
    wrong = []
    for url, manifest in evaluated["manifests"].items():
        r = rows[url]
        want = {"part_checklist": _checklist_truth(manifest),
                "part_report_publish": _publish_truth(manifest, evaluated["world"]["as_of"])}
        for col, value in want.items():
            if r[f"{col}_state"] != "scored" or float(r[col]) != value:
                wrong.append(f"{manifest['slug']} {col}: expected {value}, got {r[col]} ({r[f'{col}_state']})")
        parts = [float(r[c]) for c in ("part_checklist", "part_report_content", "part_report_publish")]
        assert float(r["total"]) == pytest.approx(sum(parts) / 3, abs=0.01)
        assert r["verdict"] == ("及格" if float(r["total"]) >= 60 else "不及格")
    assert not wrong, "\n".join(wrong)
    totals = sorted((float(r["total"]) for r in rows.values()), reverse=True)
    ranked = sorted(rows.values(), key=lambda r: int(r["rank"]))
    assert [float(r["total"]) for r in ranked] == totals


def test_content_part_never_credits_the_missing_parts_and_matches_the_stored_findings(evaluated):
    out, _ = evaluated["outs"]["bundled"]
    rows = _csv(out / "evaluation.csv")
    con = sqlite3.connect(evaluated["db"])
    found = con.execute("select s.url, f.item_id, f.status, f.points, f.max_points from findings f "
                        "join sites s on s.id = f.site_id where f.run_id = ? and f.rubric_id = ? "
                        "and f.section_id = 'content'", (evaluated["run"], "moe-university-annual-report")).fetchall()
    by_site = collections.defaultdict(list)
    for url, item, status, points, max_points in found:
        by_site[url].append((item, status, points, max_points))
        if item in ("C1", "C2"):
            assert status in ("fail", "needs_review"), (url, item, status)  # the bodies have neither
    crawl_url = dict(con.execute("select s.url, c.start_url from sites s join crawls c on c.site_id = s.id "
                                 "where c.run_id = ?", (evaluated["run"],)).fetchall())
    for url, items in by_site.items():
        judged = [(p, m) for _i, st, p, m in items if st in ("pass", "partial", "fail")]
        want = round(sum(p for p, _ in judged) / sum(m for _, m in judged) * 100, 2)
        assert float(rows[crawl_url[url]]["part_report_content"]) == want


def test_summary_tops_and_lowest_items(evaluated):
    out, _ = evaluated["outs"]["bundled"]
    doc = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    rows = _csv(out / "evaluation.csv")
    totals = [float(r["total"]) for r in rows.values()]
    assert doc["summary"]["average"] == pytest.approx(sum(totals) / len(totals), abs=0.01)
    assert doc["summary"]["passed"] == sum(t >= 60 for t in totals)
    best = max(_checklist_truth(m) for m in evaluated["manifests"].values())
    assert {t["site_name"] for t in doc["top"]["checklist"] if t["rank"] == 1} == {
        m["name"] for m in evaluated["manifests"].values() if _checklist_truth(m) == best}
    # the weakest checklist item is the one the fewest portals publish, by the manifests
    lows = doc["lowest_items"]["checklist"]
    first = lows[0]["item_id"]
    passes = {i: sum(m["checklist"][i]["status"] == "pass" for m in evaluated["manifests"].values())
              for i in map(str, range(1, 51))}
    assert passes[first] == min(passes.values())
    assert lows[0]["rate"] == round(passes[first] / len(evaluated["manifests"]) * 100, 2)


def _clicks(web_root: Path) -> tuple[dict[str, int], object]:
    """Fewest clicks from the home page to every served page: a breadth-first walk over <a href>s."""
    files = {"/" + p.relative_to(web_root).as_posix() for p in web_root.rglob("*") if p.is_file()}
    strip = re.compile(r"<script\b.*?</script>|<!--.*?-->", re.S | re.I)
    href_re = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)

    def canon(path: str) -> str | None:
        if path in files:
            return path
        folder = path if path.endswith("/") else path + "/"
        return next((folder + n for n in INDEX if folder + n in files), None)

    start = canon("/")
    dist = {start: 0}
    queue = collections.deque([start])
    while queue:
        page = queue.popleft()
        if not page.endswith((".htm", ".html")):
            continue
        text = strip.sub("", (web_root / page.lstrip("/")).read_text(encoding="utf-8", errors="replace"))
        for m in href_re.finditer(text):
            href = html.unescape(next(g for g in m.groups() if g is not None)).strip()
            if not href or href[0] == "#" or href.lower().startswith(("javascript:", "mailto:", "http")):
                continue
            target = canon(urlsplit(_join(page.rsplit("/", 1)[0] + "/", href)).path)
            if target and target not in dist:
                dist[target] = dist[page] + 1
                queue.append(target)
    return dist, canon


def test_usability_defects_equal_the_served_portals(evaluated):
    for name, limit in (("bundled", 3), ("one-click", 1)):
        out, _ = evaluated["outs"][name]
        rows = _csv(out / "evaluation.csv")
        doc = {r["site_url"]: r["usability"] for r in json.loads(
            (out / "evaluation.json").read_text(encoding="utf-8"))["ranking"]}
        for url, manifest in evaluated["manifests"].items():
            r = rows[url]
            assert int(r["usability_search"]) == (0 if manifest["search"]["present"] else 1), manifest["slug"]
            assert int(r["usability_restricted"]) == len(manifest["restricted"]) == 0
            assert int(r["usability_broken_columns"]) == len(manifest["links"]["broken"]) == 0
            dist, canon = _clicks(evaluated["roots"][url])
            deep = {canon(c["url"]) for c in manifest["columns"] if c.get("url") and not c.get("offsite")
                    and dist.get(canon(c["url"]), 0) > limit}
            assert int(r["usability_deep_columns"]) == len(deep), (manifest["slug"], limit)
            listed = {canon(urlsplit(d["url"]).path) for d in doc[url]["defects"]["deep_columns"]}
            assert listed <= deep, (manifest["slug"], listed - deep)  # never a column that is in fact near
        if limit == 1:
            assert sum(int(r["usability_deep_columns"]) for r in rows.values()) > 0  # the check can fire

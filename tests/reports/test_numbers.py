"""The 主要结论, the charts and the table are computed from the same findings: recompute from findings.csv."""

from __future__ import annotations

import csv
import re
from collections import defaultdict

from reports.narrative import band_counts
from tests.reports.ratecheck import check_rates

UNSCORED = {"not_checked", "not_applicable", "needs_review"}  # scoring.rates: out of every denominator


def _read(path):
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _recompute(out):
    pts, elig = defaultdict(float), defaultdict(float)
    items_p, items_e = defaultdict(float), defaultdict(float)
    cat_p, cat_e = defaultdict(float), defaultdict(float)
    for row in _read(out / "findings.csv"):
        if row["status"] in UNSCORED:
            continue
        p, m = float(row["points"]), float(row["max_points"])
        pts[row["site_id"]] += p
        elig[row["site_id"]] += m
        items_p[row["item_id"]] += p
        items_e[row["item_id"]] += m
        cat_p[row["section_name"]] += p
        cat_e[row["section_name"]] += m
    totals = {s: round(pts[s] / elig[s] * 100, 2) for s in pts if elig[s]}
    items = {i: round(items_p[i] / items_e[i] * 100, 2) for i in items_p if items_e[i]}
    cats = {c: round(cat_p[c] / cat_e[c] * 100, 2) for c in cat_p if cat_e[c]}
    return totals, items, cats


def test_conclusions_and_charts_match_findings_csv(rendered):
    store, out, _result = rendered
    totals, items, cats = _recompute(out)
    scores = {r["site_id"]: r for r in _read(out / "scores.csv") if r["section_id"] == "total"}
    for site_id, total in totals.items():  # the table's totals are the findings' totals
        assert abs(float(scores[site_id]["percent"]) - total) < 0.01
    html = (out / "index.html").read_text(encoding="utf-8")
    conclusions = re.search(r'<ol class="conclusions".*?</ol>', html, re.S).group(0)
    values = list(totals.values())
    avg = sum(values) / len(values)
    assert f"平均分{avg:.2f}分" in conclusions
    assert f"最高分{max(values):.2f}分" in conclusions and f"最低分{min(values):.2f}分" in conclusions
    vetoed = {str(r["site_id"]) for r in _read(out / "scores.csv") if r["section_id"] == "total" and r["veto"]}
    passed = sum(1 for s, t in totals.items() if t >= 60 and s not in vetoed)
    assert f"{passed}个网站达到及格线（60分）" in conclusions
    assert f"{len(vetoed)}个网站因触发单项否决" in conclusions
    for label, n in band_counts(values).items():
        if n:
            assert f"{label}的{n}个" in conclusions
    # weakest items and category, in order, with their 得分率
    worst = sorted(items.items(), key=lambda kv: kv[1])[:3]
    for _item_id, rate in worst:
        assert f"（{rate:.2f}%）" in conclusions
    low_cat = min(cats.items(), key=lambda kv: kv[1])
    assert f"{low_cat[0]}\u2069”（{low_cat[1]:.2f}%）" in conclusions
    # the distribution chart: one bar per 10-point band with the recomputed count
    for lo in range(0, 100, 10):
        n = sum(1 for t in values if lo <= t < lo + 10 or (lo == 90 and t == 100))
        assert f"<title>{lo}–{lo + 10}: {n}</title>" in html
    for name, rate in cats.items():  # the category chart
        assert f"<title>{name}: {rate:.2f}%</title>" in html


def test_change_since_previous_run(rendered):
    store, out, result = rendered
    assert result.baseline_run == store.runs[0]
    html = (out / "index.html").read_text(encoding="utf-8")
    assert f"对比基准：运行 #{store.runs[0]}" in html
    row = re.search(rf'<tr>\s*<td class="num" data-v="(\d+)">\d+</td>\s*<td class="num" data-v="(-?\d+)">[^<]*</td>\s*'
                    rf'<td class="site"[^>]*><a href="sites/site-{store.improved_site}.html"', html)
    assert row and int(row.group(2)) > 0  # the improved site moved up
    assert "进步最大的是" in html


def test_every_rate_on_the_pages_matches_findings_csv(rendered):
    """Totals, section and category rates, item rates and their site counts, on the ranking page and
    every site page, recomputed from findings.csv with needs_review left out of the denominators."""
    _store, out, _result = rendered
    statuses = {r["status"] for r in _read(out / "findings.csv")}
    assert {"needs_review", "fail", "pass"} <= statuses  # the rule is exercised, not vacuous
    assert check_rates(out) > 50

"""HTML: the ranking page (index.html), one page per site, and the archived evidence they link to."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from reports.charts import bar_chart, hbar_chart
from reports.context import Report
from reports.formats.base import Format
from reports.ranking import Ranking, records
from reports.site import by_site, site_context
from reports.snapshots import build_evidence
from reports.templating import environment
from reports.trends import CHANGE_KINDS, sparkline


def site_page_name(site_id: int) -> str:
    return f"sites/site-{site_id}.html"


def weakest_items(ranking: Ranking, limit: int = 15) -> pd.DataFrame:
    """The items with the lowest 得分率 (below 100%), rubric order breaking ties."""
    items = ranking.items.dropna(subset=["rate"])
    items = items[items.rate < 100]
    return items.sort_values("rate", kind="mergesort").head(limit)


def ranking_page(env: Environment, report: Report) -> str:
    """The ranking page HTML."""
    ranking = report.ranking
    cats = ranking.categories if ranking.categories is not None else pd.DataFrame(columns=["section_name", "rate"])
    return env.get_template("ranking.html.j2").render(
        **report.page_globals(), ranking=ranking, rows=records(ranking.table), narrative=report.narrative,
        baseline=report.baseline, chart=bar_chart(ranking.distribution, title="总分分布"),
        category_chart=hbar_chart([(r["section_name"], r["rate"]) for r in records(cats)], title="各类别平均得分率"),
        categories=records(cats), site_page=site_page_name, weakest=records(weakest_items(ranking)),
        bulletin="bulletin" in report.formats, change_counts=report.trends.counts(), change_kinds=CHANGE_KINDS,
        spark={s: Markup(sparkline(points)) for s, points in report.trends.totals.items()})


def history_context(report: Report, site_id: int) -> dict:
    """A site page's history: its total per run, each item's statuses per run, changes since the baseline."""
    trends = report.trends
    points = trends.totals.get(site_id, [])
    items = {item: statuses for (sid, item), statuses in trends.items.items() if sid == site_id}
    return {"trend": points, "trend_chart": Markup(sparkline(points, width=240, height=60)),
            "item_history": items if len(trends.runs) > 1 else {}, "changes": trends.changes.get(site_id, {}),
            "change_kinds": CHANGE_KINDS, "baseline": report.baseline}


def write(report: Report, out_dir: Path) -> list[Path]:
    """index.html, sites/site-N.html, and snapshots/ and screenshots/ for the evidence they cite."""
    data, env = report.data, environment()
    (out_dir / "sites").mkdir(parents=True, exist_ok=True)
    evidence = build_evidence(data.pages, out_dir)
    index = out_dir / "index.html"
    index.write_text(ranking_page(env, report), encoding="utf-8")
    written = [index]
    index_by_site = by_site(data)
    rank_rows = {int(r["site_id"]): r for r in records(report.ranking.table)}
    template = env.get_template("site.html.j2")
    for site in data.sites.itertuples():
        page = out_dir / site_page_name(site.site_id)
        page.write_text(template.render(**report.page_globals(), **site_context(
            data, report.ranking, site, evidence, index_by_site, rank_rows),
            **history_context(report, int(site.site_id))), encoding="utf-8")
        written.append(page)
    return written


FORMAT = Format(name="html", description="ranking page and one page per site, with archived evidence",
                files=("index.html", "sites/site-N.html", "snapshots/", "screenshots/"), write=write)

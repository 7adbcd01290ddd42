"""HTML: the ranking page (index.html), one page per site, and the archived evidence they link to."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from reports.charts import bar_chart, hbar_chart
from reports.context import Report
from reports.evidence_pages import EvidencePages
from reports.finding_rows import BATCH_SITES
from reports.item_histories import ItemHistories
from reports.pagination import PAGE_SIZE, Group, Pager, group_rows, is_paginated, paginate
from reports.ranking import Ranking, records
from reports.ranking_rows import ranking_rows
from reports.site import by_site, site_context
from reports.site_pages import write_pages
from reports.site_rows import add_rows, fix_rows
from reports.templating import environment
from reports.trends import CHANGE_KINDS, sparkline


def site_page_name(site_id: int) -> str:
    return f"sites/site-{site_id}.html"


def weakest_items(ranking: Ranking, limit: int = 15) -> pd.DataFrame:
    """The items with the lowest 得分率 (below 100%), rubric order breaking ties."""
    items = ranking.items.dropna(subset=["rate"])
    items = items[items.rate < 100]
    return items.sort_values("rate", kind="mergesort").head(limit)


def ranking_page(env: Environment, report: Report, rows: list[dict] | None = None, pager: Pager | None = None,
                 groups: list[Group] | None = None) -> str:
    """The ranking page HTML: every ranked row, or with `pager` the first page's and the group table."""
    ranking = report.ranking
    cats = ranking.categories if ranking.categories is not None else pd.DataFrame(columns=["section_name", "rate"])
    rows = records(ranking.table) if rows is None else rows
    spark = {s: Markup(sparkline(points)) for s, points in report.trends.totals.items()}
    shown = pager.rows if pager else rows
    return env.get_template("ranking.html.j2").render(
        **report.page_globals(), ranking=ranking, rows=shown, pager=pager,
        row_html=ranking_rows(shown, ranking.sections, spark, site_page_name),
        pager_total=len(rows), groups=groups or [], narrative=report.narrative,
        baseline=report.baseline, chart=bar_chart(ranking.distribution, title="总分分布"),
        category_chart=hbar_chart([(r["section_name"], r["rate"]) for r in records(cats)], title="各类别平均得分率"),
        categories=records(cats), site_page=site_page_name, weakest=records(weakest_items(ranking)),
        bulletin="bulletin" in report.formats, change_counts=report.trends.counts(), change_kinds=CHANGE_KINDS,
        spark=spark)


def history_context(report: Report, site_id: int, item_history: dict[str, list]) -> dict:
    """A site page's history: its total per run, each item's statuses per run (`item_history`, from
    `reports.item_histories`), changes since the baseline."""
    trends = report.trends
    points = trends.totals.get(site_id, [])
    return {"trend": points, "trend_chart": Markup(sparkline(points, width=240, height=60)),
            "item_history": item_history if len(trends.runs) > 1 else {}, "changes": trends.changes.get(site_id, {}),
            "change_kinds": CHANGE_KINDS, "baseline": report.baseline}


def write_ranking(env: Environment, report: Report, out_dir: Path, page_size: int = PAGE_SIZE) -> list[Path]:
    """index.html; for a run of more than `page_size` sites also its later pages and one page set per group."""
    rows = records(report.ranking.table)
    index = out_dir / "index.html"
    if not is_paginated(len(rows), page_size):
        index.write_text(ranking_page(env, report, rows), encoding="utf-8")
        return [index]
    site_groups = dict(zip(report.data.sites.site_id.astype(int), report.data.sites["group"], strict=True))
    groups = group_rows(rows, site_groups)
    pages = paginate(rows, "index", page_size)
    index.write_text(ranking_page(env, report, rows, pages[0], groups), encoding="utf-8")
    written = [index]
    template = env.get_template("ranking_page.html.j2")
    common = {**report.page_globals(), "ranking": report.ranking, "site_page": site_page_name,
              "spark": {s: Markup(sparkline(p)) for s, p in report.trends.totals.items()}}
    sets = [("排名", None, pages[1:], len(rows))]
    sets += [(f"分组排名：{g.name}", g, paginate(g.rows, g.stem, page_size), len(g.rows)) for g in groups]
    for heading, group, pagers, total in sets:
        for pager in pagers:
            title = heading if pager.count == 1 else f"{heading}（第 {pager.number} 页）"
            path = out_dir / pager.file
            row_html = ranking_rows(pager.rows, report.ranking.sections, common["spark"], site_page_name)
            path.write_text(template.render(**common, heading=title, group=group, rows=pager.rows, row_html=row_html,
                                            pager=pager, pager_total=total), encoding="utf-8")
            written.append(path)
    return written


def write(report: Report, out_dir: Path) -> list[Path]:
    """index.html, sites/site-N.html, and snapshots/ and screenshots/ for the evidence they cite (placed by
    whichever process renders the citing batch of site pages)."""
    data, env = report.data, environment()
    (out_dir / "sites").mkdir(parents=True, exist_ok=True)
    evidence = data.evidence or EvidencePages([], set(), data.finding_reader.rows)
    evidence.place(out_dir)  # each batch of site pages places the archived copies it cites
    written = write_ranking(env, report, out_dir, PAGE_SIZE)
    index_by_site = by_site(data)
    rank_rows = {int(r["site_id"]): r for r in records(report.ranking.table)}
    template = env.get_template("site.html.j2")
    sites = list(data.sites.itertuples())
    histories = ItemHistories(report.trends.runs, report.baseline, data.rubric_id, [int(s.site_id) for s in sites],
                              report.trends.scored, data.finding_reader.rows)
    page_globals = report.page_globals()
    data.finding_reader.prepare_fork()
    if not data.finding_reader.reads_in_fork():
        evidence.place_all()
        histories.read_all()
    if "csv" in report.formats:  # the pages read every finding: they write findings.csv's rows as they go
        data.finding_reader.start_csv_parts()

    def render_site(i: int) -> Path:
        site = sites[i]
        page = out_dir / site_page_name(site.site_id)
        own = site_context(data, report.ranking, site, evidence.for_site(int(site.site_id)), index_by_site, rank_rows)
        history = history_context(report, int(site.site_id), histories.for_site(int(site.site_id)))
        add_rows(own["sections"], page_globals["STATUS_LABELS"], history["item_history"])
        fixes = fix_rows(own["fixes"], page_globals["STATUS_LABELS"])
        page.write_text(template.render(**page_globals, **own, **history, fix_rows=fixes), encoding="utf-8")
        return page

    return written + write_pages(render_site, len(sites), BATCH_SITES)

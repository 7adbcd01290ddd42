"""Numbers for the ranking page, computed from the findings and scores frames only."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from xxgk.store import NOT_APPLICABLE, NOT_CHECKED

PASS_MARK = 60.0
UNSCORED = (NOT_CHECKED, NOT_APPLICABLE)


@dataclass
class Ranking:
    """The ranked table plus the aggregates the ranking page shows."""

    table: pd.DataFrame  # rank, site_id, site_name, site_url, total, eligible, passed, <section percents>
    sections: list[tuple[str, str]]  # (section_id, section_name) in rubric order
    items: pd.DataFrame  # item_id, item_name, section_name, rate, fails, sites
    distribution: list[tuple[str, int]]  # (band label, site count)
    summary: dict


def _section_order(scores: pd.DataFrame, findings: pd.DataFrame) -> list[tuple[str, str]]:
    order: list[tuple[str, str]] = []
    source = findings if not findings.empty else scores
    for sid, name in zip(source.section_id, source.section_name, strict=True):
        if sid != "total" and (sid, name) not in order:
            order.append((sid, name))
    return order


def rank_sites(sites: pd.DataFrame, scores: pd.DataFrame, findings: pd.DataFrame,
               pass_mark: float = PASS_MARK) -> Ranking:
    """Rank sites by total score (percent of eligible points); ties share a rank."""
    sections = _section_order(scores, findings)
    totals = scores[scores.section_id == "total"].set_index("site_id")
    rows = []
    for site in sites.itertuples():
        total = totals.percent.get(site.site_id) if site.site_id in totals.index else None
        row = {"site_id": site.site_id, "site_name": site.site_name, "site_url": site.site_url,
               "crawl_status": site.crawl_status,
               "total": None if total is None or pd.isna(total) else round(float(total), 2),
               "points": float(totals.points.get(site.site_id, 0.0)) if site.site_id in totals.index else 0.0,
               "eligible": float(totals.eligible_points.get(site.site_id, 0.0)) if site.site_id in totals.index
               else 0.0,
               "max_points": float(totals.max_points.get(site.site_id, 0.0)) if site.site_id in totals.index
               else 0.0}
        site_scores = scores[(scores.site_id == site.site_id)].set_index("section_id")
        for sid, _name in sections:
            pct = site_scores.percent.get(sid) if sid in site_scores.index else None
            row[f"sec_{sid}"] = None if pct is None or pd.isna(pct) else round(float(pct), 2)
        counts = findings[findings.site_id == site.site_id].status.value_counts()
        row["not_checked"] = int(counts.get(NOT_CHECKED, 0))
        row["needs_review"] = int(counts.get("needs_review", 0))
        row["fails"] = int(counts.get("fail", 0))
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        table = pd.DataFrame(columns=["rank", "site_id", "site_name", "site_url", "total"])
    else:
        table["rank"] = table.total.rank(method="min", ascending=False).astype("Int64")
        table["passed"] = table.total.apply(lambda t: None if t is None or pd.isna(t) else bool(t >= pass_mark))
        table = table.sort_values(["total", "site_name"], ascending=[False, True], na_position="last",
                                  kind="mergesort").reset_index(drop=True)
    return Ranking(table=table, sections=sections, items=item_rates(findings),
                   distribution=distribution(table), summary=summarise(table, pass_mark))


def item_rates(findings: pd.DataFrame) -> pd.DataFrame:
    """得分率 per rubric item: points earned over eligible points, across all sites."""
    cols = ["item_id", "item_name", "section_name", "rate", "fails", "sites"]
    if findings.empty:
        return pd.DataFrame(columns=cols)
    eligible = findings[~findings.status.isin(UNSCORED)]
    rows = []
    for (item_id, item_name, section_name), grp in findings.groupby(
            ["item_id", "item_name", "section_name"], sort=False):
        elig = eligible[eligible.item_id == item_id]
        max_pts = elig.max_points.sum()
        rate = None if max_pts == 0 else round(float(elig.points.sum() / max_pts * 100), 2)
        rows.append({"item_id": item_id, "item_name": item_name, "section_name": section_name, "rate": rate,
                     "fails": int((grp.status == "fail").sum()), "sites": int(len(elig))})
    return pd.DataFrame(rows, columns=cols)


def distribution(table: pd.DataFrame) -> list[tuple[str, int]]:
    """Sites per 10-point band of the total score (the last band includes 100)."""
    bands = [(lo, lo + 10) for lo in range(0, 100, 10)]
    totals = [t for t in table.get("total", []) if t is not None and not pd.isna(t)]
    out = []
    for lo, hi in bands:
        n = sum(1 for t in totals if lo <= t < hi or (hi == 100 and t == 100))
        out.append((f"{lo}–{hi}", n))
    return out


def summarise(table: pd.DataFrame, pass_mark: float = PASS_MARK) -> dict:
    """Headline figures: how many sites were scored, average, range, passes."""
    totals = [t for t in table.get("total", []) if t is not None and not pd.isna(t)]
    return {
        "sites": int(len(table)),
        "scored": len(totals),
        "unscored": int(len(table)) - len(totals),
        "average": round(sum(totals) / len(totals), 2) if totals else None,
        "max": max(totals) if totals else None,
        "min": min(totals) if totals else None,
        "passed": sum(1 for t in totals if t >= pass_mark),
        "pass_mark": pass_mark,
    }
